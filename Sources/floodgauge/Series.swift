import ArgumentParser
import GaugeCore
import GaugeDaemon
import GaugeStore

struct Series: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export one gauge's samples in time order, as CSV or JSON Lines.",
        discussion: """
            Reads the database while the daemon writes it. Each sample: time (RFC 3339, UTC), level_cm (empty \
            or null for a gap), the raw distance_mm or depth_mm as the device measured it, the gap reason, and \
            the detectors' verdict (empty or null when the sample was used). CSV starts with a header line.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("The gauge id.", valueName: "gauge"))
    var gaugeID: String

    @Option(
        help: ArgumentHelp(
            "Only samples from then on: a duration back from now (15m, 2h, 7d) or an RFC 3339 time.",
            valueName: "when"))
    var since: TimeArgument?

    @Option(help: ArgumentHelp("Only samples up to then, inclusive; written as for --since.", valueName: "when"))
    var until: TimeArgument?

    @Option(help: "csv (with a header line) or json (one object per line).")
    var format: Format = .csv

    func run() throws {
        let archive = try database.open()
        let gauge = try archive.checkedGauge(gaugeID)
        let raw = "\(gauge.rawQuantity.rawValue)_mm"
        let now = Timestamp.now()
        if format == .csv { print("time,level_cm,\(raw),gap,verdict") }
        try archive.samples(gaugeID: gauge.id, since: since?.resolved(now: now), until: until?.resolved(now: now)) {
            sample in
            switch format {
            case .csv:
                // Gap reasons and verdicts are fixed words without commas or quotes: no CSV quoting needed.
                let cells = [
                    sample.time.rfc3339, sample.levelCM.map(JSONWriter.number) ?? "",
                    sample.rawMM.map(JSONWriter.number) ?? "", sample.gap ?? "", sample.verdict ?? "",
                ]
                print(cells.joined(separator: ","))
            case .json:
                var object = JSONWriter()
                object.field("time", sample.time.rfc3339)
                object.field("level_cm", sample.levelCM)
                object.field(raw, sample.rawMM)
                object.field("gap", sample.gap)
                object.field("verdict", sample.verdict)
                print(object.finished())
            }
        }
    }
}
