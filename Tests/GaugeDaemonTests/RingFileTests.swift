import Foundation
import GaugeCore
import GaugeDaemon
import Testing

/// The ring file on real files: what survives a process that stops without draining, and what opening does with
/// every kind of damage.
@Suite struct RingFileTests {
    static let capacity = 4096
    /// 100-byte records take 128 bytes in the data area (16-byte header, payload padded to 112), so record `i` of a
    /// ring written from the start begins at data offset `i * 128`.
    static let recordSize = 100
    static let footprint = 128
    static let dataStart = SPSCRing.headerByteCount
    static let headOffset = 16

    @Test func recordsLeftInTheRingAreThereAfterReopening() throws {
        let scratch = try Scratch()
        do {
            let file = try RingFile(path: scratch.ring, capacity: Self.capacity)
            // Thirty records written and released, then ten that wrap around the end of the data area.
            for index in 0..<30 { try write(file.ring, index) }
            try release(file.ring, count: 30)
            for index in 30..<40 { try write(file.ring, index) }
        }  // unmapped here without draining, as by a process that died
        let file = try RingFile(path: scratch.ring, capacity: Self.capacity)
        #expect(file.recovery == nil)
        #expect(try contents(of: file.ring) == Array(30..<40))
        #expect(try scratch.asideFiles().isEmpty)
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case recordInTheMiddle, cutInsideARecord, shorterThanTheHeader, headBeyondTailPlusCapacity
        case garbageHeader, wrongVersion

        var testDescription: String { rawValue }
    }

    /// Ten records written, then damage: the records before it come back in a fresh ring that works, and the
    /// damaged file is kept as it was beside it.
    @Test(arguments: Damage.allCases)
    func damagedFilesAreReplacedWithTheirValidRecords(damage: Damage) throws {
        let scratch = try Scratch()
        do {
            let file = try RingFile(path: scratch.ring, capacity: Self.capacity)
            for index in 0..<10 { try write(file.ring, index) }
        }
        let fileSize = Self.dataStart + Self.capacity
        let written = 10 * Self.footprint
        let expected: (records: Int, setAside: Int, size: Int)
        switch damage {
        case .recordInTheMiddle:
            try scratch.patch(at: Self.dataStart + 5 * Self.footprint + 16 + 3) { $0 ^ 0x10 }
            expected = (5, written - 5 * Self.footprint, fileSize)
        case .cutInsideARecord:
            let size = Self.dataStart + 7 * Self.footprint + 50
            try scratch.truncate(to: size)
            expected = (7, written - 7 * Self.footprint, size)
        case .shorterThanTheHeader:
            try scratch.truncate(to: 100)
            expected = (0, 100, 100)
        case .headBeyondTailPlusCapacity:
            try scratch.store(UInt64(written + 2 * Self.capacity), at: Self.headOffset)
            // The records are followed from the tail for as long as they verify: all ten.
            expected = (10, Self.capacity - written, fileSize)
        case .garbageHeader:
            for offset in stride(from: 0, to: Self.dataStart, by: 8) {
                try scratch.store(0xA5A5_A5A5_A5A5_A5A5, at: offset)
            }
            expected = (0, fileSize, fileSize)
        case .wrongVersion:
            try scratch.store(0x4647_5249_4E47_0001, at: 0)
            expected = (0, fileSize, fileSize)
        }
        let damaged = try Data(contentsOf: URL(fileURLWithPath: scratch.ring))

        let recovery: RingFile.Recovery
        do {
            let file = try RingFile(path: scratch.ring, capacity: Self.capacity)
            recovery = try #require(file.recovery)
            #expect(try contents(of: file.ring) == Array(0..<expected.records))
            // The fresh ring takes new records.
            try write(file.ring, 100)
        }
        #expect(recovery.salvage.records == expected.records)
        #expect(recovery.salvage.setAsideBytes == expected.setAside)
        #expect(recovery.description.contains("recovered \(expected.records) records"))

        // The damaged file is kept byte for byte, beside a fresh full-size file.
        let aside = try scratch.asideFiles()
        try #require(aside.count == 1)
        #expect(recovery.asidePath == scratch.path(aside[0]))
        #expect(try Data(contentsOf: URL(fileURLWithPath: recovery.asidePath)) == damaged)
        #expect(damaged.count == expected.size)
        #expect(try FileManager.default.attributesOfItem(atPath: scratch.ring)[.size] as? Int == fileSize)

        // The fresh file is an intact ring on the next start.
        let file = try RingFile(path: scratch.ring, capacity: Self.capacity)
        #expect(file.recovery == nil)
        #expect(try contents(of: file.ring) == Array(0..<expected.records) + [100])
    }

    @Test func aSecondOpenOfTheSameFileIsRefused() throws {
        let scratch = try Scratch()
        let file = try RingFile(path: scratch.ring, capacity: Self.capacity)
        #expect(throws: DaemonError.self) { _ = try RingFile(path: scratch.ring, capacity: Self.capacity) }
        withExtendedLifetime(file) {}
    }

    // MARK: - Helpers

    /// Writes record `index`: `recordSize` bytes, the first eight the index.
    private func write(_ ring: SPSCRing, _ index: Int) throws {
        let written = ring.tryWrite(count: Self.recordSize) { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: index))
            buffer.storeBytes(of: index, as: Int.self)
        }
        try #require(written)
    }

    private func release(_ ring: SPSCRing, count: Int) throws {
        var cursor = ring.readCursor
        for _ in 0..<count { cursor = try #require(ring.read(from: cursor)).next }
        ring.release(upTo: cursor)
    }

    /// The indices of the records the ring holds, checking each record's bytes.
    private func contents(of ring: SPSCRing) throws -> [Int] {
        var indices: [Int] = []
        var cursor = ring.readCursor
        while let (record, next) = ring.read(from: cursor) {
            let index = record.loadUnaligned(as: Int.self)
            #expect(record.count == Self.recordSize)
            #expect(record.dropFirst(8).allSatisfy { $0 == UInt8(truncatingIfNeeded: index) }, "record \(index)")
            indices.append(index)
            cursor = next
        }
        return indices
    }
}

/// A directory of its own with a ring file path in it, removed at the end.
private final class Scratch {
    let directory: String
    var ring: String { path("floodgauge.ring") }

    init() throws {
        directory = NSTemporaryDirectory() + "ringfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    func asideFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("floodgauge.ring.corrupt-") }
    }

    func patch(at offset: Int, _ change: (UInt8) -> UInt8) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: ring))
        bytes[offset] = change(bytes[offset])
        try bytes.write(to: URL(fileURLWithPath: ring))
    }

    func store(_ value: UInt64, at offset: Int) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: ring))
        withUnsafeBytes(of: value) { bytes.replaceSubrange(offset..<offset + 8, with: $0) }
        try bytes.write(to: URL(fileURLWithPath: ring))
    }

    func truncate(to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: ring))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }
}
