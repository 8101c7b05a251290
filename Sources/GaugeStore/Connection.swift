import CSQLite

/// One SQLite connection. Not thread-safe: one thread owns it at a time.
public final class Connection {
    let handle: OpaquePointer
    /// What `handOverCheckpoints(to:)` reports commits to; held here because SQLite holds only a pointer to it.
    var handOver: CheckpointHandOver?

    /// Frames (pages) of write-ahead log after which a commit checkpoints on the committing thread, unless
    /// `handOverCheckpoints(to:)` turned that off; the daemon's checkpointer thread starts at the same size.
    public static let automaticCheckpointFrames = 8192

    /// Whether a connection may change the database.
    public enum Access: Sendable {
        /// The daemon's: creates the file if needed and puts it in WAL mode.
        case readWrite
        /// A query command's: the file must exist, and the writer's journal mode stays as it is.
        case readOnly
    }

    /// The library's settings, made once before the first connection opens: no memory statistics, whose global
    /// mutex SQLite otherwise takes around every allocation (1.4 % of a replay).
    private static let libraryConfigured: Void = { _ = csqlite_disable_memory_statistics() }()

    /// Opens the database at `path`: read-write (creating it if needed, in WAL mode) or read-only.
    public init(path: String, access: Access = .readWrite) throws(SQLiteError) {
        _ = Self.libraryConfigured
        var db: OpaquePointer?
        let flags =
            (access == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, context: "opening \(path)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // A reader (the CLI) and the daemon share the file: wait for the writer instead of failing.
        sqlite3_busy_timeout(db, 5000)
        guard access == .readWrite else { return }
        try execute("PRAGMA journal_mode = WAL")
        // WAL + NORMAL is durable against process death; the ingest ring covers power loss of the
        // last commit because its records are released only after the commit.
        try execute("PRAGMA synchronous = NORMAL")
        // Checkpoint at 32 MiB of WAL rather than SQLite's 4 MiB: a batch of a few thousand messages dirties
        // thousands of pages, so the default checkpointed (two fsyncs) after nearly every commit. Fewer, larger
        // checkpoints also write a page rewritten by several batches once. Measured by scripts/bench-replay.
        // The daemon moves these checkpoints to a thread of their own: `handOverCheckpoints(to:)`.
        try execute("PRAGMA wal_autocheckpoint = \(Self.automaticCheckpointFrames)")
        // Foreign keys are declared but not enforced: every sample's uplink is inserted just before it, in the same
        // transaction, and no uplink row is ever deleted. Checking each sample's parent cost an eighth of an
        // ingest; the crash and replay tests run `PRAGMA foreign_key_check` instead.
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, context: sql)
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// The database file's absolute path.
    public var path: String { String(cString: sqlite3_db_filename(handle, "main")) }

    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    public func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        handOver?.writerBegins()
        defer { handOver?.writerEnds() }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(SQLiteError) {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw SQLiteError(code: rc, message: lastError, context: context())
        }
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
