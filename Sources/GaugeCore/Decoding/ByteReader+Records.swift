extension ByteReader {
    /// Reads an integer like `readInteger(endianness:as:)`, but throws `reason` when fewer bytes remain, so a codec
    /// states once what a short read means for its layout ("truncated", "truncated record").
    mutating func readInteger<T: FixedWidthInteger>(
        endianness: Endianness = .big,
        as: T.Type = T.self,
        orThrow reason: StaticString
    ) throws(DecodeError) -> T {
        guard let value = readInteger(endianness: endianness, as: T.self) else { throw DecodeError(reason) }
        return value
    }

    /// Steps over `count` bytes of a field the reading model does not map, or throws `reason` when fewer remain.
    mutating func skip(_ count: Int, orThrow reason: StaticString) throws(DecodeError) {
        guard readBytes(count) != nil else { throw DecodeError(reason) }
    }
}
