// Decode benchmarks: ns per frame for every codec, ns per message for every envelope format, and mallocs per decode,
// with Foundation's `JSONDecoder` into Codable structs as the baseline for the envelopes.
//
// Every benchmark runs its operation 1000 times per sample (`scalingFactor: .kilo`), so a sample is the mean of
// 1000 back-to-back decodes of the same input: the clock's own cost (tens of nanoseconds) would otherwise swamp a 20 ns
// codec. Median and p99 are taken over those samples. `scripts/bench-decode` runs the suite unscaled and divides by
// 1000 itself, so a single stray allocation in 1000 decodes still shows (the tool's scaled view rounds it to 0).
//
// The inputs are compiled in, so a run needs nothing outside this package: codec frames as hex (below, each citing its
// vector in `shared/vectors/`), envelope messages in `Messages.swift` (the documentation examples byte for byte, with
// their sha256, and two realistic 2 KB uplinks). Before timing anything, each message is parsed both ways and the
// suite stops if the in-place parser and the JSONDecoder baseline disagree on a field.
//
// Names carry no "/" because the threshold files (`Thresholds/`, mallocCountTotal only) are named after them.

import Benchmark
import Foundation
import GaugeCore

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        units: [.mallocCountTotal: .count],  // exact counts: the automatic unit would print 38015 as "38 K"
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    detectorBenchmarks()
    storageBenchmarks()
    ringBenchmarks()

    // MARK: - Codecs: one realistic frame each

    for frame in Frames.all {
        let bytes = frame.bytes
        var preflight: (any Error)?
        do {
            _ = try bytes.withUnsafeBytes { buffer in
                try PayloadDecoder.decode(frame.codec, device: frame.device, fPort: frame.fPort, buffer)
            }
        } catch {
            preflight = error
        }
        if let preflight {
            // A placeholder codec ("codec not implemented yet") or a frame the codec rejects: nothing to time.
            FileHandle.standardError.write(Data("skipping \(frame.name): \(preflight)\n".utf8))
        }
        Benchmark(frame.name, configuration: .init(skip: preflight != nil)) { benchmark in
            // The daemon decodes into one reading it reuses; so does the benchmark.
            var reading = Reading(kind: .measurement)
            bytes.withUnsafeBytes { buffer in
                for _ in benchmark.scaledIterations {
                    try! PayloadDecoder.decode(
                        frame.codec, device: frame.device, fPort: frame.fPort, buffer, into: &reading)
                    blackHole(reading)
                }
            }
        }
    }

    // MARK: - Envelopes: in place against JSONDecoder, on the same bytes

    // A JSONDecoder sample (1000 decodes) takes tens of milliseconds: a longer run gives it enough samples.
    let baselineConfiguration = Benchmark.Configuration(maxDuration: .seconds(5))

    for message in EnvelopeMessage.all {
        let bytes = Array(message.text.utf8)
        let data = Data(bytes)
        // Both sides must extract the same uplink, or the comparison means nothing.
        let inPlace = InPlace.uplink(message.format, bytes)
        let baseline = try! Baseline(message.format).uplink(data)
        baseline.assertSameAs(inPlace, message: message.name)

        // Made once, as the daemon does, so the timed loop holds nothing but the decode. The payload buffer lives as
        // long as the process.
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: Envelope.payloadCapacity, alignment: 8)
        let decoder = Baseline(message.format)

        Benchmark("envelope \(message.name)") { benchmark in
            bytes.withUnsafeBytes { text in
                for _ in benchmark.scaledIterations {
                    blackHole(try! Envelope.parse(message.format, topic: noTopic, message: text, payload: payload))
                }
            }
        }

        Benchmark("jsondecoder \(message.name)", configuration: baselineConfiguration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try! decoder.uplink(data))
            }
        }

        guard message.carriesMPSCv1 else { continue }

        Benchmark("envelope+mpsc-v1 \(message.name)") { benchmark in
            bytes.withUnsafeBytes { text in
                for _ in benchmark.scaledIterations {
                    let result = try! Envelope.parse(message.format, topic: noTopic, message: text, payload: payload)
                    guard case .uplink(let uplink) = result else { fatalError("not an uplink") }
                    let frame = UnsafeRawBufferPointer(rebasing: payload[..<uplink.payloadCount])
                    blackHole(uplink)
                    blackHole(try! PayloadDecoder.decode(.mpscV1, device: nil, fPort: uplink.fPort, frame))
                }
            }
        }

        Benchmark("jsondecoder+mpsc-v1 \(message.name)", configuration: baselineConfiguration) { benchmark in
            for _ in benchmark.scaledIterations {
                let uplink = try! decoder.uplink(data)
                blackHole(uplink)
                blackHole(try! uplink.payload.withUnsafeBytes { frame in
                    try PayloadDecoder.decode(.mpscV1, device: nil, fPort: uplink.fPort, frame)
                })
            }
        }
    }
}

