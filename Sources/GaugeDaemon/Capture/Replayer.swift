public import GaugeCore
public import GaugeStore
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `floodgauge replay`: captured messages through the very pipeline `run` uses, on the capture's clock.
///
/// Each message is processed with its capture time as `now`, so silence, holds and `emitted_at` follow the
/// capture and not the wall clock: the same capture always gives the same database and the same events.
public final class Replayer {
    /// How fast the capture's time passes: `nil` as fast as the pipeline goes, else this many capture seconds per
    /// wall-clock second (1 is real time).
    public typealias Speed = Double?

    private let store: Store
    private let pipeline: Pipeline
    private let gauges: [GaugeSettings]
    private let filters: [TopicFilter]
    private let logger: Logger
    /// The rejects a named database held before: the summary counts only this replay's.
    private var rejectsBefore: Int64 = 0

    public init(config: Config, store: Store, logger: Logger) throws(DaemonError) {
        self.store = store
        self.logger = logger
        gauges = config.gauges
        filters = config.sources.map { TopicFilter($0.topic) }
        do {
            pipeline = try Pipeline(
                formats: config.sources.map(\.format), gauges: config.gauges, language: config.alerts.language,
                store: store, replay: true)
            try store.connection.prepare("SELECT coalesce(max(id), 0) FROM rejects").query { rejectsBefore = $0.int(0) }
            // A replay at full speed touches a leaf of the samples table and of the uplinks' key for every gauge in
            // every batch: with 1000 gauges, SQLite's default 2 MiB cache read back a page per message and the
            // replay ran 15 % slower (scripts/bench-replay). The daemon keeps the default, to stay small.
            try store.connection.execute("PRAGMA cache_size = -16384")
        } catch {
            throw DaemonError("cannot load alert state: \(error)")
        }
    }

    public var counters: Pipeline.Counters { pipeline.counters }

    /// The capture times of the first message and of the latest, once there was one.
    public private(set) var span: (first: Timestamp, last: Timestamp)?

    /// Replays the messages `next` gives (in time order), one transaction per batch as the daemon's pipeline thread
    /// commits them. After each commit `committed` gets the batch's events and how many messages are done.
    ///
    /// The clock is the latest capture time so far: a message out of order is processed as late, as live ingest
    /// would have, and never turns the clock back.
    public func run(
        _ next: () throws(DaemonError) -> CapturedMessage?, speed: Speed,
        committed: ([Pipeline.StoredEvent], _ done: Int) throws(DaemonError) -> Void
    ) throws(DaemonError) {
        guard var pending = try next() else { return }
        // Checkpoints on a thread of their own, as in the daemon: inline, the commits waited a quarter of a replay's
        // time for the checkpoints' fsyncs.
        let checkpointer = try Checkpointer(writer: store.connection, logger: logger)
        try checkpointer.start()
        defer { checkpointer.stop() }
        let first = pending.time
        var clock = first
        let startedAt = Liveness.monotonicMilliseconds()
        /// When, on the monotonic clock, a message of capture time `time` is due at `speed`.
        func due(_ time: Timestamp, speed: Double) -> Int64 {
            startedAt + Int64(Double(time.unixMilliseconds - first.unixMilliseconds) / speed)
        }
        // The gauges as configured when the capture began: their row must not carry the wall clock either.
        try database { () throws(SQLiteError) in try store.saveGauges(gauges, at: first) }
        var batch: [CapturedMessage] = []
        var done = 0
        var atEnd = false
        while !atEnd {
            let now = Liveness.monotonicMilliseconds()
            if let speed {
                let wait = due(pending.time, speed: speed) - now
                if wait > 0 {
                    usleep(useconds_t(min(wait, 1000) * 1000))
                    continue
                }
            }
            // Paced, a batch is what is due by now, so alerts come out when the capture had them.
            batch.removeAll(keepingCapacity: true)
            repeat {
                batch.append(pending)
                guard let message = try next() else {
                    atEnd = true
                    break
                }
                pending = message
            } while batch.count < PipelineThread.batchLimit && speed.map { due(pending.time, speed: $0) <= now } ?? true
            try database { () throws(SQLiteError) in
                try store.transaction { () throws(SQLiteError) in
                    for message in batch {
                        clock = max(clock, message.time)
                        try process(message, now: clock)
                    }
                    try pipeline.saveMemories()
                }
            }
            pipeline.batchCommitted()
            done += batch.count
            span = (first, clock)
            try committed(pipeline.takeNewEvents(), done)
        }
    }

    private func database(_ body: () throws(SQLiteError) -> Void) throws(DaemonError) {
        do {
            try body()
        } catch {
            throw DaemonError("database error: \(error)")
        }
    }

    private func process(_ message: CapturedMessage, now: Timestamp) throws(SQLiteError) {
        let source = message.topic.withUnsafeBytes { topic in filters.firstIndex { $0.matches(topic) } } ?? filters.count
        // `withUnsafeBytes` rethrows untyped errors, so the typed one travels out in a `Result`.
        try message.topic.withUnsafeBytes { topic in
            message.payload.withUnsafeBytes { payload in
                Result { () throws(SQLiteError) in
                    try pipeline.process(
                        IngestMessage(arrivedAt: message.time, sourceIndex: source, topic: topic, payload: payload),
                        now: now)
                }
            }
        }.get()
    }

    /// This replay's rejects by reason, most frequent first.
    public func rejectsByReason() throws(DaemonError) -> [(reason: String, count: Int)] {
        var reasons: [(String, Int)] = []
        try database { () throws(SQLiteError) in
            try store.connection.prepare(
                "SELECT reason, count(*) FROM rejects WHERE id > ? GROUP BY reason ORDER BY count(*) DESC, reason"
            ).query(.integer(rejectsBefore)) { row in reasons.append((row.text(0), Int(row.int(1)))) }
        }
        return reasons
    }
}
