/// A single-pass JSON (RFC 8259) validator that reports the values at a few wanted paths, in place and without
/// allocating.
///
/// There is no tree: the caller names the paths it wants once, in a `JSONFieldSet`, and its `visit` closure sees
/// each value at one of them, with the field it belongs to (strings and numbers are views into `text`, so keeping
/// them costs nothing). The whole text is validated, wanted or not: anything that is not exactly one JSON value
/// surrounded by optional whitespace is rejected with a reason that starts "invalid JSON:".
///
/// ```swift
/// enum Field { case rssi }
/// static let fields: JSONFieldSet<Field> = [.rssi: "uplink_message.rx_metadata[].rssi"]
///
/// try JSONScanner.scan(message, fields: fields) { field, value in
///     if case .number(let rssi) = value { … }
/// }
/// ```
public enum JSONScanner {
    /// How many containers (objects and arrays) may be open at once.
    public static let maximumDepth = 32

    /// Validates `text` as one JSON value and reports each value at one of `fields`' paths to `visit`, in
    /// document order.
    ///
    /// An object or array at a field's path is reported as `.object` / `.array` when it opens, before any field
    /// inside it. Values are reported as they are met, so when this throws, `visit` has already seen the values
    /// before the error: discard what it gathered.
    ///
    /// - Important: Strings and numbers point into `text`; they are valid only while `text` is.
    /// - Throws: a `DecodeError` whose reason starts "invalid JSON:" and names what was expected.
    public static func scan<Field>(
        _ text: UnsafeRawBufferPointer,
        fields: JSONFieldSet<Field>,
        visit: (Field, JSONValue) -> Void
    ) throws(DecodeError) {
        // Per open container, the fields that may still match inside it, on the stack.
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: maximumDepth) { inner throws(DecodeError) in
            try scan(text, fields: fields, inner: inner.baseAddress!, visit: visit)
        }
    }

    private static func scan<Field>(
        _ text: UnsafeRawBufferPointer,
        fields: JSONFieldSet<Field>,
        inner: UnsafeMutablePointer<UInt64>,
        visit: (Field, JSONValue) -> Void
    ) throws(DecodeError) {
        // Empty text may have no base address.
        guard let base = text.baseAddress, !text.isEmpty else { throw .unexpectedEnd }
        var cursor = Cursor(base, count: text.count)
        // How many containers enclose the current value; bit `d` of `objects` tells whether the container at
        // depth `d` is an object (else an array).
        var depth = 0
        var objects: UInt32 = 0
        // The fields whose path leads to the current value so far: all of them at the top, usually none deep in
        // a message. Where it is 0, values are only validated.
        var live = fields.all
        cursor.skipWhitespace()
        while true {
            // The cursor is at the first byte of a value.
            guard let byte = cursor.peek() else { throw .unexpectedEnd }
            let ending = live & fields.endingAt(depth)
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < maximumDepth else { throw DecodeError("invalid JSON: nested too deeply") }
                let isObject = byte == UInt8(ascii: "{")
                if ending != 0 { visit(fields.field(ending), isObject ? .object : .array) }
                cursor.advance()
                cursor.skipWhitespace()
                let bit = UInt32(1) &<< UInt32(depth)
                if isObject {
                    if !cursor.consume(UInt8(ascii: "}")) {
                        objects |= bit
                        inner[depth] = live & fields.memberAt(depth)
                        let name = try cursor.memberName()
                        live = inner[depth] == 0 ? 0 : fields.fields(named: name, among: inner[depth], at: depth)
                        depth &+= 1
                        continue
                    }
                } else if !cursor.consume(UInt8(ascii: "]")) {
                    objects &= ~bit
                    // Every element matches the same fields, so this is also the element's `live`.
                    inner[depth] = live & fields.elementAt(depth)
                    live = inner[depth]
                    depth &+= 1
                    continue
                }
            case UInt8(ascii: "\""):
                let string = try cursor.string()
                if ending != 0 { visit(fields.field(ending), .string(string)) }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let number = try cursor.number()
                if ending != 0 { visit(fields.field(ending), .number(number)) }
            case UInt8(ascii: "t"):
                try cursor.literal(Cursor.trueWord)
                if ending != 0 { visit(fields.field(ending), .bool(true)) }
            case UInt8(ascii: "f"):
                // "false" is "fals" and an "e".
                try cursor.literal(Cursor.falsWord)
                guard cursor.consume(UInt8(ascii: "e")) else { throw .expectedValue }
                if ending != 0 { visit(fields.field(ending), .bool(false)) }
            case UInt8(ascii: "n"):
                try cursor.literal(Cursor.nullWord)
                if ending != 0 { visit(fields.field(ending), .null) }
            default:
                throw .expectedValue
            }

            // A value has ended: close containers until one goes on with another member or element.
            nextValue: while true {
                cursor.skipWhitespace()
                guard depth > 0 else {
                    guard cursor.isAtEnd else { throw DecodeError("invalid JSON: trailing characters after the value") }
                    return
                }
                guard let byte = cursor.next() else { throw .unexpectedEnd }
                let container = depth &- 1
                let inObject = objects & (UInt32(1) &<< UInt32(container)) != 0
                switch (inObject, byte) {
                case (true, UInt8(ascii: ",")):
                    cursor.skipWhitespace()
                    let name = try cursor.memberName()
                    let candidates = inner[container]
                    live = candidates == 0 ? 0 : fields.fields(named: name, among: candidates, at: container)
                    break nextValue
                case (false, UInt8(ascii: ",")):
                    cursor.skipWhitespace()
                    guard cursor.peek() != UInt8(ascii: "]") else { throw .trailingComma }
                    live = inner[container]
                    break nextValue
                case (true, UInt8(ascii: "}")), (false, UInt8(ascii: "]")):
                    depth = container
                case (true, _):
                    throw DecodeError("invalid JSON: expected ',' or '}'")
                case (false, _):
                    throw DecodeError("invalid JSON: expected ',' or ']'")
                }
            }
        }
    }
}

