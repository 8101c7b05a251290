/// Standard base64 (RFC 4648 §4), decoded into a buffer the caller owns.
public enum Base64 {
    /// Decodes `text` into the start of `output` and returns how many bytes were written.
    ///
    /// Accepts the standard alphabet with or without `=` padding. Rejects other characters (whitespace and the
    /// URL-safe `-_` included), a length no encoder produces, padded text that is not whole quads, and a final
    /// character whose unused bits are not zero: such text does not come from an encoder, and letting two
    /// spellings stand for the same payload would defeat duplicate detection.
    ///
    /// - Throws: `"payload is not base64"`, or `"payload too large"` when the bytes would not fit `output`
    ///   (checked before anything is written).
    public static func decode(
        _ text: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(DecodeError) -> Int {
        let notBase64 = DecodeError("payload is not base64")
        var length = text.count
        while length > 0, text.count &- length < 2, text[length &- 1] == UInt8(ascii: "=") {
            length &-= 1
        }
        if length != text.count, text.count % 4 != 0 { throw notBase64 }
        let tail = length % 4
        guard tail != 1 else { throw notBase64 }
        let decodedCount = length / 4 * 3 + (tail == 0 ? 0 : tail - 1)
        guard decodedCount <= output.count else { throw DecodeError("payload too large") }

        var index = 0
        var written = 0
        while index < length {
            // Up to four characters make one group of 24 bits; a short last group (2 or 3) makes 1 or 2 bytes.
            let groupLength = min(4, length &- index)
            var group: UInt32 = 0
            for offset in 0..<4 {
                var value: UInt32 = 0
                if offset < groupLength {
                    guard let sextet = sextet(text[index &+ offset]) else { throw notBase64 }
                    value = UInt32(sextet)
                }
                group = group << 6 | value
            }
            let byteCount = groupLength &- 1
            // The low bits that no output byte takes must be zero (see above); none are left over in a full group.
            let unusedBits: UInt32 = (1 << (8 &* (3 &- byteCount))) &- 1
            guard group & unusedBits == 0 else { throw notBase64 }
            for byte in 0..<byteCount {
                output[written &+ byte] = UInt8(truncatingIfNeeded: group >> (16 &- 8 &* byte))
            }
            written &+= byteCount
            index &+= groupLength
        }
        return written
    }

    /// Encodes `bytes` as standard base64 with `=` padding: what `decode` reads back, for capture files.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count &- index)
            var group: UInt32 = 0
            for offset in 0..<3 {
                group = group << 8 | UInt32(offset < count ? bytes[index &+ offset] : 0)
            }
            // `count` bytes fill `count + 1` sextets; padding makes up the quad.
            for sextet in 0..<4 {
                text.append(sextet <= count ? alphabet[Int(group >> (18 &- 6 &* UInt32(sextet)) & 63)] : UInt8(ascii: "="))
            }
            index &+= count
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The 6-bit value of one character of the standard alphabet.
    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character &- UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character &- UInt8(ascii: "a") &+ 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character &- UInt8(ascii: "0") &+ 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

/// Hexadecimal text: payloads typed on the command line or captured by `mosquitto_sub`, and DevEUIs.
public enum Hex {
    /// Decodes hex digits (either case, two per byte, nothing between them) into the start of `output` and
    /// returns how many bytes were written.
    ///
    /// - Throws: `"payload is not hex"`, or `"payload too large"` when the bytes would not fit `output`.
    public static func decode(
        _ text: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(DecodeError) -> Int {
        guard text.count % 2 == 0 else { throw DecodeError("payload is not hex") }
        guard text.count / 2 <= output.count else { throw DecodeError("payload too large") }
        for byte in 0..<text.count / 2 {
            guard let high = digit(text[2 &* byte]), let low = digit(text[2 &* byte &+ 1]) else {
                throw DecodeError("payload is not hex")
            }
            output[byte] = high << 4 | low
        }
        return text.count / 2
    }

    /// Decodes hex digits typed by a person or read from a capture file (see the buffer form).
    public static func decode(_ text: String, into output: UnsafeMutableRawBufferPointer) throws(DecodeError) -> Int {
        var text = text
        // `withUTF8` rethrows untyped errors, so the typed one travels out in a `Result`.
        return try text.withUTF8 { utf8 in
            Result { () throws(DecodeError) in try decode(UnsafeRawBufferPointer(utf8), into: output) }
        }.get()
    }

    /// Parses exactly 16 hex digits (either case) as a DevEUI, most significant digit first.
    public static func parseUInt64(_ text: UnsafeRawBufferPointer) -> UInt64? {
        guard text.count == 16 else { return nil }
        var value: UInt64 = 0
        for character in text {
            guard let digit = digit(character) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// A DevEUI as 16 uppercase hex digits, the way the network servers' consoles print it.
    public static func format(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { text in
            write(value, digits: 16, uppercase: true, to: text, at: 0)
            return 16
        }
    }

    /// Runs `body` with a DevEUI's 16 uppercase hex digits in a buffer on the stack: a 16-character `String` would
    /// not fit Swift's inline small string and would cost an allocation per uplink.
    public static func withDigits<R, E: Error>(of value: UInt64, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E)
        -> R
    {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { text throws(E) in
            write(value, digits: 16, uppercase: true, to: text, at: 0)
            return try body(UnsafeRawBufferPointer(text))
        }
    }

    /// Bytes as uppercase hex, two digits per byte.
    public static func format(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { text in
            for (offset, byte) in bytes.enumerated() {
                write(UInt64(byte), digits: 2, uppercase: true, to: text, at: 2 * offset)
            }
            return 2 * bytes.count
        }
    }

    /// The value of one hex digit of either case.
    static func digit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character &- UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character &- UInt8(ascii: "A") &+ 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character &- UInt8(ascii: "a") &+ 10
        default: nil
        }
    }

    /// Writes the low `digits` hex digits of `value`, most significant first, at `offset` of `text`.
    static func write(
        _ value: UInt64,
        digits: Int,
        uppercase: Bool,
        to text: UnsafeMutableBufferPointer<UInt8>,
        at offset: Int
    ) {
        let letterBase = uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")
        for position in 0..<digits {
            let nibble = UInt8(truncatingIfNeeded: value >> (4 * UInt64(digits - 1 - position))) & 0x0F
            text[offset + position] = nibble < 10 ? UInt8(ascii: "0") + nibble : letterBase + nibble - 10
        }
    }
}
