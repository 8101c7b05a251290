// A small TOML reader that keeps the line of every key and value, so `check-config` can point an operator at
// the exact line. It reads TOML 1.0 except date-times (no config key takes one), and, as TOML 1.1 does, allows
// line breaks and a trailing comma inside inline tables.

/// A TOML value and the line it starts on (1-based).
struct TOMLValue {
    enum Kind {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    let kind: Kind
    let line: Int

    /// The value as an operator would recognise it in a message: scalars as written, containers by kind.
    var summary: String {
        switch kind {
        case .string(let text): text.debugDescription
        case .integer(let number): String(number)
        case .float(let number): String(number)
        case .boolean(let flag): String(flag)
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: its keys in the order written, each with the line it was written on.
///
/// A class, because `[a.b]` headers and dotted keys reopen tables deep in the tree while it is being read.
final class TOMLTable {
    struct Entry {
        let key: String
        let line: Int
        fileprivate(set) var value: TOMLValue
    }

    /// How the table came to be; TOML lets only some of them be added to later.
    enum Origin {
        /// Created on the way to a deeper header (`a` for `[a.b]`); a later `[a]` may still define it.
        case implicit
        /// Defined by a `[header]` or `[[header]]`.
        case header
        /// Created by a dotted key (`a.b = 1`); only more dotted keys may add to it.
        case dotted
        /// Written inline as `{ … }`; closed once written.
        case inline
    }

    /// The line of the header, dotted key or `{` that defined the table: where a missing key is reported.
    fileprivate(set) var line: Int
    fileprivate(set) var origin: Origin
    private(set) var entries: [Entry] = []
    private var indexByKey: [String: Int] = [:]
    /// Keys whose arrays `[[key]]` headers made, the only arrays later headers may append to.
    fileprivate var tableArrayKeys: Set<String> = []

    init(line: Int, origin: Origin = .implicit) {
        self.line = line
        self.origin = origin
    }

    subscript(key: String) -> Entry? {
        indexByKey[key].map { entries[$0] }
    }

    /// Parses a whole document. The first error ends it: what follows a syntax error cannot be trusted.
    static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.document()
    }

    fileprivate func insert(_ key: String, line: Int, _ value: TOMLValue) throws(TOMLError) {
        if let existing = self[key] {
            throw TOMLError(line: line, "key \"\(key)\" is already set on line \(existing.line)")
        }
        indexByKey[key] = entries.count
        entries.append(Entry(key: key, line: line, value: value))
    }

    /// Appends to the array at `key` in place: building a new array per `[[gauge]]` made 10 000 gauges quadratic.
    fileprivate func append(_ element: TOMLValue, toArrayAt key: String) {
        guard let index = indexByKey[key], case .array(var elements) = entries[index].value.kind else { return }
        let line = entries[index].value.line
        // Drop the entry's reference first, so the array is not shared and the append does not copy it.
        entries[index].value = TOMLValue(kind: .array([]), line: line)
        elements.append(element)
        entries[index].value = TOMLValue(kind: .array(elements), line: line)
    }
}

/// Why a TOML document could not be read, and on which line.
struct TOMLError: Error, Equatable {
    let line: Int
    let message: String

    init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }
}

/// Reads the text scalar by scalar, counting lines as it consumes line feeds.
private struct TOMLParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private let root = TOMLTable(line: 1, origin: .header)
    /// The table the latest header opened; key/value lines go there.
    private var current: TOMLTable

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        current = root
        if scalars.first == "\u{FEFF}" { index = 1 }
    }

    mutating func document() throws(TOMLError) -> TOMLTable {
        while true {
            skipBlanks()
            switch peek() {
            case nil: return root
            case "#"?, "\n"?, "\r"?: break
            case "["?: try header()
            default: try keyValue(into: current)
            }
            try endOfLine()
        }
    }

    // MARK: - Scalars

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance(by count: Int = 1) {
        for _ in 0..<count {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }
    }

    private func atLineBreak(_ offset: Int = 0) -> Bool {
        peek(offset) == "\n" || (peek(offset) == "\r" && peek(offset + 1) == "\n")
    }

    private mutating func skipLineBreak() {
        advance(by: peek() == "\r" ? 2 : 1)
    }

    private func atTriple(_ quote: Unicode.Scalar) -> Bool {
        peek() == quote && peek(1) == quote && peek(2) == quote
    }

    private mutating func expect(_ scalar: Unicode.Scalar, _ context: String) throws(TOMLError) {
        guard peek() == scalar else { throw error("expected \"\(scalar)\" \(context), found \(found)") }
        advance()
    }

    private mutating func skipBlanks() {
        while peek() == " " || peek() == "\t" { advance() }
    }