/// The paths a scan looks for, each standing for one `Field`, compiled once so that a scan spends almost nothing
/// on the values no path leads to.
///
/// A path is member names joined by `.`, with `[]` for "any element of an array", as in
/// `uplink_message.rx_metadata[].rssi`; the empty path is the top value. Names compare by their unescaped text, so
/// `"f\u005fport"` in a message is the member `f_port`.
///
/// Make a set once (a `static let`) and scan with it many times: making one allocates, scanning does not.
///
/// ```swift
/// static let fields: JSONFieldSet<Field> = [.port: "uplink_message.f_port", .snr: "uplink_message.rx_metadata[].snr"]
/// ```
public struct JSONFieldSet<Field>: ExpressibleByDictionaryLiteral {
    /// One step of a path: the member name `names[start..<start + count]`, or any array element.
    private struct Segment {
        var start = 0
        var count = 0
        var isElement = false
        /// The fields whose path up to and including this segment is the same as this one's: a scan compares a
        /// member name with each distinct segment once and takes all of these at a match.
        var twins: UInt64 = 0
    }

    /// Masks hold one bit per field.
    public static var maximumCount: Int { UInt64.bitWidth }

    private let fieldsByBit: [Field]
    /// Per depth `d`, three masks: the fields whose path ends at depth `d`, those whose segment `d` is a member
    /// name, and those whose segment `d` is `[]`. Depth `d` is a value inside `d` containers.
    private let masksByDepth: [UInt64]
    /// Per depth `d` below the longest path and per name length modulo 64, the fields whose segment `d` is a name
    /// of that length: one lookup leaves a member name with (almost always) at most one segment to compare.
    private let masksByLength: [UInt64]
    /// `segments[field * longest + d]` is segment `d` of that field's path.
    private let segments: [Segment]
    private let longest: Int
    /// The names of all segments, one after another.
    private let names: [UInt8]
    /// Every field: at the top value, each path may still lead on.
    let all: UInt64

