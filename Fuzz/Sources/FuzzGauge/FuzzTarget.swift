import GaugeCore

/// One fuzz target: a codec family or an envelope format, named as in the configuration (`mpsc-v1`, `ttn-v3`).
///
/// The fuzzer (`Fuzz/`) runs inputs through `run`, and so do the regression tests, which compile this same file
/// (`Tests/GaugeCoreTests/FuzzTarget.swift` is a link to it): a saved crash is replayed through the checks that
/// found it.
///
/// What an input is:
/// - `mpsc-v1`: the frame.
/// - the vendor codecs: byte 0 picks the device model (`codec.devices[byte % count]`), byte 1 is the FPort
///   (0 stands for none: the daemon never hands port 0 to a codec, but does hand a missing one), the rest is
///   the frame.
/// - `ttn-v3`, `chirpstack-v4`: the MQTT message.
/// - `raw`: byte 0 is the topic's length, then come the topic and the message.
/// - `capture`: one line of a capture file (without its newline), read as both formats `floodgauge replay` knows.
///
/// As in the daemon, an envelope's uplink goes on to the codec of the gauge with its DevEUI. The fuzzed
/// configuration has one gauge per entry of `decoders`: DevEUI `d` is gauge `d % decoders.count`.
enum FuzzTarget: CaseIterable {
    case codec(Codec)
    case envelope(EnvelopeFormat)
    case captureLine

    static var allCases: [FuzzTarget] {
        Codec.allCases.map(codec) + EnvelopeFormat.allCases.map(envelope) + [captureLine]
    }

    /// Every codec with each of its device models: `mpsc-v1` once, then the vendor models in declaration order.
    static let decoders: [(codec: Codec, device: DeviceModel?)] = Codec.allCases.flatMap { codec in
        codec.devices.isEmpty ? [(codec, nil)] : codec.devices.map { (codec, $0) }
    }

    /// A reading as a reused one may be left: every field set and every sample slot taken.
    private static let leftover = {
        var reading = Reading(kind: .status)
        while reading.samples.count < SampleList.capacity {
            reading.samples.append(Sample(offsetSeconds: -1, value: .depth(mm: -1)))
        }
        reading.batteryMillivolts = -1
        reading.batteryPercent = -1
        reading.temperatureCelsius = -1
        reading.fault = true
        reading.tilt = true
        reading.deviceAlarm = true
        reading.sequence = 1
        reading.intervalSeconds = 1
        reading.ageSeconds = 1
        reading.status = DeviceStatus(
            firmwareMajor: 1, firmwareMinor: 1, resetCause: .other, uptimeSeconds: 1, signalQualityPercent: 1)
        return reading
    }()

    init?(name: String) {
        guard let target = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = target
    }

    var name: String {
        switch self {
        case .codec(let codec): codec.rawValue
        case .envelope(let format): format.rawValue
        case .captureLine: "capture"
        }
    }

