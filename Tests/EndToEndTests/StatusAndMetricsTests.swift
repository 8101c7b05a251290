import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `{prefix}/status` as a subscriber sees it, and `/metrics` and `/healthz` as Prometheus and a probe see them.
@Suite(.serialized) struct StatusAndMetricsTests {
    @Test("status: online retained after start; offline from the will after kill -9; offline after SIGTERM")
    func statusTopic() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        // The shortest keepalive: the broker notices the killed daemon after 1.5 × 5 s and sends the will.
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "status", mqtt: ["keepalive_s = 5"])
        func status() throws -> [String: String] {
            guard let text = try broker.retained("status/status"),
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
            else { return [:] }
            return object
        }

        var daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon-1.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        var seen = try status()
        #expect(seen["status"] == "online")
        #expect(seen["since"] != nil)
        #expect(seen["version"] != nil)

        daemon.stop(signal: SIGKILL)
        #expect(eventually(seconds: 15) { (try? status())?["status"] == "offline" })
        seen = try status()
        #expect(seen["reason"] == "connection lost")

        daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon-2.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        #expect(eventually { (try? status())?["status"] == "online" })
        #expect(daemon.stop() == 0)
        seen = try status()
        #expect(seen["status"] == "offline")
        #expect(seen["reason"] == "stopped")
    }

    @Test("metrics: counters after uplinks in valid exposition format; healthz 200 while alive")
    func metrics() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let port = try freeLoopbackPort()
        let config = try oneGaugeConfig(
            in: scratch, port: broker.port, name: "metrics", extra: "[metrics]\nlisten = \"127.0.0.1:\(port)\"\n")
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")

        let health = try httpGet(port: port, path: "/healthz")
        #expect(health.status == 200)
        #expect(health.body == "ok\n")

        let topic = "v3/metrics/devices/kyll/up"
        for i in 0..<3 {
            let uplink = ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: i, receivedAt: Date().addingTimeInterval(Double(i - 3) * 60).ISO8601Format(),
                frame: mpscFrame(seq: UInt16(i), distancesMM: [5000, 5010]))
            try broker.publish(topic: topic, message: uplink)
        }
        // The first uplink again (a second gateway's copy), one from a device no gauge has, and one that is no JSON.
        try broker.publish(
            topic: topic,
            message: ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: 0, receivedAt: Date().addingTimeInterval(-180).ISO8601Format(),
                frame: mpscFrame(seq: 0, distancesMM: [5000, 5010])))
        try broker.publish(
            topic: topic,
            message: ttnUplink(
                devEUI: "70B3D57ED0009999", fCnt: 1, receivedAt: Date().ISO8601Format(), frame: mpscFrame(seq: 1, distancesMM: [1])))
        try broker.publish(topic: topic, message: "not json")

        var families: [String: Family] = [:]
        #expect(
            eventually {
                families = (try? parseExposition(httpGet(port: port, path: "/metrics").body)) ?? [:]
                return families["floodgauge_messages_total"]?.value() == 6
            })
        let metrics = try httpGet(port: port, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
        families = try parseExposition(metrics.body)
        #expect(families["floodgauge_uplinks_total"]?.type == "counter")
        #expect(families["floodgauge_uplinks_total"]?.value() == 4)
        #expect(families["floodgauge_duplicate_uplinks_total"]?.value() == 1)
        #expect(families["floodgauge_samples_total"]?.value() == 6)
        #expect(families["floodgauge_rejected_messages_total"]?.value() == 1)
        #expect(families["floodgauge_unknown_device_uplinks_total"]?.value() == 1)
        #expect(families["floodgauge_broker_connected"]?.value() == 1)
        #expect(families["floodgauge_alive"]?.value() == 1)
        #expect(families["floodgauge_ring_used_bytes"]?.value() == 0)
        #expect(families["floodgauge_active_alerts"]?.samples.count == 20)
        #expect(families["floodgauge_active_alerts"]?.samples.values.allSatisfy { $0 == 0 } == true)
        let age = families["floodgauge_gauge_last_sample_age_seconds"]?.value(labels: "gauge=\"kyll-kordel\"")
        #expect(age.map { (0..<120).contains($0) } == true, "age \(String(describing: age))")
        #expect(try httpGet(port: port, path: "/nothing").status == 404)
        #expect(daemon.stop() == 0)
    }
}

