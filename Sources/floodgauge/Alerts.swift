import ArgumentParser
import GaugeCore
import GaugeDaemon
import GaugeStore

struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the alert history, the alerts still open, or follow new alerts as they happen.",
        discussion: """
            Reads the database while the daemon writes it. Prints each event's alert-log line in the order \
            the events were emitted, or with --json the event JSON as published, one per line. --active \
            prints the alerts not yet cleared instead. On a terminal, lines are coloured by severity.
            """
    )

    @OptionGroup var database: DatabaseOption

    @Flag(help: "After the history, print new events as they arrive, until SIGINT or SIGTERM.")
    var follow = false

    @Option(
        help: ArgumentHelp(
            "Only events observed since then: a duration back from now (15m, 2h, 7d) or an RFC 3339 time.",
            valueName: "when"))
    var since: TimeArgument?

    @Option(name: .customLong("gauge"), help: ArgumentHelp("Only this gauge's alerts.", valueName: "id"))
    var gaugeID: String?

    @Flag(help: "The alerts still open instead of the history.")
    var active = false

    @Flag(help: "JSON, one object per line.")
    var json = false

    /// How long `--follow` waits between looks at the database: new events show within half a second.
    private static let pollMilliseconds = 250

    func validate() throws {
        if active && follow { throw ValidationError("--active lists the open alerts once; it cannot --follow") }
        if active && since != nil { throw ValidationError("--since applies to the history, not to --active") }
    }

    func run() throws {
        let archive = try database.open()
        let gaugeID = try gaugeID.map { try archive.checkedGauge($0).id }
        if active {
            try printOpenAlerts(archive.openAlerts(gaugeID: gaugeID))
            return
        }
        // Blocked before the history prints, so a signal that comes meanwhile is not lost.
        let stop = follow ? StopSignals() : nil
        let cursor = try archive.eventCursor(since: since?.resolved(now: .now()), gaugeID: gaugeID)
        let colours = SeverityColours()
        repeat {
            for event in try cursor.next() {
                print(json ? event.payload : colours.paint(event.logLine, event.severity))
            }
        } while stop.map { !$0.arrived(within: Self.pollMilliseconds) } ?? false
    }

    private func printOpenAlerts(_ alerts: [Archive.OpenAlert]) {
        if json {
            for alert in alerts { print(Self.json(alert)) }
            return
        }
        var table = TextTable(
            header: ["GAUGE", "KIND", "SEVERITY", "STAGE", "RAISED", "LEVEL", "LAST SEEN"], rightAligned: [5])
        for alert in alerts {
            table.append([
                alert.gaugeID, alert.kind, alert.severity, alert.stageText, alert.raisedAt.rfc3339,
                alert.levelCM.map(AlertText.cm) ?? "-", alert.lastSeenAt?.rfc3339 ?? "-",
            ])
        }
        let colours = SeverityColours()
        let lines = table.lines
        print(lines[0])
        for (line, alert) in zip(lines.dropFirst(), alerts) { print(colours.paint(line, alert.severity)) }
    }

    static func json(_ alert: Archive.OpenAlert) -> String {
        var object = JSONWriter()
        object.field("alert_id", alert.alertID)
        object.field("gauge", alert.gaugeID)
        object.field("kind", alert.kind)
        object.field("severity", alert.severity)
        object.field("stage", alert.stage)
        object.field("stage_name", alert.stageName)
        object.field("raised_at", alert.raisedAt.rfc3339)
        object.field("level_cm", alert.levelCM.map(AlertText.rounded))
        object.field("last_seen_at", alert.lastSeenAt?.rfc3339)
        return object.finished()
    }
}

extension Archive.OpenAlert {
    /// The stage as people call it: its configured name, or its number.
    var stageText: String { stageName ?? stage.map { "stage \($0)" } ?? "-" }
}
