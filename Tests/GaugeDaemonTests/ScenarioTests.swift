import Foundation
import GaugeCore
import GaugeDaemon
import GaugeStore
import Logging
import Testing

/// Replays the hand-made flood scenarios of `Fixtures/scenarios/` through the whole pipeline (config
/// loader, raw envelope, mpsc-v1, detectors, SQLite) and compares the alerts, sample verdicts, open alerts
/// and counters with the timeline written by hand in each `expected.txt` (format: the README there).
@Suite("Scenarios")
struct ScenarioTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/scenarios")

    /// Named here rather than discovered, so a scenario that fails to load cannot silently drop out.
    static let names = [
        "slow-rise", "flash-flood", "hovering", "silent-at-peak", "spike-and-jump", "battery", "unknown-device",
        "fault",
    ]

    @Test("every scenario directory is replayed")
    func everyScenarioIsListed() throws {
        let found = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent("\($0)/config.toml").path) }
        #expect(Set(found) == Set(Self.names))
    }

    @Test("the alert timeline matches the hand-written one", arguments: names)
    func scenario(_ name: String) throws {
        let folder = Self.directory.appendingPathComponent(name)
        let expected = try Timeline(expected: String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8))
        let actual = try replay(folder)
        for (part, expectedLines, actualLines) in [
            ("alert transitions", expected.transitions, actual.transitions),
            ("sample verdicts", expected.samples, actual.samples),
            ("open alerts at the end", expected.active, actual.active),
            ("counters", expected.counters.sorted(), actual.counters.filter { line in
                expected.counters.contains { $0.split(separator: " ").first == line.split(separator: " ").first }
            }.sorted()),
        ] where expectedLines != actualLines {
            Issue.record("\(name): \(part) differ (- expected only, + actual only):\n\(diff(expectedLines, actualLines))")
        }
    }

    // MARK: Replay

    /// Runs the scenario's capture through `floodgauge replay`'s replayer into a fresh database.
    private func replay(_ folder: URL) throws -> Timeline {
        let config = try Config.load(path: folder.appendingPathComponent("config.toml").path)
        let database = try TemporaryDatabase()
        let store = try Store(path: database.path)
        let replayer = try Replayer(config: config, store: store, logger: Logger(label: "test"))

        let capture = folder.appendingPathComponent("capture.jsonl")
        let (messages, problems) = try CaptureStream.readAll([capture.path])
        #expect(problems.isEmpty, "\(problems)")
        // One message per hydrograph line: a cheap guard against a capture not remade after an edit.
        let hydrograph = try String(contentsOf: folder.appendingPathComponent("hydrograph.txt"), encoding: .utf8)
        let frames = hydrograph.split(separator: "\n").filter { line in
            let words = line.prefix { $0 != "#" }.split(separator: " ")
            return !words.isEmpty && words[0] != "start"
        }
        #expect(messages.count == frames.count, "capture.jsonl is stale: run scripts/make-scenarios.py")
        let header = try String(contentsOf: capture, encoding: .utf8).prefix { $0 != "\n" }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        let start = try #require((json["created"] as? String).flatMap(Timestamp.parseRFC3339))

        var events: [Pipeline.StoredEvent] = []
        var unread = messages.makeIterator()
        try replayer.run({ unread.next() }, speed: nil) { batch, _ in events += batch }

        var timeline = Timeline()
        for event in events {
            timeline.transitions.append(try transitionLine(event, start: start, gauges: config.gauges))
        }
        try store.connection.prepare("SELECT gauge_id, t, verdict FROM samples WHERE verdict IS NOT NULL ORDER BY t, gauge_id")
            .query { row in
                let minutes = Clock.minutes(Timestamp(unixMilliseconds: row.int(1)), since: start)
                timeline.samples.append("\(minutes) \(row.text(0)) sample \(row.text(2))")
            }
        timeline.samples = Timeline.chronological(timeline.samples)
        timeline.active = try store.activeAlerts().map { alert in
            ["\(alert.gaugeID)", alert.kind.rawValue, alert.severity.rawValue, alert.kind == .level ? alert.stage.map(String.init) : nil]
                .compactMap { $0 }.joined(separator: " ")
        }.sorted()
        timeline.counters = Mirror(reflecting: replayer.counters).children.compactMap { child in
            child.label.map { "\($0) \(child.value)" }
        }
        return timeline
    }

    /// The event as an expected.txt line; also checks that its message is there and names the gauge.
    private func transitionLine(_ event: Pipeline.StoredEvent, start: Timestamp, gauges: [GaugeSettings]) throws -> String {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any])
        let kind = json["kind"] as? String ?? "?"
        let observedAt = try #require((json["observed_at"] as? String).flatMap(Timestamp.parseRFC3339))
        let gauge = try #require(gauges.first { $0.id == event.gaugeID })
        let message = json["message"] as? String ?? ""
        #expect(
            message.contains(gauge.name) || message.contains(gauge.id),
            "event \(event.eventID): message \"\(message)\" does not name the gauge")
        var fields = [
            Clock.minutes(observedAt, since: start), event.gaugeID, kind, json["transition"] as? String ?? "?",
            json["severity"] as? String ?? "?",
        ]
        if kind == "level" { fields.append((json["stage"] as? Int).map(String.init) ?? "null") }
        return fields.joined(separator: " ")
    }
}

