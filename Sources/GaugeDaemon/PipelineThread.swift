import GaugeCore
import GaugeStore
import GaugeSystemd
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The consumer side of the ring: batches of messages, one transaction each; after each commit
/// the batch's alerts go to the alert log, the logger and the outbox.
///
/// When the database cannot take a batch (a full disk, an I/O error) the transaction rolls back, the batch stays
/// in the ring, and the thread retries with a growing pause until it commits. Meanwhile the ring fills and then
/// holds back the broker's acknowledgements, so the broker keeps the rest: nothing is lost, nothing is dropped.
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
    private let notifier = ServiceNotifier()
    /// Since when, and why, the database has refused batches; `nil` while it takes them.
    private var storageTrouble: (since: Timestamp, error: String)?

    /// A reload the main thread asked for, applied between batches; `reloads` counts the ones done.
    private let reloadRequest = Mutex<Reload?>(nil)
    private let reloads = Atomic(0)

    /// What a SIGHUP changes: the alert log is reopened (logrotate moved it), the gauges replaced when the config
    /// still reads.
    struct Reload: Sendable {
        var gauges: [GaugeSettings]?
    }

    /// Uplinks older than this lose their frame bytes; `nil` keeps them.
    private let retainUplinksSeconds: Int64?
    /// When retention may run next: it works in small steps, only while no message waits.
    private var nextPruning = Timestamp(unixMilliseconds: 0)
    /// Told after every loop turn that committed or found nothing to do.
    private let liveness: Liveness
    /// Given the pipeline's state after every such turn, for the metrics.
    private let metrics: MetricsBoard
    /// Where the thread sleeps once idle; the network thread, acknowledgements and requests wake it.
    private let wakeup: Wakeup
    /// Polls of an empty ring, 1 ms apart, before the thread sleeps until woken. While messages keep coming it
    /// polls, so each batch takes what arrived meanwhile: woken for every message at a steady 5000 a second, it
    /// committed them one by one and spent 15 % more CPU per message.
    static let pollsBeforeSleeping = 100
    /// The longest sleep: silence deadlines, retention and the watchdog's beat need no more than this.
    static let idleMilliseconds: Int32 = 100

    /// Small enough that a step takes milliseconds, so a message arriving meanwhile barely waits.
    static let pruningStep = 500

    /// Large batches make SQLite fast. Alerts are not held back by it: a batch ends as soon as
    /// the ring is empty, which at the gauges' rate is after every message.
    static let batchLimit = 4096

    init(
        ring: SPSCRing, pipeline: Pipeline, store: Store, outbox: Outbox, alertLog: AlertLog, logger: Logger,
        retainUplinksSeconds: Int64?, liveness: Liveness, metrics: MetricsBoard, wakeup: Wakeup
    ) {
        self.wakeup = wakeup
        self.retainUplinksSeconds = retainUplinksSeconds
        self.liveness = liveness
        self.metrics = metrics
        self.ring = ring
        self.pipeline = pipeline
        self.store = store
        self.outbox = outbox
        self.alertLog = alertLog
        self.logger = logger
    }

    func start() throws(DaemonError) {
        thread = try startThread("pipeline") { self.run() }
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

    /// Asks for `reload` between batches and waits (up to `seconds`) until it is done; returns whether it was.
    func reload(_ reload: Reload, seconds: Double = 30) -> Bool {
        let done = reloads.load(ordering: .acquiring) + 1
        reloadRequest.withLock { $0 = reload }
        wakeup.signal()
        var waited = 0.0
        while reloads.load(ordering: .acquiring) < done {
            guard waited < seconds else { return false }
            usleep(10_000)
            waited += 0.01
        }
        return true
    }

    /// Applies a requested reload: called between batches, on the pipeline thread.
    private func applyReload() throws(SQLiteError) {
        guard let reload = reloadRequest.withLock({ request in defer { request = nil }; return request }) else { return }
        do {
            try alertLog.reopen()
        } catch {
            logger.error("\(error)")
        }
        if let gauges = reload.gauges {
            let now = Timestamp.now()
            try pipeline.reload(gauges: gauges, at: now)
            for gaugeID in pipeline.gaugeIDs { outbox.stateChanged(gaugeID: gaugeID) }
        }
        reloads.add(1, ordering: .releasing)
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
        wakeup.signal()
        if let thread { pthread_join(thread, nil) }
        thread = nil
        return failure
    }

    private func run() {
        // Every gauge's state as committed, for the retained state topics, sent once the broker is there.
        for gaugeID in pipeline.gaugeIDs { outbox.stateChanged(gaugeID: gaugeID) }
        var pause: useconds_t = 100_000
        var emptyPolls = 0
        while true {
            liveness.beat()
            let stopping = stopRequested.load(ordering: .acquiring)
            do {
                try applyReload()
                let processed = try processBatch()
                let now = Timestamp.now()
                try outbox.settle(store: store, now: now) { pipeline.stateJSON(of: $0, now: now) }
                if let trouble = storageTrouble {
                    logger.notice("database takes writes again (refused since \(trouble.since.rfc3339)); resuming")
                    notifier.status("running")
                    storageTrouble = nil
                    pause = 100_000
                }
                metrics.update(from: pipeline)
                if processed > 0 {
                    emptyPolls = 0
                } else {
                    if stopping { return }
                    if try !pruneOldUplinks() { waitForMessages(emptyPolls: &emptyPolls) }
                }
            } catch {
                guard recover(from: error) else { return }
                if stopping {
                    logger.warning("stopping while the database refuses writes: the ring file keeps what is not stored")
                    return
                }
                // In small steps, each a beat: a database that refuses writes is waited out, not a stuck thread.
                for _ in 0..<(pause / 100_000) {
                    usleep(100_000)
                    liveness.beat()
                }
                pause = min(pause * 2, 10_000_000)
            }
        }
    }

    /// Waits for the next message: polls the ring every millisecond for a while, then sleeps until woken.
    private func waitForMessages(emptyPolls: inout Int) {
        emptyPolls += 1
        if emptyPolls < Self.pollsBeforeSleeping {
            usleep(1000)
        } else {
            wakeup.sleep(milliseconds: Self.idleMilliseconds) { ring.isEmpty }
        }
    }

    /// One step of retention, when one is due. Returns whether it went past a full step, so more may be waiting.
    private func pruneOldUplinks() throws(SQLiteError) -> Bool {
        let now = Timestamp.now()
        guard let retain = retainUplinksSeconds, now >= nextPruning else { return false }
        let passed = try store.pruneUplinks(receivedBefore: now.adding(seconds: -retain), limit: Self.pruningStep)
        // A backlog goes step by step between messages; then once a minute is enough for uplinks aging by the day.
        let more = passed == Self.pruningStep
        nextPruning = now.adding(seconds: more ? 0 : 60)
        return more
    }

    /// The journal priority of a transition follows its severity, so `journalctl -p warning` shows moderate and up.
    static func level(_ severity: Severity) -> Logger.Level {
        switch severity {
        case .minor: .notice
        case .moderate: .warning
        case .severe: .error
        case .extreme: .critical
        }
    }

    /// Every transition's journal entry has the same `MESSAGE_ID` (`journalctl MESSAGE_ID=…` lists alerts and nothing
    /// else) and fields to filter by.
    static let alertMessageID = "205a0d52267e40ebb3f7d9093e49dc29"

    static func fields(_ event: Pipeline.StoredEvent) -> Logger.Metadata {
        let transition = event.transition
        var fields: Logger.Metadata = [
            "MESSAGE_ID": "\(alertMessageID)",
            "FLOODGAUGE_GAUGE": "\(event.gaugeID)",
            "FLOODGAUGE_KIND": "\(transition.alert.kind.rawValue)",
            "FLOODGAUGE_TRANSITION": "\(transition.transition.rawValue)",
            "FLOODGAUGE_SEVERITY": "\(transition.severity.rawValue)",
            "FLOODGAUGE_ALERT_ID": "\(transition.alert.alertID)",
            "FLOODGAUGE_EVENT_ID": "\(event.eventID)",
        ]
        if let level = transition.levelCM { fields["FLOODGAUGE_LEVEL_CM"] = "\(JSONWriter.number(AlertText.rounded(level)))" }
        if let stage = transition.stage, transition.alert.kind == .level { fields["FLOODGAUGE_STAGE"] = "\(stage)" }
        return fields
    }

    /// After a failed transaction: the pipeline forgets the batch, and the operator hears why, once per cause.
    /// Returns `false` when even the committed state cannot be read back, which only a restart can mend.
    private func recover(from error: SQLiteError) -> Bool {
        do {
            try pipeline.batchRolledBack()
        } catch {
            failure = DaemonError("database error, cannot reload the committed state: \(error)")
            logger.critical("\(failure!)")
            // Wake the main thread's signal wait so the process ends and systemd restarts it.
            kill(getpid(), SIGTERM)
            return false
        }
        let reason = "\(error)"
        if storageTrouble?.error != reason {
            logger.error(
                "database refuses writes: \(reason); holding \(ring.usedBytes) bytes of messages in the ring and retrying")
            storageTrouble = (storageTrouble?.since ?? .now(), reason)
            notifier.status("database refuses writes (\(reason)); holding messages, retrying")
        }
        return true
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
        pipeline.batchCommitted()
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
            logger.log(level: Self.level(event.transition.severity), "\(event.logLine)", metadata: Self.fields(event))
            outbox.publish(eventID: event.eventID, gaugeID: event.gaugeID, payload: event.payload)
        }
        for gaugeID in pipeline.takeChangedStates() { outbox.stateChanged(gaugeID: gaugeID) }
        return count
    }
}
