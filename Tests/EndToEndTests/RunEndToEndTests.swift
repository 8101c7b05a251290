import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One real path through the whole system: a real broker, the real binary, real clients.
@Suite(.serialized) struct RunEndToEndTests {
    @Test func uplinksBecomeSamplesAndOneRaisedEventPerCrossingAndBadFramesDoNotStopTheDaemon() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let config = scratch.path("floodgauge.toml")
        try """
            [mqtt]
            host = "127.0.0.1"
            port = \(broker.port)
            client_id = "floodgauge-e2e"

            [[source]]
            topic = "v3/+/devices/+/up"
            format = "ttn-v3"

            [[source]]
            topic = "application/+/device/+/event/up"
            format = "chirpstack-v4"

            [storage]
            database = "floodgauge.db"

            [alerts]
            log = "alerts.log"
            language = "en"

            [gauge_defaults]
            # The uplinks below carry fixed data times, hours before the wall clock: not a silence.
            stale_after = "30d"
            stages = [
                { name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 },
                { name = "Meldestufe 2", enter_cm = 250, clear_cm = 240 },
            ]

            [[gauge]]
            id = "kyll-kordel"
            name = "Kyll bei Kordel"
            dev_eui = "70B3D57ED0001234"
            river = "Kyll"
            distance_to_datum_mm = 6000
            lat = 49.835
            lon = 6.635

            [[gauge]]
            id = "pruem-pruem"
            name = "Prüm in Prüm"
            dev_eui = "70B3D57ED0005678"
            river = "Prüm"
            distance_to_datum_mm = 5000
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let alerts = try broker.subscribe("floodgauge/alerts/#", output: scratch.path("alerts.sub"))
        let daemon = try Child(
            try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        // The subscriber is live once it sees the probe (retained, so it arrives whenever the subscription does);
        // the daemon once it logs that it is ready.
        try broker.publish(topic: "floodgauge/alerts/probe", message: "probe", retain: true)
        try #require(eventually { alerts.output.contains("probe") })
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")

        // Kyll via TTN: 145, 148, 152 cm (datum 6000 mm): stage 1 entered by the newest sample.
        let kyll = ttnUplink(
            devEUI: "70B3D57ED0001234", fCnt: 7, receivedAt: "2026-11-22T10:00:00.250Z",
            frame: mpscFrame(seq: 7, ageS: 5, distancesMM: [4550, 4520, 4480]))
        try broker.publish(topic: "v3/pegel@kreis/devices/kyll/up", message: kyll)
        // The same uplink again (a QoS redelivery, a second gateway): stored once, no second alert.
        try broker.publish(topic: "v3/pegel@kreis/devices/kyll/up", message: kyll)
        // A malformed frame: rejected with its reason, counted, and the daemon carries on.
        try broker.publish(
            topic: "v3/pegel@kreis/devices/kyll/up",
            message: ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: 8, receivedAt: "2026-11-22T10:05:00Z",
                frame: Data([0x11, 0x01, 0x00])))
        try broker.publish(topic: "v3/pegel@kreis/devices/kyll/up", message: "{not json")
        // A MAC-command frame (FPort 0) is not a reading, whatever its bytes say.
        try broker.publish(
            topic: "v3/pegel@kreis/devices/kyll/up",
            message: ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: 9, receivedAt: "2026-11-22T10:06:00Z",
                frame: mpscFrame(seq: 9, distancesMM: [1000])
            ).replacingOccurrences(of: #""f_port":10"#, with: #""f_port":0"#))
        // Prüm via ChirpStack: 149 cm, then 251 cm: straight into stage 2, raised once.
        try broker.publish(
            topic: "application/pegel/device/70b3d57ed0005678/event/up",
            message: chirpstackUplink(
                devEUI: "70B3D57ED0005678", fCnt: 41, time: "2026-11-22T10:10:00+00:00",
                frame: mpscFrame(seq: 41, intervalS: 900, distancesMM: [3510, 2490])))

        let database = scratch.path("floodgauge.db")
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM samples")) == "5" })
        #expect(eventually { alerts.output.components(separatedBy: "\n").count(where: { $0.contains("raised") }) >= 2 })
        usleep(500_000)  // give a wrongly repeated event time to show up

        // Samples: correct data times (receive time − age − later samples' intervals) and levels.
        #expect(
            try sql(database, "SELECT gauge_id, t, level_mm FROM samples ORDER BY gauge_id, t") == """
                kyll-kordel|1795340995250|1450
                kyll-kordel|1795341295250|1480
                kyll-kordel|1795341595250|1520
                pruem-pruem|1795341300000|1490
                pruem-pruem|1795342200000|2510
                """)
        #expect(try sql(database, "SELECT count(*) FROM uplinks") == "3")
        let rejects = try sql(database, "SELECT reason FROM rejects ORDER BY id")
        #expect(
            rejects == """
                mpsc-v1: truncated
                invalid JSON: expected a member name
                FPort 0 carries no application payload
                """)

        // Exactly one raised event per gauge on the alert topic, valid against the schema.
        let events = alerts.output.split(separator: "\n").filter { $0.hasPrefix("floodgauge/alerts/") && !$0.contains("probe") }
        #expect(events.count == 2, "events: \(events)")
        for line in events {
            let json = String(line[line.index(after: line.firstIndex(of: " ")!)...])
            try validateAgainstSchema(json)
            let event = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            #expect(event["transition"] as? String == "raised")
            #expect(event["replay"] as? Bool == false)
        }
        let pruem = events.first { $0.hasPrefix("floodgauge/alerts/pruem-pruem ") }
        #expect(pruem?.contains(#""severity":"moderate""#) == true)
        #expect(pruem?.contains(#""stage":2"#) == true)

        // The alert log has one line per transition, naming gauge, level and stage.
        let log = try String(contentsOfFile: scratch.path("alerts.log"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains("kyll-kordel (Kyll bei Kordel)") && $0.contains("152 cm") })
        #expect(lines.contains { $0.contains("pruem-pruem") && $0.contains("251 cm") && $0.contains("MODERATE") })

        // The documented online backup works while the daemon writes: a consistent copy with every sample.
        let backup = scratch.path("backup.db")
        _ = try sql(database, ".backup '\(backup)'")
        #expect(try sql(backup, "PRAGMA integrity_check") == "ok")
        #expect(try sql(backup, "SELECT count(*) FROM samples") == "5")

        // Each gauge's state is retained: a subscriber arriving now gets where each gauge stands.
        let states = try broker.subscribe("floodgauge/gauges/+/state", output: scratch.path("states.sub"))
        #expect(eventually { states.output.contains("pruem-pruem/state") && states.output.contains("kyll-kordel/state") })
        let kyllState = try #require(
            states.output.split(separator: "\n").first { $0.hasPrefix("floodgauge/gauges/kyll-kordel/state ") })
        let state = try #require(
            try JSONSerialization.jsonObject(with: Data(kyllState.drop { $0 != "{" }.utf8)) as? [String: Any])
        #expect(state["level_cm"] as? Double == 152)
        #expect(state["observed_at"] as? String == "2026-11-22T09:59:55.250Z")
        #expect(state["stage"] as? Int == 1)
        #expect(state["stage_name"] as? String == "Meldestufe 1")
        #expect(state["battery_mv"] as? Int == 3600)
        #expect((state["active_alerts"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["level"])
        states.stop()

        // Still running after the bad input; SIGTERM drains and exits 0.
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0, "daemon output: \(daemon.output)")
        #expect(try sql(database, "SELECT count(*) FROM alert_events WHERE published_at IS NULL") == "0")
        alerts.stop()
    }
}

/// Runs a query with the real `sqlite3` shell; rows joined by newlines, columns by `|`.
func sql(_ database: String, _ query: String) throws -> String {
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: try which("sqlite3"))
    shell.arguments = [database, query]
    let pipe = Pipe()
    shell.standardOutput = pipe
    try shell.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    shell.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Validates an event against `alert-event.schema.json` with Python's jsonschema, an independent
/// implementation of JSON Schema 2020-12.
func validateAgainstSchema(_ json: String) throws {
    let shared =
        ProcessInfo.processInfo.environment["FLOODGAUGE_SHARED"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared")
        .standardized.path
    let schema = shared + "/spec/alert-event.schema.json"
    let python = Process()
    python.executableURL = URL(fileURLWithPath: try which("python3"))
    python.arguments = [
        "-c",
        "import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1])), "
            + "format_checker=jsonschema.FormatChecker()).validate(json.loads(sys.argv[2]))",
        schema, json,
    ]
    let errors = Pipe()
    python.standardError = errors
    try python.run()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    #expect(python.terminationStatus == 0, "schema validation failed: \(message)")
}
