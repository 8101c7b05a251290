import GaugeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Colours alert lines by severity for a person at a terminal: nothing for minor, yellow for moderate, red for
/// severe, bold red for extreme. Plain when stdout is piped (scripts and `grep` get the alert log's exact text) or
/// when `NO_COLOR` is set.
struct SeverityColours {
    private let enabled = isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil

    /// `line` in the colour of `severity`, as the database spells it.
    func paint(_ line: String, _ severity: String) -> String {
        guard enabled, let code = Severity(rawValue: severity).flatMap(Self.code) else { return line }
        return "\u{1B}[\(code)m\(line)\u{1B}[0m"
    }

    private static func code(_ severity: Severity) -> String? {
        switch severity {
        case .minor: nil
        case .moderate: "33"
        case .severe: "31"
        case .extreme: "1;31"
        }
    }
}
