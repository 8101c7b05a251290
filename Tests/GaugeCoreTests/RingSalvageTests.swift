import GaugeCore
import Testing

/// `SPSCRing.salvage(from:byteCount:)` on the damage a file cannot show (the file cases are in `RingFileTests`).
@Suite struct RingSalvageTests {
    /// A head moved past the records runs into records of the previous lap: intact bytes, the wrong place. The
    /// checksums, seeded with the position, stop the copy at the last record written.
    @Test func recordsFromAnEarlierLapAreNotRecovered() throws {
        let source = Memory(capacity: 1024)
        let ring = try SPSCRing(memory: source.pointer, byteCount: source.byteCount)
        // 64-byte records take 80 bytes: twelve fill most of the first lap, the next four wrap over the oldest.
        for index in 0..<12 { #expect(ring.write(index, size: 64)) }
        ring.release(upTo: try ring.cursor(after: 12))
        for index in 12..<16 { #expect(ring.write(index, size: 64)) }
        let head = source.pointer.load(fromByteOffset: 16, as: UInt64.self)
        source.pointer.storeBytes(of: head + 5 * 80, toByteOffset: 16, as: UInt64.self)
        #expect(throws: SPSCRing.FormatError.checksumMismatch) {
            _ = try SPSCRing(memory: source.pointer, byteCount: source.byteCount)
        }

        let fresh = SPSCRing(capacity: 1024)
        let salvage = fresh.salvage(from: source.pointer, byteCount: source.byteCount)
        #expect(salvage.records == 4)
        #expect(salvage.problem == .checksumMismatch)
        #expect(fresh.indices() == [12, 13, 14, 15])
    }

    /// A ring of a larger capacity: what fits is copied, in order, and the rest is counted as set aside.
    @Test func aLargerRingIsCopiedAsFarAsItFits() throws {
        let source = Memory(capacity: 1024)
        let large = try SPSCRing(memory: source.pointer, byteCount: source.byteCount)
        for index in 0..<10 { #expect(large.write(index, size: 64)) }

        let small = SPSCRing(capacity: 512)
        let salvage = small.salvage(from: source.pointer, byteCount: source.byteCount)
        #expect(salvage.records == 6)
        #expect(salvage.setAsideBytes == 4 * 80)
        #expect(salvage.problem == nil)
        #expect(small.indices() == Array(0..<6))
    }
}

/// Zeroed memory for a ring of `capacity`, freed with the value.
private final class Memory {
    let byteCount: Int
    let pointer: UnsafeMutableRawPointer

    init(capacity: Int) {
        byteCount = SPSCRing.byteCount(forCapacity: capacity)
        pointer = .allocate(byteCount: byteCount, alignment: SPSCRing.memoryAlignment)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { pointer.deallocate() }
}

extension SPSCRing {
    /// A record of `size` bytes that starts with `index`.
    fileprivate func write(_ index: Int, size: Int) -> Bool {
        tryWrite(count: size) { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.storeBytes(of: index, as: Int.self)
        }
    }

    fileprivate func cursor(after count: Int) throws -> Cursor {
        var cursor = readCursor
        for _ in 0..<count { cursor = try #require(read(from: cursor)).next }
        return cursor
    }

    fileprivate func indices() -> [Int] {
        var indices: [Int] = []
        var cursor = readCursor
        while let (record, next) = read(from: cursor) {
            indices.append(record.loadUnaligned(as: Int.self))
            cursor = next
        }
        return indices
    }
}
