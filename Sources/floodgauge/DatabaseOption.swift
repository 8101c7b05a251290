import ArgumentParser
import GaugeDaemon
import GaugeStore

/// `--db PATH`, else the config's `storage.database`: the database a query command reads.
struct DatabaseOption: ParsableArguments {
    @OptionGroup var config: ConfigOption

    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The database file.", discussion: "Default: storage.database of the config.", valueName: "path"))
    var path: String?

    /// The database, opened read-only beside a daemon that may be writing it. A config problem exits 1; a database
    /// that is missing, unreadable or of another schema version exits 3.
    func open() throws(CommandFailure) -> Archive {
        let database: String
        if let path {
            database = path
        } else {
            database = try config.load().storage.database
        }
        do {
            return try Archive(path: database)
        } catch {
            throw CommandFailure(message: error.description, code: Exit.runtime)
        }
    }
}

extension Archive {
    /// The gauge with `id`; when the database knows no such gauge, a failure (exit 1) that lists the ones it knows.
    func checkedGauge(_ id: String) throws -> Gauge {
        let known = try gauges()
        guard let gauge = known.first(where: { $0.id == id }) else {
            let list = known.isEmpty ? "none yet" : known.map(\.id).joined(separator: ", ")
            throw CommandFailure(message: "unknown gauge '\(id)'; known: \(list)", code: Exit.badInput)
        }
        return gauge
    }
}
