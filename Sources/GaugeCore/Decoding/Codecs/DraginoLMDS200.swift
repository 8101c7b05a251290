/// The `dragino-lmds200` codec: the two-target 24 GHz radars Dragino LMDS200 and MDS200-LB
/// (`shared/spec/codecs.md`, "dragino-lmds200").
///
/// A measurement reports its battery and distance alarm but **no sample**: codecs.md maps dis1 to `distance_mm`
/// only "once its unit is known" (mm or cm; no public source says), and a guessed unit would put the water level
/// off by a factor of ten. No "no target" sentinel is known either.
public enum DraginoLMDS200 {
    /// Decodes one FRMPayload.
    ///
    /// - Parameters:
    ///   - device: `lmds200` or `mds200-lb`; both send the same frames.
    ///   - fPort: the uplink's FPort. A frame without one is rejected: only the port tells a measurement from a
    ///     status frame.
    /// - Throws: `"empty"`, `"missing fPort"`, `"unknown fPort"`, `"unsupported datalog frame"`, `"truncated"`,
    ///   `"trailing bytes"` or `"device model does not belong to the codec"`.
    public static func decode(
        _ device: DeviceModel,
        fPort: UInt8?,
        _ frame: UnsafeRawBufferPointer,
        into reading: inout Reading
    ) throws(DecodeError) {
        guard device.codec == .draginoLMDS200 else { throw DecodeError("device model does not belong to the codec") }
        var reader = ByteReader(frame)
        switch try Dragino.port(fPort, of: frame) {
        case 2:
            try measurement(&reader, into: &reading)
        case 4:
            // Config echo: TDC (3 bytes), ATDC (1), alarm minimum (2), alarm maximum (2), interrupt (1).
            try Dragino.status(&reader, length: 9, into: &reading)
        case 5:
            // Unlike the `dragino-ldds` family, this family's decoders apply no flag mask to the battery.
            try Dragino.deviceStatus(&reader, batteryMask: 0xFFFF, into: &reading)
        case let port:
            throw Dragino.unsupported(port)
        }
    }

    /// fPort 2: battery mV (2 bytes), dis1 (2), dis2 (2), alarm byte (1).
    private static func measurement(_ reader: inout ByteReader, into reading: inout Reading) throws(DecodeError) {
        try reader.requireReadableBytes(exactly: 7)
        let battery = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        try reader.skip(4, orThrow: "truncated")  // dis1 and dis2: unit unresolved, see the type's documentation
        let alarms = try reader.readInteger(as: UInt8.self, orThrow: "truncated")

        reading.reset(.measurement)
        reading.batteryMillivolts = Int32(battery)
        // Bits 7–2 count alarms and bit 0 is the interrupt; only bit 1, the distance alarm, is mapped.
        reading.deviceAlarm = alarms & 0b10 != 0
    }
}
