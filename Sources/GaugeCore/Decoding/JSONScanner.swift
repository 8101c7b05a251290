/// A single-pass JSON (RFC 8259) validator that reports every value it meets, in place and without allocating.
///
/// There is no tree: the caller's `visit` closure sees each value once, with its `JSONPath`, and keeps what it
/// wants (strings and numbers are views into `text`, so keeping them costs nothing). The whole text is validated:
/// anything that is not exactly one JSON value surrounded by optional whitespace is rejected with a reason that
/// starts "invalid JSON:".
///
/// ```swift
/// try JSONScanner.scan(message) { path, value in
///     if path.matches("uplink_message.rx_metadata[].rssi"), case .number(let rssi) = value { … }
/// }
/// ```
public enum JSONScanner {
    /// How many containers (objects and arrays) may be open at once.
    public static let maximumDepth = 32

    /// Validates `text` as one JSON value and reports each value to `visit`, in document order.
    ///
    /// An object or array is reported as `.object` / `.array` when it opens, before its contents. Values are
    /// reported as they are met, so when this throws, `visit` has already seen the values before the error:
    /// discard what it gathered.
    ///
    /// - Important: Strings and numbers point into `text`; they are valid only while `text` is.
    /// - Throws: a `DecodeError` whose reason starts "invalid JSON:" and names what was expected.
    public static func scan(_ text: UnsafeRawBufferPointer, visit: (JSONPath, JSONValue) -> Void) throws(DecodeError) {
        // The path lives on the stack and `JSONPath` is a view of it, so handing it to `visit` copies two words.
        try withUnsafeTemporaryAllocation(of: JSONPath.Component.self, capacity: maximumDepth) {
            components throws(DecodeError) in
            var path = JSONPath(components)
            try scan(text, path: &path, visit: visit)
        }
    }

    private static func scan(
        _ text: UnsafeRawBufferPointer,
        path: inout JSONPath,
        visit: (JSONPath, JSONValue) -> Void
    ) throws(DecodeError) {
        var cursor = Cursor(text)
        cursor.skipWhitespace()
        while true {
            // The cursor is at the first byte of a value.
            guard let byte = cursor.peek() else { throw .unexpectedEnd }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard path.depth < maximumDepth else { throw DecodeError("invalid JSON: nested too deeply") }
                let isObject = byte == UInt8(ascii: "{")
                visit(path, isObject ? .object : .array)
                cursor.advance()
                cursor.skipWhitespace()
                if isObject, !cursor.consume(UInt8(ascii: "}")) {
                    path.push(.member(try cursor.memberName()))
                    continue
                }
                if !isObject, !cursor.consume(UInt8(ascii: "]")) {
                    path.push(.element)
                    continue
                }
            case UInt8(ascii: "\""):
                visit(path, .string(try cursor.string()))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                visit(path, .number(try cursor.number()))
            case UInt8(ascii: "t"):
                try cursor.literal("true")
                visit(path, .bool(true))
            case UInt8(ascii: "f"):
                try cursor.literal("false")
                visit(path, .bool(false))
            case UInt8(ascii: "n"):
                try cursor.literal("null")
                visit(path, .null)
            default:
                throw .expectedValue
            }

            // A value has ended: close containers until one goes on with another member or element.
            nextValue: while true {
                cursor.skipWhitespace()
                guard let open = path.last else {
                    guard cursor.isAtEnd else { throw DecodeError("invalid JSON: trailing characters after the value") }
                    return
                }
                guard let byte = cursor.next() else { throw .unexpectedEnd }
                switch (open, byte) {
                case (.member, UInt8(ascii: ",")):
                    cursor.skipWhitespace()
                    path.replaceLast(with: .member(try cursor.memberName()))
                    break nextValue
                case (.element, UInt8(ascii: ",")):
                    cursor.skipWhitespace()
                    guard cursor.peek() != UInt8(ascii: "]") else { throw .trailingComma }
                    break nextValue
                case (.member, UInt8(ascii: "}")), (.element, UInt8(ascii: "]")):
                    path.pop()
                case (.member, _):
                    throw DecodeError("invalid JSON: expected ',' or '}'")
                case (.element, _):
                    throw DecodeError("invalid JSON: expected ',' or ']'")
                }
            }
        }
    }
}

