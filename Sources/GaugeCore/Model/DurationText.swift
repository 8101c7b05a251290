/// Durations as operators write them: `90s`, `15m`, `2h`, `7d`, or parts together, largest first: `1h30m`.
public enum DurationText {
    private static let units: [(suffix: Character, seconds: Int64)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]

    /// The duration in seconds, or `nil` when `text` is not one.
    public static func seconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        var nextUnit = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (scaled, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                number = scaled + Int64(digit)
                continue
            }
            guard let value = number,
                let unit = units[nextUnit...].firstIndex(where: { $0.suffix == character })
            else { return nil }
            let (part, overflow) = value.multipliedReportingOverflow(by: units[unit].seconds)
            guard !overflow, total <= .max - part else { return nil }
            total += part
            number = nil
            nextUnit = unit + 1
        }
        return number == nil && nextUnit > 0 ? total : nil
    }

    /// The duration as `seconds(_:)` reads it: `1h30m`, `0s`.
    public static func format(_ seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        var rest = seconds
        var text = ""
        for unit in units where rest >= unit.seconds {
            text += "\(rest / unit.seconds)\(unit.suffix)"
            rest %= unit.seconds
        }
        return text
    }
}
