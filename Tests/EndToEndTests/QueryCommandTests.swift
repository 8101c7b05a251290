import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `alerts`, `status` and `series` as an operator runs them: the real binary, reading the database of a real daemon
/// that keeps running (and writing) meanwhile.
@Suite(.serialized) struct QueryCommandTests {
    @Test func alertsPrintTheHistoryTheOpenAlertsAndFilterByGaugeAndTime() throws {
        let flood = try LiveFlood()
        try flood.publishHistory()
        let db = flood.database

        // The history: exactly the alert log's lines, in the order they were emitted.
        let history = try floodgauge("alerts", "--db", db, in: flood.scratch)
        #expect(history.code == 0, "\(history.output)")
        let logLines = try String(contentsOfFile: flood.scratch.path("alerts.log"), encoding: .utf8)
        #expect(history.output == logLines.trimmingCharacters(in: .newlines))
        #expect(history.output == (try sql(db, "SELECT log_line FROM alert_events ORDER BY rowid")))

        // --json: the events as published, one per line.
        let json = try floodgauge("alerts", "--db", db, "--json", in: flood.scratch)
        #expect(json.code == 0)
        let events = try json.output.split(separator: "\n").map { try object(String($0)) }
        let kyllAlert = "kyll-kordel:level:\(flood.time(-5))"
        #expect(
            events.map { $0["event_id"] as? String } == [
                "\(kyllAlert)#1", "pruem-pruem:level:\(flood.time(30 * 60))#1", "\(kyllAlert)#2",
            ])
        #expect(events.map { $0["transition"] as? String } == ["raised", "raised", "cleared"])

        // --active: only Prüm is still in a stage; Kyll's alert was cleared.
        let active = try floodgauge("alerts", "--db", db, "--active", in: flood.scratch)
        #expect(active.code == 0)
        let activeLines = active.output.split(separator: "\n")
        #expect(activeLines.count == 2, "\(active.output)")
        #expect(activeLines.first?.hasPrefix("GAUGE") == true)
        let open = activeLines.last.map(String.init) ?? ""
        for part in ["pruem-pruem", "level", "moderate", "Meldestufe 2", flood.time(30 * 60), "251 cm"] {
            #expect(open.contains(part), "no \(part) in \(open)")
        }
        let activeJSON = try floodgauge("alerts", "--config", flood.config, "--active", "--json", in: flood.scratch)
        let openAlert = try object(activeJSON.output)
        #expect(openAlert["alert_id"] as? String == "pruem-pruem:level:\(flood.time(30 * 60))")
        #expect(openAlert["stage"] as? Int == 2)
        #expect(openAlert["stage_name"] as? String == "Meldestufe 2")
        #expect(openAlert["level_cm"] as? Double == 251)
        #expect(openAlert["last_seen_at"] as? String == flood.time(30 * 60))

