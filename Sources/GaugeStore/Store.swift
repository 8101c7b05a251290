import CSQLite
public import GaugeCore

/// floodgauge's database: uplinks, samples, rejects, alerts and alert events.
///
/// One writer (the pipeline thread) owns a `Store`; the query commands read through an `Archive` instead.
public final class Store {
    public let connection: Connection
    private let findCopyStatement: Statement
    private let insertUplinkStatement: Statement
    private let insertSampleStatement: Statement
    private let insertRejectStatement: Statement
    private let saveAlertStatement: Statement
    private let insertEventStatement: Statement
    private let markPublishedStatement: Statement
    private let settleJumpStatement: Statement
    private let saveMemoryStatement: Statement
    private let nextUplinksStatement: Statement
    private let pruneStatement: Statement
    /// Retention has gone past the uplinks up to this row id (since this `Store` opened the database).
    private var pruningCursor: Int64 = 0

    public static var schemaVersion: Int { Migrations.all.count }

    public init(path: String) throws(SQLiteError) {
        connection = try Connection(path: path)
        try Migrations.migrate(connection)
        // A statement of its own: folded into the insert as `INSERT … SELECT … WHERE NOT EXISTS`, SQLite first
        // copies the row into a temporary table (it reads the table it writes), which made every insert 4× dearer.
        findCopyStatement = try connection.prepare(
            """
            SELECT 1 FROM uplinks INDEXED BY uplinks_copies
            WHERE dev_eui = ?1 AND f_cnt = ?2 AND received_at BETWEEN ?3 - \(Self.duplicateWindowMilliseconds)
                  AND ?3 + \(Self.duplicateWindowMilliseconds) AND frame = ?4
            """)
        insertUplinkStatement = try connection.prepare(
            """
            INSERT OR IGNORE INTO uplinks
                (received_at, topic, dev_eui, gauge_id, f_port, f_cnt, rssi, snr, frame, kind, battery_mv, temperature_c,
                 deduplication_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertSampleStatement = try connection.prepare(
            """
            INSERT OR IGNORE INTO samples (gauge_id, t, level_mm, raw_mm, gap, verdict, uplink_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        settleJumpStatement = try connection.prepare(
            "UPDATE samples SET verdict = ? WHERE gauge_id = ? AND t = ? AND verdict = 'unconfirmed_jump'")
        saveMemoryStatement = try connection.prepare(
            """
            INSERT OR REPLACE INTO gauge_state
                (gauge_id, newest_sample_at, last_valid_at, last_valid_cm, pending_jump_at, pending_jump_cm,
                 level_hold_above, level_hold_below, rate_hold_above, rate_hold_below, gap_run, watched_since,
                 newest_reading_at, rate_cm_per_h, battery_mv, battery_pct)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        nextUplinksStatement = try connection.prepare("SELECT id, received_at FROM uplinks WHERE id > ? ORDER BY id LIMIT ?")
        pruneStatement = try connection.prepare(
            "UPDATE uplinks SET frame = x'', topic = '' WHERE id > ? AND id <= ? AND length(frame) > 0")
        insertRejectStatement = try connection.prepare(
            "INSERT INTO rejects (received_at, topic, reason, message) VALUES (?, ?, ?, ?)")
        saveAlertStatement = try connection.prepare(
            """
            INSERT INTO alerts (alert_id, gauge_id, kind, raised_at, cleared_at, severity, stage, event_count,
                                last_level_cm, last_observed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (alert_id) DO UPDATE SET
                cleared_at = excluded.cleared_at, severity = excluded.severity, stage = excluded.stage,
                event_count = excluded.event_count, last_level_cm = excluded.last_level_cm,
                last_observed_at = excluded.last_observed_at
            """)
        insertEventStatement = try connection.prepare(
            """
            INSERT OR IGNORE INTO alert_events
                (event_id, alert_id, gauge_id, transition, severity, observed_at, emitted_at, payload, log_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        markPublishedStatement = try connection.prepare(
            "UPDATE alert_events SET published_at = ? WHERE event_id = ? AND published_at IS NULL")
    }

    public func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try connection.transaction(body)
    }

    /// An uplink as received, with what its frame decoded to.
    public struct UplinkRow {
        public var receivedAt: Timestamp
        /// The topic's UTF-8 bytes as they arrived.
        public var topic: UnsafeRawBufferPointer
        public var devEUI: UInt64
        public var gaugeID: String?
        public var uplink: Uplink
        public var frame: UnsafeRawBufferPointer
        public var reading: Reading?

        public init(
            receivedAt: Timestamp, topic: UnsafeRawBufferPointer, devEUI: UInt64, gaugeID: String?, uplink: Uplink,
            frame: UnsafeRawBufferPointer, reading: Reading?
        ) {
            self.receivedAt = receivedAt
            self.topic = topic
            self.devEUI = devEUI
            self.gaugeID = gaugeID
            self.uplink = uplink
            self.frame = frame
            self.reading = reading
        }
    }

    /// Two copies of one frame from one device are one uplink when they arrive this close together: a second
    /// network server or gateway path, or a redelivery. A frame counter that starts again after a rejoin repeats
    /// an old counter much later, with other bytes, and is a new uplink.
    public static let duplicateWindowMilliseconds: Int64 = 120_000

    /// Stores an uplink once. Returns its row id, or `nil` when it is a copy: the same device, frame counter and
    /// frame bytes within ``duplicateWindowMilliseconds`` (a QoS redelivery, a replayed capture, a second gateway
    /// path or network server), or ChirpStack's same deduplication id.
    public func insertUplink(_ row: UplinkRow) throws(SQLiteError) -> Int64? {
        try Hex.withDigits(of: row.devEUI) { devEUI throws(SQLiteError) in
            var isCopy = false
            try findCopyStatement.query(
                .utf8(devEUI), .integer(Int64(row.uplink.fCnt)), .integer(row.receivedAt.unixMilliseconds), .blob(row.frame)
            ) { _ in isCopy = true }
            if isCopy { return nil }
            return try (row.gaugeID ?? "").withUTF8Bytes { gaugeID throws(SQLiteError) in
                try insertUplinkStatement.run(
                    .integer(row.receivedAt.unixMilliseconds), .utf8(row.topic), .utf8(devEUI),
                    row.gaugeID == nil ? .null : .utf8(gaugeID), row.uplink.fPort.map { .integer(Int64($0)) } ?? .null,
                    .integer(Int64(row.uplink.fCnt)), row.uplink.bestRSSI.map { .real($0) } ?? .null,
                    row.uplink.bestSNR.map { .real($0) } ?? .null, .blob(row.frame),
                    row.reading.map { .text($0.kind.rawValue) } ?? .null,
                    row.reading?.batteryMillivolts.map { .integer(Int64($0)) } ?? .null,
                    row.reading?.temperatureCelsius.map { .real($0) } ?? .null,
                    row.uplink.deduplicationID.map { .text($0.description) } ?? .null)
                return connection.changes > 0 ? connection.lastInsertRowID : nil
            }
        }
    }

    /// Deletes the frame bytes and topic of uplinks received before `time`, in its own transaction, and returns
    /// how many it went past: it goes through the uplinks in the order they were stored, up to `limit` at a time,
    /// and stops at the first one received since. The rest of each row (receive time, device, counter, radio
    /// metadata, what it decoded to) stays, as the provenance of the samples that point to it.
    ///
    /// In stored order, not by an index on the receive time, which every insert would pay for: uplinks arrive
    /// nearly in time order, and one that arrived late (a backlog) keeps its bytes until those stored before it
    /// are old enough too. After a restart it goes past the uplinks pruned before, `limit` at a time.
    public func pruneUplinks(receivedBefore time: Timestamp, limit: Int) throws(SQLiteError) -> Int {
        var passed = 0
        var end = pruningCursor
        var reachedRecent = false
        try connection.transaction { () throws(SQLiteError) in
            try nextUplinksStatement.query(.integer(pruningCursor), .integer(Int64(limit))) { row in
                guard !reachedRecent, row.int(1) < time.unixMilliseconds else {
                    reachedRecent = true
                    return
                }
                end = row.int(0)
                passed += 1
            }
            try pruneStatement.run(.integer(pruningCursor), .integer(end))
        }
        pruningCursor = end
        return passed
    }

    /// Stores a sample once, with the detectors' verdict (`nil`: used, or a gap).
    public func insertSample(
        gaugeID: String, time: Timestamp, levelMM: Double?, value: SampleValue, verdict: SampleVerdict?,
        uplinkID: Int64
    ) throws(SQLiteError) {
        let raw: Statement.Value
        let gap: Statement.Value
        switch value {
        case .distance(let mm), .depth(let mm):
            raw = .real(mm)
            gap = .null
        case .gap(let reason):
            raw = .null
            gap = .text(reason.rawValue)
        }
        try gaugeID.withUTF8Bytes { gaugeID throws(SQLiteError) in
            try insertSampleStatement.run(
                .utf8(gaugeID), .integer(time.unixMilliseconds), levelMM.map { .real($0) } ?? .null, raw, gap,
                verdict.map { .text($0.rawValue) } ?? .null, .integer(uplinkID))
        }
    }

    /// Settles a sample that waited as an unconfirmed jump: valid when `confirmed`, a spike otherwise.
    public func settleJump(gaugeID: String, time: Timestamp, confirmed: Bool) throws(SQLiteError) {
        try settleJumpStatement.run(
            confirmed ? .null : .text(SampleVerdict.spike.rawValue), .text(gaugeID), .integer(time.unixMilliseconds))
    }

    // MARK: Detector memory

    /// Stores a gauge's detector memory, and its rate of rise for the query commands.
    public func saveMemory(_ memory: GaugeMemory, rateCMPerHour: Double?, gaugeID: String) throws(SQLiteError) {
        func ms(_ time: Timestamp?) -> Statement.Value { time.map { .integer($0.unixMilliseconds) } ?? .null }
        try saveMemoryStatement.run(
            .text(gaugeID), ms(memory.newestSampleAt), ms(memory.lastValid?.time),
            memory.lastValid.map { .real($0.cm) } ?? .null, ms(memory.pendingJump?.time),
            memory.pendingJump.map { .real($0.cm) } ?? .null,
            .integer(Int64(memory.levelHolds.above)), .integer(Int64(memory.levelHolds.below)),
            .integer(Int64(memory.rateHolds.above)), .integer(Int64(memory.rateHolds.below)),
            .integer(Int64(memory.gapRun)), ms(memory.watchedSince), ms(memory.newestReadingAt),
            rateCMPerHour.map { .real($0) } ?? .null, memory.batteryMillivolts.map { .integer(Int64($0)) } ?? .null,
            memory.batteryPercent.map { .integer(Int64($0)) } ?? .null)
    }

    /// Records the gauges as configured, replacing what an earlier run wrote; gauges no longer configured stay, as
    /// their samples and alerts do.
    public func saveGauges(_ gauges: [GaugeSettings], at time: Timestamp) throws(SQLiteError) {
        let statement = try connection.prepare(
            """
            INSERT OR REPLACE INTO gauges (id, name, river, lat, lon, dev_eui, codec, device, distance_to_datum_mm,
                                           probe_datum_mm, stages, stale_after_s, configured_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try transaction { () throws(SQLiteError) in
            for gauge in gauges {
                var distance: Statement.Value = .null
                var probe: Statement.Value = .null
                switch gauge.geometry {
                case .distance(let mm): distance = .integer(Int64(mm))
                case .probe(let mm): probe = .integer(Int64(mm))
                }
                let stages = gauge.stages.map { stage in
                    var object = JSONWriter()
                    object.field("name", stage.name)
                    object.field("enter_cm", stage.enterCM)
                    object.field("clear_cm", stage.clearCM)
                    return object.finished()
                }
                try statement.run(
                    .text(gauge.id), .text(gauge.name), gauge.river.map { .text($0) } ?? .null,
                    gauge.latitude.map { .real($0) } ?? .null, gauge.longitude.map { .real($0) } ?? .null,
                    .text(Hex.format(gauge.devEUI)), .text(gauge.codec.rawValue),
                    gauge.device.map { .text($0.rawValue) } ?? .null, distance, probe,
                    .text("[" + stages.joined(separator: ",") + "]"), .integer(gauge.health.staleAfterSeconds),
                    .integer(time.unixMilliseconds))
            }
        }
    }

    /// Every gauge's detector memory as last committed, by gauge id.
    public func memories() throws(SQLiteError) -> [String: GaugeMemory] {
        func time(_ row: Row, _ column: Int32) -> Timestamp? {
            row.optionalInt(column).map { Timestamp(unixMilliseconds: $0) }
        }
        func point(_ row: Row, _ column: Int32) -> LevelPoint? {
            guard let at = time(row, column), let cm = row.optionalDouble(column + 1) else { return nil }
            return LevelPoint(time: at, cm: cm)
        }
        var memories: [String: GaugeMemory] = [:]
        try connection.prepare(
            """
            SELECT gauge_id, newest_sample_at, last_valid_at, last_valid_cm, pending_jump_at, pending_jump_cm,
                   level_hold_above, level_hold_below, rate_hold_above, rate_hold_below, gap_run, watched_since,
                   newest_reading_at, battery_mv, battery_pct
            FROM gauge_state
            """
        ).query { row in
            var memory = GaugeMemory()
            memory.newestSampleAt = time(row, 1)
            memory.lastValid = point(row, 2)
            memory.pendingJump = point(row, 4)
            memory.levelHolds = StageDetector.Holds(above: Int(row.int(6)), below: Int(row.int(7)))
            memory.rateHolds = StageDetector.Holds(above: Int(row.int(8)), below: Int(row.int(9)))
            memory.gapRun = Int(row.int(10))
            memory.watchedSince = time(row, 11)
            memory.newestReadingAt = time(row, 12)
            memory.batteryMillivolts = row.optionalInt(13).map { Int32(clamping: $0) }
            memory.batteryPercent = row.optionalInt(14).map { Int32(clamping: $0) }
            memories[row.text(0)] = memory
        }
        return memories
    }

    /// A gauge's newest valid levels from `since` on, oldest first: the rate window after a restart.
    public func recentLevels(gaugeID: String, since: Timestamp, limit: Int) throws(SQLiteError) -> [LevelPoint] {
        var points: [LevelPoint] = []
        try connection.prepare(
            """
            SELECT t, level_mm FROM samples
            WHERE gauge_id = ? AND t >= ? AND verdict IS NULL AND level_mm IS NOT NULL
            ORDER BY t DESC LIMIT ?
            """
        ).query(.text(gaugeID), .integer(since.unixMilliseconds), .integer(Int64(limit))) { row in
            points.append(LevelPoint(time: Timestamp(unixMilliseconds: row.int(0)), cm: row.double(1) / 10))
        }
        return points.reversed()
    }

    /// Keeps a message that could not be used, with its bytes and the reason.
    public func insertReject(
        receivedAt: Timestamp, topic: UnsafeRawBufferPointer, reason: String, message: UnsafeRawBufferPointer
    ) throws(SQLiteError) {
        try insertRejectStatement.run(
            .integer(receivedAt.unixMilliseconds), .utf8(topic), .text(reason), .blob(message))
    }

    /// Stores an alert transition: the alert's new state and the event, in the caller's transaction.
    public func saveTransition(
        _ t: AlertTransition, emittedAt: Timestamp, payload: String, logLine: String
    ) throws(SQLiteError) {
        let alert = t.alert
        try saveAlertStatement.run(
            .text(alert.alertID), .text(alert.gaugeID), .text(alert.kind.rawValue),
            .integer(alert.raisedAt.unixMilliseconds),
            t.transition == .cleared ? .integer(t.observedAt.unixMilliseconds) : .null,
            .text(alert.severity.rawValue), alert.stage.map { .integer(Int64($0)) } ?? .null,
            .integer(Int64(alert.eventCount)), alert.lastLevelCM.map { .real($0) } ?? .null,
            .integer(alert.lastObservedAt.unixMilliseconds))
        try insertEventStatement.run(
            .text(t.eventID), .text(alert.alertID), .text(alert.gaugeID), .text(t.transition.rawValue),
            .text(t.severity.rawValue), .integer(t.observedAt.unixMilliseconds),
            .integer(emittedAt.unixMilliseconds), .text(payload), .text(logLine))
    }

    public func markPublished(eventID: String, at time: Timestamp) throws(SQLiteError) {
        try markPublishedStatement.run(.integer(time.unixMilliseconds), .text(eventID))
    }

    /// The alerts not yet cleared, so detectors continue them after a restart.
    public func activeAlerts() throws(SQLiteError) -> [ActiveAlert] {
        var alerts: [ActiveAlert] = []
        try connection.prepare(
            """
            SELECT gauge_id, kind, raised_at, severity, stage, event_count, last_level_cm, last_observed_at
            FROM alerts WHERE cleared_at IS NULL ORDER BY raised_at
            """
        ).query { row in
            guard let kind = AlertKind(rawValue: row.text(1)), let severity = Severity(rawValue: row.text(3)) else {
                return
            }
            alerts.append(
                ActiveAlert(
                    gaugeID: row.text(0), kind: kind, raisedAt: Timestamp(unixMilliseconds: row.int(2)),
                    severity: severity, stage: row.optionalInt(4).map { Int($0) }, eventCount: Int(row.int(5)),
                    lastLevelCM: row.optionalDouble(6), lastObservedAt: Timestamp(unixMilliseconds: row.int(7))))
        }
        return alerts
    }

    /// An event committed but not yet acknowledged by the broker.
    public struct PendingEvent: Sendable, Equatable {
        public var eventID: String
        public var gaugeID: String
        public var payload: String
    }

    /// Events still waiting for the broker, oldest first: what must be (re)published.
    public func unpublishedEvents() throws(SQLiteError) -> [PendingEvent] {
        var events: [PendingEvent] = []
        try connection.prepare(
            "SELECT event_id, gauge_id, payload FROM alert_events WHERE published_at IS NULL ORDER BY emitted_at, rowid"
        ).query { row in
            events.append(PendingEvent(eventID: row.text(0), gaugeID: row.text(1), payload: row.text(2)))
        }
        return events
    }
}

extension Connection {
    var changes: Int32 { sqlite3_changes(handle) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}
