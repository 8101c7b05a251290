import GaugeCore

/// The problems found in one config file, each recorded once.
final class ProblemLog {
    let file: String
    private(set) var problems: [ConfigProblem] = []

    init(file: String) {
        self.file = file
    }

    /// A value inherited from `[gauge_defaults]` is checked with every gauge that takes it, but is one mistake
    /// on one line: identical problems are kept once.
    func record(line: Int, key: String, _ message: String) {
        let problem = ConfigProblem(file: file, line: line, key: key, message: message)
        if !problems.contains(problem) { problems.append(problem) }
    }

    func record(at value: Located<some Any>, _ message: String) {
        record(line: value.line, key: value.key, message)
    }

    /// In the order of the file, which is the order an operator fixes them in.
    var problemsByLine: [ConfigProblem] {
        problems.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }
}

/// A config value and where it was written, so a check that needs other values too can point at it later.
struct Located<Value> {
    let value: Value
    let line: Int
    /// The key path, as in ``ConfigProblem/key``.
    let key: String
}

/// Why a value is not accepted, phrased to follow the key: "must be between 1 and 65535".
struct Invalid: Error {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// Turns a value into what the config needs (a number into a port, a text into a path), or says why not.
/// A rule that only checks returns its input.
typealias Rule<Input, Output> = (Input) throws(Invalid) -> Output

/// Reads the keys of one TOML table as typed values. Every problem goes to the log with its line and key path;
/// once the table is read, so does every key nobody asked for, since a mistyped key in a flood-warning config
/// must not pass silently.
struct TableReader {
    let table: TOMLTable
    /// The table's key path, `gauge[2].stages[0]`; empty for the document.
    let path: String
    let log: ProblemLog
    private var known: Set<String> = []

    private init(table: TOMLTable, path: String, log: ProblemLog) {
        self.table = table
        self.path = path
        self.log = log
    }

    /// Reads `table` with `body`, then reports the keys `body` did not ask for.
    static func read<T>(_ table: TOMLTable, path: String, log: ProblemLog, _ body: (inout TableReader) -> T) -> T {
        var reader = TableReader(table: table, path: path, log: log)
        let result = body(&reader)
        reader.reportUnknownKeys()
        return result
    }

    private func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func has(_ key: String) -> Bool {
        table[key] != nil
    }

    /// Records a problem with `key`: on its line, or on the table's own line when the key is missing.
    func report(_ key: String, _ message: String) {
        log.record(line: table[key]?.line ?? table.line, key: keyPath(key), message)
    }

    // MARK: - Keys

    /// The value of `key` passed through `rule`; `nil` if it is missing or wrong, the latter recorded.
    mutating func optional<T: TOMLConvertible, Output>(_ key: String, _ rule: Rule<T, Output>) -> Located<Output>? {
        known.insert(key)
        guard let entry = table[key] else { return nil }
        guard let value = T.converted(from: entry.value) else {
            report(key, "must be \(T.expected), found \(entry.value.summary)")
            return nil
        }
        do {
            return Located(value: try rule(value), line: entry.line, key: keyPath(key))
        } catch {
            report(key, error.reason)
            return nil
        }
    }

    mutating func optional<T: TOMLConvertible>(_ key: String) -> Located<T>? {
        optional(key) { $0 }
    }

    /// Like ``optional(_:_:)``, and a missing key is a problem too.
    mutating func required<T: TOMLConvertible, Output>(_ key: String, _ rule: Rule<T, Output>) -> Located<Output>? {
        if !has(key) { report(key, "is required") }
        return optional(key, rule)
    }

    mutating func required<T: TOMLConvertible>(_ key: String) -> Located<T>? {
        required(key) { $0 }
    }

    /// Overwrites the default in `target` when the file sets `key` right.
    mutating func update<T: TOMLConvertible, Output>(_ target: inout Output, _ key: String, _ rule: Rule<T, Output>) {
        if let value = optional(key, rule) { target = value.value }
    }

    mutating func update<T: TOMLConvertible>(_ target: inout T, _ key: String) {
        update(&target, key) { $0 }
    }

    /// A key that is known but never allowed here, with the reason.
    mutating func forbid(_ key: String, because reason: String) {
        known.insert(key)
        if has(key) { report(key, reason) }
    }

    // MARK: - Nested tables

    /// An optional sub-table such as `[mqtt]`, read with `body`; absent, it reads as empty, so defaults apply.
    mutating func section<T>(_ key: String, _ body: (inout TableReader) -> T) -> T {
        let section = optional(key).map { (located: Located<TOMLTable>) in located.value }
        return TableReader.read(section ?? TOMLTable(line: table.line), path: keyPath(key), log: log, body)
    }

