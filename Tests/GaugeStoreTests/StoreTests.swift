import Foundation
import GaugeCore
import Testing

@testable import GaugeStore

/// A database file in a fresh directory, removed afterwards.
private final class TemporaryDatabase {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("floodgauge.db").path }

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }
}

private let gauge = GaugeSettings(
    id: "kyll-kordel", name: "Kyll bei Kordel", devEUI: 0x70B3_D57E_D000_1234, codec: .mpscV1,
    geometry: .distance(toDatumMM: 6000), stages: [Stage(name: "Meldestufe 1", enterCM: 150, clearCM: 140)])

/// Topics as the MQTT library hands them over: UTF-8 bytes, not Strings.
private func topicBytes(_ topic: StaticString) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: topic.utf8Start, count: topic.utf8CodeUnitCount)
}

private func uplinkRow(fCnt: UInt32, at time: Timestamp, frame: UnsafeRawBufferPointer) -> Store.UplinkRow {
    Store.UplinkRow(
        receivedAt: time, topic: topicBytes("v3/app@tenant/devices/kyll/up"), devEUI: gauge.devEUI, gaugeID: gauge.id,
        uplink: Uplink(devEUI: gauge.devEUI, fPort: 10, fCnt: fCnt, payloadCount: frame.count, receivedAt: time),
        frame: frame, reading: Reading(kind: .measurement))
}

@Suite struct StoreTests {
    @Test func aNewDatabaseIsMigratedToTheNewestSchemaInWALMode() throws {
        let db = try TemporaryDatabase()
        let store = try Store(path: db.path)
        var version: Int64 = -1
        var mode = ""
        try store.connection.prepare("PRAGMA user_version").query { version = $0.int(0) }
        try store.connection.prepare("PRAGMA journal_mode").query { mode = $0.text(0) }
        #expect(version == Int64(Store.schemaVersion))
        #expect(mode == "wal")
        // Opening again migrates nothing and keeps the data.
        _ = try Store(path: db.path)
    }

    /// A database left by every earlier floodgauge, with an uplink, its sample and an open alert written as that
    /// version's schema allowed, opens as the newest schema with all of it intact.
    @Test(arguments: 0..<Migrations.all.count)
    func aDatabaseOfEveryEarlierSchemaIsUpgradedKeepingItsData(version: Int) throws {
        let db = try TemporaryDatabase()
        do {
            let old = try Connection(path: db.path)
            try Migrations.migrate(old, to: version)
            if version >= 1 {
                try old.execute(
                    """
                    INSERT INTO uplinks (received_at, topic, dev_eui, gauge_id, f_cnt, frame)
                        VALUES (1795341600000, 'v3/a/devices/kyll/up', '70B3D57ED0001234', 'kyll-kordel', 7, x'11');
                    INSERT INTO samples (gauge_id, t, level_mm, raw_mm, uplink_id)
                        VALUES ('kyll-kordel', 1795341600000, 1600, 4400, 1);
                    INSERT INTO alerts (alert_id, gauge_id, kind, raised_at, severity, stage, event_count, last_level_cm,
                                        last_observed_at)
                        VALUES ('kyll-kordel:level:x', 'kyll-kordel', 'level', 1795341600000, 'minor', 1, 1, 160,
                                1795341600000);
                    """)
            }
        }
        let store = try Store(path: db.path)
        var upgraded: Int64 = -1
        try store.connection.prepare("PRAGMA user_version").query { upgraded = $0.int(0) }
        #expect(upgraded == Int64(Store.schemaVersion))
        var rows: [Int64] = []
        try store.connection.prepare(
            "SELECT (SELECT count(*) FROM uplinks), (SELECT count(*) FROM samples WHERE verdict IS NULL)"
        ).query { rows = [$0.int(0), $0.int(1)] }
        #expect(rows == (version >= 1 ? [1, 1] : [0, 0]))
        #expect(try store.activeAlerts().map(\.stage) == (version >= 1 ? [1] : []))
        // The upgraded database takes what the newest floodgauge writes.
        let inserted = try [UInt8(0x11)].withUnsafeBytes { frame in
            try store.insertUplink(uplinkRow(fCnt: 8, at: Timestamp(unixSeconds: 1_795_342_500), frame: frame))
        }
        #expect(inserted != nil)
        try store.saveMemory(GaugeMemory(), rateCMPerHour: 12, gaugeID: gauge.id)
    }