/// Where a value sits in the document: the member names and array levels from the top value down to it.
///
/// - Important: A path is a view of the scanner's state: use it only during the `visit` call that receives it.
public struct JSONPath {
    enum Component {
        /// Inside an object, in the member with this name.
        case member(JSONString)
        /// Inside an array (which element does not matter to any caller).
        case element
    }

    /// Room for `JSONScanner.maximumDepth` components, of which the first `depth` are the path.
    private let components: UnsafeMutableBufferPointer<Component>
    /// How many containers enclose the value.
    public private(set) var depth = 0

    init(_ components: UnsafeMutableBufferPointer<Component>) {
        self.components = components
    }

    var last: Component? { depth == 0 ? nil : components[depth &- 1] }

    mutating func push(_ component: Component) {
        // The scanner checks the depth before it pushes, so the slot exists. `Component` is trivial, so the slot
        // may be assigned without being initialized first.
        components[depth] = component
        depth &+= 1
    }

    mutating func replaceLast(with component: Component) {
        components[depth &- 1] = component
    }

    mutating func pop() {
        depth &-= 1
    }

    /// Whether the path is exactly `pattern`: member names joined by `.`, with `[]` for "any element of an
    /// array", as in `uplink_message.rx_metadata[].rssi`. Names compare by their unescaped text, so
    /// `"f\u005fport"` matches `f_port`.
    public func matches(_ pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { utf8 in
            // Matched from the innermost component out: the value's own name tells most paths apart at once.
            let pattern = UnsafeRawBufferPointer(utf8)
            var end = pattern.count
            var level = depth
            while level > 0 {
                level &-= 1
                switch components[level] {
                case .element:
                    guard end >= 2, pattern[end &- 2] == UInt8(ascii: "["), pattern[end &- 1] == UInt8(ascii: "]")
                    else { return false }
                    end &-= 2
                case .member(let name):
                    var start = end
                    if name.hasEscapes {
                        while start > 0, !isSeparator(pattern[start &- 1]) { start &-= 1 }
                    } else {
                        // Unescaped, a name is its own UTF-8, so its length says where its segment starts: most
                        // names are told apart by that alone.
                        start &-= name.escaped.count
                        guard start >= 0, start == 0 || isSeparator(pattern[start &- 1]) else { return false }
                    }
                    let segment = UnsafeRawBufferPointer(rebasing: pattern[start..<end])
                    guard name.equals(segment), !segment.contains(where: isSeparator) else { return false }
                    end = start
                    if level > 0 {
                        guard end > 0, pattern[end &- 1] == UInt8(ascii: ".") else { return false }
                        end &-= 1
                    }
                }
            }
            return end == 0
        }
    }

    private func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "]")
    }
}

/// One value as the scanner meets it.
public enum JSONValue {
    /// An object opens here; its members are reported next, each at its own path.
    case object
    /// An array opens here; its elements are reported next, at this path plus `[]`.
    case array
    case string(JSONString)
    case number(JSONNumber)
    case bool(Bool)
    case null
}

/// A JSON string read in place: the text between its quotes, already validated.
public struct JSONString {
    /// The text between the quotes exactly as written, backslash escapes included.
    public let escaped: UnsafeRawBufferPointer
    /// Whether `escaped` holds a backslash escape, that is, whether it differs from the string's UTF-8.
    public let hasEscapes: Bool

    init(escaped: UnsafeRawBufferPointer, hasEscapes: Bool) {
        self.escaped = escaped
        self.hasEscapes = hasEscapes
    }

