#include <stddef.h>
#include <stdint.h>

// Defined by the libFuzzer runtime that `-sanitize=fuzzer` links (LLVM ≥ 11): runs libFuzzer on the
// command line with `callback` as the fuzz target.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
