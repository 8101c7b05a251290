public import GaugeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The ingest ring in a file mapped with `MAP_SHARED`: the durability boundary between the broker and SQLite.
///
/// Stores into a shared file mapping land in the kernel's page cache, which outlives the process: a record the
/// network thread pushed is still there after `kill -9`, an OOM kill or a crash, and the next start reads it
/// again. Nothing is flushed to the disk on the way, so a power loss or a kernel crash can lose what SQLite has not
/// committed yet; the records' checksums make such a loss show as a cut, never as damaged messages.
///
/// Opening recovers what the file holds. A file that is not an intact ring (cut short, of another size, with a
/// damaged header or record) is never reused as it is: the records before the first damage are copied into a
/// fresh file that then replaces it, the damaged file stays beside it as `<path>.corrupt-<UTC time>`, and
/// ``recovery`` says how many records were recovered and how many bytes were set aside. Only the file system
/// failing makes opening fail.
///
/// The file is locked while open, so a second daemon on the same file (a second producer) cannot start.
public final class RingFile {
    /// How a damaged file was replaced; its description is the line for the log.
    public struct Recovery: Sendable, CustomStringConvertible {
        public var path: String
        /// Why the file could not be used as it was.
        public var problem: String
        public var salvage: SPSCRing.Salvage
        /// Where the damaged file is kept.
        public var asidePath: String

        public var description: String {
            var then = ""
            if let early = salvage.problem, early.description != problem { then = "; then \(early)" }
            return "ring file \(path) was damaged (\(problem)\(then)): recovered \(salvage.records) records, "
                + "set aside \(salvage.setAsideBytes) bytes in \(asidePath)"
        }
    }

    public let ring: SPSCRing
    /// What opening had to repair, or `nil` when the file was intact or new.
    public let recovery: Recovery?
    private let mapping: Mapping

    /// Opens the ring file at `path`, creating it when it does not exist and recovering it when it is damaged.
    ///
    /// - Parameter capacity: The ring's data area: a power of two (see ``SPSCRing``).
    public init(path: String, capacity: Int) throws(DaemonError) {
        let byteCount = SPSCRing.byteCount(forCapacity: capacity)
        let existing = try Mapping(path: path, creating: false, byteCount: byteCount)
        let problem: String
        if existing.byteCount == byteCount {
            do {
                ring = try SPSCRing(memory: existing.memory, byteCount: byteCount)
                mapping = existing
                recovery = nil
                return
            } catch {
                problem = error.description
            }
        } else {
            problem = "the file is \(existing.byteCount) bytes instead of \(byteCount)"
        }

        // Built beside the damaged file and renamed over it, so that whenever this process dies the path holds
        // either the damaged file (recovered again on the next start) or the complete replacement.
        let freshPath = path + ".new"
        unlink(freshPath)  // left by a recovery that was killed: the damaged file is still in place
        let fresh = try Mapping(path: freshPath, creating: true, byteCount: byteCount)
        do {
            ring = try SPSCRing(memory: fresh.memory, byteCount: byteCount)
        } catch {
            // A new file is zero-filled, which the ring always accepts.
            throw DaemonError("cannot format ring file \(freshPath): \(error)")
        }
        let salvage = ring.salvage(from: existing.memory, byteCount: existing.byteCount)
        let asidePath = "\(path).corrupt-\(Timestamp.now().rfc3339)"
        try check(link(path, asidePath), "cannot keep the damaged ring file as \(asidePath)")
        try check(rename(freshPath, path), "cannot replace ring file \(path)")
        mapping = fresh
        existing.close()
        recovery = Recovery(path: path, problem: problem, salvage: salvage, asidePath: asidePath)
    }

    deinit {
        mapping.close()
    }
}

/// A whole file mapped read-write and shared, with an exclusive lock on it.
private struct Mapping {
    let descriptor: Int32
    let memory: UnsafeMutableRawPointer
    /// The file's size, which is the mapping's.
    let byteCount: Int

    /// Opens (or with `creating`, creates anew) the file at `path` and maps it; an empty file is first sized to
    /// `byteCount` zero bytes.
    init(path: String, creating: Bool, byteCount newSize: Int) throws(DaemonError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (creating ? O_EXCL : 0), 0o600)
        try check(descriptor, "cannot open ring file \(path)")
        do throws(DaemonError) {
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                throw DaemonError("ring file \(path) is in use by another process")
            }
            var status = stat()
            try check(fstat(descriptor, &status), "cannot read the size of ring file \(path)")
            var size = Int(status.st_size)
            if size == 0 {
                // New, or created by a process killed before it sized the file: nothing to recover.
                try check(ftruncate(descriptor, off_t(newSize)), "cannot size ring file \(path)")
                size = newSize
            }
            // Reserve every block now: a store into a mapped page the full disk cannot back is a SIGBUS, not an
            // error the daemon could wait out, and the ring must keep taking messages when the database's disk fills.
            let reserved = posix_fallocate(descriptor, 0, off_t(size))
            guard reserved == 0 else {
                throw DaemonError("cannot reserve \(size) bytes for ring file \(path): \(String(cString: strerror(reserved)))")
            }
            byteCount = size
            let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
            // MAP_FAILED is `(void *) -1`, a macro Swift does not import.
            guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
                throw DaemonError("cannot map ring file \(path): \(String(cString: strerror(errno)))")
            }
            memory = address
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    func close() {
        munmap(memory, byteCount)
        Glibc.close(descriptor)
    }
}

/// Throws with `context` and the `errno` text when a system call returned a negative value.
private func check(_ result: Int32, _ context: @autoclosure () -> String) throws(DaemonError) {
    guard result >= 0 else { throw DaemonError("\(context()): \(String(cString: strerror(errno)))") }
}