    /// Compiles the paths (at most `maximumCount`, each different and at most `JSONScanner.maximumDepth` deep),
    /// each with the field a scan reports for it.
    public init(dictionaryLiteral paths: (Field, StaticString)...) {
        precondition(paths.count <= Self.maximumCount, "a JSONFieldSet holds at most \(Self.maximumCount) paths")
        var names: [UInt8] = []
        var parsed: [[Segment]] = []
        for (_, path) in paths {
            var steps: [Segment] = []
            path.withUTF8Buffer { path in
                var index = 0
                // A name starts the path or follows a dot; any number of `[]` may follow either.
                var expectsName = !(path.starts(with: "[]".utf8))
                while index < path.count || expectsName {
                    if expectsName {
                        let start = index
                        while index < path.count, path[index] != UInt8(ascii: "."), path[index] != UInt8(ascii: "[") {
                            index += 1
                        }
                        precondition(index > start || path.isEmpty, "an empty member name in a JSONFieldSet path")
                        if path.isEmpty { break }
                        steps.append(Segment(start: names.count, count: index - start))
                        names.append(contentsOf: path[start..<index])
                        expectsName = false
                    } else if path[index] == UInt8(ascii: "["), index + 1 < path.count,
                        path[index + 1] == UInt8(ascii: "]")
                    {
                        steps.append(Segment(isElement: true))
                        index += 2
                    } else {
                        precondition(path[index] == UInt8(ascii: ".") && index + 1 < path.count, "a bad path")
                        index += 1
                        expectsName = true
                    }
                }
            }
            precondition(steps.count <= JSONScanner.maximumDepth, "a JSONFieldSet path deeper than the scanner goes")
            parsed.append(steps)
        }

        func same(_ a: Segment, _ b: Segment) -> Bool {
            a.isElement == b.isElement && names[a.start..<a.start + a.count] == names[b.start..<b.start + b.count]
        }
        let longest = parsed.map(\.count).max() ?? 0
        var masksByDepth = [UInt64](repeating: 0, count: 3 * (JSONScanner.maximumDepth + 1))
        var masksByLength = [UInt64](repeating: 0, count: 64 * longest)
        var segments = [Segment](repeating: Segment(), count: parsed.count * longest)
        for (field, steps) in parsed.enumerated() {
            let bit = UInt64(1) << field
            precondition(
                !parsed[..<field].contains { $0.count == steps.count && zip($0, steps).allSatisfy(same) },
                "the same path twice in a JSONFieldSet"
            )
            masksByDepth[3 * steps.count] |= bit
            for (depth, step) in steps.enumerated() {
                var step = step
                for (other, otherSteps) in parsed.enumerated() where otherSteps.count > depth {
                    if zip(otherSteps[...depth], steps[...depth]).allSatisfy(same) { step.twins |= UInt64(1) << other }
                }
                segments[field * longest + depth] = step
                masksByDepth[3 * depth + (step.isElement ? 2 : 1)] |= bit
                if !step.isElement { masksByLength[64 * depth + step.count % 64] |= bit }
            }
        }
        self.fieldsByBit = paths.map(\.0)
        self.masksByDepth = masksByDepth
        self.masksByLength = masksByLength
        self.segments = segments
        self.longest = longest
        self.names = names
        self.all = paths.isEmpty ? 0 : UInt64.max >> (UInt64.bitWidth - paths.count)
    }

    func endingAt(_ depth: Int) -> UInt64 { masksByDepth[3 &* depth] }
    func memberAt(_ depth: Int) -> UInt64 { masksByDepth[3 &* depth &+ 1] }
    func elementAt(_ depth: Int) -> UInt64 { masksByDepth[3 &* depth &+ 2] }

    /// The field of the lowest bit in `mask` (paths are all different, so only one can end at a value).
    func field(_ mask: UInt64) -> Field { fieldsByBit[mask.trailingZeroBitCount] }

