#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT and SIGTERM, taken as they arrive by a polling loop instead of by a handler.
///
/// The signals are blocked, so the loop's pause between polls is also where it learns that it should stop: no
/// handler runs at an arbitrary moment, and output already printed is never cut mid-line.
struct StopSignals {
    private var set = sigset_t()

    init() {
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits up to `milliseconds`; true when a stop signal arrived meanwhile (or was already pending).
    func arrived(within milliseconds: Int) -> Bool {
        var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: milliseconds % 1000 * 1_000_000)
        var set = self.set
        return sigtimedwait(&set, nil, &timeout) > 0
    }
}