    /// An array of tables (`[[gauge]]`, or `stages = [{ … }, …]`), each element read with `body`. `nil` if the key
    /// is missing or not an array. `body` returns `nil` only for an element it recorded a problem for.
    ///
    /// - Parameter atLeastOne: a missing key or an empty array is a problem too; for top-level `[[key]]` arrays.
    mutating func tables<T>(
        _ key: String,
        atLeastOne: Bool = false,
        _ body: (inout TableReader) -> T?
    ) -> [T]? {
        let array: Located<TableArray>? = optional(key)
        if atLeastOne && (!has(key) || array?.value.elements.isEmpty == true) {
            report(key, "at least one [[\(key)]] is required")
        }
        guard let array else { return nil }
        var results: [T] = []
        for (index, element) in array.value.elements.enumerated() {
            let elementPath = "\(array.key)[\(index)]"
            guard case .table(let elementTable) = element.kind else {
                log.record(line: element.line, key: elementPath, "must be a table, found \(element.summary)")
                continue
            }
            if let result = TableReader.read(elementTable, path: elementPath, log: log, body) {
                results.append(result)
            }
        }
        return results
    }

    // MARK: - Unknown keys

    private func reportUnknownKeys() {
        for entry in table.entries where !known.contains(entry.key) {
            let suggestion = known.closest(to: entry.key).map { " (did you mean \"\($0)\"?)" } ?? ""
            report(entry.key, "unknown key\(suggestion)")
        }
    }
}

extension Set<String> {
    /// The known key a typo most likely meant: at most two edits away.
    fileprivate func closest(to key: String) -> String? {
        guard key.count > 2 else { return nil }
        return map { ($0, $0.editDistance(to: key)) }
            .filter { $0.1 <= 2 }
            .min { ($0.1, $0.0) < ($1.1, $1.0) }?
            .0
    }
}

extension String {
    /// Levenshtein distance.
    fileprivate func editDistance(to other: String) -> Int {
        let target = Array(other)
        var previous = Array(0...target.count)
        for (i, character) in enumerated() {
            var row = [i + 1]
            for (j, targetCharacter) in target.enumerated() {
                let substitution = previous[j] + (character == targetCharacter ? 0 : 1)
                row.append(Swift.min(previous[j + 1] + 1, row[j] + 1, substitution))
            }
            previous = row
        }
        return previous[target.count]
    }
}

// MARK: - TOML types

/// A Swift type a TOML value can be read as.
protocol TOMLConvertible {
    /// What the key must be, for messages: "an integer".
    static var expected: String { get }
    static func converted(from value: TOMLValue) -> Self?
}

extension String: TOMLConvertible {
    static var expected: String { "a string" }

    static func converted(from value: TOMLValue) -> String? {
        guard case .string(let text) = value.kind else { return nil }
        return text
    }
}

extension Int: TOMLConvertible {
    static var expected: String { "an integer" }

    static func converted(from value: TOMLValue) -> Int? {
        guard case .integer(let number) = value.kind else { return nil }
        return number
    }
}

extension Bool: TOMLConvertible {
    static var expected: String { "true or false" }

    static func converted(from value: TOMLValue) -> Bool? {
        guard case .boolean(let flag) = value.kind else { return nil }
        return flag
    }
}

extension Double: TOMLConvertible {
    static var expected: String { "a number" }

    /// An integer is a number too (`enter_cm = 150`); infinity and NaN are not, for any key here.
    static func converted(from value: TOMLValue) -> Double? {
        switch value.kind {
        case .integer(let number): Double(number)
        case .float(let number) where number.isFinite: number
        default: nil
        }
    }
}

extension TOMLTable: TOMLConvertible {
    static var expected: String { "a table" }

    static func converted(from value: TOMLValue) -> TOMLTable? {
        guard case .table(let table) = value.kind else { return nil }
        return table
    }
}

/// The array under `[[gauge]]` headers or in `stages = [{ … }]`; ``TableReader/tables(_:_:)`` checks that each
/// element is a table, so it can point at the element that is not.
struct TableArray: TOMLConvertible {
    let elements: [TOMLValue]

    static var expected: String { "an array of tables" }

    static func converted(from value: TOMLValue) -> TableArray? {
        guard case .array(let elements) = value.kind else { return nil }
        return TableArray(elements: elements)
    }
}

/// An enumeration read from one of its raw strings.
protocol TOMLChoice: TOMLConvertible, CaseIterable, RawRepresentable<String> {}

extension TOMLChoice {
    static var expected: String {
        "one of " + allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    }

    static func converted(from value: TOMLValue) -> Self? {
        guard case .string(let text) = value.kind else { return nil }
        return Self(rawValue: text)
    }
}

extension Codec: TOMLChoice {}
extension DeviceModel: TOMLChoice {}
extension EnvelopeFormat: TOMLChoice {}
extension Config.MQTT.ProtocolVersion: TOMLChoice {}
extension AlertLanguage: TOMLChoice {}