    @Test func copiesOfOneUplinkAreStoredOnceAndARejoinedDeviceIsNot() throws {
        let db = try TemporaryDatabase()
        let store = try Store(path: db.path)
        let t0 = Timestamp(unixSeconds: 1_795_341_600)
        let frame: [UInt8] = [0x11, 0x01, 0x00, 0x07]
        let other: [UInt8] = [0x11, 0x01, 0x00, 0x01]
        func isNew(fCnt: UInt32, afterSeconds seconds: Int64, _ bytes: [UInt8], dedup: DeduplicationID? = nil) throws
            -> Bool
        {
            try bytes.withUnsafeBytes { buffer in
                var row = uplinkRow(fCnt: fCnt, at: t0.adding(seconds: seconds), frame: buffer)
                row.uplink.deduplicationID = dedup
                return try store.insertUplink(row) != nil
            }
        }
        #expect(try isNew(fCnt: 7, afterSeconds: 0, frame))
        // The same frame through a second network server path, half a second later: a copy.
        #expect(try !isNew(fCnt: 7, afterSeconds: 1, frame))
        // ChirpStack names its merged uplink: the same id again is the same uplink, whatever else differs.
        let id = DeduplicationID(high: 0x3AC7_E3C4_4401_4B8D, low: 0x9386_A5C9_02F9_202D)
        #expect(try isNew(fCnt: 8, afterSeconds: 900, frame, dedup: id))
        #expect(try !isNew(fCnt: 8, afterSeconds: 905, [0x11], dedup: id))
        // After a rejoin the counter starts again: counter 7 an hour later, with its own bytes, is a new uplink.
        #expect(try isNew(fCnt: 7, afterSeconds: 3600, other))
        // A raw source takes the arrival time and has no counter: two readings of one device in one millisecond
        // (two gauges behind one gateway bridge) are two uplinks when their bytes differ.
        #expect(try isNew(fCnt: 0, afterSeconds: 1800, [0x11, 0xA0]))
        #expect(try isNew(fCnt: 0, afterSeconds: 1800, [0x11, 0xA1]))
        // Beyond the window even the same bytes are a new reading (a steady river sends the same frame).
        #expect(try isNew(fCnt: 0, afterSeconds: 7200, frame))
        #expect(try isNew(fCnt: 0, afterSeconds: 7200 + 900, frame))
        // A raw source has no counter (0): a backlog delivered after an outage brings many uplinks of one device
        // within the window, and a copy is still found among them, by its bytes, through the index alone.
        for second in 0..<50 { #expect(try isNew(fCnt: 0, afterSeconds: 10_000 + Int64(second), [0x11, UInt8(second)])) }
        #expect(try !isNew(fCnt: 0, afterSeconds: 10_060, [0x11, 25]))
        var plan = ""
        try store.connection.prepare(
            "EXPLAIN QUERY PLAN SELECT 1 FROM uplinks INDEXED BY uplinks_copies WHERE dev_eui = ? AND f_cnt = ? "
                + "AND received_at BETWEEN ? AND ? AND frame = ?"
        ).query { plan += $0.text(3) }
        #expect(plan.contains("COVERING INDEX uplinks_copies"), "\(plan)")
    }

    @Test func retentionPrunesOldFramesStepByStepAndKeepsTheirSamples() throws {
        let db = try TemporaryDatabase()
        let store = try Store(path: db.path)
        let t0 = Timestamp(unixSeconds: 1_795_341_600)
        let frame: [UInt8] = [0x11, 0x01, 0x00, 0x07]
        try frame.withUnsafeBytes { bytes in
            for day in 0..<5 {
                let time = t0.adding(seconds: Int64(day) * 86_400)
                let id = try #require(try store.insertUplink(uplinkRow(fCnt: UInt32(day), at: time, frame: bytes)))
                try store.insertSample(
                    gaugeID: gauge.id, time: time, levelMM: 1000, value: .distance(mm: 5000), verdict: nil, uplinkID: id)
            }
        }
        let cutoff = t0.adding(seconds: 3 * 86_400)
        #expect(try store.pruneUplinks(receivedBefore: cutoff, limit: 2) == 2)
        #expect(try store.pruneUplinks(receivedBefore: cutoff, limit: 2) == 1)
        #expect(try store.pruneUplinks(receivedBefore: cutoff, limit: 2) == 0)
        var rows: [String] = []
        try store.connection.prepare("SELECT f_cnt, length(frame), topic FROM uplinks ORDER BY received_at").query {
            rows.append("\($0.int(0)) \($0.int(1)) \($0.text(2))")
        }
        #expect(
            rows == [
                "0 0 ", "1 0 ", "2 0 ", "3 4 v3/app@tenant/devices/kyll/up", "4 4 v3/app@tenant/devices/kyll/up",
            ])
        var samples: Int64 = 0
        try store.connection.prepare("SELECT count(*) FROM samples").query { samples = $0.int(0) }
        #expect(samples == 5)
    }

