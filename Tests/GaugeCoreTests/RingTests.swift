import Foundation
import GaugeCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct RingTests {
    // MARK: - Every wrap-around layout

    /// Every capacity × start offset × record size × count, in the spirit of swift-collections' `withEveryDeque`:
    /// the records written must read back intact and in order, and `tryWrite` must refuse a record exactly when
    /// the free space cannot hold it contiguously.
    @Test(arguments: [64, 128, 256])
    func everyWrapAroundLayout(capacity: Int) {
        let maximum = capacity / 2 - SPSCRing.recordHeaderByteCount
        let sizes = Set([0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, maximum / 2, maximum - 1, maximum])
            .filter { (0...maximum).contains($0) }
            .sorted()
        for start in stride(from: 0, to: capacity, by: SPSCRing.recordHeaderByteCount) {
            for size in sizes {
                var probe = RingModel(capacity: capacity, start: start)
                var fitting = 0
                while probe.fits(size) {
                    probe.write(size)
                    fitting += 1
                }
                for count in 0...fitting {
                    checkLayout(capacity: capacity, start: start, size: size, count: count, probes: sizes)
                }
            }
        }
    }

    private func checkLayout(capacity: Int, start: Int, size: Int, count: Int, probes: [Int]) {
        let context: Comment = "capacity \(capacity), start \(start), size \(size), count \(count)"
        let ring = ringAdvanced(capacity: capacity, to: start)
        var model = RingModel(capacity: capacity, start: start)
        var written: [Int] = []
        for _ in 0..<count {
            #expect(ring.tryWrite(record: written.count, size: size), context)
            model.write(size)
            written.append(size)
        }
        // Largest first, so a refused record is followed by smaller ones that may still fit.
        for probe in probes.reversed() {
            let fits = model.fits(probe)
            #expect(ring.tryWrite(record: written.count, size: probe) == fits, "probe \(probe), \(context)")
            if fits {
                model.write(probe)
                written.append(probe)
            }
        }
        #expect(ring.usedBytes == model.used, context)
        #expect(ring.isEmpty == written.isEmpty, context)

        var cursor = ring.readCursor
        for (index, size) in written.enumerated() {
            guard let (record, next) = ring.read(from: cursor) else {
                Issue.record("record \(index) missing, \(context)")
                return
            }
            #expect(Content.matches(record, index: index, size: size), "record \(index), \(context)")
            cursor = next
        }
        #expect(ring.read(from: cursor) == nil, context)
        ring.release(upTo: cursor)
        #expect(ring.isEmpty, context)

        // A drained ring takes a record of the maximum size whatever its offset.
        #expect(ring.tryWrite(record: 0, size: ring.maximumRecordSize), context)
        let last = ring.read(from: ring.readCursor)?.record
        #expect(last.map { Content.matches($0, index: 0, size: ring.maximumRecordSize) } == true, context)
    }

    /// An empty ring whose head and tail both sit at `offset`, after filler records were written, read and
    /// released.
    private func ringAdvanced(capacity: Int, to offset: Int) -> SPSCRing {
        let ring = SPSCRing(capacity: capacity)
        // An empty record takes just its header.
        for index in 0..<offset / SPSCRing.recordHeaderByteCount {
            #expect(ring.tryWrite(record: index, size: 0))
        }
        var cursor = ring.readCursor
        while let (record, next) = ring.read(from: cursor) {
            #expect(record.isEmpty)
            cursor = next
        }
        ring.release(upTo: cursor)
        #expect(ring.isEmpty)
        return ring
    }

    // MARK: - Deferred release

    @Test func readingWithoutReleasingKeepsTheSpace() throws {
        let ring = SPSCRing(capacity: 64)
        #expect(ring.maximumRecordSize == 16)
        // Each 16-byte record takes 32 bytes, so two fill the ring.
        #expect(ring.tryWrite(record: 0, size: 16))
        #expect(ring.tryWrite(record: 1, size: 16))
        #expect(!ring.tryWrite(record: 2, size: 0))

        let first = try #require(ring.read(from: ring.readCursor))
        let second = try #require(ring.read(from: first.next))
        #expect(ring.read(from: second.next) == nil)
        #expect(!ring.tryWrite(record: 2, size: 0))
        #expect(ring.usedBytes == 64)

        // Until released, a record reads again from the same cursor, as after a restart.
        let again = try #require(ring.read(from: ring.readCursor))
        #expect(Content.matches(again.record, index: 0, size: 16))
        #expect(again.next == first.next)

        ring.release(upTo: first.next)
        #expect(ring.readCursor == first.next)
        #expect(ring.usedBytes == 32)
        #expect(Content.matches(second.record, index: 1, size: 16))
        #expect(ring.tryWrite(record: 2, size: 16))
        #expect(!ring.tryWrite(record: 3, size: 0))

        let third = try #require(ring.read(from: second.next))
        #expect(Content.matches(third.record, index: 2, size: 16))
        ring.release(upTo: ring.readCursor)
        #expect(ring.usedBytes == 64)
        ring.release(upTo: third.next)
        #expect(ring.isEmpty)
        #expect(ring.usedBytes == 0)
    }

    /// Random writes, reads and partial releases against a model of the ring, with a repeatable seed.
    @Test(arguments: [64, 256, 4096])
    func randomOperationsMatchTheModel(capacity: Int) {
        var random = SplitMix64(seed: UInt64(capacity))
        let ring = SPSCRing(capacity: capacity)
        var model = RingModel(capacity: capacity, start: 0)
        // Written and not released, in order: index, size, and the cursor after the record once read.
        var pending: [(index: Int, size: Int, next: SPSCRing.Cursor?)] = []
        var nextIndex = 0
        var readCursor = ring.readCursor
        var readCount = 0

        for step in 0..<50_000 {
            switch random.next() % 3 {
            case 0:
                let size = Int(random.next() % UInt64(ring.maximumRecordSize + 1))
                let fits = model.fits(size)
                #expect(ring.tryWrite(record: nextIndex, size: size) == fits, "step \(step)")
                if fits {
                    model.write(size)
                    pending.append((nextIndex, size, nil))
                    nextIndex += 1
                }
            case 1:
                guard let (record, next) = ring.read(from: readCursor) else {
                    #expect(readCount == pending.count, "step \(step)")
                    continue
                }
                let expected = pending[readCount]
                #expect(Content.matches(record, index: expected.index, size: expected.size), "step \(step)")
                pending[readCount].next = next
                readCursor = next
                readCount += 1
            default:
                guard readCount > 0 else { continue }
                let released = Int(random.next() % UInt64(readCount)) + 1
                let releasedTo = pending[released - 1].next!
                ring.release(upTo: releasedTo)
                #expect(ring.readCursor == releasedTo, "step \(step)")
                for _ in 0..<released {
                    model.releaseOldest()
                }
                pending.removeFirst(released)
                readCount -= released
            }
            #expect(ring.usedBytes == model.used, "step \(step)")
        }
    }

    // MARK: - Producer and consumer threads

    /// Two threads, 200 000 records of varying sizes: every record must arrive exactly once, in order, intact,
    /// while the consumer releases in batches of varying length. The limit only catches a hang: with 64 bytes the
    /// threads take turns on every record, which on two cores busy with other tests took up to a minute.
    @Test(.serialized, .timeLimit(.minutes(4)), arguments: [64, 1024, 1 << 16])
    func producerAndConsumerThreadsKeepOrder(capacity: Int) async {
        let outcome = await runProducerAndConsumer(capacity: capacity, records: 200_000)
        #expect(outcome.failure == nil)
        #expect(outcome.received == 200_000)
        #expect(outcome.emptyAtEnd)
    }

    // MARK: - Memory provided by the caller

    @Test func aSecondRingOverTheSameMemoryReadsWhatTheFirstWrote() throws {
        let byteCount = SPSCRing.byteCount(forCapacity: 256)
        let memory = zeroedMemory(byteCount: byteCount)
        defer { memory.deallocate() }

        var usedBefore = 0
        do {
            let first = try SPSCRing(memory: memory, byteCount: byteCount)
            #expect(first.isEmpty)
            // Ten 90-byte records (112 bytes each) wrap the ring four times, each time after padding. The last
            // two stay unreleased, behind a padding record.
            for index in 0..<10 {
                #expect(first.tryWrite(record: index, size: 90))
                if index < 8 {
                    let (_, next) = try #require(first.read(from: first.readCursor))
                    first.release(upTo: next)
                }
            }
            usedBefore = first.usedBytes
        }

        let second = try SPSCRing(memory: memory, byteCount: byteCount)
        #expect(second.usedBytes == usedBefore)
        var cursor = second.readCursor
        for index in 8..<10 {
            let (record, next) = try #require(second.read(from: cursor))
            #expect(Content.matches(record, index: index, size: 90))
            cursor = next
        }
        #expect(second.read(from: cursor) == nil)
        second.release(upTo: cursor)
        #expect(second.isEmpty)

        // The producer carries on from the adopted head.
        #expect(second.tryWrite(record: 10, size: 90))
        let (record, next) = try #require(second.read(from: cursor))
        #expect(Content.matches(record, index: 10, size: 90))
        second.release(upTo: next)
        #expect(second.isEmpty)
    }

    @Test func memoryThatIsNotARingIsRefused() {
        let byteCount = SPSCRing.byteCount(forCapacity: 128)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: SPSCRing.memoryAlignment)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0xA5, count: byteCount)
        #expect(throws: SPSCRing.FormatError.unknownFormat) {
            _ = try SPSCRing(memory: memory, byteCount: byteCount)
        }
    }

    @Test func aRingOfAnotherCapacityIsRefused() throws {
        let byteCount = SPSCRing.byteCount(forCapacity: 256)
        let memory = zeroedMemory(byteCount: byteCount)
        defer { memory.deallocate() }
        _ = try SPSCRing(memory: memory, byteCount: byteCount)
        #expect(throws: SPSCRing.FormatError.capacityMismatch) {
            _ = try SPSCRing(memory: memory, byteCount: SPSCRing.byteCount(forCapacity: 128))
        }
    }

    @Test func damagedRecordsAndPositionsAreRefused() throws {
        let byteCount = SPSCRing.byteCount(forCapacity: 128)
        let memory = zeroedMemory(byteCount: byteCount)
        defer { memory.deallocate() }
        do {
            let ring = try SPSCRing(memory: memory, byteCount: byteCount)
            #expect(ring.tryWrite(record: 0, size: 10))
        }
        // The first record's tag, at byte 4 of the data area (see the layout on SPSCRing).
        let tag = SPSCRing.headerByteCount + 4
        memory.storeBytes(of: memory.load(fromByteOffset: tag, as: UInt8.self) ^ 1, toByteOffset: tag, as: UInt8.self)
        #expect(throws: SPSCRing.FormatError.corruptRecord) {
            _ = try SPSCRing(memory: memory, byteCount: byteCount)
        }
        memory.storeBytes(of: memory.load(fromByteOffset: tag, as: UInt8.self) ^ 1, toByteOffset: tag, as: UInt8.self)
        _ = try SPSCRing(memory: memory, byteCount: byteCount)

        // A tail beyond the head (tail is the UInt64 at byte 128).
        memory.storeBytes(of: 1024, toByteOffset: 128, as: UInt64.self)
        #expect(throws: SPSCRing.FormatError.corruptPositions) {
            _ = try SPSCRing(memory: memory, byteCount: byteCount)
        }
    }
}

