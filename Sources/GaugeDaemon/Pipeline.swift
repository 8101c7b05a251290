public import GaugeCore
public import GaugeStore

/// Turns ingest messages into stored uplinks, samples and rejects, runs the detectors and
/// stores the alert transitions they produce. Live ingest and replay share it; only the source
/// of messages and the clock differ.
///
/// - Important: one thread owns a pipeline; `process` must run inside a store transaction.
public final class Pipeline {
    /// What the pipeline has seen, for STATUS=, the exit summary and tests.
    public struct Counters: Sendable, Equatable {
        public var messages = 0
        public var uplinks = 0
        public var duplicates = 0
        public var samples = 0
        /// Samples stored with a verdict that kept them out of the detectors (`SampleVerdict`).
        public var implausible = 0
        public var rejects = 0
        /// Messages that are not uplinks (joins, status and log events): counted and ignored.
        public var ignored = 0
        /// Uplinks from a DevEUI no gauge has: stored, but not decoded.
        public var unknownDevices = 0
        public var transitions = 0
        /// Alerts raised and not yet cleared, over all gauges: not a count of what was seen, but what STATUS= shows.
        public var openAlerts = 0

        public init() {}
    }

    /// A transition stored in the current batch, to be published and logged once it commits.
    public struct StoredEvent: Sendable {
        public var eventID: String
        public var gaugeID: String
        public var payload: String
        public var logLine: String
        public var transition: AlertTransition
    }

