/// One message read back from a capture file: when it arrived, its topic and its payload, exactly as the broker
/// sent them.
public struct CapturedMessage: Sendable, Equatable {
    public var time: Timestamp
    public var topic: [UInt8]
    public var payload: [UInt8]

    public init(time: Timestamp, topic: [UInt8], payload: [UInt8]) {
        self.time = time
        self.topic = topic
        self.payload = payload
    }
}

/// Parsers for one line of each capture format (README "Capture files"). Each returns the message, or throws the
/// reason the line is skipped.
///
/// In GaugeCore beside the envelope parsers, so the JSON scanner is specialised for its fields as it is for theirs.
public enum CaptureLine {
    public struct Invalid: Error {
        public var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: floodgauge captures

    private enum Field { case t, topic, payload, header }
    private static let fields: JSONFieldSet<Field> = [
        .t: "t", .topic: "topic", .payload: "payload_b64", .header: "floodgauge_capture",
    ]

    /// What one JSON line holds: a message, or the header (which starts each capture, and may recur where
    /// captures were concatenated).
    public enum JSONLine {
        case header
        case message(CapturedMessage)
    }

    /// `{"t":"2026-11-22T10:00:00.123Z","topic":…,"qos":1,"payload_b64":…}` or the header line.
    public static func json(_ line: UnsafeRawBufferPointer) throws(Invalid) -> JSONLine {
        var time: Timestamp?
        var topic: [UInt8]?
        var payload: Result<[UInt8], DecodeError>?
        var version: Int?
        do {
            try JSONScanner.scan(line, fields: fields) { field, value in
                switch (field, value) {
                case (.t, .string(let text)): time = text.withUTF8 { Timestamp.parseRFC3339($0) }
                case (.topic, .string(let text)): topic = text.withUTF8 { Array($0) }
                case (.payload, .string(let text)): payload = text.withUTF8 { decodeBase64($0) }
                case (.header, .number(let number)): version = number.integer()
                default: break
                }
            }
        } catch {
            throw Invalid("\(error)")
        }
        if let version {
            guard version == 1 else { throw Invalid("capture format \(version) is not supported (only 1)") }
            return .header
        }
        guard let time else { throw Invalid("no RFC 3339 time \"t\"") }
        guard let topic else { throw Invalid("no \"topic\"") }
        guard let payload else { throw Invalid("no \"payload_b64\"") }
        switch payload {
        case .success(let bytes): return .message(CapturedMessage(time: time, topic: topic, payload: bytes))
        case .failure(let error): throw Invalid("payload_b64: \(error)")
        }
    }

    private static func decodeBase64(_ text: UnsafeRawBufferPointer) -> Result<[UInt8], DecodeError> {
        var bytes = [UInt8](repeating: 0, count: text.count / 4 * 3 + 3)
        // `withUnsafeMutableBytes` rethrows untyped errors, so the typed one travels out in a `Result`.
        let count = bytes.withUnsafeMutableBytes { output in
            Result { () throws(DecodeError) in try Base64.decode(text, into: output) }
        }
        // Cut to size in place: a copy of the slice would be a second allocation for every line.
        return count.map { count in
            bytes.removeSubrange(count...)
            return bytes
        }
    }

    // MARK: mosquitto_sub -v -F '%I %t %x'

    /// `2026-11-22T10:00:00+0000 topic/with maybe spaces 0a1b…`: the time up to the first space, the hex payload
    /// after the last (empty for an empty payload), the topic between.
    public static func mosquitto(_ line: UnsafeRawBufferPointer) throws(Invalid) -> CapturedMessage {
        guard let first = line.firstIndex(of: UInt8(ascii: " ")), let last = line.lastIndex(of: UInt8(ascii: " ")),
            first < last
        else { throw Invalid("not \"TIME TOPIC HEX\" as mosquitto_sub -F '%I %t %x' prints") }
        guard let time = isoTime(UnsafeRawBufferPointer(rebasing: line[..<first])) else {
            throw Invalid("no ISO 8601 time (as %I prints: 2026-11-22T10:00:00+0000)")
        }
        let hex = UnsafeRawBufferPointer(rebasing: line[(last + 1)...])
        var payload = [UInt8](repeating: 0, count: hex.count / 2)
        let decoded = payload.withUnsafeMutableBytes { output in
            Result { () throws(DecodeError) in try Hex.decode(hex, into: output) }
        }
        if case .failure(let error) = decoded { throw Invalid("\(error)") }
        return CapturedMessage(time: time, topic: Array(line[(first + 1)..<last]), payload: payload)
    }

    /// `%I` is strftime's `%Y-%m-%dT%H:%M:%S%z`: the offset has no colon (`+0000`), which RFC 3339 wants; RFC 3339
    /// text is taken as well.
    private static func isoTime(_ text: UnsafeRawBufferPointer) -> Timestamp? {
        if let time = Timestamp.parseRFC3339(text) { return time }
        guard text.count > 5, text[text.count - 5] == UInt8(ascii: "+") || text[text.count - 5] == UInt8(ascii: "-")
        else { return nil }
        var withColon = Array(text)
        withColon.insert(UInt8(ascii: ":"), at: text.count - 2)
        return withColon.withUnsafeBytes { Timestamp.parseRFC3339($0) }
    }
}