// MARK: - Helpers

/// The spec of the ring, restated: used space, and whether a record fits contiguously.
private struct RingModel {
    let capacity: Int
    private var head: Int
    private var tail: Int
    private var footprints: [Int] = []

    init(capacity: Int, start: Int) {
        self.capacity = capacity
        head = start
        tail = start
    }

    var used: Int { head - tail }

    private func needed(_ size: Int) -> Int {
        let header = SPSCRing.recordHeaderByteCount
        let footprint = header + (size + header - 1) / header * header
        let contiguous = capacity - head % capacity
        return footprint <= contiguous ? footprint : contiguous + footprint
    }

    func fits(_ size: Int) -> Bool {
        used + needed(size) <= capacity
    }

    mutating func write(_ size: Int) {
        let needed = needed(size)
        footprints.append(needed)
        head += needed
    }

    mutating func releaseOldest() {
        tail += footprints.removeFirst()
    }
}

/// Distinct bytes for consecutive records: a window into a fixed random pattern that starts at an offset chosen by
/// the record's index. Writing and comparing are then `memcpy` and `memcmp`, fast even in a debug build.
private enum Content {
    static let pattern: [UInt8] = {
        var random = SplitMix64(seed: 42)
        return (0..<8192).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }()

    /// Room for any record up to 4 KiB.
    private static func start(index: Int) -> Int {
        (index &* 67) % 4096
    }

