/// The `dragino-ldds` codec: the 8-byte distance frame of the Dragino LDDS75, LDDS20, LDDS45, DDS75-LB, DDS20-LB,
/// DDS45-LB, LMDS120 and MDS120-LB (`shared/spec/codecs.md`, "dragino-ldds").
///
/// The fPort decides what a frame is: 2 a measurement, 5 the device status, 4 the MDS120-LB's config echo. The one
/// sample of a measurement is taken at transmission (offset 0).
public enum DraginoLDDS {
    /// Decodes one FRMPayload.
    ///
    /// - Parameters:
    ///   - device: one of the eight models above. It decides distance or depth (`DeviceModel.measuresDepth`), the
    ///     DDS75-LB's exceptions and the LMDS120's status layout.
    ///   - fPort: the uplink's FPort. A frame without one is rejected: only the port tells a measurement from a
    ///     status frame.
    /// - Throws: `"empty"`, `"missing fPort"`, `"unknown fPort"`, `"unsupported datalog frame"`,
    ///   `"unsupported detect-mode frame"`, `"unsupported multi-distance frame"`, `"truncated"` or
    ///   `"trailing bytes"` or `"device model does not belong to the codec"`.
    public static func decode(
        _ device: DeviceModel,
        fPort: UInt8?,
        _ frame: UnsafeRawBufferPointer,
        into reading: inout Reading
    ) throws(DecodeError) {
        guard device.codec == .draginoLDDS else { throw DecodeError("device model does not belong to the codec") }
        var reader = ByteReader(frame)
        switch try Dragino.port(fPort, of: frame) {
        case 2:
            try measurement(device, &reader, into: &reading)
        case 4 where device == .mds120LB:
            // Config echo (TDC, stop timer, alarm timer): 7 bytes, as Dragino's decoder reads them.
            try Dragino.status(&reader, length: 7, into: &reading)
        case 5 where device == .lmds120:
            // The LMDS120 lays its status out differently (band first, model last) and sends no battery.
            try Dragino.status(&reader, length: 6, into: &reading)
        case 5:
            try Dragino.deviceStatus(&reader, batteryMask: batteryMask, into: &reading)
        case 6 where device == .dds75LB:
            throw DecodeError("unsupported detect-mode frame")
        case let port:
            throw Dragino.unsupported(port)
        }
    }

    /// Bits 15–14 of a battery word are status flags (bit 15: uplink triggered by the interrupt pin), not voltage.
    private static let batteryMask: UInt16 = 0x3FFF

    /// fPort 2: battery (2 bytes), distance mm (2), interrupt flag (1), DS18B20 0.1 °C (2), sensor flag (1).
    private static func measurement(
        _ device: DeviceModel, _ reader: inout ByteReader, into reading: inout Reading
    ) throws(DecodeError) {
        // Bit 4 of byte 0 (impossible in a real battery voltage) marks the DDS75-LB's multi-distance frame, whose
        // bytes 2–7 are undocumented. Checked first: such a frame is longer than 8 bytes, and this is the reason.
        if device == .dds75LB, let first = reader.bytes.first, first & 0x10 != 0 {
            throw DecodeError("unsupported multi-distance frame")
        }
        try reader.requireReadableBytes(exactly: 8)
        let battery = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        let distance = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        try reader.skip(1, orThrow: "truncated")  // interrupt flag: not mapped
        let probe = try reader.readInteger(as: Int16.self, orThrow: "truncated")
        // The last byte, the sensor flag, is not mapped.

        reading.reset(.measurement)
        reading.batteryMillivolts = Int32(battery & batteryMask)
        reading.samples.append(Sample(offsetSeconds: 0, value: sample(device, distance: distance)))
        // 0x0000 is what the device sends without a DS18B20 probe, and cannot be told from 0.0 °C. The DDS75-LB's
        // scale is disputed (Dragino's decoders divide by 10 or by 100), so it reports none until that is settled.
        if device != .dds75LB, probe != 0 {
            reading.temperatureCelsius = Double(probe) / 10
        }
    }

    /// The same sentinels for all eight models: 0 and 20 mm lie in every model's blind zone, and 0x3FFF (16 383 mm,
    /// documented for the radar models) beyond every model's range.
    private static func sample(_ device: DeviceModel, distance: UInt16) -> SampleValue {
        switch distance {
        case 0: .gap(.noSensor)
        case 20, 0x3FFF: .gap(.invalidReading)
        // The LDDS20 and DDS20-LB sit under a tank bottom: the same number is the water column above them.
        default: device.measuresDepth ? .depth(mm: Double(distance)) : .distance(mm: Double(distance))
        }
    }
}

// MARK: - Shared with `DraginoLMDS200`

/// The frame rules both Dragino codecs follow (`codecs.md`): the fPort decides what a frame is, fPort 3 carries
/// datalog records and fPort 5 the device status.
enum Dragino {
    /// The frame's port, once the frame is known not to be empty.
    ///
    /// A frame without a port is rejected rather than guessed at: the same 7 bytes are a measurement on fPort 2
    /// and a device status on fPort 5.
    static func port(_ fPort: UInt8?, of frame: UnsafeRawBufferPointer) throws(DecodeError) -> UInt8 {
        guard !frame.isEmpty else { throw DecodeError("empty") }
        guard let fPort else { throw DecodeError("missing fPort") }
        return fPort
    }

    /// The device status on fPort 5: model (1 byte), firmware version (2), frequency band (1), sub-band (1),
    /// battery mV (2). Only the battery belongs to the reading model.
    static func deviceStatus(
        _ reader: inout ByteReader, batteryMask: UInt16, into reading: inout Reading
    ) throws(DecodeError) {
        try reader.requireReadableBytes(exactly: 7)
        try reader.skip(5, orThrow: "truncated")  // model, firmware, band, sub-band: not part of the reading model
        let battery = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        reading.reset(.status)
        reading.batteryMillivolts = Int32(battery & batteryMask)
    }

    /// A frame that carries nothing of the reading model (a config echo, the LMDS120's status): only its length is
    /// checked.
    static func status(_ reader: inout ByteReader, length: Int, into reading: inout Reading) throws(DecodeError) {
        try reader.requireReadableBytes(exactly: length)
        reading.reset(.status)
    }

    /// Why a frame on a port without a supported layout is rejected.
    static func unsupported(_ fPort: UInt8) -> DecodeError {
        // fPort 3 is a datalog poll reply: records with their own unix times, not supported in this version.
        fPort == 3 ? DecodeError("unsupported datalog frame") : DecodeError("unknown fPort")
    }
}
