import GaugeCore
import Testing

/// Every documented precondition of `SPSCRing` traps, with its own message.
@Suite struct RingCrashTests {
    @Test func capacityThatIsNotAPowerOfTwo() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SPSCRing(capacity: 96)
        }
        expectTrapMessage(result, "capacity must be a power of two")
    }

    @Test func capacityBelowTheMinimum() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SPSCRing(capacity: SPSCRing.minimumCapacity / 2)
        }
        expectTrapMessage(result, "capacity must be between")
    }

    @Test func recordLargerThanTheMaximum() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let ring = SPSCRing(capacity: 64)
            _ = ring.tryWrite(count: ring.maximumRecordSize + 1) { _ in }
        }
        expectTrapMessage(result, "record size out of")
    }

    @Test func recordOfNegativeSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SPSCRing(capacity: 64).tryWrite(count: -1) { _ in }
        }
        expectTrapMessage(result, "record size out of")
    }

    @Test func memoryTooSmallForTheHeaderAndMinimumCapacity() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let byteCount = SPSCRing.headerByteCount + SPSCRing.minimumCapacity / 2
            let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: SPSCRing.memoryAlignment)
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
            _ = try? SPSCRing(memory: memory, byteCount: byteCount)
        }
        expectTrapMessage(result, "memory is smaller than")
    }

    @Test func memoryWhoseDataAreaIsNotAPowerOfTwo() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let byteCount = SPSCRing.headerByteCount + 96
            let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: SPSCRing.memoryAlignment)
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
            _ = try? SPSCRing(memory: memory, byteCount: byteCount)
        }
        expectTrapMessage(result, "capacity must be a power of two")
    }

    @Test func misalignedMemory() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let byteCount = SPSCRing.byteCount(forCapacity: 64)
            let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount + 8, alignment: SPSCRing.memoryAlignment)
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount + 8)
            _ = try? SPSCRing(memory: memory + 8, byteCount: byteCount)
        }
        expectTrapMessage(result, "memory must be aligned")
    }

    @Test func readingFromAReleasedCursor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let ring = SPSCRing(capacity: 64)
            _ = ring.tryWrite(count: 1) { $0[0] = 1 }
            _ = ring.tryWrite(count: 1) { $0[0] = 2 }
            let start = ring.readCursor
            if let (_, next) = ring.read(from: start) {
                ring.release(upTo: next)
            }
            _ = ring.read(from: start)
        }
        expectTrapMessage(result, "cursor that was already released")
    }

    @Test func releasingBackwards() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let ring = SPSCRing(capacity: 64)
            _ = ring.tryWrite(count: 1) { $0[0] = 1 }
            let start = ring.readCursor
            if let (_, next) = ring.read(from: start) {
                ring.release(upTo: next)
            }
            ring.release(upTo: start)
        }
        expectTrapMessage(result, "cursor outside the records read")
    }

    /// A cursor from another ring, past everything this ring has read.
    @Test func releasingPastWhatWasRead() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let other = SPSCRing(capacity: 64)
            _ = other.tryWrite(count: 1) { $0[0] = 1 }
            guard let (_, foreign) = other.read(from: other.readCursor) else { return }
            SPSCRing(capacity: 64).release(upTo: foreign)
        }
        expectTrapMessage(result, "cursor outside the records read")
    }

    /// A cursor from another ring, past everything this ring's producer has written.
    @Test func readingPastTheHead() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let other = SPSCRing(capacity: 64)
            _ = other.tryWrite(count: 1) { $0[0] = 1 }
            guard let (_, foreign) = other.read(from: other.readCursor) else { return }
            _ = SPSCRing(capacity: 64).read(from: foreign)
        }
        expectTrapMessage(result, "cursor past the head")
    }

    /// A cursor from another ring that lands inside a record of this one.
    @Test func readingWhereNoRecordStarts() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let other = SPSCRing(capacity: 64)
            _ = other.tryWrite(count: 0) { _ in }
            guard let (_, foreign) = other.read(from: other.readCursor) else { return }
            let ring = SPSCRing(capacity: 64)
            _ = ring.tryWrite(count: 16) { $0.initializeMemory(as: UInt8.self, repeating: 0xFF) }
            _ = ring.read(from: foreign)
        }
        expectTrapMessage(result, "found no record at the cursor")
    }
}

/// Checks that the trap was the expected precondition. Optimized builds drop precondition messages, so the check
/// applies only when the output has one.
private func expectTrapMessage(
    _ result: ExitTest.Result?,
    _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let result else { return }
    let output = String(decoding: result.standardErrorContent, as: UTF8.self)
    if output.contains("Precondition failed") {
        #expect(output.contains(message), sourceLocation: sourceLocation)
    }
}