    /// Inside arrays and inline tables items may spread over lines, with comments between them.
    private mutating func skipBlanksLineBreaksAndComments() throws(TOMLError) {
        while true {
            skipBlanks()
            if peek() == "#" {
                try comment()
            } else if atLineBreak() {
                skipLineBreak()
            } else {
                return
            }
        }
    }

    private mutating func comment() throws(TOMLError) {
        while let scalar = peek(), !atLineBreak() {
            guard !scalar.isForbiddenControl else { throw error("control character \(found) in a comment") }
            advance()
        }
    }

    private mutating func endOfLine() throws(TOMLError) {
        skipBlanks()
        if peek() == "#" { try comment() }
        if peek() == nil { return }
        guard atLineBreak() else { throw error("expected the end of the line, found \(found)") }
        skipLineBreak()
    }

    /// The next character, for messages.
    private var found: String {
        guard let scalar = peek() else { return "the end of the file" }
        if scalar == "\n" || scalar == "\r" { return "the end of the line" }
        if scalar.isForbiddenControl || scalar == "\t" {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return String(scalar).debugDescription
    }

    private func error(_ message: String) -> TOMLError {
        TOMLError(line: line, message)
    }

    private func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    // MARK: - Keys and tables

    private mutating func key() throws(TOMLError) -> [String] {
        var parts = [try simpleKey()]
        while true {
            skipBlanks()
            guard peek() == "." else { return parts }
            advance()
            skipBlanks()
            parts.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(TOMLError) -> String {
        if atTriple("\"") || atTriple("'") { throw error("a key cannot be a multi-line string") }
        switch peek() {
        case "\""?: return try basicString()
        case "'"?: return try literalString()
        case let scalar? where scalar.isBareKey:
            let start = index
            while let scalar = peek(), scalar.isBareKey { advance() }
            return text(start..<index)
        default: throw error("expected a key, found \(found)")
        }
    }

    private mutating func keyValue(into table: TOMLTable) throws(TOMLError) {
        let keyLine = line
        let path = try key()
        try expect("=", "after the key \(path.dotted)")
        skipBlanks()
        let value = try value()
        var parent = table
        for part in path.dropLast() {
            parent = try dottedChild(of: parent, part, line: keyLine)
        }
        try parent.insert(path[path.count - 1], line: keyLine, value)
    }

    /// `a.b = 1` creates `a` or adds to an `a` made the same way, never to one a header or `{ }` defined.
    private func dottedChild(of table: TOMLTable, _ key: String, line: Int) throws(TOMLError) -> TOMLTable {
        guard let entry = table[key] else {
            let child = TOMLTable(line: line, origin: .dotted)
            try table.insert(key, line: line, TOMLValue(kind: .table(child), line: line))
            return child
        }
        guard case .table(let child) = entry.value.kind, child.origin == .dotted else {
            throw TOMLError(
                line: line,
                "cannot add to \"\(key)\" with a dotted key: it is defined on line \(entry.line)"
            )
        }
        return child
    }

    private mutating func header() throws(TOMLError) {
        let headerLine = line
        advance()
        let isArray = peek() == "["
        if isArray { advance() }
        skipBlanks()
        let path = try key()
        try expect("]", "to close the header")
        if isArray { try expect("]", "to close the [[header]]") }

        var parent = root
        for part in path.dropLast() {
            parent = try headerChild(of: parent, part, line: headerLine)
        }
        let name = path[path.count - 1]
        current =
            isArray
            ? try appendTable(to: parent, name, path: path, line: headerLine)
            : try defineTable(in: parent, name, path: path, line: headerLine)
    }

    /// The table a header passes through: an existing table, the newest element of a `[[…]]` array, or a new one.
    private func headerChild(of table: TOMLTable, _ key: String, line: Int) throws(TOMLError) -> TOMLTable {
        guard let entry = table[key] else {
            let child = TOMLTable(line: line)
            try table.insert(key, line: line, TOMLValue(kind: .table(child), line: line))
            return child
        }
        switch entry.value.kind {
        case .table(let child) where child.origin != .inline:
            return child
        case .array(let elements) where table.tableArrayKeys.contains(key):
            if case .table(let newest)? = elements.last?.kind { return newest }
        default:
            break
        }
        throw TOMLError(line: line, "\"\(key)\" is already defined on line \(entry.line) and cannot be extended")
    }

    private func defineTable(
        in parent: TOMLTable,
        _ key: String,
        path: [String],
        line: Int
    ) throws(TOMLError)
        -> TOMLTable
    {
        guard let entry = parent[key] else {
            let table = TOMLTable(line: line, origin: .header)
            try parent.insert(key, line: line, TOMLValue(kind: .table(table), line: line))
            return table
        }
        guard case .table(let table) = entry.value.kind, table.origin == .implicit else {
            throw TOMLError(line: line, "table [\(path.dotted)] is already defined on line \(entry.line)")
        }
        table.origin = .header
        table.line = line
        return table
    }

    private func appendTable(
        to parent: TOMLTable,
        _ key: String,
        path: [String],
        line: Int
    ) throws(TOMLError)
        -> TOMLTable
    {
        let table = TOMLTable(line: line, origin: .header)
        let element = TOMLValue(kind: .table(table), line: line)
        guard let entry = parent[key] else {
            try parent.insert(key, line: line, TOMLValue(kind: .array([element]), line: line))
            parent.tableArrayKeys.insert(key)
            return table
        }
        guard parent.tableArrayKeys.contains(key), case .array = entry.value.kind else {
            throw TOMLError(line: line, "cannot append to [[\(path.dotted)]]: it is defined on line \(entry.line)")
        }
        parent.append(element, toArrayAt: key)
        return table
    }

    // MARK: - Values

    private mutating func value() throws(TOMLError) -> TOMLValue {
        let start = line
        let kind: TOMLValue.Kind
        if atTriple("\"") || atTriple("'") {
            kind = .string(try multiLineString())
        } else {
            switch peek() {
            case "\""?: kind = .string(try basicString())
            case "'"?: kind = .string(try literalString())
            case "["?: kind = .array(try array())
            case "{"?: kind = .table(try inlineTable())
            case let scalar? where scalar.isWordCharacter: kind = try word()
            default: throw error("expected a value, found \(found)")
            }
        }
        return TOMLValue(kind: kind, line: start)
    }

    private mutating func array() throws(TOMLError) -> [TOMLValue] {
        var elements: [TOMLValue] = []
        try list(closedBy: "]", named: "array") { parser throws(TOMLError) in elements.append(try parser.value()) }
        return elements
    }

    private mutating func inlineTable() throws(TOMLError) -> TOMLTable {
        let table = TOMLTable(line: line, origin: .inline)
        try list(closedBy: "}", named: "inline table") { parser throws(TOMLError) in
            try parser.keyValue(into: table)
        }
        return table
    }

    /// Arrays and inline tables: comma-separated items over any number of lines, an optional trailing comma.
    private mutating func list(
        closedBy close: Unicode.Scalar,
        named name: String,
        item: (inout TOMLParser) throws(TOMLError) -> Void
    ) throws(TOMLError) {
        let openLine = line
        advance()
        while true {
            try skipBlanksLineBreaksAndComments()
            if peek() == close { break }
            try item(&self)
            try skipBlanksLineBreaksAndComments()
            if peek() == close { break }
            guard peek() == "," else {
                throw error("expected \",\" or \"\(close)\" in the \(name) opened on line \(openLine), found \(found)")
            }
            advance()
        }
        advance()
    }

    /// Booleans, numbers and the date-times this reader turns away: a run of word characters.
    private mutating func word() throws(TOMLError) -> TOMLValue.Kind {
        let start = index
        while let scalar = peek(), scalar.isWordCharacter { advance() }
        let word = text(start..<index)
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default: break
        }
        if word.looksLikeDateOrTime {
            throw error("dates and times are not supported: \(word)")
        }
        guard let number = TOMLNumber.parse(word) else {
            let hint = word.first?.isLetter == true ? " (text needs quotes)" : ""
            throw error("invalid value \(word.debugDescription)\(hint)")
        }
        return number
    }

    // MARK: - Strings

    private mutating func basicString() throws(TOMLError) -> String {
        let openLine = line
        advance()
        var result = String.UnicodeScalarView()
        while true {
            switch peek() {
            case "\""?:
                advance()
                return String(result)
            case "\\"?:
                result.append(try escape())
            case nil, "\n"?, "\r"?:
                throw TOMLError(line: openLine, "unterminated string (use \"\"\" for text over several lines)")
            case let scalar?:
                guard !scalar.isForbiddenControl else { throw error("control character \(found) in a string") }
                result.append(scalar)
                advance()
            }
        }
    }

    private mutating func literalString() throws(TOMLError) -> String {
        let openLine = line
        advance()
        let start = index
        while peek() != "'" {
            guard let scalar = peek(), scalar != "\n", scalar != "\r" else {
                throw TOMLError(line: openLine, "unterminated string (use ''' for text over several lines)")
            }
            guard !scalar.isForbiddenControl else { throw error("control character \(found) in a string") }
            advance()
        }
        let result = text(start..<index)
        advance()
        return result
    }

    /// `"""…"""` (with escapes and line-ending backslashes) or `'''…'''` (verbatim).
    private mutating func multiLineString() throws(TOMLError) -> String {
        let openLine = line
        let quote = scalars[index]
        advance(by: 3)
        // A line break right after the opening quotes is not part of the string.
        if atLineBreak() { skipLineBreak() }

        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw TOMLError(line: openLine, "unterminated multi-line string")
            }
            if atTriple(quote) {
                // Up to two more quotes right before the closing three belong to the string.
                var run = 3
                while peek(run) == quote { run += 1 }
                guard run <= 5 else { throw error("too many quotes at the end of a multi-line string") }
                result.append(contentsOf: repeatElement(quote, count: run - 3))
                advance(by: run)
                return String(result)
            }
            if quote == "\"" && scalar == "\\" {
                if isLineEndingBackslash() {
                    advance()
                    while let next = peek(), next == " " || next == "\t" || next == "\n" || next == "\r" { advance() }
                } else {
                    result.append(try escape())
                }
                continue
            }
            guard atLineBreak() || !scalar.isForbiddenControl else {
                throw error("control character \(found) in a string")
            }
            result.append(scalar)
            advance()
        }
    }

