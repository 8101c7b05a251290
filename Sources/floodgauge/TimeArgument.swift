import ArgumentParser
import GaugeCore

/// A point in time as `--since`/`--until` take it: a duration back from now (`15m`, `2h`, `7d`, `1h30m`) or an
/// RFC 3339 time (`2026-11-22T10:00:00Z`).
enum TimeArgument: ExpressibleByArgument {
    case ago(seconds: Int64)
    case at(Timestamp)

    init?(argument: String) {
        if let seconds = DurationText.seconds(argument) {
            self = .ago(seconds: seconds)
        } else if let time = Timestamp.parseRFC3339(argument) {
            self = .at(time)
        } else {
            return nil
        }
    }

    func resolved(now: Timestamp) -> Timestamp {
        switch self {
        case .ago(let seconds): now.adding(seconds: -seconds)
        case .at(let time): time
        }
    }
}
