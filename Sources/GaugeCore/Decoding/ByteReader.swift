/// The byte order of a multi-byte integer in a frame.
public enum Endianness: Sendable {
    case big, little
}

/// A bounds-checked cursor over bytes read in place, shaped like NIO's `ByteBuffer` reads.
///
/// Every read returns `nil` when too few bytes remain and then leaves the cursor where it was, so a codec can
/// turn any short read into its own "truncated" error. Nothing is copied: `readBytes(_:)` hands out a view of the
/// same memory.
///
/// - Important: The reader does not own its bytes. It and every buffer it returns are valid only while the memory
///   it was made from is; do not let them escape the scope that provides that memory.
public struct ByteReader {
    /// All bytes, including those already read.
    public let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    @inlinable
    public var readerIndex: Int { _readerIndex }

    @usableFromInline var _readerIndex: Int

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self._readerIndex = 0
    }

    /// How many bytes are left to read.
    @inlinable
    public var readableBytes: Int { bytes.count &- readerIndex }

    /// Reads an integer of `T`'s width in the given byte order, or returns `nil` if fewer bytes remain.
    @inlinable @inline(__always)
    public mutating func readInteger<T: FixedWidthInteger>(
        endianness: Endianness = .big,
        as: T.Type = T.self
    ) -> T? {
        let size = MemoryLayout<T>.size
        guard readableBytes >= size else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: readerIndex, as: T.self)
        _readerIndex &+= size  // cannot overflow: the guard keeps it within bytes.count
        return endianness == .big ? T(bigEndian: raw) : T(littleEndian: raw)
    }

    /// Returns the next `count` bytes as a view into the same memory (no copy), or `nil` if fewer remain.
    @inlinable
    public mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, readableBytes >= count else { return nil }
        let start = readerIndex
        _readerIndex &+= count  // cannot overflow: the guard keeps it within bytes.count
        return UnsafeRawBufferPointer(rebasing: bytes[start..<readerIndex])
    }
}

/// A reader points into memory it does not own; it must not cross to another task.
@available(*, unavailable)
extension ByteReader: Sendable {}

// MARK: - Reads that throw the codec's reason

extension ByteReader {
    /// Reads an integer like `readInteger(endianness:as:)`, but throws `reason` when fewer bytes remain, so a codec
    /// states once what a short read means for its layout ("truncated", "truncated record").
    @inline(__always)
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

// MARK: - Floats and exact lengths

extension ByteReader {
    /// Reads an IEEE 754 binary32 float in the given byte order, or returns `nil` if fewer than 4 bytes remain.
    ///
    /// The bits are taken as they are: a NaN or an infinity comes back as such, for the codec to map.
    @inlinable
    public mutating func readFloat32(endianness: Endianness = .big) -> Float? {
        readInteger(endianness: endianness, as: UInt32.self).map(Float.init(bitPattern:))
    }

    /// Reads a float like `readFloat32(endianness:)`, but throws `reason` when fewer than 4 bytes remain.
    mutating func readFloat32(
        endianness: Endianness = .big,
        orThrow reason: StaticString
    ) throws(DecodeError) -> Float {
        guard let value = readFloat32(endianness: endianness) else { throw DecodeError(reason) }
        return value
    }

    /// Checks that exactly `count` bytes are left to read: the strict-length rule of `codecs.md`, which rejects a
    /// frame that is too short and one that is too long, before any field is read.
    ///
    /// - Throws: `"truncated"` when fewer bytes remain, `"trailing bytes"` when more do.
    @inlinable
    public func requireReadableBytes(exactly count: Int) throws(DecodeError) {
        guard readableBytes >= count else { throw DecodeError("truncated") }
        guard readableBytes == count else { throw DecodeError("trailing bytes") }
    }
}
