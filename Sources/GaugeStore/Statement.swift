import CSQLite

/// A prepared statement, reused for every row: bind, step, reset.
public final class Statement {
    private let connection: Connection
    private let handle: OpaquePointer
    private let sql: String

    init(connection: Connection, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, message: connection.lastError, context: "preparing \(sql)")
        }
        self.connection = connection
        self.handle = statement
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// A value bound to a `?` parameter.
    public enum Value {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        /// Text given as UTF-8 bytes, bound without building a `String` (a topic read in place). The bytes must stay
        /// valid until `run` or `query` returns: SQLite reads them in place instead of copying them.
        case utf8(UnsafeRawBufferPointer)
        /// Bytes bound in place, as `utf8` is.
        case blob(UnsafeRawBufferPointer)
    }

    /// Binds `values` to the parameters in order, runs the statement to completion and resets it.
    public func run(_ values: Value...) throws(SQLiteError) {
        try bind(values)
        defer { sqlite3_reset(handle) }
        try connection.check(sqlite3_step(handle), sql)
    }

    /// Binds `values`, then calls `row` for every result row.
    public func query(_ values: Value..., row: (Row) throws(SQLiteError) -> Void) throws(SQLiteError) {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            try connection.check(rc, sql)
            try row(Row(handle: handle))
        }
    }

    /// Empty bytes must still bind as empty text or an empty blob, not NULL: SQLite needs a non-nil pointer.
    private static func start(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
    }

    private func bind(_ values: [Value]) throws(SQLiteError) {
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, csqlite_transient())
            case .utf8(let v):
                // No destructor (SQLITE_STATIC): the bytes outlive the step, so SQLite need not copy them.
                rc = sqlite3_bind_text(handle, index, Self.start(v).assumingMemoryBound(to: CChar.self), Int32(v.count), nil)
            case .blob(let v):
                rc = sqlite3_bind_blob(handle, index, Self.start(v), Int32(v.count), nil)
            }
            try connection.check(rc, "binding parameter \(index) of \(sql)")
        }
    }
}

extension String {
    /// Runs `body` with the string's UTF-8 bytes, to bind as `.utf8` without SQLite copying a C string.
    func withUTF8Bytes<R>(_ body: (UnsafeRawBufferPointer) throws(SQLiteError) -> R) throws(SQLiteError) -> R {
        var text = self
        return try text.withUTF8 { bytes in Result { () throws(SQLiteError) in try body(UnsafeRawBufferPointer(bytes)) } }
            .get()
    }
}

/// A result row, valid only inside the `query` callback.
public struct Row {
    let handle: OpaquePointer

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func text(_ column: Int32) -> String {
        sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
    }
    public func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    public func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

@available(*, unavailable)
extension Statement: Sendable {}
