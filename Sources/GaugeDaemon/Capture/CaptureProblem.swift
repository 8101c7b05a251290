/// A line of a capture that could not be read, and is skipped, or that could not be put in time order, and is
/// replayed out of order: reported either way, so one bad line never costs the rest.
public struct CaptureProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based, as editors count.
    public var line: Int
    public var reason: String
    /// Whether the line's message is left out; if not, it is replayed out of order.
    public var skipped: Bool

    public init(file: String, line: Int, reason: String, skipped: Bool = true) {
        self.file = file
        self.line = line
        self.reason = reason
        self.skipped = skipped
    }

    public var description: String { "\(file):\(line): \(reason)" }
}
