/// The `mpsc-v1` codec: the MPSC gauges' own frames (`shared/spec/mpsc-gauge-payload-v1.md`).
///
/// The checks run in a fixed order (size, frame type, header, flags, sample count, interval, exact length; for
/// a status frame its length, then its enumerated fields), so every invalid frame fails for the one reason the
/// shared vectors give it.
public enum MPSCv1 {
    /// The largest frame: it must fit LoRaWAN EU868 at DR0–DR2.
    public static let maximumFrameLength = 51

    /// Decodes one FRMPayload.
    ///
    /// Sample offsets are relative to the uplink's receive time: sample `i` of `n` (0 = oldest) lies
    /// `age_s + (n − 1 − i) · interval_s` seconds before it.
    ///
    /// - Throws: `"empty"`, `"too long"`, `"unknown frame type"`, `"truncated"`, `"trailing bytes"`,
    ///   `"reserved flag bits"`, `"bad sample count"`, `"bad interval"`, `"bad reset cause"` or
    ///   `"bad signal quality"`.
    @inline(__always)
    public static func decode(_ frame: UnsafeRawBufferPointer, into reading: inout Reading) throws(DecodeError) {
        guard !frame.isEmpty else { throw DecodeError("empty") }
        guard frame.count <= maximumFrameLength else { throw DecodeError("too long") }
        var reader = ByteReader(frame)
        switch try reader.readInteger(as: UInt8.self, orThrow: "truncated") {
        case 0x11: try measurement(&reader, into: &reading)
        case 0x12: try status(&reader, into: &reading)
        default: throw DecodeError("unknown frame type")
        }
    }

    private enum Flag {
        static let battery: UInt8 = 1 << 0
        static let temperature: UInt8 = 1 << 1
        static let deviceAlarm: UInt8 = 1 << 2
        static let fault: UInt8 = 1 << 3
        static let tilt: UInt8 = 1 << 4
        static let reserved: UInt8 = 0b1110_0000
    }

    @inline(__always)
    private static func measurement(_ reader: inout ByteReader, into reading: inout Reading) throws(DecodeError) {
        let flags = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
        let sequence = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        let interval = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        let count = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
        let age = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        guard flags & Flag.reserved == 0 else { throw DecodeError("reserved flag bits") }
        guard (1...SampleList.capacity).contains(Int(count)) else { throw DecodeError("bad sample count") }
        guard (1...3600).contains(interval) else { throw DecodeError("bad interval") }
        // The spec's length rule (9 + 2·BAT + 2·TMP + 2·n) decides between "truncated" and "trailing bytes"
        // before any field is taken, so the reads below cannot fail.
        let optionalFields = (flags & Flag.battery == 0 ? 0 : 2) + (flags & Flag.temperature == 0 ? 0 : 2)
        try reader.requireReadableBytes(exactly: optionalFields + 2 * Int(count))

        reading.reset(.measurement)
        reading.sequence = sequence
        reading.intervalSeconds = interval
        reading.ageSeconds = age
        reading.deviceAlarm = flags & Flag.deviceAlarm != 0
        reading.fault = flags & Flag.fault != 0
        reading.tilt = flags & Flag.tilt != 0
        if flags & Flag.battery != 0 {
            reading.batteryMillivolts = Int32(try reader.readInteger(as: UInt16.self, orThrow: "truncated"))
        }
        if flags & Flag.temperature != 0 {
            reading.temperatureCelsius = Double(try reader.readInteger(as: Int16.self, orThrow: "truncated")) / 10
        }
        for index in 0..<Int32(count) {
            let distance = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
            // Samples come oldest first; the newest is `age` seconds old, each older one `interval` more.
            let offset = -Int32(age) - (Int32(count) - 1 - index) * Int32(interval)
            let value: SampleValue = distance == 0xFFFF ? .gap(.noEcho) : .distance(mm: Double(distance))
            reading.samples.append(Sample(offsetSeconds: offset, value: value))
        }
    }

    @inline(__always)
    private static func status(_ reader: inout ByteReader, into reading: inout Reading) throws(DecodeError) {
        // The type byte is read; the rest of a status frame is 12 bytes.
        try reader.requireReadableBytes(exactly: 12)
        let major = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
        let minor = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
        let resetCause = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
        let battery = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        let uptime = try reader.readInteger(as: UInt32.self, orThrow: "truncated")
        let interval = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        let signalQuality = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
        guard let cause = DeviceStatus.ResetCause(rawValue: resetCause) else { throw DecodeError("bad reset cause") }
        guard signalQuality <= 100 else { throw DecodeError("bad signal quality") }

        reading.reset(.status)
        reading.batteryMillivolts = Int32(battery)
        reading.intervalSeconds = interval
        reading.status = DeviceStatus(
            firmwareMajor: major,
            firmwareMinor: minor,
            resetCause: cause,
            uptimeSeconds: uptime,
            signalQualityPercent: signalQuality
        )
    }
}
