/// Why a frame or an envelope was rejected. The reason is a short fixed phrase, so throwing
/// allocates nothing; it is stored with the rejected bytes and printed by `floodgauge decode`.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: StaticString

    @inlinable
    public init(_ reason: StaticString) {
        self.reason = reason
    }

    public var description: String { reason.description }

    public static func == (lhs: DecodeError, rhs: DecodeError) -> Bool {
        lhs.reason.description == rhs.reason.description
    }
}
