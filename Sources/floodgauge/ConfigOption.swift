import ArgumentParser
import GaugeDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// `--config PATH`, shared by every command that reads the config.
struct ConfigOption: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "The config file.", discussion: "Default: $FLOODGAUGE_CONFIG, else /etc/floodgauge/floodgauge.toml.",
            valueName: "path"))
    var path: String?

    var resolvedPath: String {
        path ?? getenv("FLOODGAUGE_CONFIG").map { String(cString: $0) } ?? "/etc/floodgauge/floodgauge.toml"
    }

    /// The checked config, or a failure listing every problem (exit 1).
    func load() throws(CommandFailure) -> Config {
        do {
            return try Config.load(path: resolvedPath)
        } catch {
            throw CommandFailure(message: "\(error)", code: Exit.badInput, prefixed: false)
        }
    }
}