    static func write(index: Int, into buffer: UnsafeMutableRawBufferPointer) {
        let start = start(index: index)
        pattern.withUnsafeBytes { pattern in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: pattern[start..<start + buffer.count]))
        }
    }

    static func matches(_ bytes: UnsafeRawBufferPointer, index: Int, size: Int) -> Bool {
        guard bytes.count == size else { return false }
        guard size > 0 else { return true }
        let start = start(index: index)
        return pattern.withUnsafeBytes { memcmp($0.baseAddress! + start, bytes.baseAddress!, size) == 0 }
    }
}

extension SPSCRing {
    fileprivate func tryWrite(record index: Int, size: Int) -> Bool {
        tryWrite(count: size) { Content.write(index: index, into: $0) }
    }
}

private func zeroedMemory(byteCount: Int) -> UnsafeMutableRawPointer {
    let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: SPSCRing.memoryAlignment)
    memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    return memory
}

/// Repeatable pseudo-random numbers (SplitMix64).
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - Stress

private struct StressOutcome: Sendable {
    var received = 0
    var failure: String?
    var emptyAtEnd = false
}

/// A stress record: sequence number (8 bytes), checksum of sequence number and size (4 bytes), then the
/// `Content` of the sequence number.
private enum StressRecord {
    static let headerSize = 12
    static let maximumSize = 256

