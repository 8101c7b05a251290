import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Whether the daemon is doing its job, as systemd's watchdog asks: the pipeline thread has gone round its loop
/// lately. It goes round after every batch, every idle millisecond, and every step of a wait for a database that
/// refuses writes; only a stuck thread (a deadlock, a lock held elsewhere, a hung call) stops it.
public final class Liveness: Sendable {
    private let lastBeat = Atomic<Int64>(Liveness.monotonicMilliseconds())

    public init() {}

    /// The pipeline thread went round its loop.
    func beat() {
        lastBeat.store(Self.monotonicMilliseconds(), ordering: .relaxed)
    }

    /// Whether the pipeline went round within the last `milliseconds`.
    public func isAlive(withinMilliseconds milliseconds: Int64) -> Bool {
        Self.monotonicMilliseconds() - lastBeat.load(ordering: .relaxed) <= milliseconds
    }

    /// The wall clock may jump; the monotonic one measures how long the thread has been quiet.
    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
