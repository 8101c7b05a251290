import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `floodgauge capture` and `floodgauge replay` with the real binary, a real broker and real clients.
@Suite(.serialized) struct CaptureReplayTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The demo capture and its config, copied into `scratch`; the config on `brokerPort` when one is given.
    private func demo(in scratch: ScratchDirectory, brokerPort: Int? = nil) throws -> (capture: String, config: String) {
        let capture = scratch.path("demo-flood.jsonl")
        let config = scratch.path("demo.toml")
        try FileManager.default.copyItem(atPath: Self.repository.appendingPathComponent("Fixtures/demo-flood.jsonl").path, toPath: capture)
        var text = try String(contentsOf: Self.repository.appendingPathComponent("Config/demo.toml"), encoding: .utf8)
        if let brokerPort { text = text.replacingOccurrences(of: "port = 18830", with: "port = \(brokerPort)") }
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        return (capture, config)
    }

    @Test func replayingTheSameCaptureTwiceGivesTheSameDatabaseAndTheSameEventsByteForByte() throws {
        let scratch = try ScratchDirectory()
        let (capture, config) = try demo(in: scratch)
        let first = try floodgauge("replay", capture, "--config", config, "--db", scratch.path("a.db"), in: scratch)
        let second = try floodgauge("replay", capture, "--config", config, "--db", scratch.path("b.db"), in: scratch)
        #expect(first.code == 0, "\(first.output)")
        #expect(first.output.replacingOccurrences(of: "a.db", with: "b.db") == second.output)
        #expect(first.output.contains("alert transitions 20"), "\(first.output)")
        // Every table, row by row: the files' own bytes (page layout, WAL) are not the point.
        let dump = try sql(scratch.path("a.db"), ".dump")
        #expect(dump.contains("INSERT INTO alert_events"))
        #expect(dump == (try sql(scratch.path("b.db"), ".dump")))
        #expect(try sql(scratch.path("a.db"), "PRAGMA foreign_key_check") == "")
        // Events carry the capture's clock, not the wall clock, and say they are a replay.
        let payloads = try sql(scratch.path("a.db"), "SELECT payload FROM alert_events ORDER BY event_id").split(separator: "\n")
        #expect(payloads.count == 20)
        for payload in payloads {
            let event = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as! [String: Any]
            #expect(event["replay"] as? Bool == true)
            #expect((event["emitted_at"] as? String)?.hasPrefix("2026-11-20T") == true, "\(payload)")
            try validateAgainstSchema(String(payload))
        }
    }

    @Test func theDefaultDatabaseIsAFreshOneBesideTheCapture() throws {
        let scratch = try ScratchDirectory()
        let (capture, config) = try demo(in: scratch)
        let first = try floodgauge("replay", capture, "--config", config, "--json", in: scratch)
        #expect(first.code == 0, "\(first.output)")
        let summary = try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as! [String: Any]
        #expect(summary["database"] as? String == capture + ".replay.db")
        #expect(summary["messages"] as? Int == 207)
        #expect(summary["samples"] as? Int == 612)
        #expect(summary["transitions"] as? Int == 20)
        #expect((summary["rejects_by_reason"] as? [String: Int]) == ["mpsc-v1: truncated": 1])
        #expect((summary["alerts"] as? [String: Int])?["level raised"] == 3)
        // Again: the earlier replay's database is replaced, not added to.
        let second = try floodgauge("replay", capture, "--config", config, "--json", in: scratch)
        #expect(second.output.hasPrefix("floodgauge: replacing \(capture).replay.db from an earlier replay\n"))
        #expect(try sql(capture + ".replay.db", "SELECT count(*) FROM samples") == "612")
    }

    @Test func brokenCapturesAreReportedLineByLineAndTheRestReplays() throws {
        let scratch = try ScratchDirectory()
        let (capture, config) = try demo(in: scratch)
        var lines = try String(contentsOfFile: capture, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: #""payload_b64": ""#, with: #""payload_b64": "*"#)
        lines[9] = lines[9].replacingOccurrences(of: "v3/eifel-pegel", with: "elsewhere")
        // Out of order: replay sorts by time, so this changes nothing.
        lines.swapAt(20, 21)
        let broken = scratch.path("broken.jsonl")
        try (lines.joined(separator: "\n") + "\n" + lines[30].prefix(40)).write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try floodgauge("replay", broken, "--config", config, "--json", in: scratch)
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains("floodgauge: \(broken):6: payload_b64: payload is not base64 (skipped)"))
        #expect(result.output.contains("floodgauge: \(broken):\(lines.count + 1): truncated line (no newline at the end) (skipped)"))
        let json = try #require(result.output.split(separator: "\n").last)
        let summary = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(summary["skipped_lines"] as? Int == 2)
        #expect(summary["messages"] as? Int == 206)
        #expect((summary["rejects_by_reason"] as? [String: Int])?["message from an unknown source"] == 1)
    }

    @Test func aCaptureTakenByMosquittoSubReplays() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let (_, config) = try demo(in: scratch)
        let sub = try Child(
            try which("mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "v3/#", "-v", "-F", "%I %t %x", "-C", "2"],
            output: scratch.path("sub.txt"))
        // Subscribed once a retained probe arrives (then cleared, so it is not part of the capture's count).
        try broker.publish(topic: "v3/probe", message: "probe", retain: true)
        try #require(eventually { sub.output.contains("v3/probe") })
        let uplink = ttnUplink(
            devEUI: "70B3D57ED00DE001", fCnt: 1, receivedAt: "2026-11-22T10:00:00.250Z",
            frame: mpscFrame(seq: 1, distancesMM: [4550, 4520, 4480]))
        try broker.publish(topic: "v3/pegel/devices/kyll/up", message: uplink)
        #expect(sub.wait() == 0)
        let result = try floodgauge("replay", scratch.path("sub.txt"), "--config", config, "--json", in: scratch)
        #expect(result.code == 0, "\(result.output)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        #expect(summary["messages"] as? Int == 2)
        #expect(summary["samples"] as? Int == 3)
        #expect(summary["rejects"] as? Int == 1)  // the probe, which is no uplink
    }

    @Test func aCaptureOfLiveTrafficReplaysToTheSamplesAndAlertsTheDaemonStored() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let (demoCapture, config) = try demo(in: scratch, brokerPort: broker.port)
        try FileManager.default.createDirectory(atPath: scratch.path("demo-data"), withIntermediateDirectories: true)
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        let capture = try Child(
            try floodgaugeBinary(), ["capture", "--config", config, "--out", scratch.path("live.jsonl")],
            output: scratch.path("capture.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon: \(daemon.output)")
        try #require(eventually { capture.output.contains("subscribed") }, "capture: \(capture.output)")

        // The demo flood, message by message, through the broker to both.
        let lines = try String(contentsOfFile: demoCapture, encoding: .utf8).split(separator: "\n").dropFirst()
        for line in lines {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let payload = Data(base64Encoded: record["payload_b64"] as! String)!
            try broker.publish(topic: record["topic"] as! String, message: String(decoding: payload, as: UTF8.self))
        }
        let database = scratch.path("demo-data/floodgauge.db")
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM samples")) == "612" })
        #expect(eventually {
            ((try? String(contentsOfFile: scratch.path("live.jsonl"), encoding: .utf8)) ?? "").split(separator: "\n").count
                == lines.count + 1
        })
        #expect(capture.stop(signal: SIGINT) == 0, "capture: \(capture.output)")
        #expect(capture.output.contains("captured \(lines.count) messages"))
        #expect(daemon.stop() == 0)

        let replay = try floodgauge("replay", scratch.path("live.jsonl"), "--config", config, "--db", scratch.path("r.db"), in: scratch)
        #expect(replay.code == 0, "\(replay.output)")
        for query in [
            "SELECT * FROM samples ORDER BY gauge_id, t",
            "SELECT event_id, alert_id, gauge_id, transition, severity, observed_at FROM alert_events ORDER BY event_id",
            "SELECT alert_id, gauge_id, kind, raised_at, cleared_at, severity, stage FROM alerts ORDER BY alert_id",
        ] {
            let live = try sql(database, query)
            #expect(!live.isEmpty)
            #expect(live == (try sql(scratch.path("r.db"), query)), "\(query)")
        }
        #expect(try sql(database, "SELECT count(*) FROM alert_events") == "20")
    }

    @Test func replayPublishesItsEventsMarkedAsAReplay() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let (capture, config) = try demo(in: scratch, brokerPort: broker.port)
        let alerts = try broker.subscribe("floodgauge/alerts/#", output: scratch.path("alerts.sub"))
        try broker.publish(topic: "floodgauge/alerts/probe", message: "probe", retain: true)
        try #require(eventually { alerts.output.contains("probe") })

        let result = try floodgauge("replay", capture, "--config", config, "--publish", "--json", in: scratch)
        #expect(result.code == 0, "\(result.output)")
        let database = capture + ".replay.db"
        #expect(try sql(database, "SELECT count(*) FROM alert_events WHERE published_at IS NULL") == "0")
        #expect(eventually { alerts.output.split(separator: "\n").count(where: { $0.contains(#""replay":true"#) }) == 20 })
        let published = Set(alerts.output.split(separator: "\n").filter { !$0.contains("probe") }.map { String($0.drop { $0 != " " }.dropFirst()) })
        #expect(published == Set(try sql(database, "SELECT payload FROM alert_events").split(separator: "\n").map(String.init)))
        alerts.stop()
    }

    @Test func captureStopsAfterCountOrDurationAndLeavesAReadableFile() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "cap")
        let quiet = try floodgauge("capture", "--config", config, "--out", scratch.path("quiet.jsonl"), "--duration", "1s", in: scratch)
        #expect(quiet.code == 0, "\(quiet.output)")
        #expect(quiet.output.hasSuffix("captured 0 messages to \(scratch.path("quiet.jsonl"))"))
        let header = try String(contentsOfFile: scratch.path("quiet.jsonl"), encoding: .utf8)
        #expect(header.hasPrefix(#"{"floodgauge_capture":1,"created":""#))
        #expect(header.hasSuffix(#""sources":[{"topic":"v3/cap/devices/+/up","format":"ttn-v3"}]}"# + "\n"))

        let counted = try Child(
            try floodgaugeBinary(), ["capture", "--config", config, "--out", scratch.path("one.jsonl"), "--count", "1"],
            output: scratch.path("one.log"))
        try #require(eventually { counted.output.contains("subscribed") })
        try broker.publish(topic: "v3/cap/devices/a/up", message: "first")
        #expect(counted.wait() == 0, "\(counted.output)")
        let lines = try String(contentsOfFile: scratch.path("one.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains(#""topic":"v3/cap/devices/a/up","qos":1,"payload_b64":"Zmlyc3Q=""#) == true)
    }
}
