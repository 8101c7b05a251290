import GaugeCore
import GaugeStore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The consumer side of the ring: batches of messages, one transaction each; after each commit
/// the batch's alerts go to the alert log, the logger and the outbox.
final class PipelineThread: @unchecked Sendable {
    private let ring: SPSCRing
    private let pipeline: Pipeline
    private let store: Store
    private let outbox: Outbox
    private let alertLog: AlertLog
    private let logger: Logger
    private let stopRequested = Atomic(false)
    private var thread: pthread_t?
    /// Written by the thread before it ends, read after `join`.
    private var failure: DaemonError?

    /// Large batches make SQLite fast. Alerts are not held back by it: a batch ends as soon as
    /// the ring is empty, which at the gauges' rate is after every message.
    static let batchLimit = 4096

    init(ring: SPSCRing, pipeline: Pipeline, store: Store, outbox: Outbox, alertLog: AlertLog, logger: Logger) {
        self.ring = ring
        self.pipeline = pipeline
        self.store = store
        self.outbox = outbox
        self.alertLog = alertLog
        self.logger = logger
    }

    func start() throws(DaemonError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<PipelineThread>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<PipelineThread>.fromOpaque(context).release()
            throw DaemonError("cannot start the pipeline thread: \(String(cString: strerror(rc)))")
        }
        self.thread = thread
    }

    /// Processes everything the ring holds on the calling thread, before the pipeline thread runs;
    /// returns how many messages that was.
    func drain() throws(DaemonError) -> Int {
        var total = 0
        do {
            while !ring.isEmpty { total += try processBatch() }
        } catch {
            throw DaemonError("database error: \(error)")
        }
        return total
    }

    /// Waits (up to `seconds`) until the ring is empty and every alert event is acknowledged.
    func waitUntilIdle(seconds: Double = 2) {
        var waited = 0.0
        while waited < seconds, !ring.isEmpty || outbox.pending > 0 {
            usleep(10_000)
            waited += 0.01
        }
    }

    /// Asks the thread to drain the ring and end; returns what stopped it, if it failed.
    func join() -> DaemonError? {
        stopRequested.store(true, ordering: .releasing)
        if let thread { pthread_join(thread, nil) }
        thread = nil
        return failure
    }

    private func run() {
        do {
            while true {
                let stopping = stopRequested.load(ordering: .acquiring)
                let processed = try processBatch()
                try outbox.settle(store: store, now: .now())
                if processed == 0 {
                    if stopping { return }
                    usleep(1000)
                }
            }
        } catch {
            failure = DaemonError("database error: \(error)")
            logger.critical("\(failure!)")
            // Wake the main thread's signal wait so the process ends and systemd restarts it.
            kill(getpid(), SIGTERM)
        }
    }

    private func processBatch() throws(SQLiteError) -> Int {
        var cursor = ring.readCursor
        var count = 0
        let now = Timestamp.now()
        let hasMessages = ring.read(from: cursor) != nil
        // A quiet ring is when a gauge falls silent: its deadline passes on the wall clock alone.
        guard hasMessages || pipeline.isSilenceDue(now) else { return 0 }
        try store.transaction { () throws(SQLiteError) in
            if !hasMessages { try pipeline.checkSilence(now: now) }
            while count < Self.batchLimit, let (record, next) = ring.read(from: cursor) {
                try pipeline.process(IngestMessage(record: record), now: now)
                cursor = next
                count += 1
            }
            try pipeline.saveMemories()
        }
        // Only now is the batch durable in SQLite: its space in the ring may be reused.
        ring.release(upTo: cursor)
        for event in pipeline.takeNewEvents() {
            do {
                try alertLog.append(event.logLine)
            } catch {
                // The alert is committed and about to be published; the log is one view of it, so a
                // full disk must not stop the daemon. Say so where the operator looks.
                logger.error("\(error)")
            }
            logger.notice("\(event.logLine)")
            outbox.publish(eventID: event.eventID, gaugeID: event.gaugeID, payload: event.payload)
        }
        return count
    }
}
