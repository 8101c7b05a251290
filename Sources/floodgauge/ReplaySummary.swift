import GaugeCore
import GaugeDaemon

/// What a replay did, as text for people or one JSON object for scripts.
struct ReplaySummary {
    var files: [String]
    var database: String
    /// The capture times of the first and the latest message.
    var span: (first: Timestamp, last: Timestamp)?
    var skippedLines = 0
    var counters = Pipeline.Counters()
    var rejects: [(reason: String, count: Int)] = []
    /// Transitions by `kind transition` (`level raised`), in the order first seen.
    var alerts: [(kind: String, count: Int)] = []
    var logLines: [String] = []

    init(files: [String], database: String) {
        self.files = files
        self.database = database
    }

    mutating func add(_ events: [Pipeline.StoredEvent]) {
        for event in events {
            let kind = "\(event.transition.alert.kind.rawValue) \(event.transition.transition.rawValue)"
            if let index = alerts.firstIndex(where: { $0.kind == kind }) {
                alerts[index].count += 1
            } else {
                alerts.append((kind, 1))
            }
            logLines.append(event.logLine)
        }
    }

    var lines: [String] {
        let c = counters
        var lines = [
            "replayed \(c.messages) messages from \(files.joined(separator: ", ")) into \(database)",
            "capture time: \(span?.first.rfc3339 ?? "-") to \(span?.last.rfc3339 ?? "-"); \(skippedLines) lines skipped",
            "uplinks \(c.uplinks), duplicates \(c.duplicates), samples \(c.samples) (\(c.implausible) implausible), "
                + "unknown devices \(c.unknownDevices), ignored \(c.ignored), rejects \(c.rejects)",
        ]
        lines += rejects.map { "  reject \($0.count): \($0.reason)" }
        lines.append("alert transitions \(c.transitions), open at the end \(c.openAlerts)")
        lines += alerts.map { "  \($0.kind): \($0.count)" }
        if !logLines.isEmpty { lines.append("alert log:") }
        return lines + logLines
    }

    var json: String {
        let c = counters
        var object = JSONWriter()
        object.raw("files", "[" + files.map(JSONWriter.quoted).joined(separator: ",") + "]")
        object.field("database", database)
        object.field("first", span?.first.rfc3339)
        object.field("last", span?.last.rfc3339)
        object.field("skipped_lines", skippedLines)
        for (key, value) in [
            ("messages", c.messages), ("uplinks", c.uplinks), ("duplicates", c.duplicates), ("samples", c.samples),
            ("implausible", c.implausible), ("unknown_devices", c.unknownDevices), ("ignored", c.ignored),
            ("rejects", c.rejects), ("transitions", c.transitions), ("open_alerts", c.openAlerts),
        ] {
            object.field(key, value)
        }
        object.raw("rejects_by_reason", Self.object(rejects.map { ($0.reason, $0.count) }))
        object.raw("alerts", Self.object(alerts.map { ($0.kind, $0.count) }))
        object.raw("alert_log", "[" + logLines.map(JSONWriter.quoted).joined(separator: ",") + "]")
        return object.finished()
    }

    private static func object(_ counts: [(String, Int)]) -> String {
        var object = JSONWriter()
        for (key, count) in counts { object.field(key, count) }
        return object.finished()
    }
}