/// What a scenario did, one normalised line per fact, as in expected.txt.
private struct Timeline {
    var transitions: [String] = []
    var samples: [String] = []
    var active: [String] = []
    var counters: [String] = []

    init() {}

    /// Reads expected.txt, normalising times and spacing so only content is compared.
    init(expected text: String) throws {
        for raw in text.split(separator: "\n") {
            let words = raw.prefix { $0 != "#" }.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = words.first else { continue }
            switch first {
            case "counter": counters.append(words.dropFirst().joined(separator: " "))
            case "active": active.append(words.dropFirst().joined(separator: " "))
            default:
                let minutes = try #require(Clock.parse(first), "time \(first) in expected.txt is not H:MM")
                let line = ([Clock.format(minutes)] + words.dropFirst()).joined(separator: " ")
                if words.count > 2 && words[2] == "sample" { samples.append(line) } else { transitions.append(line) }
            }
        }
        samples = Self.chronological(samples)
        active.sort()
    }

    /// Sample lines in time order (then by text), since the table has no order of its own.
    static func chronological(_ lines: [String]) -> [String] {
        lines.sorted { a, b in
            let (ta, tb) = (Clock.parse(String(a.prefix { $0 != " " })) ?? 0, Clock.parse(String(b.prefix { $0 != " " })) ?? 0)
            return ta != tb ? ta < tb : a < b
        }
    }
}

/// Scenario times: `H:MM` after the start of the capture.
private enum Clock {
    static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), parts[1].count == 2 else {
            return nil
        }
        return hours * 60 + minutes
    }

    static func format(_ minutes: Int) -> String {
        "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
    }

    /// Whole minutes print as `H:MM`; anything else keeps its seconds, so it can never match by accident.
    static func minutes(_ time: Timestamp, since start: Timestamp) -> String {
        let milliseconds = time.unixMilliseconds - start.unixMilliseconds
        guard milliseconds % 60_000 == 0 else { return "\(format(Int(milliseconds / 60_000)))+\(milliseconds % 60_000)ms" }
        return format(Int(milliseconds / 60_000))
    }
}

/// Every line of both, in order: `-` only expected, `+` only actual, blank in both.
private func diff(_ expected: [String], _ actual: [String]) -> String {
    let difference = actual.difference(from: expected)
    var removed = Set<Int>(), inserted = Set<Int>()
    for change in difference {
        switch change {
        case .remove(let offset, _, _): removed.insert(offset)
        case .insert(let offset, _, _): inserted.insert(offset)
        }
    }
    var lines: [String] = []
    var (i, j) = (0, 0)
    while i < expected.count || j < actual.count {
        if j < actual.count, inserted.contains(j) {
            lines.append("+ " + actual[j])
            j += 1
        } else if i < expected.count, removed.contains(i) {
            lines.append("- " + expected[i])
            i += 1
        } else {
            lines.append("  " + (i < expected.count ? expected[i] : actual[j]))
            i += 1
            j += 1
        }
    }
    return lines.joined(separator: "\n")
}

/// A database file in a fresh directory, removed afterwards.
private final class TemporaryDatabase {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("floodgauge.db").path }

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }
}