    /// The fields among `candidates` (whose segment `depth` are all names) whose segment `depth` is `name`.
    func fields(named name: JSONString, among candidates: UInt64, at depth: Int) -> UInt64 {
        guard !name.hasEscapes else {
            // An escaped name is longer than its text: compare the text with every candidate.
            return name.withUTF8 { text in fields(named: text, among: candidates, at: depth) }
        }
        let sameLength = candidates & masksByLength[64 &* depth &+ name.escaped.count & 63]
        return sameLength == 0 ? 0 : fields(named: name.escaped, among: sameLength, at: depth)
    }

    private func fields(named name: UnsafeRawBufferPointer, among candidates: UInt64, at depth: Int) -> UInt64 {
        names.withUnsafeBytes { names in
            var remaining = candidates
            while remaining != 0 {
                let segment = segments[remaining.trailingZeroBitCount &* longest &+ depth]
                if segment.count == name.count,
                    bytesEqual(name.baseAddress, names.baseAddress.map { $0 + segment.start }, count: name.count)
                {
                    return segment.twins
                }
                remaining &= ~segment.twins
            }
            return 0
        }
    }
}

extension JSONFieldSet: Sendable where Field: Sendable {}

/// Whether `count` bytes at `a` and `b` are equal, eight at a time (names are mostly 4 to 16 bytes).
private func bytesEqual(_ a: UnsafeRawPointer?, _ b: UnsafeRawPointer?, count: Int) -> Bool {
    guard count > 0, let a, let b else { return true }
    guard count >= 8 else {
        for offset in 0..<count where a.load(fromByteOffset: offset, as: UInt8.self)
            != b.load(fromByteOffset: offset, as: UInt8.self)
        {
            return false
        }
        return true
    }
    var offset = 0
    while offset &+ 8 < count {
        guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        else { return false }
        offset &+= 8
    }
    // The last eight bytes, overlapping those already compared.
    return a.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        == b.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
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
    /// The text as a non-optional pointer and a count, not a buffer pointer: a buffer's base address is optional,
    /// and testing it for nil at every byte cost the hot loops a quarter of their instructions.
    let bytes: UnsafeRawPointer
    let count: Int
    /// Always at most `count`: every read below tests it against `count` first.
    var index = 0

    init(_ bytes: UnsafeRawPointer, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    var isAtEnd: Bool { index == count }

    func byte(at offset: Int) -> UInt8 {
        bytes.load(fromByteOffset: offset, as: UInt8.self)
    }

    func word(at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    func peek() -> UInt8? {
        index < count ? byte(at: index) : nil
    }

    mutating func advance() {
        index &+= 1
    }

    mutating func next() -> UInt8? {
        guard index < count else { return nil }
        defer { index &+= 1 }
        return byte(at: index)
    }

    mutating func consume(_ expected: UInt8) -> Bool {
        guard index < count, byte(at: index) == expected else { return false }
        index &+= 1
        return true
    }

    @inline(__always) mutating func skipWhitespace() {
        // Compact JSON has no whitespace at all, and pretty-printed JSON mostly a single space (after a colon):
        // those tests stay inline, at every token.
        guard index < count, byte(at: index) <= 0x20 else { return }
        if byte(at: index) == 0x20, index &+ 1 < count, byte(at: index &+ 1) > 0x20 {
            index &+= 1
            return
        }
        skipWhitespaceRun()
    }

    private mutating func skipWhitespaceRun() {
        while index < count {
            // One test for the four whitespace bytes: bit `b` of the constant is set for each of them.
            let first = byte(at: index)
            guard first <= 0x20, UInt64(0x1_0000_2600) &>> UInt64(first) & 1 != 0 else { return }
            index &+= 1
            // Pretty-printed JSON indents with runs of one byte, spaces or tabs, after each line break: skip the
            // run eight bytes at a time.
            guard index < count, byte(at: index) == 0x20 || byte(at: index) == 0x09 else { continue }
            let indent = UInt64(byte(at: index)) &* 0x0101_0101_0101_0101
            while index &+ 8 <= count {
                let other = word(at: index) ^ indent
                index &+= other.trailingZeroBitCount &>> 3
                guard other == 0 else { break }
            }
        }
    }

    /// Skips decimal digits and returns how many there were.
    mutating func skipDigits() -> Int {
        let start = index
        // Bytes below "0" wrap around to large values, so one comparison tells a digit.
        while index < count, byte(at: index) &- UInt8(ascii: "0") < 10 { index &+= 1 }
        return index &- start
    }

    /// "true", "fals" (of "false") and "null" as little-endian words, for `literal`.
    static var trueWord: UInt32 { 0x6575_7274 }
    static var falsWord: UInt32 { 0x736C_6166 }
    static var nullWord: UInt32 { 0x6C6C_756E }

    /// The four bytes of `word` (one of the words above), compared at once.
    mutating func literal(_ word: UInt32) throws(DecodeError) {
        guard index &+ 4 <= count,
            UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)) == word
        else { throw .expectedValue }
        index &+= 4
    }

    /// A member name and its colon, leaving the cursor at the member's value. Called after `{` when the object
    /// is not empty, and after a comma, so a `}` here can only follow a comma. Inlined into the scan loop, which
    /// then keeps the cursor in registers: a call per member cost about a tenth of the scan.
    @inline(__always) mutating func memberName() throws(DecodeError) -> JSONString {
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
        while true {
            // Eight bytes at a time while none of them is a quote, a backslash, a control character or non-ASCII:
            // the usual string is plain ASCII, and this leaves the byte-wise switch below for the byte that ends
            // the run. (Bit tricks from "Determine if a word has a zero byte", Hacker's Delight §6-1.)
            while index &+ 8 <= count {
                let word = word(at: index)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special =
                    (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word)
                    & (ones &* 0x80)
                // The lowest flagged byte is exact (a borrow only runs upward): the run ends there.
                index &+= special.trailingZeroBitCount &>> 3
                guard special == 0 else { break }
            }
            guard index < count else { throw DecodeError("invalid JSON: unterminated string") }
            switch byte(at: index) {
            case UInt8(ascii: "\""):
                defer { index &+= 1 }
                let escaped = UnsafeRawBufferPointer(start: bytes + start, count: index &- start)
                return JSONString(escaped: escaped, hasEscapes: hasEscapes)
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
    }

    /// One backslash escape, starting at the backslash.
    private mutating func escape() throws(DecodeError) {
        guard index &+ 1 < count else { throw .badEscape }
        switch byte(at: index &+ 1) {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index &+= 2
        case UInt8(ascii: "u"):
            guard index &+ 6 <= count, (index &+ 2..<index &+ 6).allSatisfy({ Hex.digit(byte(at: $0)) != nil }) else {
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
        switch byte(at: index) {
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
        guard index &+ length <= count, second.contains(byte(at: index &+ 1)),
            (index &+ 2..<index &+ length).allSatisfy({ (0x80...0xBF).contains(byte(at: $0)) })
        else { throw .badUTF8 }
        index &+= length
    }

    /// A number, starting at its sign or first digit.
    mutating func number() throws(DecodeError) -> JSONNumber {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        let integerStart = index
        let integerDigits = skipDigits()
        // No leading zeros: "0" itself is the only integer part that starts with one.
        guard integerDigits > 0, integerDigits == 1 || byte(at: integerStart) != UInt8(ascii: "0") else {
            throw .badNumber
        }
        if consume(UInt8(ascii: ".")) {
            guard skipDigits() > 0 else { throw .badNumber }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard skipDigits() > 0 else { throw .badNumber }
        }
        return JSONNumber(text: UnsafeRawBufferPointer(start: bytes + start, count: index &- start))
    }
}