    static func size(of sequence: UInt64, maximum: Int) -> Int {
        headerSize + Int(((sequence &* 2_654_435_761) >> 7) % UInt64(maximum - headerSize + 1))
    }

    /// FNV-1a over the 8 bytes of the sequence number, then those of the size.
    static func checksum(_ sequence: UInt64, size: Int) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in 0..<16 {
            let value = byte < 8 ? sequence : UInt64(size)
            hash = (hash ^ UInt32(truncatingIfNeeded: value >> UInt64(byte % 8 * 8))) &* 16_777_619
        }
        return hash
    }

    static func write(_ sequence: UInt64, into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: sequence, as: UInt64.self)
        buffer.storeBytes(of: checksum(sequence, size: buffer.count), toByteOffset: 8, as: UInt32.self)
        Content.write(index: Int(sequence), into: UnsafeMutableRawBufferPointer(rebasing: buffer[headerSize...]))
    }

    /// What is wrong with `record`, expected to be number `expected`, if anything.
    static func problem(in record: UnsafeRawBufferPointer, expected: UInt64, maximum: Int) -> String? {
        let sequence = record.loadUnaligned(as: UInt64.self)
        guard sequence == expected else {
            return "record \(sequence) arrived where \(expected) was expected"
        }
        guard record.count == size(of: sequence, maximum: maximum),
            record.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == checksum(sequence, size: record.count)
        else {
            return "record \(sequence) has a damaged header or size \(record.count)"
        }
        let payload = UnsafeRawBufferPointer(rebasing: record[headerSize...])
        return Content.matches(payload, index: Int(sequence), size: payload.count)
            ? nil : "record \(sequence) has a damaged payload"
    }
}

private func runProducerAndConsumer(capacity: Int, records: Int) async -> StressOutcome {
    let ring = SPSCRing(capacity: capacity)
    let maximum = min(ring.maximumRecordSize, StressRecord.maximumSize)
    return await withCheckedContinuation { continuation in
        let producer = Thread {
            for sequence in 0..<UInt64(records) {
                let size = StressRecord.size(of: sequence, maximum: maximum)
                while !ring.tryWrite(count: size, { StressRecord.write(sequence, into: $0) }) {
                    sched_yield()
                }
            }
        }
        let consumer = Thread {
            var outcome = StressOutcome()
            var cursor = ring.readCursor
            var batch = 0
            // Keep draining after a failure, so the producer is never left waiting on a full ring.
            while outcome.received < records {
                guard let (record, next) = ring.read(from: cursor) else {
                    // Nothing to read: release what the batch holds, as the pipeline does before it waits.
                    ring.release(upTo: cursor)
                    batch = 0
                    sched_yield()
                    continue
                }
                if outcome.failure == nil {
                    let expected = UInt64(outcome.received)
                    outcome.failure = StressRecord.problem(in: record, expected: expected, maximum: maximum)
                }
                outcome.received += 1
                cursor = next
                batch += 1
                // Batches of 1 to 64 records, released late as after a commit.
                if batch > outcome.received % 64 {
                    ring.release(upTo: cursor)
                    batch = 0
                }
            }
            ring.release(upTo: cursor)
            outcome.emptyAtEnd = ring.isEmpty
            continuation.resume(returning: outcome)
        }
        producer.start()
        consumer.start()
    }
}