    /// Decodes `input` as the daemon would and traps when the outcome breaks an invariant. Rejecting an input
    /// is fine: most are garbage.
    func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .codec(let codec) where codec.devices.isEmpty:
            decode(codec, device: nil, fPort: nil, input)
        case .codec(let codec):
            guard input.count >= 2 else { return }
            let device = codec.devices[Int(input[0]) % codec.devices.count]
            decode(codec, device: device, fPort: input[1] == 0 ? nil : input[1], .init(rebasing: input[2...]))
        case .envelope(.raw):
            guard let topicLength = input.first else { return }
            let topicEnd = min(input.count, 1 + Int(topicLength))
            parse(.raw, topic: .init(rebasing: input[1..<topicEnd]), message: .init(rebasing: input[topicEnd...]))
        case .envelope(let format):
            parse(format, topic: UnsafeRawBufferPointer(start: nil, count: 0), message: input)
        case .captureLine:
            readCaptureLine(input)
        }
    }

    private func readCaptureLine(_ line: UnsafeRawBufferPointer) {
        if case .message(let message)? = try? CaptureLine.json(line) {
            check(message.topic.count + message.payload.count <= line.count, "a message larger than its line")
            check(Timestamp.parseRFC3339(message.time.rfc3339) == message.time, "\(message.time) does not read back")
        }
        guard let message = try? CaptureLine.mosquitto(line) else { return }
        // Written back as mosquitto_sub prints it, with the time as RFC 3339, the line reads as the same message.
        let again = Array(message.time.rfc3339.utf8) + [0x20] + message.topic + [0x20]
            + Array(message.payload.withUnsafeBytes { Hex.format($0) }.utf8)
        let reread = again.withUnsafeBytes { try? CaptureLine.mosquitto($0) }
        check(reread == message, "\(message) written back read as \(String(describing: reread))")
    }

    private func parse(_ format: EnvelopeFormat, topic: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) {
        let capacity = Envelope.payloadCapacity
        withUnsafeTemporaryAllocation(byteCount: 2 * capacity, alignment: 1) { buffers in
            // Two payload buffers filled differently: the result must not depend on what a buffer held before.
            let payload = UnsafeMutableRawBufferPointer(rebasing: buffers[..<capacity])
            let other = UnsafeMutableRawBufferPointer(rebasing: buffers[capacity...])
            payload.initializeMemory(as: UInt8.self, repeating: 0x00)
            other.initializeMemory(as: UInt8.self, repeating: 0xFF)
            let result = Result { () throws(DecodeError) in
                try Envelope.parse(format, topic: topic, message: message, payload: payload)
            }
            let again = Result { () throws(DecodeError) in
                try Envelope.parse(format, topic: topic, message: message, payload: other)
            }
            check(result == again, "parsing twice gave \(result) and then \(again)")
            guard case .success(.uplink(let uplink)) = result else {
                check(format != .raw || result != .success(.notUplink), "a raw message is always an uplink")
                return
            }
            let count = uplink.payloadCount
            check((0...capacity).contains(count), "payloadCount \(count) outside the \(capacity)-byte buffer")
            check(payload[..<count].elementsEqual(other[..<count]), "the payload depends on the buffer's old bytes")
            check(
                payload[count...].allSatisfy { $0 == 0x00 } && other[count...].allSatisfy { $0 == 0xFF },
                "bytes written past payloadCount \(count)"
            )
            if format == .raw {
                check(uplink.devEUI != nil && uplink.fPort != nil, "a raw uplink without its topic's DevEUI and FPort")
                check(payload[..<count].elementsEqual(message), "a raw payload that is not the message")
            }
            guard let devEUI = uplink.devEUI else { return }  // the daemon rejects it: no gauge to decode for
            let gauge = Self.decoders[Int(devEUI % UInt64(Self.decoders.count))]
            decode(gauge.codec, device: gauge.device, fPort: uplink.fPort, .init(rebasing: payload[..<count]))
        }
    }

    private func decode(_ codec: Codec, device: DeviceModel?, fPort: UInt8?, _ frame: UnsafeRawBufferPointer) {
        let result = Result { () throws(DecodeError) in
            try PayloadDecoder.decode(codec, device: device, fPort: fPort, frame)
        }
        // The daemon decodes each frame into the reading the previous one left, decoded or rejected: nothing of it
        // may show. `Reading` is not Equatable; its JSON has every field, and is what `floodgauge decode` prints.
        var reused = Self.leftover
        let again = Result { () throws(DecodeError) in
            try PayloadDecoder.decode(codec, device: device, fPort: fPort, frame, into: &reused)
            return reused.json
        }
        let json = result.map(\.json)
        check(json == again, "\(codec.rawValue) decoded a frame to \(json), and into a reused reading to \(again)")
        guard case .success(let reading) = result else { return }
        check(reading.samples.count <= SampleList.capacity, "\(reading.samples.count) samples")
        check(reading.kind == .measurement || reading.samples.isEmpty, "a status with samples: \(json)")
        // A NaN or infinite value is a gap, and a temperature that is not a number is not reported.
        check(reading.temperatureCelsius?.isFinite != false, "a temperature that is not a number: \(json)")
        // mpsc-v1 gauges look down at the water and send a history; a vendor model measures what its
        // `measuresDepth` says, once, at transmission (codecs.md, "Sample times").
        let measuresDepth = device?.measuresDepth ?? false
        for sample in reading.samples {
            let time = device == nil ? sample.offsetSeconds <= 0 : sample.offsetSeconds == 0
            check(time, "a sample at \(sample.offsetSeconds) s: \(json)")
            switch sample.value {
            case .distance(let mm):
                check(!measuresDepth, "a distance from a depth sensor: \(json)")
                check(mm.isFinite, "a distance that is not a number: \(json)")
            case .depth(let mm):
                check(measuresDepth, "a depth from a distance sensor: \(json)")
                check(mm.isFinite, "a depth that is not a number: \(json)")
            case .gap: break
            }
        }
    }

    /// Traps with what went wrong: libFuzzer then saves the input, and a regression test's child process fails.
    private func check(_ invariant: Bool, _ violation: @autoclosure () -> String) {
        if !invariant { fatalError("fuzz target \(name): \(violation())") }
    }
}