    /// Calls `body` with the string's UTF-8: `escaped` itself when there are no escapes (the usual case),
    /// otherwise the unescaped text in a temporary buffer (on the stack for the short strings of envelopes).
    /// A lone UTF-16 surrogate (`\ud800`) becomes U+FFFD.
    public func withUTF8<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        guard hasEscapes else { return try body(escaped) }
        // Unescaping never lengthens the text: every escape is at least as long as the UTF-8 it stands for.
        return try withUnsafeTemporaryAllocation(byteCount: escaped.count, alignment: 1) { buffer throws(E) -> R in
            let count = unescape(into: buffer)
            return try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Whether the string's UTF-8 equals `utf8`.
    func equals(_ utf8: UnsafeRawBufferPointer) -> Bool {
        guard hasEscapes else { return escaped.count == utf8.count && escaped.elementsEqual(utf8) }
        return withUTF8 { $0.elementsEqual(utf8) }
    }

    /// Writes the unescaped UTF-8 into `output`, which holds at least `escaped.count` bytes; returns the count.
    private func unescape(into output: UnsafeMutableRawBufferPointer) -> Int {
        var input = 0
        var written = 0
        func emit(_ byte: UInt8) {
            output[written] = byte
            written &+= 1
        }
        // The scanner has validated every escape, so each one is complete and well-formed here.
        while input < escaped.count {
            let byte = escaped[input]
            guard byte == UInt8(ascii: "\\") else {
                emit(byte)
                input &+= 1
                continue
            }
            let kind = escaped[input &+ 1]
            input &+= 2
            switch kind {
            case UInt8(ascii: "b"): emit(0x08)
            case UInt8(ascii: "f"): emit(0x0C)
            case UInt8(ascii: "n"): emit(0x0A)
            case UInt8(ascii: "r"): emit(0x0D)
            case UInt8(ascii: "t"): emit(0x09)
            case UInt8(ascii: "u"):
                var value = codeUnit(at: input)
                input &+= 4
                if (0xD800...0xDBFF).contains(value), input &+ 6 <= escaped.count,
                    escaped[input] == UInt8(ascii: "\\"), escaped[input &+ 1] == UInt8(ascii: "u")
                {
                    let low = codeUnit(at: input &+ 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        value = 0x10000 &+ (value &- 0xD800) << 10 &+ (low &- 0xDC00)
                        input &+= 6
                    }
                }
                for byte in (Unicode.Scalar(value) ?? "\u{FFFD}").utf8 { emit(byte) }
            default: emit(kind)  // `"`, `\` and `/` stand for themselves
            }
        }
        return written
    }

    /// The four hex digits of a `\u` escape at `offset`.
    private func codeUnit(at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in offset..<offset &+ 4 {
            value = value << 4 | UInt32(Hex.digit(escaped[index]) ?? 0)
        }
        return value
    }
}

/// A JSON number read in place: its text, already validated against RFC 8259's grammar.
public struct JSONNumber {
    /// The number exactly as written.
    public let text: UnsafeRawBufferPointer

    init(text: UnsafeRawBufferPointer) {
        self.text = text
    }

    /// The value if it is written as an integer (no fraction, no exponent) that `T` can hold, else `nil`.
    public func integer<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        let negative = text[0] == UInt8(ascii: "-")
        return T(decimalDigits: UnsafeRawBufferPointer(rebasing: text[(negative ? 1 : 0)...]), negative: negative)
    }

