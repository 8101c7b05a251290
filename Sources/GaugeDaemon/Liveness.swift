import GaugeCore
import Synchronization

/// Whether the daemon is doing its work: the one answer both `/healthz` and the systemd watchdog give.
///
/// Alive means the pipeline thread went round its loop (a batch committed, or nothing was waiting) within
/// `stallLimitSeconds`, and libmosquitto's network thread is running its loop. A pipeline stuck in SQLite, or a
/// network thread that ended, is not alive: restarting the process is the cure. A broker that is down is not a
/// liveness problem: the client reconnects by itself, and a restart would not bring the broker back.
final class Liveness: Sendable {
    let stallLimitSeconds: Int64
    private let lastProgress: Atomic<Int64>
    private let loopRunning = Atomic(false)

    init(stallLimitSeconds: Int64 = 30, now: Timestamp = .now()) {
        self.stallLimitSeconds = stallLimitSeconds
        lastProgress = Atomic(now.unixMilliseconds)
    }

    /// The pipeline thread finished a loop turn at `time`. Pipeline thread only.
    func pipelineProgressed(at time: Timestamp) {
        lastProgress.store(time.unixMilliseconds, ordering: .relaxed)
    }

    /// Set from the MQTT client's loop callbacks.
    var mqttLoopAlive: Bool {
        get { loopRunning.load(ordering: .relaxed) }
        set { loopRunning.store(newValue, ordering: .relaxed) }
    }

    /// What is wrong at `now`, or `nil` when alive.
    func problem(now: Timestamp) -> String? {
        let stalled = (now.unixMilliseconds - lastProgress.load(ordering: .relaxed)) / 1000
        if stalled >= stallLimitSeconds { return "the pipeline has made no progress for \(stalled) s" }
        if !mqttLoopAlive { return "the MQTT network loop is not running" }
        return nil
    }

    func isAlive(now: Timestamp) -> Bool { problem(now: now) == nil }
}
