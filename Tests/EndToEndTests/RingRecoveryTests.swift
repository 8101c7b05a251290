import Foundation
import GaugeCore
import Testing

@testable import GaugeDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon started on a damaged ring file: it starts anyway, says what it recovered, stores exactly the records
/// before the damage, and keeps the damaged file.
@Suite(.serialized) struct RingRecoveryTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case flippedByteInRecord12, cutInsideRecord7, garbageHeader

        var testDescription: String { rawValue }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedRingFileIsRecoveredAtStart(damage: Damage) throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "recovery")
        let ringPath = scratch.path("floodgauge.ring")
        let database = scratch.path("floodgauge.db")

        // Twenty uplinks of the same length as a crashed daemon would leave them: in the ring, not in SQLite.
        let footprint = try writeRing(ringPath, uplinks: (0..<20).map(Self.uplink))
        let recordStart = { (index: Int) in SPSCRing.headerByteCount + index * footprint }
        let expected: Int
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: ringPath))
        switch damage {
        case .flippedByteInRecord12:
            // A byte in the payload, past the record header and the message header.
            try handle.seek(toOffset: UInt64(recordStart(12) + SPSCRing.recordHeaderByteCount + 40))
            let byte = try #require(try handle.read(upToCount: 1)).first!
            try handle.seek(toOffset: UInt64(recordStart(12) + SPSCRing.recordHeaderByteCount + 40))
            try handle.write(contentsOf: [byte ^ 0x01])
            expected = 12
        case .cutInsideRecord7:
            try handle.truncate(atOffset: UInt64(recordStart(7) + footprint / 2))
            expected = 7
        case .garbageHeader:
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: Data(repeating: 0x5A, count: SPSCRing.headerByteCount))
            expected = 0
        }
        try handle.close()

        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        #expect(daemon.output.contains("ring file \(ringPath) was damaged"))
        #expect(daemon.output.contains("recovered \(expected) records"), "daemon output: \(daemon.output)")
        #expect(
            try sql(database, "SELECT count(*), coalesce(min(f_cnt), -1), coalesce(max(f_cnt), -1) FROM uplinks")
                == (expected == 0 ? "0|-1|-1" : "\(expected)|100|\(100 + expected - 1)"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
            .filter { $0.hasPrefix("floodgauge.ring.corrupt-") }
        #expect(aside.count == 1)

        // The fresh ring carries new uplinks as usual.
        try broker.publish(topic: "v3/recovery/devices/g/up", message: Self.uplink(900))
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM uplinks WHERE f_cnt = 1000")) == "1" })
        #expect(daemon.stop() == 0, "daemon output: \(daemon.output)")
    }

    /// Uplink `index` has frame counter `100 + index`: below 900, all uplinks have the same length.
    private static func uplink(_ index: Int) -> String {
        ttnUplink(
            devEUI: "70B3D57ED0001234", fCnt: 100 + index,
            receivedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(index) * 900).ISO8601Format(),
            frame: mpscFrame(seq: UInt16(index), distancesMM: [6200]))
    }

    /// Writes a ring file of the daemon's capacity holding `uplinks` from source 0, unreleased; returns how many
    /// bytes each record takes in the data area (they are all the same length).
    private func writeRing(_ path: String, uplinks: [String]) throws -> Int {
        let file = try RingFile(path: path, capacity: Daemon.ringCapacity)
        let topic = Array("v3/recovery/devices/g/up".utf8)
        for uplink in uplinks {
            let payload = Array(uplink.utf8)
            let pushed = topic.withUnsafeBytes { topic in
                payload.withUnsafeBytes { payload in
                    IngestMessage.tryPush(
                        into: file.ring, arrivedAt: Timestamp(unixSeconds: 1_795_000_000), sourceIndex: 0,
                        topic: topic, payload: payload)
                }
            }
            try #require(pushed)
        }
        let first = try #require(file.ring.read(from: file.ring.readCursor))
        #expect(Set(uplinks.map(\.utf8.count)).count == 1, "the uplinks should all be the same length")
        return SPSCRing.recordHeaderByteCount + (first.record.count + 15) / 16 * 16
    }
}
