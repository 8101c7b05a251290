import Foundation
import GaugeCore
import GaugeStore
import Logging
import Synchronization
import TestSupport
import Testing

@testable import GaugeDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// A database in a fresh directory, removed afterwards.
private final class Scratch {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpointer-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("floodgauge.db").path }
    var walPath: String { path + "-wal" }

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }

    var walBytes: Int { (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0 }
}

/// Keeps what is logged, for the tests to read.
private final class RecordingLog: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { lines.withLock { $0.append("\(event.level): \(event.message)") } }
    var all: [String] { lines.withLock { $0 } }
}

/// A store at `path` and its checkpointer, not yet started, with the tests' small policy; and what it logs.
private func checkpointedStore(_ path: String) throws -> (Store, Checkpointer, RecordingLog) {
    let store = try Store(path: path)
    let recorded = RecordingLog()
    let checkpointer = try Checkpointer(
        writer: store.connection, logger: Logger(label: "test") { _ in recorded }, policy: CheckpointerTests.policy)
    return (store, checkpointer, recorded)
}

private let devEUI: UInt64 = 0x70B3_D57E_D000_1234
private let topic: StaticString = "v3/app@tenant/devices/kyll/up"

/// One message, as the pipeline stores it: its uplink and its sample.
private func insertMessage(_ store: Store, _ i: Int) throws(SQLiteError) {
    let time = Timestamp(unixSeconds: 1_795_341_600 + Int64(i) * 60)
    let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: 40, alignment: 1)
    defer { frame.deallocate() }
    for j in 0..<frame.count { frame[j] = UInt8(truncatingIfNeeded: j &* 31 &+ i) }
    let row = Store.UplinkRow(
        receivedAt: time, topic: UnsafeRawBufferPointer(start: topic.utf8Start, count: topic.utf8CodeUnitCount),
        devEUI: devEUI, gaugeID: "kyll-kordel",
        uplink: Uplink(devEUI: devEUI, fPort: 10, fCnt: UInt32(i), payloadCount: frame.count, receivedAt: time),
        frame: UnsafeRawBufferPointer(frame), reading: Reading(kind: .measurement))
    guard let id = try store.insertUplink(row) else { return }
    try store.insertSample(
        gaugeID: "kyll-kordel", time: time, levelMM: 1000 + Double(i % 500), value: .distance(mm: 5000),
        verdict: nil, uplinkID: id)
}

/// One message in a transaction of its own, as the pipeline commits at the gauges' rate.
private func commitMessage(_ store: Store, _ i: Int) throws {
    try store.transaction { () throws(SQLiteError) in try insertMessage(store, i) }
}

private func count(_ path: String, _ table: String) throws -> Int64 {
    let connection = try Connection(path: path, access: .readOnly)
    var rows: Int64 = -1
    try connection.prepare("SELECT count(*) FROM \(table)").query { rows = $0.int(0) }
    return rows
}

/// The database file at `path` alone, copied into `scratch` without its write-ahead log: what checkpoints have
/// copied into it.
private func fileOnly(_ path: String, _ scratch: Scratch) throws -> String {
    let copy = scratch.directory.appendingPathComponent("file-only.db").path
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    return copy
}

/// Frames of 4 KiB pages, each with its 24-byte header, as they lie in the -wal file.
private func walBytes(frames: Int) -> Int { 32 + frames * (4096 + 24) }

@Suite(.serialized) struct CheckpointerTests {
    /// Small sizes, so a few thousand commits go round the log several times.
    static let policy = Checkpointer.Policy(
        frames: 256, limit: 2048, interval: 200, retry: 200, fullBusyMilliseconds: 20, poll: 2000)

    /// A commit every millisecond or so, with no pause long enough for a checkpoint: the log still goes back to its
    /// start instead of growing for good, the writer's commits never checkpoint themselves, and once the
    /// checkpointer has stopped the database file alone holds every row.
    @Test func underASteadyStreamTheLogStaysBoundedAndTheFileGetsEveryRow() throws {
        let scratch = try Scratch()
        let (store, checkpointer, recorded) = try checkpointedStore(scratch.path)
        try checkpointer.start()
        let messages = 4000
        var largestWAL = 0
        for i in 0..<messages {
            try commitMessage(store, i)
            largestWAL = max(largestWAL, scratch.walBytes)
            usleep(500)
        }
        checkpointer.stop()
        checkpointer.stop()  // does nothing more
        let counts = checkpointer.snapshot

        // Without the full checkpoints the log would hold every commit's frames (about 18 000, 75 MB; measured).
        #expect(counts.rounds >= 10, "\(counts)")
        #expect(counts.failed == 0)
        #expect(counts.largestLog < 3 * Self.policy.limit, "\(counts)")
        #expect(largestWAL <= walBytes(frames: 3 * Self.policy.limit), "\(largestWAL) bytes, \(counts)")
        #expect(!recorded.all.contains { $0.hasPrefix("warning") }, "\(recorded.all)")

        #expect(try count(scratch.path, "uplinks") == Int64(messages))
        #expect(try count(scratch.path, "samples") == Int64(messages))
        let copy = try fileOnly(scratch.path, scratch)
        #expect(try count(copy, "uplinks") == Int64(messages))
        #expect(try count(copy, "samples") == Int64(messages))
    }

