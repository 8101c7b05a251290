import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Whether the daemon is doing its work: the one answer both `/healthz` and the systemd watchdog give.
///
/// Alive means the pipeline thread went round its loop lately, and libmosquitto's network thread is running its
/// loop. The pipeline goes round after every batch, every idle millisecond, and every step of waiting out a database
/// that refuses writes; only a stuck thread (a lock held elsewhere, a hung call) stops it, and restarting the process
/// is the cure. A broker that is down is not a liveness problem: the client reconnects by itself, and a restart would
/// not bring the broker back.
final class Liveness: Sendable {
    /// How long `/healthz` lets the pipeline be quiet; the watchdog asks for less, half its interval.
    static let stallLimitMilliseconds: Int64 = 30_000

    private let lastBeat = Atomic<Int64>(Liveness.monotonicMilliseconds())
    private let loopRunning = Atomic(false)

    /// The pipeline thread went round its loop. Pipeline thread only.
    func beat() {
        lastBeat.store(Self.monotonicMilliseconds(), ordering: .relaxed)
    }

    /// Set from the MQTT client's loop callbacks.
    var mqttLoopAlive: Bool {
        get { loopRunning.load(ordering: .relaxed) }
        set { loopRunning.store(newValue, ordering: .relaxed) }
    }

    /// What is wrong, or `nil` when alive: the pipeline quiet for longer than `stallLimit` milliseconds, or the
    /// network loop not running.
    func problem(stallLimit: Int64 = stallLimitMilliseconds) -> String? {
        let quiet = Self.monotonicMilliseconds() - lastBeat.load(ordering: .relaxed)
        if quiet > stallLimit { return "the pipeline has made no progress for \(quiet / 1000) s" }
        if !mqttLoopAlive { return "the MQTT network loop is not running" }
        return nil
    }

    func isAlive(stallLimit: Int64 = stallLimitMilliseconds) -> Bool { problem(stallLimit: stallLimit) == nil }

    /// The wall clock may jump; the monotonic one measures how long the thread has been quiet.
    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
