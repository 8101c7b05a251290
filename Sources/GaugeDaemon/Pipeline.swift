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
        public var rejects = 0
        /// Messages that are not uplinks (joins, status and log events): counted and ignored.
        public var ignored = 0
        /// Uplinks from a DevEUI no gauge has: stored, but not decoded.
        public var unknownDevices = 0
        public var transitions = 0
    }

    /// A transition stored in the current batch, to be published and logged once it commits.
    public struct StoredEvent: Sendable {
        public var eventID: String
        public var gaugeID: String
        public var payload: String
        public var logLine: String
    }

    public private(set) var counters = Counters()
    private let formats: [EnvelopeFormat]
    private var monitors: [GaugeMonitor]
    private let gaugeByDevEUI: [UInt64: Int]
    private let store: Store
    private let text: AlertText
    private let replay: Bool
    private var newEvents: [StoredEvent] = []
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
        let open = try store.activeAlerts()
        monitors = gauges.map { gauge in
            GaugeMonitor(gauge: gauge, levelAlert: open.first { $0.gaugeID == gauge.id && $0.kind == .level })
        }
        gaugeByDevEUI = Dictionary(gauges.enumerated().map { ($1.devEUI, $0) }, uniquingKeysWith: { first, _ in first })
    }

    deinit {
        frame.deallocate()
    }

    /// Processes one message: `now` is the wall clock (live) or the capture clock (replay).
    public func process(_ message: IngestMessage, now: Timestamp) throws(SQLiteError) {
        counters.messages += 1
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
            try store.insertSample(
                gaugeID: gauge.id, time: time, levelMM: levelMM, value: sample.value, uplinkID: uplinkID)
            counters.samples += 1
            if let levelMM, let transition = monitors[gaugeIndex].observe(levelCM: levelMM / 10, at: time) {
                try record(transition, gauge: gauge, now: now)
            }
        }
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
        let payload = text.eventJSON(transition, gauge: gauge, emittedAt: now, replay: replay)
        let logLine = text.logLine(transition, gauge: gauge)
        try store.saveTransition(transition, emittedAt: now, payload: payload, logLine: logLine)
        newEvents.append(
            StoredEvent(eventID: transition.eventID, gaugeID: gauge.id, payload: payload, logLine: logLine))
    }
}
