/// A failed SQLite call: what floodgauge was doing, SQLite's result code and its message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public let context: String

    public var description: String { "\(context): \(message) (SQLite \(code))" }
}