        // --gauge: one gauge's history; an unknown gauge is bad input, answered with the gauges there are.
        let kyll = try floodgauge("alerts", "--db", db, "--gauge", "kyll-kordel", "--json", in: flood.scratch)
        #expect(
            kyll.output.split(separator: "\n").map { try? object(String($0))["event_id"] as? String } == [
                "\(kyllAlert)#1", "\(kyllAlert)#2",
            ])
        let unknown = try floodgauge("alerts", "--db", db, "--gauge", "kyll", in: flood.scratch)
        #expect(unknown.code == 1)
        #expect(unknown.output == "floodgauge: unknown gauge 'kyll'; known: kyll-kordel, pruem-pruem")

        // --since: observed at or after a time, written as one or as a duration back from now.
        let sinceTime = try floodgauge(
            "alerts", "--db", db, "--json", "--since", flood.time(45 * 60), in: flood.scratch)
        #expect(
            sinceTime.output.split(separator: "\n").map { try? object(String($0))["event_id"] as? String } == [
                "\(kyllAlert)#2"
            ])
        // Now is 3 h after the flood's start: 2h45m back is 15 minutes in, before Prüm's alert.
        let sinceDuration = try floodgauge("alerts", "--db", db, "--since", "2h45m", in: flood.scratch)
        #expect(sinceDuration.output.split(separator: "\n").count == 2)
        #expect(sinceDuration.output.hasPrefix(flood.time(30 * 60)))
        let nothingYet = try floodgauge("alerts", "--db", db, "--since", "1m", in: flood.scratch)
        #expect(nothingYet.code == 0)
        #expect(nothingYet.output.isEmpty)

        #expect(flood.daemon.isRunning)
    }

    @Test func seriesExportsTheSamplesAsCSVAndJSONLines() throws {
        let flood = try LiveFlood()
        try flood.publishHistory()
        let db = flood.database

        // Levels from the distances (datum 6000 mm), a gap with its reason, and a level the detectors refused.
        let csv = try floodgauge("series", "kyll-kordel", "--db", db, in: flood.scratch)
        #expect(csv.code == 0, "\(csv.output)")
        #expect(
            csv.output == """
                time,level_cm,distance_mm,gap,verdict
                \(flood.time(-605)),145,4550,,
                \(flood.time(-305)),148,4520,,
                \(flood.time(-5)),152,4480,,
                \(flood.time(50 * 60)),,,no_echo,
                \(flood.time(55 * 60)),550,500,,above_max
                \(flood.time(60 * 60)),130,4700,,
                """)

        let json = try floodgauge(
            "series", "pruem-pruem", "--config", flood.config, "--format", "json", in: flood.scratch)
        let samples = try json.output.split(separator: "\n").map { try object(String($0)) }
        #expect(samples.map { $0["time"] as? String } == [flood.time(15 * 60), flood.time(30 * 60)])
        #expect(samples.map { $0["level_cm"] as? Double } == [149, 251])
        #expect(samples.map { $0["distance_mm"] as? Double } == [3510, 2490])
        #expect(samples.allSatisfy { $0["gap"] is NSNull && $0["verdict"] is NSNull })

        // --since and --until, both inclusive, as times or durations back from now.
        let window = try floodgauge(
            "series", "kyll-kordel", "--db", db, "--since", flood.time(-305), "--until", flood.time(-5),
            in: flood.scratch)
        #expect(
            window.output.split(separator: "\n").dropFirst().map { $0.prefix(24) } == [
                Substring(flood.time(-305)), Substring(flood.time(-5)),
            ])
        let recent = try floodgauge("series", "kyll-kordel", "--db", db, "--since", "2h30m", in: flood.scratch)
        #expect(recent.output.split(separator: "\n").count == 4, "\(recent.output)")

        let unknown = try floodgauge("series", "irsen", "--db", db, in: flood.scratch)
        #expect(unknown.code == 1)
        #expect(unknown.output == "floodgauge: unknown gauge 'irsen'; known: kyll-kordel, pruem-pruem")
        let badTime = try floodgauge("series", "kyll-kordel", "--db", db, "--until", "tomorrow", in: flood.scratch)
        #expect(badTime.code == 2)

        #expect(flood.daemon.isRunning)
    }

    @Test func statusShowsEveryGaugeInAlignedColumnsAndAsJSONLines() throws {
        let flood = try LiveFlood()
        try flood.publishHistory()

        let table = try floodgauge("status", "--config", flood.config, in: flood.scratch)
        #expect(table.code == 0, "\(table.output)")
        let lines = table.output.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(table.output)")
        #expect(
            lines[0].split(separator: " ", omittingEmptySubsequences: true) == [
                "GAUGE", "NAME", "LEVEL", "STAGE", "TREND", "LAST", "SEEN", "BATTERY", "ALERTS",
            ])
        let kyll = lines[1]
        let pruem = lines[2]
        #expect(kyll.hasPrefix("kyll-kordel  Kyll bei Kordel"))
        #expect(pruem.hasPrefix("pruem-pruem  Prüm in Prüm"))
        for (line, parts) in [
            (kyll, ["130 cm", "\(flood.time(60 * 60)) (2h", " ago)", "3600 mV"]),
            (pruem, ["251 cm", "Meldestufe 2", "\(flood.time(30 * 60)) (2h", "3600 mV", "level:moderate"]),
        ] {
            for part in parts { #expect(line.contains(part), "no \(part) in \(line)") }
        }
        #expect(kyll.hasSuffix(" -"), "Kyll has no open alert: \(kyll)")
        // Columns line up: each row's last-seen time starts under the header's LAST SEEN.
        func column(of text: String, in line: String) -> Int? {
            line.range(of: text).map { line.distance(from: line.startIndex, to: $0.lowerBound) }
        }
        let lastSeen = column(of: "LAST SEEN", in: lines[0])
        #expect(column(of: flood.time(60 * 60), in: kyll) == lastSeen)
        #expect(column(of: flood.time(30 * 60), in: pruem) == lastSeen)

        let json = try floodgauge("status", "--db", flood.database, "--json", in: flood.scratch)
        let gauges = try json.output.split(separator: "\n").map { try object(String($0)) }
        #expect(gauges.map { $0["id"] as? String } == ["kyll-kordel", "pruem-pruem"])
        #expect(gauges.map { $0["level_cm"] as? Double } == [130, 251])
        #expect(gauges.map { $0["battery_mv"] as? Int } == [3600, 3600])
        #expect(gauges.map { $0["last_seen_at"] as? String } == [flood.time(60 * 60), flood.time(30 * 60)])
        #expect(gauges[0]["stage"] is NSNull)
        #expect(gauges[1]["stage_name"] as? String == "Meldestufe 2")
        let pruemAlerts = gauges[1]["alerts"] as? [[String: Any]]
        #expect(pruemAlerts?.map { "\($0["kind"]!):\($0["severity"]!)" } == ["level:moderate"])
        #expect((gauges[0]["alerts"] as? [Any])?.isEmpty == true)
        // The trend is the rate the detectors stored beside their memory (none where the window is too thin).
        for gauge in gauges {
            let stored = try sql(
                flood.database, "SELECT rate_cm_per_h FROM gauge_state WHERE gauge_id = '\(gauge["id"]!)'")
            #expect(stored.isEmpty ? gauge["rate_cm_per_h"] is NSNull : gauge["rate_cm_per_h"] is Double)
        }

        #expect(flood.daemon.isRunning)
    }

    @Test func followPrintsANewAlertAsItHappensAndStopsCleanlyOnSIGTERM() throws {
        let flood = try LiveFlood()
        try flood.publishHistory()

        let follow = try Child(
            try floodgaugeBinary(), ["alerts", "--follow", "--db", flood.database], output: flood.scratch.path("follow")
        )
        try #require(eventually(seconds: 5) { follow.output.split(separator: "\n").count == 3 }, "\(follow.output)")

        // Kyll rises again, straight into stage 2 (5000 mm below the datum: 260 cm).
        try flood.publishKyll(fCnt: 9, at: 90 * 60, distancesMM: [3400])
        let published = Date()
        let arrived = eventually(seconds: 5) { follow.output.split(separator: "\n").count == 4 }
        let delay = Date().timeIntervalSince(published)
        try #require(arrived, "\(follow.output)")
        #expect(delay < 2, "the new alert took \(delay) s")
        let newest = try sql(flood.database, "SELECT log_line FROM alert_events ORDER BY rowid DESC LIMIT 1")
        #expect(follow.output.split(separator: "\n").last.map(String.init) == newest)
        #expect(newest.contains("raised") && newest.contains("kyll-kordel") && newest.contains("260 cm"))
        // Piped: the alert log's text, no colour codes.
        #expect(!follow.output.contains("\u{1B}["))

        // 10 cm more five minutes later: rising far faster than the alarm rate, a rate alert, which has no stage.
        try flood.publishKyll(fCnt: 10, at: 95 * 60, distancesMM: [3300])
        try #require(eventually(seconds: 5) { follow.output.split(separator: "\n").count == 5 }, "\(follow.output)")
        #expect(follow.output.split(separator: "\n").last?.contains("SEVERE    raised       rate") == true)
        let active = try floodgauge(
            "alerts", "--db", flood.database, "--active", "--json", "--gauge", "kyll-kordel", in: flood.scratch)
        let open = try active.output.split(separator: "\n").map { try object(String($0)) }
        #expect(open.map { $0["kind"] as? String } == ["level", "rate"])
        #expect(open.map { $0["stage_name"] as? String } == ["Meldestufe 2", nil])
        #expect(open.last?["stage"] is NSNull)

        #expect(follow.stop(signal: SIGTERM) == 0)
        #expect(flood.daemon.isRunning)
    }

    @Test func aMissingOrForeignDatabaseIsARuntimeFailureNamingThePath() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.path("missing.db")
        for command in ["alerts", "status"] {
            let result = try floodgauge(command, "--db", missing, in: scratch)
            #expect(result.code == 3)
            #expect(result.output == "floodgauge: opening \(missing): no such file (SQLite 14)")
        }
        #expect(try floodgauge("series", "kyll-kordel", "--db", missing, in: scratch).code == 3)

        // A database of another schema version is never migrated by a reader.
        let old = scratch.path("old.db")
        _ = try sql(old, "CREATE TABLE t (x); PRAGMA user_version = 2")
        let result = try floodgauge("status", "--db", old, in: scratch)
        #expect(result.code == 3)
        #expect(result.output.hasPrefix("floodgauge: opening \(old): schema version 2 is older"), "\(result.output)")
        #expect(try sql(old, "PRAGMA user_version") == "2")
    }
}

