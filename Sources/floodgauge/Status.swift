import ArgumentParser
import GaugeCore
import GaugeDaemon
import GaugeStore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one row per gauge: level, stage, trend, last seen, battery and open alerts.",
        discussion: """
            Reads the database while the daemon writes it. The level is the latest valid one, the stage that of \
            the open level alert, the trend the rate of rise in cm/h, the battery the newest reported. --json \
            prints one object per gauge per line.
            """
    )

    @OptionGroup var database: DatabaseOption

    @Flag(help: "JSON, one object per gauge per line.")
    var json = false

    func run() throws {
        let statuses = try database.open().statuses()
        if json {
            for status in statuses { print(Self.json(status)) }
            return
        }
        let now = Timestamp.now()
        var table = TextTable(
            header: ["GAUGE", "NAME", "LEVEL", "STAGE", "TREND", "LAST SEEN", "BATTERY", "ALERTS"],
            rightAligned: [2, 4, 6])
        for status in statuses {
            let alerts = status.openAlerts.map { "\($0.kind):\($0.severity)" }
            table.append([
                status.id, status.name, status.levelCM.map(AlertText.cm) ?? "-", status.levelAlert?.stageText ?? "-",
                status.rateCMPerHour.map(Self.trend) ?? "-",
                status.lastSeenAt.map { "\($0.rfc3339) (\(Self.age(of: $0, now: now)) ago)" } ?? "-",
                status.batteryMV.map { "\($0) mV" } ?? status.batteryPercent.map { "\($0) %" } ?? "-", alerts.isEmpty ? "-" : alerts.joined(separator: ","),
            ])
        }
        for line in table.lines { print(line) }
    }

    /// The rate with its sign, so a falling river reads as plainly as a rising one.
    private static func trend(_ rate: Double) -> String {
        (AlertText.rounded(rate) > 0 ? "+" : "") + AlertText.rate(rate)
    }

    /// How long ago, to the minute once it is a minute or more: `9h24m`, `45s`.
    private static func age(of time: Timestamp, now: Timestamp) -> String {
        // A level may be stamped up to max_future ahead of this clock: that is "just now".
        let seconds = max(0, (now.unixMilliseconds - time.unixMilliseconds) / 1000)
        return DurationText.format(seconds < 60 ? seconds : seconds - seconds % 60)
    }

    static func json(_ status: Archive.GaugeStatus) -> String {
        var object = JSONWriter()
        object.field("id", status.id)
        object.field("name", status.name)
        object.field("river", status.river)
        object.field("level_cm", status.levelCM.map(AlertText.rounded))
        object.field("stage", status.levelAlert?.stage)
        object.field("stage_name", status.levelAlert?.stageName)
        object.field("rate_cm_per_h", status.rateCMPerHour.map(AlertText.rounded))
        object.field("last_seen_at", status.lastSeenAt?.rfc3339)
        object.field("battery_mv", status.batteryMV)
        object.field("battery_pct", status.batteryPercent)
        let alerts = status.openAlerts.map { alert in
            var entry = JSONWriter()
            entry.field("alert_id", alert.alertID)
            entry.field("kind", alert.kind)
            entry.field("severity", alert.severity)
            return entry.finished()
        }
        object.raw("alerts", "[" + alerts.joined(separator: ",") + "]")
        return object.finished()
    }
}