    /// Retention goes in stored order: an old uplink stored late (a backlog) waits until those stored before it are
    /// old too, and a restarted floodgauge goes past what an earlier one pruned.
    @Test func retentionGoesInStoredOrderAndContinuesAfterARestart() throws {
        let db = try TemporaryDatabase()
        let t0 = Timestamp(unixSeconds: 1_795_341_600)
        let frame: [UInt8] = [0x11, 0x01, 0x00, 0x07]
        func frameLengths(_ store: Store) throws -> [Int64] {
            var lengths: [Int64] = []
            try store.connection.prepare("SELECT length(frame) FROM uplinks ORDER BY id").query { lengths.append($0.int(0)) }
            return lengths
        }
        do {
            let store = try Store(path: db.path)
            try frame.withUnsafeBytes { bytes in
                // Stored in this order, received on these days: the day-0 uplink came in late.
                for (n, day) in [1, 2, 5, 0, 3].enumerated() {
                    let time = t0.adding(seconds: Int64(day) * 86_400)
                    _ = try #require(try store.insertUplink(uplinkRow(fCnt: UInt32(n), at: time, frame: bytes)))
                }
            }
            #expect(try store.pruneUplinks(receivedBefore: t0.adding(seconds: 4 * 86_400), limit: 10) == 2)
            #expect(try frameLengths(store) == [0, 0, 4, 4, 4])
            // Once the day-5 uplink is old too, the rest follow.
            #expect(try store.pruneUplinks(receivedBefore: t0.adding(seconds: 6 * 86_400), limit: 10) == 3)
            #expect(try frameLengths(store) == [0, 0, 0, 0, 0])
        }
        let restarted = try Store(path: db.path)
        #expect(try restarted.pruneUplinks(receivedBefore: t0.adding(seconds: 6 * 86_400), limit: 3) == 3)
        #expect(try restarted.pruneUplinks(receivedBefore: t0.adding(seconds: 6 * 86_400), limit: 3) == 2)
        #expect(try restarted.pruneUplinks(receivedBefore: t0.adding(seconds: 6 * 86_400), limit: 3) == 0)
    }

    @Test func aDatabaseFromANewerFloodgaugeIsRefusedNotDamaged() throws {
        let db = try TemporaryDatabase()
        let connection = try Connection(path: db.path)
        try connection.execute("PRAGMA user_version = 99")
        #expect(throws: SQLiteError.self) { try Store(path: db.path) }
    }

    @Test func aRedeliveredUplinkIsStoredOnceWithItsSamples() throws {
        let db = try TemporaryDatabase()
        let store = try Store(path: db.path)
        let time = Timestamp(unixSeconds: 1_795_341_600)
        let frame: [UInt8] = [0x11, 0x00, 0x00, 0x01]
        try frame.withUnsafeBytes { bytes in
            let first = try store.insertUplink(uplinkRow(fCnt: 7, at: time, frame: bytes))
            let again = try store.insertUplink(uplinkRow(fCnt: 7, at: time, frame: bytes))
            #expect(first != nil)
            #expect(again == nil)
            for _ in 0..<2 {
                try store.insertSample(
                    gaugeID: gauge.id, time: time, levelMM: 1450, value: .distance(mm: 4550), verdict: nil,
                    uplinkID: first!)
            }
        }
        var counts: [Int64] = []
        try store.connection.prepare("SELECT (SELECT count(*) FROM uplinks), (SELECT count(*) FROM samples)").query {
            counts = [$0.int(0), $0.int(1)]
        }
        #expect(counts == [1, 1])
    }

