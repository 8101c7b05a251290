import ArgumentParser
import GaugeCore
import GaugeDaemon
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the configured sources' messages to a capture file, for `floodgauge replay`.",
        discussion: """
            Subscribes beside the running daemon with its own client id (<client_id>-capture) and a clean session, \
            so the daemon misses nothing. Each message is written and flushed as it arrives: a capture that is \
            killed is readable up to its last line. Stops after --count messages, after --duration, or on \
            SIGINT/SIGTERM.
            """
    )

    @OptionGroup var config: ConfigOption

    @Option(help: ArgumentHelp("The capture file to write (replaced if it exists).", valueName: "file"))
    var out: String

    @Option(help: "Stop after this many messages.")
    var count: Int?

    @Option(help: ArgumentHelp("Stop after this long: 90s, 15m, 2h, 1h30m.", valueName: "duration"))
    var duration: String?

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
        if let duration, DurationText.seconds(duration) == nil {
            throw ValidationError("--duration '\(duration)' is not a duration such as 90s, 15m or 1h30m")
        }
    }

    func run() throws {
        let loaded = try config.load()
        do {
            let written = try CaptureSession.run(
                config: loaded, out: out, count: count, seconds: duration.flatMap(DurationText.seconds),
                logger: Logger(label: "floodgauge"))
            fputs("floodgauge: captured \(written) messages to \(out)\n", stderr)
        } catch {
            throw CommandFailure(message: error.description, code: Exit.runtime)
        }
    }
}
