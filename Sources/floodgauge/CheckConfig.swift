import ArgumentParser
import GaugeDaemon

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the config file.",
        discussion: "Exits 0 when it is valid; otherwise prints every problem as 'file:line: key: what is wrong' and exits 1."
    )

    @OptionGroup var config: ConfigOption

    func run() throws {
        let loaded = try config.load()
        print("\(config.resolvedPath): ok (\(loaded.sources.count) sources, \(loaded.gauges.count) gauges)")
    }
}
