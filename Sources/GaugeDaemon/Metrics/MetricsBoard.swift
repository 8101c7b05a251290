import GaugeCore
import Synchronization

/// What the pipeline thread knows, copied for the metrics endpoint: the pipeline's state belongs to its thread,
/// so the HTTP thread reads this copy instead, under a lock held only for the copy.
final class MetricsBoard: @unchecked Sendable {
    struct Snapshot: Sendable {
        var counters = Pipeline.Counters()
        /// Open alerts by kind and severity.
        var activeAlerts: [AlertKind: [Severity: Int]] = [:]
        /// Every gauge, in config order, with the data time of its newest sample and of its newest valid one.
        var gauges: [(id: String, newestSample: Timestamp?, lastValid: Timestamp?)] = []
    }

    private let shared = Mutex(Snapshot())
    /// The counters of the last copy; the board is copied again only when they change, since every alert and
    /// sample counts in them. Pipeline thread only.
    private var copied: Pipeline.Counters?
    /// When the board may be copied again, on the monotonic clock. Pipeline thread only.
    private var nextCopyAt: Int64 = 0

    /// At most one copy a second: a copy walks every gauge, and under a steady load, when nearly every message is
    /// a batch of its own, copying after each was half of the daemon's CPU with 1000 gauges. A scrape, or STATUS
    /// every 5 s, is at most a second behind.
    static let copyIntervalMilliseconds: Int64 = 1000

    var snapshot: Snapshot { shared.withLock { $0 } }

    /// Copies the pipeline's state if it changed and the last copy is a second old. Pipeline thread only, after a
    /// commit, and again while idle, so the last change is copied too.
    func update(from pipeline: Pipeline) {
        guard pipeline.counters != copied else { return }
        let now = Liveness.monotonicMilliseconds()
        guard now >= nextCopyAt else { return }
        nextCopyAt = now + Self.copyIntervalMilliseconds
        copied = pipeline.counters
        var next = Snapshot(counters: pipeline.counters)
        for monitor in pipeline.gaugeMonitors {
            // By kind rather than through `activeAlerts`, which would build an array for every gauge of every batch.
            for kind in AlertKind.allCases {
                if let alert = monitor.activeAlert(kind) { next.activeAlerts[kind, default: [:]][alert.severity, default: 0] += 1 }
            }
            let memory = monitor.savedMemory
            next.gauges.append((monitor.gauge.id, memory.newestSampleAt, memory.lastValid?.time))
        }
        shared.withLock { $0 = next }
    }
}
