import ArgumentParser
import GaugeStore
import GaugeSystemd
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Exit codes of the product specification.
enum Exit {
    static let badInput: Int32 = 1
    static let usage: Int32 = 2
    static let runtime: Int32 = 3
}

@main
struct Floodgauge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floodgauge",
        abstract: "Watches river gauges: LoRaWAN uplinks from MQTT in, flood alerts out.",
        subcommands: [
            Run.self, CheckConfig.self, Decode.self, Alerts.self, Status.self, Series.self, Capture.self, Replay.self,
        ]
    )

    /// argument-parser exits 64 on usage errors; the product promises 2, and one line on stderr
    /// for every other failure.
    static func main() {
        // Under systemd stdout is a socket and C stdio would buffer it fully: log lines must
        // appear as they happen.
        setvbuf(stdout, nil, _IOLBF, 0)
        // Under systemd, straight to the journal with structured fields; elsewhere one line each on stderr.
        let journal = JournalLogHandler.isStandardErrorJournal
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                journal ? JournalLogHandler(identifier: "floodgauge") : StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let failure as CommandFailure {
            fputs((failure.prefixed ? "floodgauge: " : "") + failure.message + "\n", stderr)
            Glibc.exit(failure.code)
        } catch let failure as SQLiteError {
            // A query that fails on a database that opened (busy beyond the timeout, corrupt): a runtime failure.
            fputs("floodgauge: \(failure)\n", stderr)
            Glibc.exit(Exit.runtime)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            fputs(fullMessage(for: error) + "\n", stderr)
            Glibc.exit(code == .validationFailure ? Exit.usage : code.rawValue)
        }
    }
}

/// A command that failed: its message on stderr and the exit code it stands for.
struct CommandFailure: Error {
    var message: String
    var code: Int32
    /// Config problems already say where (`file:line: …`); other failures get the program's name.
    var prefixed = true
}