    /// The nearest `Double`.
    public var double: Double {
        // Clinger's fast path: a decimal mantissa up to 2^53 scaled by a power of ten up to 10^22 is exact in
        // binary floating point, so one multiplication or division rounds correctly. Envelope numbers (RSSI,
        // SNR) take it; only numbers with more than 15 significant digits or a large exponent fall back to the
        // standard library's parser, which allocates.
        var mantissa: UInt64 = 0
        var exponent = 0
        var index = text[0] == UInt8(ascii: "-") ? 1 : 0
        var fits = true
        var inFraction = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if let digit = byte.decimalDigitValue {
                let (scaled, overflow) = mantissa.multipliedReportingOverflow(by: 10)
                fits = fits && !overflow && scaled <= 1 << 53 &- UInt64(digit)
                mantissa = scaled &+ UInt64(digit)
                if inFraction { exponent &-= 1 }
            } else {
                // An exponent: at most a few digits matter; a longer one leaves the fast path anyway.
                let exponentText = UnsafeRawBufferPointer(rebasing: text[(index &+ 1)...])
                let negative = exponentText[0] == UInt8(ascii: "-")
                let digits =
                    exponentText[0] == UInt8(ascii: "+") || negative ? exponentText.dropFirst() : exponentText[...]
                if let written = Int16(decimalDigits: UnsafeRawBufferPointer(rebasing: digits), negative: negative) {
                    exponent &+= Int(written)
                } else {
                    fits = false
                }
                break
            }
            index &+= 1
        }
        guard fits, abs(exponent) <= 22 else {
            // The parser accepts every number the scanner validated (out of range ones become ±infinity or 0).
            return Double(String(decoding: text, as: UTF8.self)) ?? .nan
        }
        var scale = 1.0
        for _ in 0..<abs(exponent) { scale *= 10 }
        let magnitude = exponent < 0 ? Double(mantissa) / scale : Double(mantissa) * scale
        return text[0] == UInt8(ascii: "-") ? -magnitude : magnitude
    }
}

// Values point into the scanned text; they must not cross to another task.
@available(*, unavailable) extension JSONPath: Sendable {}
@available(*, unavailable) extension JSONValue: Sendable {}
@available(*, unavailable) extension JSONString: Sendable {}
@available(*, unavailable) extension JSONNumber: Sendable {}

extension FixedWidthInteger {
    /// Parses a non-empty run of ASCII decimal digits, negated when `negative`; `nil` for anything else or when
    /// the value does not fit.
    init?(decimalDigits digits: UnsafeRawBufferPointer, negative: Bool = false) {
        guard !digits.isEmpty else { return nil }
        var value: Self = 0
        for byte in digits {
            guard let digit = byte.decimalDigitValue else { return nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, carry) =
                negative
                ? scaled.subtractingReportingOverflow(Self(digit)) : scaled.addingReportingOverflow(Self(digit))
            guard !overflow, !carry else { return nil }
            value = next
        }
        self = value
    }
}

extension UInt8 {
    /// The value of an ASCII decimal digit.
    var decimalDigitValue: UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? self &- UInt8(ascii: "0") : nil
    }
}

extension DecodeError {
    fileprivate static var unexpectedEnd: DecodeError { DecodeError("invalid JSON: unexpected end") }
    fileprivate static var expectedValue: DecodeError { DecodeError("invalid JSON: expected a value") }
    fileprivate static var trailingComma: DecodeError { DecodeError("invalid JSON: trailing comma") }
    fileprivate static var badNumber: DecodeError { DecodeError("invalid JSON: bad number") }
    fileprivate static var badEscape: DecodeError { DecodeError("invalid JSON: bad escape") }
    fileprivate static var badUTF8: DecodeError { DecodeError("invalid JSON: bad UTF-8") }
}