/// A running daemon with a private broker, and the uplinks of a small flood it can be sent, timed from three hours
/// before now so the query commands' durations (`--since 2h45m`) select from it.
private final class LiveFlood {
    let scratch: ScratchDirectory
    let broker: Broker
    let daemon: Child
    let config: String
    var database: String { scratch.path("floodgauge.db") }
    /// The flood's start: three hours ago, to the second.
    private let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3 * 3600).rounded(.down))

    init() throws {
        scratch = try ScratchDirectory()
        broker = try Broker(in: scratch)
        config = scratch.path("floodgauge.toml")
        try """
        [mqtt]
        host = "127.0.0.1"
        port = \(broker.port)
        client_id = "floodgauge-queries"

        [[source]]
        topic = "v3/+/devices/+/up"
        format = "ttn-v3"

        [storage]
        database = "floodgauge.db"

        [alerts]
        log = "alerts.log"
        language = "en"

        [gauge_defaults]
        # The flood is hours old: not a silence.
        stale_after = "30d"
        max_cm = 500
        stages = [
            { name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 },
            { name = "Meldestufe 2", enter_cm = 250, clear_cm = 240 },
        ]

        [[gauge]]
        id = "kyll-kordel"
        name = "Kyll bei Kordel"
        dev_eui = "70B3D57ED0001234"
        distance_to_datum_mm = 6000

        [[gauge]]
        id = "pruem-pruem"
        name = "Prüm in Prüm"
        dev_eui = "70B3D57ED0005678"
        distance_to_datum_mm = 5000
        """.write(toFile: config, atomically: true, encoding: .utf8)
        daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        let daemon = self.daemon
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
    }

    deinit { daemon.stop() }

    /// The flood's start plus `seconds`, as floodgauge writes times.
    func time(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: start.addingTimeInterval(TimeInterval(seconds)))
    }

    /// Kyll enters stage 1, Prüm jumps into stage 2, Kyll clears after a gap and a reading above `max_cm`: three
    /// events, each waited for so they are stored in this order.
    func publishHistory() throws {
        // Distances 5 min apart, the newest 5 s before the uplink: 145, 148, 152 cm.
        try publishKyll(fCnt: 7, at: 0, ageS: 5, distancesMM: [4550, 4520, 4480])
        try waitForEvents(1)
        try publish(
            topic: "v3/pegel@kreis/devices/pruem/up", devEUI: "70B3D57ED0005678", fCnt: 41, at: 30 * 60,
            frame: mpscFrame(seq: 41, intervalS: 900, distancesMM: [3510, 2490]))
        try waitForEvents(2)
        try publishKyll(fCnt: 8, at: 60 * 60, distancesMM: [0xFFFF, 500, 4700])
        try waitForEvents(3)
    }

    func publishKyll(fCnt: Int, at seconds: Int, ageS: UInt16 = 0, distancesMM: [UInt16]) throws {
        try publish(
            topic: "v3/pegel@kreis/devices/kyll/up", devEUI: "70B3D57ED0001234", fCnt: fCnt, at: seconds,
            frame: mpscFrame(seq: UInt16(fCnt), ageS: ageS, distancesMM: distancesMM))
    }

    private func publish(topic: String, devEUI: String, fCnt: Int, at seconds: Int, frame: Data) throws {
        try broker.publish(
            topic: topic, message: ttnUplink(devEUI: devEUI, fCnt: fCnt, receivedAt: time(seconds), frame: frame))
    }

    private func waitForEvents(_ count: Int) throws {
        let database = self.database
        try #require(
            eventually { (try? sql(database, "SELECT count(*) FROM alert_events")) == "\(count)" },
            "daemon output: \(daemon.output)")
    }
}

/// One JSON object from a line of output.
private func object(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
}