    public private(set) var counters = Counters()
    /// The counters as of the last commit, restored when a batch rolls back.
    private var committedCounters = Counters()
    private let formats: [EnvelopeFormat]
    private var monitors: [GaugeMonitor]
    private var gaugeByDevEUI: [UInt64: Int]
    private var gaugeByID: [String: Int]
    private let store: Store
    private let text: AlertText
    private let replay: Bool
    private var newEvents: [StoredEvent] = []
    /// Where monitors put the transitions of one call, reused.
    private var transitions: [AlertTransition] = []
    /// Monitors whose memory changed since the last `saveMemories`, each once.
    private var changedMonitors: [Int] = []
    /// Gauges whose saved state is not yet published on the state topic, each once.
    private var unpublishedStates: [Int] = []
    private var isStateUnpublished: [Bool]
    private var isChanged: [Bool]
    /// No gauge can fall silent before this: silence is checked only from then on. A lower bound, kept by
    /// lowering it whenever a gauge's deadline comes earlier.
    private var nextSilenceCheck = Timestamp(unixMilliseconds: .min)
    /// Where envelopes decode the FRMPayload: allocated once, reused for every message.
    private let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: Envelope.payloadCapacity, alignment: 8)
    /// Where codecs decode the frame, reused for every message.
    private var reading = Reading(kind: .measurement)

    public init(
        formats: [EnvelopeFormat], gauges: [GaugeSettings], language: AlertLanguage, store: Store, replay: Bool
    ) throws(SQLiteError) {
        self.formats = formats
        self.store = store
        self.text = AlertText(language: language)
        self.replay = replay
        monitors = try Self.committedMonitors(of: gauges, in: store)
        isChanged = Array(repeating: false, count: gauges.count)
        isStateUnpublished = Array(repeating: false, count: gauges.count)
        (gaugeByDevEUI, gaugeByID) = Self.index(gauges)
        countOpenAlerts()
    }

    /// Counts the monitors' open alerts, after they were loaded from the store.
    private func countOpenAlerts() {
        counters.openAlerts = monitors.reduce(0) { $0 + $1.activeAlerts.count }
        committedCounters = counters
    }

    private static func index(_ gauges: [GaugeSettings]) -> (byDevEUI: [UInt64: Int], byID: [String: Int]) {
        (
            Dictionary(gauges.enumerated().map { ($1.devEUI, $0) }, uniquingKeysWith: { first, _ in first }),
            Dictionary(gauges.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        )
    }

    /// Takes a reloaded config's gauges between batches: each gauge continues from its committed state (open
    /// alerts, holds, rate window) under its new settings; a gauge no longer configured is dropped, a new one starts
    /// fresh.
    public func reload(gauges: [GaugeSettings], at now: Timestamp) throws(SQLiteError) {
        try store.saveGauges(gauges, at: now)
        monitors = try Self.committedMonitors(of: gauges, in: store)
        isChanged = Array(repeating: false, count: gauges.count)
        changedMonitors.removeAll()
        isStateUnpublished = Array(repeating: false, count: gauges.count)
        unpublishedStates.removeAll()
        (gaugeByDevEUI, gaugeByID) = Self.index(gauges)
        nextSilenceCheck = Timestamp(unixMilliseconds: .min)
        countOpenAlerts()
    }

    deinit {
        frame.deallocate()
    }

    /// The gauges' monitors as the store last committed them: open alerts, detector memory, the rate window.
    private static func committedMonitors(of gauges: [GaugeSettings], in store: Store) throws(SQLiteError)
        -> [GaugeMonitor]
    {
        let open = Dictionary(grouping: try store.activeAlerts(), by: \.gaugeID)
        let memories = try store.memories()
        // Sized once: with 10 000 gauges, growing by doubling held two copies of 14 MB for a moment.
        var monitors: [GaugeMonitor] = []
        monitors.reserveCapacity(gauges.count)
        for gauge in gauges {
            let memory = memories[gauge.id] ?? GaugeMemory()
            let recent = try memory.lastValid.map { lastValid throws(SQLiteError) in
                try store.recentLevels(
                    gaugeID: gauge.id, since: lastValid.time.adding(seconds: -gauge.rate.windowSeconds),
                    limit: LevelWindow.capacity)
            }
            monitors.append(
                GaugeMonitor(gauge: gauge, alerts: open[gauge.id] ?? [], memory: memory, recentLevels: recent ?? []))
        }
        return monitors
    }

    // MARK: Batches

    /// The batch's transaction committed: what it did is now the state to return to.
    public func batchCommitted() {
        committedCounters = counters
    }

    /// The batch's transaction rolled back (a full disk, an I/O error): forgets everything the batch did, so the
    /// same messages can be processed again from the ring as if for the first time.
    public func batchRolledBack() throws(SQLiteError) {
        counters = committedCounters
        newEvents.removeAll()
        transitions.removeAll()
        for index in changedMonitors { isChanged[index] = false }
        changedMonitors.removeAll()
        for index in unpublishedStates { isStateUnpublished[index] = false }
        unpublishedStates.removeAll()
        monitors = try Self.committedMonitors(of: monitors.map(\.gauge), in: store)
        nextSilenceCheck = Timestamp(unixMilliseconds: .min)
    }

    /// Processes one message: `now` is the wall clock (live) or the capture clock (replay).
    public func process(_ message: IngestMessage, now: Timestamp) throws(SQLiteError) {
        counters.messages += 1
        if isSilenceDue(now) { try checkSilence(now: now) }
        guard message.sourceIndex < formats.count else {
            return try reject(message, reason: "message from an unknown source")
        }
        guard !message.isTruncated else {
            return try reject(message, reason: "message too large (\(message.receivedPayloadCount) bytes), kept in part")
        }
        let result: EnvelopeResult
        do {
            result = try Envelope.parse(
                formats[message.sourceIndex], topic: message.topic, message: message.payload, payload: frame)
        } catch {
            return try reject(message, reason: error.description)
        }
        guard case .uplink(let uplink) = result else {
            counters.ignored += 1
            return
        }
        guard let devEUI = uplink.devEUI else {
            return try reject(message, reason: "uplink has no DevEUI")
        }
        // LoRaWAN reserves FPort 0 for MAC commands and 224–255 for the stack itself: such a
        // frame is not a reading, whatever its bytes look like.
        if let fPort = uplink.fPort, fPort == 0 || fPort >= 224 {
            return try reject(message, reason: "FPort \(fPort) carries no application payload")
        }
        let receivedAt = uplink.receivedAt ?? message.arrivedAt
        let frameBytes = UnsafeRawBufferPointer(rebasing: frame[..<uplink.payloadCount])

        guard let gaugeIndex = gaugeByDevEUI[devEUI] else {
            counters.unknownDevices += 1
            try storeUplink(message.topic, devEUI, nil, uplink, receivedAt, frameBytes, nil)
            return
        }
        let gauge = monitors[gaugeIndex].gauge
        do {
            try PayloadDecoder.decode(gauge.codec, device: gauge.device, fPort: uplink.fPort, frameBytes, into: &reading)
        } catch {
            // Keep the uplink as received and say why its frame was unusable.
            try storeUplink(message.topic, devEUI, gauge.id, uplink, receivedAt, frameBytes, nil)
            return try reject(message, reason: "\(gauge.codec.rawValue): \(error.description)")
        }
        guard let uplinkID = try storeUplink(message.topic, devEUI, gauge.id, uplink, receivedAt, frameBytes, reading) else {
            return
        }
        for sample in reading.samples {
            let time = receivedAt.adding(seconds: Int64(sample.offsetSeconds))
            let levelMM = gauge.geometry.levelMM(sample.value)
            let outcome = monitors[gaugeIndex].observe(
                at: time, levelCM: levelMM.map { $0 / 10 }, now: now, into: &transitions)
            try store.insertSample(
                gaugeID: gauge.id, time: time, levelMM: levelMM, value: sample.value, verdict: outcome.verdict,
                uplinkID: uplinkID)
            counters.samples += 1
            if outcome.verdict != nil { counters.implausible += 1 }
            if let jump = outcome.settledJump {
                try store.settleJump(gaugeID: gauge.id, time: jump.time, confirmed: jump.confirmed)
                if jump.confirmed { counters.implausible -= 1 }
            }
        }
        monitors[gaugeIndex].observeDevice(reading, at: receivedAt, into: &transitions)
        markChanged(gaugeIndex)
        try recordTransitions(of: gaugeIndex, now: now)
    }

    // MARK: Silence

    /// Whether some gauge may have fallen silent by `now`.
    public func isSilenceDue(_ now: Timestamp) -> Bool {
        now >= nextSilenceCheck
    }

    /// Raises a `stale` alert for every gauge without a valid level for its `stale_after` by `now`: the wall clock
    /// live, the capture clock in replay. Must run inside a store transaction.
    public func checkSilence(now: Timestamp) throws(SQLiteError) {
        nextSilenceCheck = Timestamp(unixMilliseconds: .max)
        for index in monitors.indices {
            if monitors[index].checkSilence(now: now, into: &transitions) { markChanged(index) }
            try recordTransitions(of: index, now: now)
        }
    }

    // MARK: Detector memory

    /// Stores the memory of every monitor that changed, in the transaction of the batch that changed it.
    public func saveMemories() throws(SQLiteError) {
        for index in changedMonitors {
            if !isStateUnpublished[index] {
                isStateUnpublished[index] = true
                unpublishedStates.append(index)
            }
            try store.saveMemory(
                monitors[index].savedMemory, rateCMPerHour: monitors[index].rateCMPerHour,
                gaugeID: monitors[index].gauge.id)
            isChanged[index] = false
        }
        changedMonitors.removeAll(keepingCapacity: true)
    }

    // MARK: Gauge states

    /// The gauges whose state was saved since the last call: their retained states are due after the commit.
    public func takeChangedStates() -> [String] {
        defer {
            for index in unpublishedStates { isStateUnpublished[index] = false }
            unpublishedStates.removeAll(keepingCapacity: true)
        }
        return unpublishedStates.map { monitors[$0].gauge.id }
    }

    /// A gauge's retained state as of the last commit (between batches), rendered when it is sent rather than each
    /// time a batch changes it: under load most states are replaced before their turn comes. `nil` for a gauge no
    /// longer configured.
    public func stateJSON(of gaugeID: String, now: Timestamp) -> String? {
        gaugeByID[gaugeID].map { GaugeStateJSON.render(monitors[$0], updatedAt: now) }
    }

    /// Every gauge's monitor, in config order: for the metrics, which copy what they need after a commit.
    public var gaugeMonitors: [GaugeMonitor] { monitors }

    /// Every configured gauge: all their states are due once connected.
    public var gaugeIDs: [String] { monitors.map(\.gauge.id) }

    private func markChanged(_ index: Int) {
        guard !isChanged[index] else { return }
        isChanged[index] = true
        changedMonitors.append(index)
    }

    /// Stores what the monitor at `index` just emitted.
    private func recordTransitions(of index: Int, now: Timestamp) throws(SQLiteError) {
        if let deadline = monitors[index].silenceDeadline, deadline < nextSilenceCheck { nextSilenceCheck = deadline }
        for transition in transitions {
            try record(transition, gauge: monitors[index].gauge, now: now)
        }
        transitions.removeAll(keepingCapacity: true)
    }

    /// The transitions stored since the last call; publish and log them only after the commit.
    public func takeNewEvents() -> [StoredEvent] {
        defer { newEvents.removeAll(keepingCapacity: true) }
        return newEvents
    }

    /// Stores the uplink; returns its row id, or `nil` for a duplicate (counted, not re-processed).
    @discardableResult
    private func storeUplink(
        _ topic: UnsafeRawBufferPointer, _ devEUI: UInt64, _ gaugeID: String?, _ uplink: Uplink, _ receivedAt: Timestamp,
        _ frame: UnsafeRawBufferPointer, _ reading: Reading?
    ) throws(SQLiteError) -> Int64? {
        let row = Store.UplinkRow(
            receivedAt: receivedAt, topic: topic, devEUI: devEUI, gaugeID: gaugeID, uplink: uplink, frame: frame,
            reading: reading)
        guard let id = try store.insertUplink(row) else {
            counters.duplicates += 1
            return nil
        }
        counters.uplinks += 1
        return id
    }

    private func reject(_ message: IngestMessage, reason: String) throws(SQLiteError) {
        counters.rejects += 1
        try store.insertReject(
            receivedAt: message.arrivedAt, topic: message.topic, reason: reason,
            message: message.payload)
    }

    private func record(_ transition: AlertTransition, gauge: GaugeSettings, now: Timestamp) throws(SQLiteError) {
        counters.transitions += 1
        switch transition.transition {
        case .raised: counters.openAlerts += 1
        case .cleared: counters.openAlerts -= 1
        case .escalated, .deescalated: break
        }
        let payload = text.eventJSON(transition, gauge: gauge, emittedAt: now, replay: replay)
        let logLine = text.logLine(transition, gauge: gauge)
        try store.saveTransition(transition, emittedAt: now, payload: payload, logLine: logLine)
        newEvents.append(
            StoredEvent(
                eventID: transition.eventID, gaugeID: gauge.id, payload: payload, logLine: logLine,
                transition: transition))
    }
}