    /// A backslash followed only by blanks up to the line break joins the lines without the whitespace between.
    private func isLineEndingBackslash() -> Bool {
        var offset = 1
        while peek(offset) == " " || peek(offset) == "\t" { offset += 1 }
        return atLineBreak(offset)
    }

    private mutating func escape() throws(TOMLError) -> Unicode.Scalar {
        advance()
        guard let letter = peek() else { throw error("unterminated string") }
        advance()
        switch letter {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let digits = letter == "u" ? 4 : 8
            let hex = text(index..<min(index + digits, scalars.count))
            guard hex.unicodeScalars.count == digits, hex.allSatisfy(\.isHexDigit),
                let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code)
            else {
                throw error("\\\(letter) needs \(digits) hex digits of a Unicode scalar value")
            }
            advance(by: digits)
            return scalar
        default:
            throw error("invalid escape \\\(letter) in a string")
        }
    }
}

/// TOML integers and floats: `1_000`, `0xFF`, `-0.5e3`, `inf`, `nan`.
private enum TOMLNumber {
    static func parse(_ text: String) -> TOMLValue.Kind? {
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
            return digits(text.dropFirst(2), radix: radix).flatMap { Int($0, radix: radix) }.map { .integer($0) }
        }
        var body = Substring(text)
        let sign = body.first == "-" ? "-" : ""
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        switch body {
        case "inf": return .float(sign.isEmpty ? .infinity : -.infinity)
        case "nan": return .float(.nan)
        default: break
        }