/// One metric family of an exposition: its type and its samples by label text (`""` for none).
struct Family {
    var type: String
    var samples: [String: Double] = [:]

    func value(labels: String = "") -> Double? { samples[labels] }
}

/// Parses Prometheus text format 0.0.4 strictly: HELP then TYPE before each family's samples, the samples of a
/// family together, no series twice, counters named `_total`, label values quoted and escaped, numbers valid,
/// the text ending in a newline.
func parseExposition(_ text: String) throws -> [String: Family] {
    guard text.hasSuffix("\n") else { throw HarnessError("exposition does not end in a newline") }
    var families: [String: Family] = [:]
    var current: String?
    var helped: String?
    let name = try NSRegularExpression(pattern: "^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    let label = try NSRegularExpression(pattern: #"^[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"$"#)
    func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
    for line in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let words = line.split(separator: " ", maxSplits: 3).map(String.init)
        if line.hasPrefix("# HELP ") {
            guard words.count >= 3, families[words[2]] == nil else { throw HarnessError("bad or repeated HELP: \(line)") }
            helped = words[2]
        } else if line.hasPrefix("# TYPE ") {
            guard words.count == 4, words[2] == helped, ["counter", "gauge"].contains(words[3]), matches(name, words[2])
            else { throw HarnessError("bad TYPE: \(line)") }
            if words[3] == "counter" && !words[2].hasSuffix("_total") { throw HarnessError("counter without _total: \(line)") }
            families[words[2]] = Family(type: words[3])
            current = words[2]
        } else {
            guard let current, line.hasPrefix(current) else { throw HarnessError("sample outside its family: \(line)") }
            var rest = line.dropFirst(current.count)
            var labels = ""
            if rest.hasPrefix("{") {
                guard let close = rest.lastIndex(of: "}") else { throw HarnessError("unclosed labels: \(line)") }
                labels = String(rest[rest.index(after: rest.startIndex)..<close])
                for pair in labels.split(separator: ",") where !matches(label, String(pair)) {
                    throw HarnessError("bad label \(pair) in \(line)")
                }
                rest = rest[rest.index(after: close)...]
            }
            guard rest.hasPrefix(" "), let value = Double(rest.dropFirst()) else { throw HarnessError("bad value: \(line)") }
            guard families[current]!.samples.updateValue(value, forKey: labels) == nil else {
                throw HarnessError("series twice: \(line)")
            }
        }
    }
    return families
}

/// A GET through curl, an independent HTTP client: status, content type and body.
func httpGet(port: Int, path: String) throws -> (status: Int, contentType: String, body: String) {
    let curl = Process()
    curl.executableURL = URL(fileURLWithPath: try which("curl"))
    curl.arguments = ["-sS", "--max-time", "5", "-w", "\n%{http_code} %{content_type}", "http://127.0.0.1:\(port)\(path)"]
    let pipe = Pipe()
    curl.standardOutput = pipe
    try curl.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    curl.waitUntilExit()
    guard curl.terminationStatus == 0 else { throw HarnessError("curl failed for \(path)") }
    let text = String(decoding: data, as: UTF8.self)
    guard let split = text.lastIndex(of: "\n") else { throw HarnessError("no curl trailer") }
    let trailer = text[text.index(after: split)...].split(separator: " ", maxSplits: 1)
    return (Int(trailer.first ?? "") ?? 0, trailer.count > 1 ? String(trailer[1]) : "", String(text[..<split]))
}
