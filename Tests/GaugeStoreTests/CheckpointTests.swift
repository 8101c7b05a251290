import Foundation
import GaugeCore
import Synchronization
import Testing

@testable import GaugeStore

/// A database file in a fresh directory, removed afterwards.
private final class Scratch {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("floodgauge.db").path }

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func integer(_ connection: Connection, _ sql: String) throws -> Int64 {
    var value: Int64 = -1
    try connection.prepare(sql).query { value = $0.int(0) }
    return value
}

/// One small transaction, like the daemon's commit of a single message.
private func commitRow(_ connection: Connection, _ i: Int) throws {
    try connection.transaction { () throws(SQLiteError) in
        try connection.execute("INSERT INTO t (n, payload) VALUES (\(i), randomblob(300))")
    }
}

@Suite struct CheckpointTests {
    @Test func aStoreKeepsAutomaticCheckpointsUntilItsWriterHandsThemOver() throws {
        let scratch = try Scratch()
        let store = try Store(path: scratch.path)
        // Replay and every other user of a Store: SQLite checkpoints on commit, at 8192 frames.
        #expect(try integer(store.connection, "PRAGMA wal_autocheckpoint") == 8192)
        store.connection.handOverCheckpoints(to: CheckpointHandOver())
        #expect(try integer(store.connection, "PRAGMA wal_autocheckpoint") == 0)
    }

    /// The writer's commits only append, and report how much; a checkpoint on another connection copies it all, and
    /// the writer's next commit starts the log from its beginning.
    @Test func commitsReportTheirGrowthAndAnotherConnectionCheckpointsThem() throws {
        let scratch = try Scratch()
        let writer = try Connection(path: scratch.path)
        try writer.execute("CREATE TABLE t (n INTEGER, payload BLOB)")
        let handOver = CheckpointHandOver()
        writer.handOverCheckpoints(to: handOver)
        let checkpointer = try Connection(path: scratch.path)
        #expect(try checkpointer.checkpoint(.passive).isComplete)

        // 20 000 frames: far past the 8192 at which SQLite would have checkpointed by itself.
        for i in 0..<10_000 { try commitRow(writer, i) }
        let appended = handOver.takeAppendedFrames()
        #expect(appended >= 10_000)
        #expect(handOver.takeAppendedFrames() == 0)
        let before = try checkpointer.checkpoint(.passive)
        #expect(before.logFrames >= 10_000)
        #expect(before.isComplete)
        #expect(!before.busy)

        // Everything was copied, so the next commit writes at the log's start: its frames are the whole log.
        try commitRow(writer, 10_000)
        let frames = handOver.takeAppendedFrames()
        #expect(frames > 0 && frames < 10)
        #expect(try checkpointer.checkpoint(.passive).logFrames == frames)
    }

    /// A reader of an older snapshot: a passive checkpoint copies up to it and says so without waiting; a full one
    /// gives up after the busy timeout.
    @Test func aReaderHoldsTheLogBackUntilItEnds() throws {
        let scratch = try Scratch()
        let writer = try Connection(path: scratch.path)
        try writer.execute("CREATE TABLE t (n INTEGER, payload BLOB)")
        writer.handOverCheckpoints(to: CheckpointHandOver())
        for i in 0..<10 { try commitRow(writer, i) }
        let reader = try Connection(path: scratch.path, access: .readOnly)
        try reader.execute("BEGIN")
        #expect(try integer(reader, "SELECT count(*) FROM t") == 10)
        for i in 10..<20 { try commitRow(writer, i) }

        let checkpointer = try Connection(path: scratch.path)
        let passive = try checkpointer.checkpoint(.passive)
        #expect(!passive.isComplete)
        #expect(!passive.busy)
        checkpointer.setBusyTimeout(milliseconds: 20)
        let start = ContinuousClock.now
        let full = try checkpointer.checkpoint(.full)
        #expect(full.busy)
        #expect(!full.isComplete)
        #expect(ContinuousClock.now - start < .seconds(2))

        try reader.execute("COMMIT")
        #expect(try checkpointer.checkpoint(.passive).isComplete)
    }

    /// The pause a full checkpoint needs: it waits for the writer's transaction to end (or gives up), and the writer
    /// begins its next one only after it.
    @Test func aPausedWriterBeginsNoTransactionUntilThePauseEnds() throws {
        let scratch = try Scratch()
        let writer = Unchecked(try Connection(path: scratch.path))
        try writer.value.execute("CREATE TABLE t (n INTEGER, payload BLOB)")
        let handOver = CheckpointHandOver()
        writer.value.handOverCheckpoints(to: handOver)
        let events = Events()

        let inTransaction = Unchecked(DispatchSemaphore(value: 0))
        let first = Thread {
            try? writer.value.transaction { () throws(SQLiteError) in
                inTransaction.value.signal()
                usleep(200_000)
                events.note("first committed")
            }
            try? writer.value.transaction { () throws(SQLiteError) in events.note("second began") }
        }
        first.start()
        inTransaction.value.wait()
        // Too short for the writer's transaction: nothing runs.
        #expect(handOver.withWriterPaused(waitingAtMost: 20) { events.note("paused too early") } == nil)
        let ran = handOver.withWriterPaused(waitingAtMost: 5000) { () -> Bool in
            events.note("paused")
            usleep(100_000)
            events.note("resuming")
            return true
        }
        #expect(ran == true)
        #expect(eventually { events.all.count == 4 })
        #expect(events.all == ["first committed", "paused", "resuming", "second began"])
    }
}

/// What happened, in order, on any thread.
private final class Events: Sendable {
    private let list = Mutex<[String]>([])
    func note(_ event: String) { list.withLock { $0.append(event) } }
    var all: [String] { list.withLock { $0 } }
}

/// Hands a value to another thread in a test that makes sure only one thread uses it at a time.
private final class Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

private func eventually(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
