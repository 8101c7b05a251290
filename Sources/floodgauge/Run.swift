import ArgumentParser
import GaugeDaemon
import Logging

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: MQTT uplinks in, samples and alerts out.",
        discussion: "Runs until SIGTERM or SIGINT, then commits what it has received and exits 0."
    )

    @OptionGroup var config: ConfigOption

    func run() throws {
        let loaded = try config.load()
        let daemon = Daemon(config: loaded, configPath: config.resolvedPath, logger: Logger(label: "floodgauge"))
        do {
            try daemon.run()
        } catch {
            throw CommandFailure(message: error.description, code: Exit.runtime)
        }
    }
}
