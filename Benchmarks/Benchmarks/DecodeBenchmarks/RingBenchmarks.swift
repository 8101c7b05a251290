import Benchmark
import Foundation
import GaugeCore

#if canImport(Glibc)
    import Glibc
#endif

/// What the network thread pays per message: `IngestMessage.tryPush`, the call `Daemon.enqueue` makes, with the
/// realistic 2 KB TTN uplink on a ring of the daemon's size in a shared file mapping, as live. Beside it the same
/// push into heap memory, the checksum alone, and the pipeline's side (read in place, release).
func ringBenchmarks() {
    let capacity = 8 << 20
    let topic = Array("v3/floodgauge-lahn@ttn/devices/mpsc-gauge-0042/up".utf8)
    let payload = Array(Messages.realisticTTN.utf8)
    let arrivedAt = Timestamp(unixSeconds: 1_795_000_000)

    // 1000 pushes per sample fill about a quarter of the ring; the drain after each sample is not timed.
    func push(_ benchmark: Benchmark, _ ring: SPSCRing) {
        topic.withUnsafeBytes { topic in
            payload.withUnsafeBytes { payload in
                for _ in benchmark.scaledIterations {
                    let pushed = IngestMessage.tryPush(
                        into: ring, arrivedAt: arrivedAt, sourceIndex: 0, topic: topic, payload: payload)
                    precondition(pushed, "the ring filled up during a sample")
                }
            }
        }
        benchmark.stopMeasurement()
        drain(ring)
    }

    Benchmark("ring push ttn-v3 realistic, file") { benchmark, file in
        push(benchmark, file.ring)
    } setup: {
        MappedRingFile(capacity: capacity)
    }
    Benchmark("ring push ttn-v3 realistic, heap") { benchmark, ring in
        push(benchmark, ring)
    } setup: {
        SPSCRing(capacity: capacity)
    }
    Benchmark("ring checksum ttn-v3 realistic") { benchmark in
        payload.withUnsafeBytes { payload in
            for _ in benchmark.scaledIterations { blackHole(XXH64.hash(payload, seed: 0)) }
        }
    }
    Benchmark("ring pop ttn-v3 realistic") { benchmark, ring in
        topic.withUnsafeBytes { topic in
            payload.withUnsafeBytes { payload in
                for _ in benchmark.scaledIterations {
                    _ = IngestMessage.tryPush(
                        into: ring, arrivedAt: arrivedAt, sourceIndex: 0, topic: topic, payload: payload)
                }
            }
        }
        benchmark.startMeasurement()
        var cursor = ring.readCursor
        for _ in benchmark.scaledIterations {
            let (record, next) = ring.read(from: cursor)!
            blackHole(IngestMessage(record: record).payload.count)
            cursor = next
        }
        ring.release(upTo: cursor)
    } setup: {
        SPSCRing(capacity: capacity)
    }
}

private func drain(_ ring: SPSCRing) {
    var cursor = ring.readCursor
    while let (_, next) = ring.read(from: cursor) { cursor = next }
    ring.release(upTo: cursor)
}

/// A ring over a temporary file mapped `MAP_SHARED`, as `RingFile` maps it: stores go to the page cache, and the
/// kernel's writeback makes a page fault again on its next store.
final class MappedRingFile {
    let ring: SPSCRing
    private let memory: UnsafeMutableRawPointer
    private let byteCount: Int

    init(capacity: Int) {
        byteCount = SPSCRing.byteCount(forCapacity: capacity)
        let path = NSTemporaryDirectory() + "ring-benchmark-\(getpid())"
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0 && ftruncate(descriptor, off_t(byteCount)) == 0, "cannot create \(path)")
        unlink(path)
        memory = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        close(descriptor)
        precondition(memory != UnsafeMutableRawPointer(bitPattern: -1), "cannot map \(path)")
        ring = try! SPSCRing(memory: memory, byteCount: byteCount)
    }

    deinit {
        munmap(memory, byteCount)
    }
}