        let exponentStart = body.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = body[..<(exponentStart ?? body.endIndex)]
        let point = mantissa.firstIndex(of: ".")
        guard let whole = digits(mantissa[..<(point ?? mantissa.endIndex)], radix: 10),
            whole == "0" || !whole.hasPrefix("0")
        else { return nil }
        if point == nil && exponentStart == nil {
            return Int(sign + whole).map { .integer($0) }
        }

        var literal = sign + whole
        if let point {
            guard let fraction = digits(mantissa[mantissa.index(after: point)...], radix: 10) else { return nil }
            literal += "." + fraction
        }
        if let exponentStart {
            var exponent = body[body.index(after: exponentStart)...]
            var exponentSign = ""
            if let first = exponent.first, first == "-" || first == "+" {
                exponentSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let power = digits(exponent, radix: 10) else { return nil }
            literal += "e" + exponentSign + power
        }
        return Double(literal).map { .float($0) }
    }

    /// The digits without their `_` separators, or `nil` unless every `_` stands between two digits.
    private static func digits(_ text: Substring, radix: Int) -> String? {
        var result = ""
        var previousWasDigit = false
        for character in text {
            if character == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard character.isASCII, let value = character.hexDigitValue, value < radix else { return nil }
                result.append(character)
                previousWasDigit = true
            }
        }
        return previousWasDigit ? result : nil
    }
}

extension Unicode.Scalar {
    fileprivate var isBareKey: Bool {
        switch self {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    /// What a boolean, a number or a date-time is made of.
    fileprivate var isWordCharacter: Bool {
        isBareKey || self == "+" || self == "." || self == ":"
    }

    /// TOML allows no control character but the tab in comments and strings.
    fileprivate var isForbiddenControl: Bool {
        (value < 0x20 && self != "\t") || value == 0x7F
    }
}

extension String {
    /// `1979-05-27…` or `07:32:00…`.
    fileprivate var looksLikeDateOrTime: Bool {
        let head = Array(unicodeScalars.prefix(5))
        func digits(_ count: Int) -> Bool {
            head.count > count && head.prefix(count).allSatisfy { ("0"..."9").contains($0) }
        }
        return (digits(4) && head[4] == "-") || (digits(2) && head[2] == ":")
    }
}

extension [String] {
    fileprivate var dotted: String { joined(separator: ".") }
}