    @Test func rejectsKeepTheBytesExactlyAsTheyArrived() throws {
        let db = try TemporaryDatabase()
        let store = try Store(path: db.path)
        let message: [UInt8] = [0x7B, 0x00, 0xFF, 0x22]
        try message.withUnsafeBytes {
            try store.insertReject(
                receivedAt: Timestamp(unixSeconds: 1), topic: topicBytes("v3/x/devices/prüm/up"),
                reason: "envelope is not valid JSON", message: $0)
        }
        var stored: [UInt8] = []
        var reason = ""
        var topic = ""
        try store.connection.prepare("SELECT message, reason, topic, typeof(topic) FROM rejects").query {
            stored = $0.blob(0)
            reason = $0.text(1)
            topic = "\($0.text(2)) (\($0.text(3)))"
        }
        #expect(stored == message)
        #expect(reason == "envelope is not valid JSON")
        // The topic's bytes are stored as text, so `sqlite3` and the query commands show it as the broker did.
        #expect(topic == "v3/x/devices/prüm/up (text)")
    }

    @Test func anOpenAlertIsRecoveredAndAClearedOneIsNot() throws {
        let db = try TemporaryDatabase()
        let t0 = Timestamp(unixSeconds: 1_795_341_600)
        var monitor = GaugeMonitor(gauge: gauge)
        let raisedEvent = monitor.feed(160, at: t0)
        let raised = try #require(raisedEvent)
        do {
            let store = try Store(path: db.path)
            try store.transaction { () throws(SQLiteError) in
                try store.saveTransition(raised, emittedAt: t0, payload: "{}", logLine: "raised")
            }
        }
        let reopened = try Store(path: db.path)
        #expect(try reopened.activeAlerts() == monitor.activeAlerts)

        let clearedEvent = monitor.feed(100, at: t0.adding(seconds: 900))
        let cleared = try #require(clearedEvent)
        try reopened.saveTransition(cleared, emittedAt: t0, payload: "{}", logLine: "cleared")
        #expect(try reopened.activeAlerts().isEmpty)
    }

    @Test func eventsStayUnpublishedUntilTheBrokerAcknowledgesThem() throws {
        let db = try TemporaryDatabase()
        let store = try Store(path: db.path)
        let t0 = Timestamp(unixSeconds: 1_795_341_600)
        var monitor = GaugeMonitor(gauge: gauge)
        let raisedEvent = monitor.feed(160, at: t0)
        let raised = try #require(raisedEvent)
        let clearedEvent = monitor.feed(100, at: t0.adding(seconds: 900))
        let cleared = try #require(clearedEvent)
        try store.saveTransition(raised, emittedAt: t0, payload: #"{"n":1}"#, logLine: "1")
        try store.saveTransition(cleared, emittedAt: t0.adding(seconds: 1), payload: #"{"n":2}"#, logLine: "2")
        #expect(try store.unpublishedEvents().map(\.payload) == [#"{"n":1}"#, #"{"n":2}"#])

        try store.markPublished(eventID: raised.eventID, at: t0.adding(seconds: 2))
        #expect(try store.unpublishedEvents().map(\.eventID) == [cleared.eventID])
        // Saving the same transition again (a replayed batch) does not duplicate its event.
        try store.saveTransition(cleared, emittedAt: t0.adding(seconds: 1), payload: #"{"n":2}"#, logLine: "2")
        #expect(try store.unpublishedEvents().count == 1)
    }
}

extension GaugeMonitor {
    /// Feeds one level; returns the one transition it caused, if any.
    fileprivate mutating func feed(_ levelCM: Double, at time: Timestamp) -> AlertTransition? {
        var events: [AlertTransition] = []
        _ = observe(at: time, levelCM: levelCM, now: time, into: &events)
        return events.last
    }
}