/// The scanner's position in the text, with the lexing of single tokens.
private struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index == bytes.count }

    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    mutating func advance() {
        index &+= 1
    }

    mutating func next() -> UInt8? {
        defer { if index < bytes.count { index &+= 1 } }
        return peek()
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index &+= 1
        return true
    }

    mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        {
            index &+= 1
        }
    }

    /// Skips decimal digits and returns how many there were.
    mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte.decimalDigitValue != nil { index &+= 1 }
        return index &- start
    }

    mutating func literal(_ word: StaticString) throws(DecodeError) {
        let matches = word.withUTF8Buffer { word in
            index &+ word.count <= bytes.count && bytes[index..<index &+ word.count].elementsEqual(word)
        }
        guard matches else { throw .expectedValue }
        index &+= word.utf8CodeUnitCount
    }

    /// A member name and its colon, leaving the cursor at the member's value. Called after `{` when the object
    /// is not empty, and after a comma, so a `}` here can only follow a comma.
    mutating func memberName() throws(DecodeError) -> JSONString {
        guard peek() == UInt8(ascii: "\"") else {
            throw peek() == UInt8(ascii: "}") ? .trailingComma : DecodeError("invalid JSON: expected a member name")
        }
        let name = try string()
        skipWhitespace()
        guard consume(UInt8(ascii: ":")) else { throw DecodeError("invalid JSON: expected ':'") }
        skipWhitespace()
        return name
    }

    /// A string, starting at its opening quote.
    mutating func string() throws(DecodeError) -> JSONString {
        index &+= 1
        let start = index
        var hasEscapes = false
        while index < bytes.count {
            // Eight bytes at a time while none of them is a quote, a backslash, a control character or non-ASCII:
            // the usual string is plain ASCII, and this leaves the byte-wise switch below for the byte that ends
            // the run. (Bit tricks from "Determine if a word has a zero byte", Hacker's Delight §6-1.)
            var position = index
            while position &+ 8 <= bytes.count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word
                guard special & highs == 0 else {
                    // The lowest flagged byte is exact (a borrow only runs upward): the run ends there.
                    position &+= (special & highs).trailingZeroBitCount &>> 3
                    break
                }
                position &+= 8
            }
            index = position
            guard index < bytes.count else { break }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                defer { index &+= 1 }
                return JSONString(
                    escaped: UnsafeRawBufferPointer(rebasing: bytes[start..<index]),
                    hasEscapes: hasEscapes
                )
            case UInt8(ascii: "\\"):
                hasEscapes = true
                try escape()
            case 0x00..<0x20:
                throw DecodeError("invalid JSON: control character in string")
            case 0x80...:
                try utf8Sequence()
            default:
                index &+= 1
            }
        }
        throw DecodeError("invalid JSON: unterminated string")
    }

    /// One backslash escape, starting at the backslash.
    private mutating func escape() throws(DecodeError) {
        guard index &+ 1 < bytes.count else { throw .badEscape }
        switch bytes[index &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index &+= 2
        case UInt8(ascii: "u"):
            guard index &+ 6 <= bytes.count, bytes[index &+ 2..<index &+ 6].allSatisfy({ Hex.digit($0) != nil }) else {
                throw .badEscape
            }
            index &+= 6
        default:
            throw .badEscape
        }
    }

    /// One multi-byte UTF-8 sequence, starting at its lead byte; rejects overlong forms, surrogates and code
    /// points past U+10FFFF (RFC 3629 §4).
    private mutating func utf8Sequence() throws(DecodeError) {
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch bytes[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            second = 0x80...0x9F
        case 0xF0:
            length = 4
            second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            second = 0x80...0x8F
        default: throw .badUTF8
        }
        guard index &+ length <= bytes.count, second.contains(bytes[index &+ 1]),
            bytes[index &+ 2..<index &+ length].allSatisfy({ (0x80...0xBF).contains($0) })
        else { throw .badUTF8 }
        index &+= length
    }

    /// A number, starting at its sign or first digit.
    mutating func number() throws(DecodeError) -> JSONNumber {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        guard let first = peek(), first.decimalDigitValue != nil else { throw .badNumber }
        if first == UInt8(ascii: "0") {
            advance()
            guard peek()?.decimalDigitValue == nil else { throw .badNumber }  // no leading zeros
        } else {
            _ = skipDigits()
        }
        if consume(UInt8(ascii: ".")) {
            guard skipDigits() > 0 else { throw .badNumber }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard skipDigits() > 0 else { throw .badNumber }
        }
        return JSONNumber(text: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    }
}
