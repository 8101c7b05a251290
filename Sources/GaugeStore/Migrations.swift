/// The schema, as numbered migrations. `PRAGMA user_version` records how many have run; a new
/// schema change is a new entry at the end, never an edit of an old one.
enum Migrations {
    static let all: [String] = [
        // 1: uplinks as received, samples with their levels, rejects, alerts and their events.
        """
        CREATE TABLE uplinks (
            id          INTEGER PRIMARY KEY,
            received_at INTEGER NOT NULL,          -- unix ms, from the envelope or arrival
            topic       TEXT    NOT NULL,
            dev_eui     TEXT    NOT NULL,          -- 16 uppercase hex digits
            gauge_id    TEXT,                      -- NULL: no configured gauge has this DevEUI
            f_port      INTEGER,
            f_cnt       INTEGER NOT NULL,
            rssi        REAL,
            snr         REAL,
            frame       BLOB    NOT NULL,          -- the FRMPayload bytes
            kind        TEXT,                      -- measurement | status; NULL when not decoded
            battery_mv  INTEGER,
            temperature_c REAL,
            UNIQUE (dev_eui, f_cnt, received_at)
        );
        CREATE TABLE samples (
            gauge_id    TEXT    NOT NULL,
            t           INTEGER NOT NULL,          -- unix ms, data time of the sample
            level_mm    INTEGER,                   -- above the gauge datum; NULL for a gap
            raw_mm      INTEGER,                   -- distance or depth as the device measured it
            gap         TEXT,                      -- why there is no value
            uplink_id   INTEGER NOT NULL REFERENCES uplinks(id),
            PRIMARY KEY (gauge_id, t)
        ) WITHOUT ROWID;
        CREATE TABLE rejects (
            id          INTEGER PRIMARY KEY,
            received_at INTEGER NOT NULL,
            topic       TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            message     BLOB    NOT NULL           -- the MQTT payload exactly as it arrived
        );
        CREATE TABLE alerts (
            alert_id    TEXT    PRIMARY KEY,
            gauge_id    TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            raised_at   INTEGER NOT NULL,
            cleared_at  INTEGER,                   -- NULL while active
            severity    TEXT    NOT NULL,
            stage       INTEGER,
            event_count INTEGER NOT NULL,
            last_level_cm REAL,
            last_observed_at INTEGER NOT NULL
        );
        CREATE INDEX alerts_active ON alerts (gauge_id) WHERE cleared_at IS NULL;
        CREATE TABLE alert_events (
            event_id    TEXT    PRIMARY KEY,
            alert_id    TEXT    NOT NULL REFERENCES alerts(alert_id),
            gauge_id    TEXT    NOT NULL,
            transition  TEXT    NOT NULL,
            severity    TEXT    NOT NULL,
            observed_at INTEGER NOT NULL,
            emitted_at  INTEGER NOT NULL,
            payload     TEXT    NOT NULL,          -- the JSON exactly as published
            log_line    TEXT    NOT NULL,
            published_at INTEGER                   -- NULL until the broker acknowledged it
        );
        CREATE INDEX alert_events_unpublished ON alert_events (emitted_at) WHERE published_at IS NULL;
        """,
        // 2: the detectors' verdict on each sample, and their memory, so a restart continues where it stopped.
        """
        ALTER TABLE samples ADD COLUMN verdict TEXT;  -- NULL: the detectors used it (or a gap)
        CREATE TABLE gauge_state (
            gauge_id          TEXT    PRIMARY KEY,
            newest_sample_at  INTEGER,                -- unix ms; older samples are out of order
            last_valid_at     INTEGER,
            last_valid_cm     REAL,
            pending_jump_at   INTEGER,                -- a jump waiting for the next sample
            pending_jump_cm   REAL,
            level_hold_above  INTEGER NOT NULL,       -- samples counted towards the next stage
            level_hold_below  INTEGER NOT NULL,       -- samples counted towards leaving the stage
            rate_hold_above   INTEGER NOT NULL,
            rate_hold_below   INTEGER NOT NULL,
            gap_run           INTEGER NOT NULL,
            watched_since     INTEGER,                -- silence counts from here until a first valid level
            newest_reading_at INTEGER
        ) WITHOUT ROWID;
        """,
        // 3: the gauges as configured, so the query commands and integrators need no config file; the rate of
        // rise beside the detectors' memory.
        """
        CREATE TABLE gauges (
            id                   TEXT    PRIMARY KEY,
            name                 TEXT    NOT NULL,
            river                TEXT,
            lat                  REAL,
            lon                  REAL,
            dev_eui              TEXT    NOT NULL,    -- 16 uppercase hex digits
            codec                TEXT    NOT NULL,
            device               TEXT,
            distance_to_datum_mm INTEGER,
            probe_datum_mm       INTEGER,
            stages               TEXT    NOT NULL,    -- JSON: [{"name":…,"enter_cm":…,"clear_cm":…}, …]
            stale_after_s        INTEGER NOT NULL,
            configured_at        INTEGER NOT NULL     -- unix ms of the run that wrote this row
        ) WITHOUT ROWID;
        ALTER TABLE gauge_state ADD COLUMN rate_cm_per_h REAL;  -- after the newest valid level, when known
        """,
        // 4: ChirpStack's deduplication id, so an uplink it forwards twice is stored once; an index for pruning
        // old uplinks by age; the battery as last reported, for the state topic.
        """
        ALTER TABLE uplinks ADD COLUMN deduplication_id TEXT;
        CREATE UNIQUE INDEX uplinks_deduplication_id ON uplinks (deduplication_id) WHERE deduplication_id IS NOT NULL;
        CREATE INDEX uplinks_received_at ON uplinks (received_at);
        ALTER TABLE gauge_state ADD COLUMN battery_mv INTEGER;
        ALTER TABLE gauge_state ADD COLUMN battery_pct INTEGER;
        """,
        // 5: the copy check finds an earlier copy of an uplink in the index alone. Through the unique key it read
        // every uplink of the device within the two minutes to compare frames: a raw source has no frame counter,
        // so a backlog of 200 uplinks per device, delivered after an outage, cost 200 row reads each.
        """
        CREATE INDEX uplinks_copies ON uplinks (dev_eui, f_cnt, frame, received_at);
        """,
        // 6: two indexes fewer on every uplink. The unique key on device, counter and receive time duplicated the
        // copy check (a redelivery has the same bytes too), and dropped two different raw frames of one device
        // that arrived in the same millisecond; retention goes by row id, in the order uplinks were stored, instead
        // of by an index on the receive time. Both cost a tenth of a replay's instructions. SQLite drops a table
        // constraint only by copying the table.
        """
        CREATE TABLE uplinks_6 (
            id          INTEGER PRIMARY KEY,
            received_at INTEGER NOT NULL,          -- unix ms, from the envelope or arrival
            topic       TEXT    NOT NULL,          -- '' once retention pruned it
            dev_eui     TEXT    NOT NULL,          -- 16 uppercase hex digits
            gauge_id    TEXT,                      -- NULL: no configured gauge has this DevEUI
            f_port      INTEGER,
            f_cnt       INTEGER NOT NULL,
            rssi        REAL,
            snr         REAL,
            frame       BLOB    NOT NULL,          -- the FRMPayload bytes; empty once retention pruned them
            kind        TEXT,                      -- measurement | status; NULL when not decoded
            battery_mv  INTEGER,
            temperature_c REAL,
            deduplication_id TEXT
        );
        INSERT INTO uplinks_6
            SELECT id, received_at, topic, dev_eui, gauge_id, f_port, f_cnt, rssi, snr, frame, kind, battery_mv,
                   temperature_c, deduplication_id
            FROM uplinks;
        DROP TABLE uplinks;
        ALTER TABLE uplinks_6 RENAME TO uplinks;
        CREATE UNIQUE INDEX uplinks_deduplication_id ON uplinks (deduplication_id) WHERE deduplication_id IS NOT NULL;
        CREATE INDEX uplinks_copies ON uplinks (dev_eui, f_cnt, frame, received_at);
        """,
    ]

    /// Brings the database up to `target` (the newest schema unless a test asks for an older one), each step in its
    /// own transaction.
    static func migrate(_ connection: Connection, to target: Int = all.count) throws(SQLiteError) {
        var version: Int64 = 0
        try connection.prepare("PRAGMA user_version").query { row in version = row.int(0) }
        guard version <= Int64(all.count) else {
            throw SQLiteError(
                code: 0, message: "database schema \(version) is newer than this floodgauge (\(all.count))",
                context: "migrating")
        }
        for (index, sql) in all.enumerated().prefix(target).dropFirst(Int(version)) {
            try connection.transaction { () throws(SQLiteError) in
                try connection.execute(sql)
                try connection.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
