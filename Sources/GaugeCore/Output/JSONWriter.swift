/// Builds one JSON object as text, for the outputs (alert events, `decode`): small, exact, and
/// free of Foundation so the core stays portable. Not for the hot path: it builds a String.
public struct JSONWriter {
    public private(set) var text = "{"
    private var first = true

    public init() {}

    public mutating func field(_ key: String, _ value: String?) {
        raw(key, value.map(Self.quoted) ?? "null")
    }

    public mutating func field(_ key: String, _ value: Int?) {
        raw(key, value.map { String($0) } ?? "null")
    }

    public mutating func field(_ key: String, _ value: Int64?) {
        raw(key, value.map { String($0) } ?? "null")
    }

    public mutating func field(_ key: String, _ value: Bool?) {
        raw(key, value.map { $0 ? "true" : "false" } ?? "null")
    }

    /// Numbers print in their shortest exact form (`21.5`, not `21.499999`); integral values
    /// without a fraction.
    public mutating func field(_ key: String, _ value: Double?) {
        raw(key, value.map(Self.number) ?? "null")
    }

    /// A nested object or array that is already JSON text.
    public mutating func raw(_ key: String, _ json: String) {
        if !first { text += "," }
        first = false
        text += Self.quoted(key)
        text += ":"
        text += json
    }

    public func finished() -> String { text + "}" }

    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    public static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
