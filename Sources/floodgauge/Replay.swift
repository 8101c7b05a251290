import ArgumentParser
import GaugeCore
import GaugeDaemon
import GaugeStore
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run captured messages through the pipeline again, on the capture's clock.",
        discussion: """
            Reads floodgauge captures (`floodgauge capture`) and `mosquitto_sub -v -F '%I %t %x'` output; several \
            files are merged in time order. A line that cannot be read is reported with its file and line and \
            skipped. Each message is processed with its capture time as the clock, so silence and every alert \
            come out as they did live, and events carry "replay": true. At the end: a summary and the alert log \
            lines.
            """
    )

    @Argument(help: ArgumentHelp("Capture files.", valueName: "file"))
    var files: [String]

    @OptionGroup var config: ConfigOption

    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The database to replay into.",
            discussion: "Default: a fresh <first file>.replay.db beside the capture, replacing one an earlier replay left.",
            valueName: "path"))
    var database: String?

    @Option(help: "max (as fast as it goes), realtime, or a factor: 60 replays an hour of capture in a minute.")
    var speed = "max"

    @Flag(help: ArgumentHelp(
        "Publish the alert events to the config's broker (<prefix>/alerts/<gauge>), marked \"replay\": true.",
        discussion: "Connects as <client_id>-replay with a clean session and no will, beside a running daemon."))
    var publish = false

    @Flag(help: "Print the summary as one JSON object.")
    var json = false

    func validate() throws {
        guard parsedSpeed != nil else { throw ValidationError("--speed must be max, realtime or a positive number, not '\(speed)'") }
    }

    private var parsedSpeed: Replayer.Speed? {
        switch speed {
        case "max": .some(nil)
        case "realtime": 1
        default: Double(speed).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        }
    }

    func run() throws {
        let loaded = try config.load()
        var skippedLines = 0
        let stream = try runtime { () throws(DaemonError) in
            try CaptureStream(files) { problem in
                if problem.skipped { skippedLines += 1 }
                fputs("floodgauge: \(problem) (\(problem.skipped ? "skipped" : "replayed out of order"))\n", stderr)
            }
        }
        let path = try databasePath()
        let store = try runtime { () throws(SQLiteError) in try Store(path: path) }
        let replayer = try runtime { () throws(DaemonError) in try Replayer(config: loaded, store: store, logger: Logger(label: "floodgauge")) }
        var summary = ReplaySummary(files: files, database: path)
        var progress = ReplayProgress(totalBytes: stream.totalBytes)
        let publisher = try runtime { () throws(DaemonError) in
            try publish ? ReplayPublisher(config: loaded, store: store, logger: Logger(label: "floodgauge")) : nil
        }
        try runtime { () throws(DaemonError) in
            try replayer.run(stream.next, speed: parsedSpeed!) { events, done throws(DaemonError) in
                summary.add(events)
                try publisher?.publish(events)
                progress.show(messages: done, bytes: stream.bytesRead)
            }
            try publisher?.finish()
        }
        progress.finish()
        summary.span = replayer.span
        summary.skippedLines = skippedLines
        summary.counters = replayer.counters
        summary.rejects = try runtime { () throws(DaemonError) in try replayer.rejectsByReason() }
        for line in json ? [summary.json] : summary.lines { print(line) }
    }

    /// `--db`, else `<first file>.replay.db`, made fresh: an earlier replay's database would add to this one.
    private func databasePath() throws(CommandFailure) -> String {
        if let database { return database }
        let path = files[0] + ".replay.db"
        if access(path, F_OK) == 0 {
            fputs("floodgauge: replacing \(path) from an earlier replay\n", stderr)
            for file in [path, path + "-wal", path + "-shm"] where unlink(file) != 0 && errno != ENOENT {
                throw CommandFailure(message: "cannot remove \(file): \(String(cString: strerror(errno)))", code: Exit.runtime)
            }
        }
        return path
    }

    /// A failure of the files or the database: exit 3 with its message.
    private func runtime<T, E: Error>(_ body: () throws(E) -> T) throws(CommandFailure) -> T {
        do {
            return try body()
        } catch {
            throw CommandFailure(message: "\(error)", code: Exit.runtime)
        }
    }
}