// MARK: - Frames

/// One frame per codec, copied from the shared vectors (the vector id says which); hex as in the vector.
struct Frame: Sendable {
    var name: String
    var codec: Codec
    var device: DeviceModel?
    var fPort: UInt8?
    var hex: String

    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}

enum Frames {
    static let all: [Frame] = [
        // mpsc-v1.json "worked example": measurement, battery + temperature, 3 samples (19 bytes).
        Frame(name: "codec mpsc-v1", codec: .mpscV1, hex: "1103002A003C0300050E1000D70FA00F820F64"),
        // mpsc-v1.json "16 samples, all fields (51 bytes, the maximum)": the largest frame.
        Frame(
            name: "codec mpsc-v1 51B",
            codec: .mpscV1,
            hex: "1103FFFF003C10001E0CF0FFD60BB80B9F0B860B6D0B540B3B0B220B090AF00AD70ABE0AA50A8C0A730A5A0A41"
        ),
        // codecs.json lorawan-devices:dragino:ldds75:ldds75-114-codec.yaml:0 (distance 2799 mm, 3387 mV).
        Frame(name: "codec dragino-ldds", codec: .draginoLDDS, device: .ldds75, fPort: 2, hex: "0D3B0AEF00000001"),
        // codecs.json lorawan-devices:dragino:lmds200:lmds200-codec.yaml:0 (2952 mV).
        Frame(name: "codec dragino-lmds200", codec: .draginoLMDS200, device: .lmds200, fPort: 2, hex: "0B880100250001"),
        // codecs.json lorawan-devices:milesight-iot:em400-mud:em400-mud-codec.yaml:0 (battery, temperature,
        // distance 2116 mm, tilt).
        Frame(
            name: "codec milesight",
            codec: .milesight,
            device: .em400MUD,
            fPort: 85,
            hex: "01755C0367010104824408050001"
        ),
        // codecs.json lorawan-devices:decentlab:dl-mbx:dl-mbx-codec.yaml:0 (distance 1234 mm, 2993 mV).
        Frame(name: "codec decentlab", codec: .decentlab, device: .dlMBX, fPort: 1, hex: "02012F000304D200010BB1"),
        // codecs.json iot-agent:vega:vegapuls-air-41:decoders.vegapuls_test.go:0 (2000 mm, 96 %, 20.9 °C).
        Frame(
            name: "codec vegapuls-air",
            codec: .vegapulsAir,
            device: .vegapulsAir41,
            fPort: 1,
            hex: "0200400000002D6000D1AF"
        ),
    ]
}

// MARK: - Envelope messages

struct EnvelopeMessage: Sendable {
    var name: String
    var format: EnvelopeFormat
    var text: String
    var carriesMPSCv1 = false

    static let all: [EnvelopeMessage] = [
        EnvelopeMessage(
            name: "ttn-v3 realistic",
            format: .ttnV3,
            text: Messages.realisticTTN,
            carriesMPSCv1: true
        ),
        EnvelopeMessage(name: "ttn-v3 docs-mqtt", format: .ttnV3, text: Messages.docsTTNMQTTUplink),
        EnvelopeMessage(name: "ttn-v3 docs-formats", format: .ttnV3, text: Messages.docsTTNDataFormatsUplink),
        EnvelopeMessage(
            name: "chirpstack-v4 realistic",
            format: .chirpstackV4,
            text: Messages.realisticChirpStack,
            carriesMPSCv1: true
        ),
        EnvelopeMessage(name: "chirpstack-v4 docs-up", format: .chirpstackV4, text: Messages.docsChirpStackUp),
    ]
}

// MARK: - In place

/// Only `raw` reads the topic.
var noTopic: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }

enum InPlace {
    /// The uplink and its FRMPayload, for checking against the baseline outside the timed loops.
    static func uplink(_ format: EnvelopeFormat, _ message: [UInt8]) -> (Uplink, [UInt8]) {
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: Envelope.payloadCapacity, alignment: 8)
        defer { payload.deallocate() }
        let result = message.withUnsafeBytes { text in
            try! Envelope.parse(format, topic: noTopic, message: text, payload: payload)
        }
        guard case .uplink(let uplink) = result else { fatalError("benchmark message is not an uplink") }
        return (uplink, Array(payload[..<uplink.payloadCount]))
    }
}
