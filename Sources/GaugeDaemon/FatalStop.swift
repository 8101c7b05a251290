import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The first failure that must end the daemon, reported from any thread; `run` throws it once it has stopped,
/// and the process exits 3 so systemd's `Restart=` takes over.
final class FatalStop: Sendable {
    private let first = Mutex<DaemonError?>(nil)

    func stop(_ error: DaemonError) {
        let isFirst = first.withLock { first in
            defer { if first == nil { first = error } }
            return first == nil
        }
        // Wakes the main thread's signal wait, which then stops as for SIGTERM.
        if isFirst { kill(getpid(), SIGTERM) }
    }

    var error: DaemonError? { first.withLock { $0 } }
}