    /// A backlog: batches committed back to back, with no moment between two transactions for a checkpoint to take
    /// the write lock by itself. The full checkpoint pauses the writer between two of them, and the log stays bounded.
    @Test func aBacklogCommittedBackToBackStillLetsTheLogGoBackToItsStart() throws {
        let scratch = try Scratch()
        let (store, checkpointer, _) = try checkpointedStore(scratch.path)
        try checkpointer.start()
        var largestWAL = 0
        let batches = 1500
        for batch in 0..<batches {
            try store.transaction { () throws(SQLiteError) in
                for i in (batch * 20)..<(batch * 20 + 20) { try insertMessage(store, i) }
            }
            // Not after every batch: looking at the file would leave a gap between two transactions.
            if batch % 100 == 0 { largestWAL = max(largestWAL, scratch.walBytes) }
        }
        checkpointer.stop()
        let counts = checkpointer.snapshot
        #expect(counts.full >= 1, "\(counts)")
        #expect(counts.largestLog < 3 * Self.policy.limit, "\(counts)")
        #expect(largestWAL <= walBytes(frames: 3 * Self.policy.limit), "\(largestWAL) bytes, \(counts)")
        let copy = try fileOnly(scratch.path, scratch)
        #expect(try count(copy, "uplinks") == Int64(batches * 20))
    }

    /// A reader of an old snapshot (a backup, a long query) holds the log back: passive checkpoints copy what they
    /// may, and no full one runs, since it would hold the writer up waiting for the reader. When the reader ends, the
    /// log is copied.
    @Test func aLongReaderHoldsTheLogBackWithoutHoldingUpTheWriter() throws {
        let scratch = try Scratch()
        let (store, checkpointer, recorded) = try checkpointedStore(scratch.path)
        try checkpointer.start()
        for i in 0..<100 { try commitMessage(store, i) }

        let reader = try Connection(path: scratch.path, access: .readOnly)
        try reader.execute("BEGIN")
        var seen: Int64 = 0
        try reader.prepare("SELECT count(*) FROM uplinks").query { seen = $0.int(0) }
        #expect(seen == 100)
        var slowest = Duration.zero
        for i in 100..<1500 {
            let start = ContinuousClock.now
            try commitMessage(store, i)
            slowest = max(slowest, ContinuousClock.now - start)
            if i % 100 == 0 { usleep(Self.policy.poll * 2) }
        }
        // The checkpointer has looked at the log (more than the limit, mostly held back) a few times by now.
        #expect(eventually { checkpointer.snapshot.largestLog >= Self.policy.limit })
        #expect(checkpointer.snapshot.full == 0)
        #expect(recorded.all.contains { $0.contains("a reader holds") }, "\(recorded.all)")
        // Generous: a loaded test machine stalls anything now and then; a full checkpoint waiting for the reader
        // would have held a commit for the whole read.
        #expect(slowest < .seconds(1))

        try reader.execute("COMMIT")
        checkpointer.stop()
        let copy = try fileOnly(scratch.path, scratch)
        #expect(try count(copy, "uplinks") == 1500)
    }

    /// A full disk fails the checkpoint, not the daemon: the log keeps its frames, the failure is said once, and the
    /// next try after space returned copies everything.
    @Test(.enabled(if: SmallFileSystem.canMount, "needs root to mount a tmpfs"))
    func aFullDiskFailsTheCheckpointUntilSpaceReturns() throws {
        let scratch = try Scratch()
        let disk = try #require(SmallFileSystem(at: scratch.directory.appendingPathComponent("disk").path, bytes: 16 << 20))
        let path = disk.path + "/floodgauge.db"

        // In a block of its own, so the store and the checkpointer have closed their files when the disk unmounts.
        do {
            let (store, checkpointer, recorded) = try checkpointedStore(path)
            // Commits only append (the checkpointer has the job and does not run yet), then the disk fills up.
            for i in 0..<300 { try commitMessage(store, i) }
            let filler = disk.path + "/filler"
            #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: disk.available)))

            try checkpointer.start()
            #expect(eventually(seconds: 5) { checkpointer.snapshot.failed >= 1 })
            usleep(UInt32(Self.policy.retry) * 2000)
            #expect(recorded.all.filter { $0.contains("checkpoint failed") }.count == 1, "\(recorded.all)")

            try FileManager.default.removeItem(atPath: filler)
            #expect(eventually(seconds: 5) { recorded.all.contains { $0.contains("checkpoints work again") } }, "\(recorded.all)")
            checkpointer.stop()
            #expect(try count(path, "uplinks") == 300)
            #expect(try count(try fileOnly(path, scratch), "uplinks") == 300)
        }
    }
}

private func eventually(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}
