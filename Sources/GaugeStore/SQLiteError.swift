/// A failed SQLite call: what floodgauge was doing, SQLite's result code and its message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public let context: String

    /// Code 0 marks a problem floodgauge found itself (a schema version it cannot read), not one SQLite reported.
    public var description: String { code == 0 ? "\(context): \(message)" : "\(context): \(message) (SQLite \(code))" }
}
