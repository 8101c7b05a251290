import CSQLite
public import GaugeCore

#if canImport(Glibc)
    import Glibc
#endif

/// floodgauge's database as the query commands read it, while the daemon may be writing it.
///
/// The connection is read-only and runs no migrations: a reader must never change the schema under a running daemon.
/// Every query runs in its own snapshot (WAL), so readers and the writer never wait for each other, and a query that
/// returns holds no read transaction that would keep the daemon from checkpointing.
public final class Archive {
    private let connection: Connection

    /// Opens the database at `path`, which must exist and have the schema this floodgauge writes.
    public init(path: String) throws(SQLiteError) {
        // SQLite would say only "unable to open database file", as it does for a directory it may not read: name the
        // common case.
        guard access(path, F_OK) == 0 else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "no such file", context: "opening \(path)")
        }
        connection = try Connection(path: path, access: .readOnly)
        var version: Int64 = 0
        do {
            try connection.prepare("PRAGMA user_version").query { row in version = row.int(0) }
        } catch {
            // A file that is not SQLite fails here, at its first read.
            throw SQLiteError(code: error.code, message: error.message, context: "opening \(path)")
        }
        let expected = Int64(Store.schemaVersion)
        guard version == expected else {
            let problem =
                switch version {
                case 0: "not a floodgauge database (schema version 0)"
                case ..<expected:
                    "schema version \(version) is older than this floodgauge's (\(expected)); "
                        + "`floodgauge run` of this version upgrades it"
                default: "schema version \(version) is newer than this floodgauge's (\(expected))"
                }
            throw SQLiteError(code: 0, message: problem, context: "opening \(path)")
        }
    }

    // MARK: Gauges

    /// What a gauge's raw values measure: a downward-looking sensor's distance or a probe's depth.
    public enum RawQuantity: String, Sendable {
        case distance, depth
    }

    /// A gauge as last configured.
    public struct Gauge: Sendable {
        public var id: String
        public var rawQuantity: RawQuantity
    }

    /// The gauges as last configured, by id.
    public func gauges() throws(SQLiteError) -> [Gauge] {
        var gauges: [Gauge] = []
        try connection.prepare("SELECT id, probe_datum_mm IS NOT NULL FROM gauges ORDER BY id").query { row in
            gauges.append(Gauge(id: row.text(0), rawQuantity: row.int(1) == 1 ? .depth : .distance))
        }
        return gauges
    }

    // MARK: Alert history

    /// One stored alert transition.
    public struct Event: Sendable {
        public var severity: String
        /// The event JSON exactly as published.
        public var payload: String
        /// The line the alert log got.
        public var logLine: String
    }

    /// Reads the alert history in emitted order, repeatedly and cheaply: each `next()` continues where the last one
    /// stopped, so following the history is polling it.
    public final class EventCursor {
        private let statement: Statement
        private let since: Timestamp?
        private let gaugeID: String?
        /// The rowid of the newest event read so far: events are stored in the order they were emitted.
        private var position: Int64 = 0

        fileprivate init(statement: Statement, since: Timestamp?, gaugeID: String?) {
            self.statement = statement
            self.since = since
            self.gaugeID = gaugeID
        }

        /// The events stored after the last call (all of them at the first), observed at `since` or later, of
        /// `gaugeID` when given.
        public func next() throws(SQLiteError) -> [Event] {
            var events: [Event] = []
            try statement.query(
                .integer(position), .integer(since?.unixMilliseconds ?? .min), gaugeID.map { .text($0) } ?? .null
            ) { row in
                position = row.int(0)
                events.append(Event(severity: row.text(1), payload: row.text(2), logLine: row.text(3)))
            }
            return events
        }
    }

    /// A cursor over the alert events observed at `since` or later (all when `nil`), of one gauge or of all.
    public func eventCursor(since: Timestamp?, gaugeID: String?) throws(SQLiteError) -> EventCursor {
        // Rowids grow in the order the events were committed: the daemon is the only writer and nothing deletes events.
        let statement = try connection.prepare(
            """
            SELECT rowid, severity, payload, log_line FROM alert_events
            WHERE rowid > ?1 AND observed_at >= ?2 AND (?3 IS NULL OR gauge_id = ?3)
            ORDER BY rowid
            """)
        return EventCursor(statement: statement, since: since, gaugeID: gaugeID)
    }

    // MARK: Open alerts

    /// An alert not yet cleared, with its gauge's latest valid level.
    public struct OpenAlert: Sendable {
        public var alertID: String
        public var gaugeID: String
        public var kind: String
        public var severity: String
        /// The warning stage, for `level` alerts, and its configured name.
        public var stage: Int?
        public var stageName: String?
        public var raisedAt: Timestamp
        public var levelCM: Double?
        public var lastSeenAt: Timestamp?
    }

    /// The alerts still open, oldest first, of one gauge or of all.
    public func openAlerts(gaugeID: String? = nil) throws(SQLiteError) -> [OpenAlert] {
        var alerts: [OpenAlert] = []
        // Only a level alert's stage is a warning stage (a rate alert keeps its warn/alarm step there too); stages
        // are numbered from 1 in the order the gauge's config lists them.
        try connection.prepare(
            """
            SELECT a.alert_id, a.gauge_id, a.kind, a.severity, iif(a.kind = 'level', a.stage, NULL),
                   iif(a.kind = 'level', json_extract(g.stages, '$[' || (a.stage - 1) || '].name'), NULL), a.raised_at,
                   s.last_valid_cm, s.last_valid_at
            FROM alerts a
            LEFT JOIN gauges g ON g.id = a.gauge_id
            LEFT JOIN gauge_state s ON s.gauge_id = a.gauge_id
            WHERE a.cleared_at IS NULL AND (?1 IS NULL OR a.gauge_id = ?1)
            ORDER BY a.raised_at, a.rowid
            """
        ).query(gaugeID.map { .text($0) } ?? .null) { row in
            alerts.append(
                OpenAlert(
                    alertID: row.text(0), gaugeID: row.text(1), kind: row.text(2),
                    severity: row.text(3), stage: row.optionalInt(4).map { Int($0) },
                    stageName: row.optionalText(5), raisedAt: Timestamp(unixMilliseconds: row.int(6)),
                    levelCM: row.optionalDouble(7),
                    lastSeenAt: row.optionalInt(8).map { Timestamp(unixMilliseconds: $0) }))
        }
        return alerts
    }

    // MARK: Gauge status

    /// Where a gauge stands: its latest valid level, trend and battery, and its open alerts.
    public struct GaugeStatus: Sendable {
        public var id: String
        public var name: String
        public var river: String?
        public var levelCM: Double?
        /// The time of the latest valid level.
        public var lastSeenAt: Timestamp?
        public var rateCMPerHour: Double?
        /// As the device last reported it, in mV or percent.
        public var batteryMV: Int64?
        public var batteryPercent: Int64?
        public var openAlerts: [OpenAlert]

        /// The open level alert's stage, if the gauge is in one.
        public var levelAlert: OpenAlert? { openAlerts.first { $0.kind == AlertKind.level.rawValue } }
    }

    /// Every configured gauge's status, by id.
    public func statuses() throws(SQLiteError) -> [GaugeStatus] {
        let alerts = Dictionary(grouping: try openAlerts(), by: \.gaugeID)

        var statuses: [GaugeStatus] = []
        try connection.prepare(
            """
            SELECT g.id, g.name, g.river, s.last_valid_cm, s.last_valid_at, s.rate_cm_per_h, s.battery_mv, s.battery_pct
            FROM gauges g LEFT JOIN gauge_state s ON s.gauge_id = g.id
            ORDER BY g.id
            """
        ).query { row in
            let id = row.text(0)
            statuses.append(
                GaugeStatus(
                    id: id, name: row.text(1), river: row.optionalText(2), levelCM: row.optionalDouble(3),
                    lastSeenAt: row.optionalInt(4).map { Timestamp(unixMilliseconds: $0) },
                    rateCMPerHour: row.optionalDouble(5),
                    batteryMV: row.optionalInt(6), batteryPercent: row.optionalInt(7), openAlerts: alerts[id] ?? []))
        }
        return statuses
    }

    // MARK: Series

    /// One stored sample.
    public struct Sample: Sendable {
        public var time: Timestamp
        /// `nil` for a gap.
        public var levelCM: Double?
        /// The distance or depth as the device measured it.
        public var rawMM: Double?
        public var gap: String?
        /// `nil` when the detectors used the sample (or it is a gap).
        public var verdict: String?
    }

    /// Calls `body` with each sample of gauge `id` from `since` up to and including `until`, oldest first.
    public func samples(
        gaugeID id: String, since: Timestamp?, until: Timestamp?, _ body: (Sample) -> Void
    ) throws(SQLiteError) {
        try connection.prepare(
            """
            SELECT t, level_mm, raw_mm, gap, verdict FROM samples
            WHERE gauge_id = ? AND t BETWEEN ? AND ? ORDER BY t
            """
        ).query(
            .text(id), .integer(since?.unixMilliseconds ?? .min), .integer(until?.unixMilliseconds ?? .max)
        ) { row in
            body(
                Sample(
                    time: Timestamp(unixMilliseconds: row.int(0)), levelCM: row.optionalDouble(1).map { $0 / 10 },
                    rawMM: row.optionalDouble(2), gap: row.optionalText(3), verdict: row.optionalText(4)))
        }
    }
}

@available(*, unavailable)
extension Archive: Sendable {}

@available(*, unavailable)
extension Archive.EventCursor: Sendable {}
