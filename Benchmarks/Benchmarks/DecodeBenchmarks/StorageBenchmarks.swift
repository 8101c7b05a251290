import Benchmark
import CSQLite
import Foundation
import GaugeCore
import GaugeStore

/// The worked example of `mpsc-gauge-payload-v1.md`: three samples.
private let mpscFrame: [UInt8] = [
    0x11, 0x03, 0x00, 0x2A, 0x00, 0x3C, 0x03, 0x00, 0x05, 0x0E, 0x10, 0x00, 0xD7, 0x0F, 0xA0, 0x0F, 0x82, 0x0F, 0x64,
]
private let uplinkTopic = "v3/pegel@kreis/devices/kyll/up"

/// What the pipeline stores for one mpsc-v1 uplink (the uplink with its copy check, three samples), against raw
/// sqlite3 C calls inserting the same rows into the same schema with prepared statements: the floor for storage.
/// Both run in transactions of 1000 uplinks, as a batch of the daemon does; each benchmark operation is one uplink.
final class StorageBench {
    let directory: URL
    let store: Store
    private var next: Int64 = 0
    /// The frame and topic as the pipeline has them: bytes in a buffer, not Swift arrays.
    private let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: mpscFrame.count, alignment: 1)
    private let topic = UnsafeMutableRawBufferPointer.allocate(byteCount: uplinkTopic.utf8.count, alignment: 1)

    init() throws {
        frame.copyBytes(from: mpscFrame)
        topic.copyBytes(from: uplinkTopic.utf8)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("floodgauge.db").path)
    }

    deinit {
        frame.deallocate()
        topic.deallocate()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A thousand uplinks through `Store`, as `Pipeline` stores them.
    func storeThousand() throws {
        try store.transaction { () throws(SQLiteError) in
            for _ in 0..<1000 {
                next += 1
                let time = Timestamp(unixMilliseconds: 1_795_000_000_000 + next * 900_000)
                let row = Store.UplinkRow(
                    receivedAt: time, topic: UnsafeRawBufferPointer(topic), devEUI: 0x70B3_D57E_D000_1234,
                    gaugeID: "kyll-kordel",
                    uplink: Uplink(
                        devEUI: 0x70B3_D57E_D000_1234, fPort: 10, fCnt: UInt32(truncatingIfNeeded: next),
                        payloadCount: frame.count, receivedAt: time, bestRSSI: -97, bestSNR: 7.5),
                    frame: UnsafeRawBufferPointer(frame), reading: nil)
                guard let id = try store.insertUplink(row) else { continue }
                for sample in 0..<3 {
                    try store.insertSample(
                        gaugeID: "kyll-kordel", time: time.adding(seconds: Int64(sample - 2) * 60),
                        levelMM: 2200 + Double(sample) * 30, value: .distance(mm: 4000 - Double(sample) * 30),
                        verdict: nil, uplinkID: id)
                }
            }
        }
    }
}

/// The same rows with the C API alone: prepared statements, bound values, one transaction.
final class RawSQLiteBench {
    let directory: URL
    private var db: OpaquePointer?
    private var uplink: OpaquePointer?
    private var sample: OpaquePointer?
    private var next: Int64 = 0

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("raw-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("floodgauge.db").path
        // The same schema and pragmas as floodgauge's, so only the code differs.
        _ = try Store(path: path)
        sqlite3_open(path, &db)
        sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", nil, nil, nil)
        sqlite3_prepare_v2(
            db,
            """
            INSERT INTO uplinks (received_at, topic, dev_eui, gauge_id, f_port, f_cnt, rssi, snr, frame)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, -1, &uplink, nil)
        sqlite3_prepare_v2(
            db, "INSERT INTO samples (gauge_id, t, level_mm, raw_mm, uplink_id) VALUES (?, ?, ?, ?, ?)", -1, &sample,
            nil)
    }

    deinit {
        sqlite3_finalize(uplink)
        sqlite3_finalize(sample)
        sqlite3_close(db)
        try? FileManager.default.removeItem(at: directory)
    }

    func storeThousand() {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil)
        mpscFrame.withUnsafeBytes { bytes in
            for _ in 0..<1000 {
                next += 1
                let time = 1_795_000_000_000 + next * 900_000
                sqlite3_bind_int64(uplink, 1, time)
                sqlite3_bind_text(uplink, 2, uplinkTopic, -1, nil)
                sqlite3_bind_text(uplink, 3, "70B3D57ED0001234", -1, nil)
                sqlite3_bind_text(uplink, 4, "kyll-kordel", -1, nil)
                sqlite3_bind_int64(uplink, 5, 10)
                sqlite3_bind_int64(uplink, 6, next)
                sqlite3_bind_double(uplink, 7, -97)
                sqlite3_bind_double(uplink, 8, 7.5)
                sqlite3_bind_blob(uplink, 9, bytes.baseAddress, Int32(bytes.count), nil)
                sqlite3_step(uplink)
                sqlite3_reset(uplink)
                let id = sqlite3_last_insert_rowid(db)
                for index in 0..<3 {
                    sqlite3_bind_text(sample, 1, "kyll-kordel", -1, nil)
                    sqlite3_bind_int64(sample, 2, time + Int64(index - 2) * 60_000)
                    sqlite3_bind_double(sample, 3, 2200 + Double(index) * 30)
                    sqlite3_bind_double(sample, 4, 4000 - Double(index) * 30)
                    sqlite3_bind_int64(sample, 5, id)
                    sqlite3_step(sample)
                    sqlite3_reset(sample)
                }
            }
        }
        sqlite3_exec(db, "COMMIT", nil, nil, nil)
    }
}

/// Storage benchmarks: ns and mallocs per uplink (with its three samples), floodgauge's `Store` and raw sqlite3.
func storageBenchmarks() {
    // One operation is one uplink; the closure stores 1000 per transaction, so `.kilo` scaling runs one batch.
    Benchmark("store uplink+3 samples, floodgauge") { benchmark, bench in
        for _ in 0..<(benchmark.scaledIterations.count / 1000) { try! bench.storeThousand() }
    } setup: {
        try StorageBench()
    }
    Benchmark("store uplink+3 samples, raw sqlite3") { benchmark, bench in
        for _ in 0..<(benchmark.scaledIterations.count / 1000) { bench.storeThousand() }
    } setup: {
        try RawSQLiteBench()
    }
}
