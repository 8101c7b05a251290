/// The `vegapuls-air` codec: the VEGAPULS Air 41 and 23 80 GHz radars (`shared/spec/codecs.md`, "vegapuls-air").
///
/// Byte 0 is the packet type and decides which fields follow; the fPort is not used. Only the distance, the
/// remaining power and the temperature are mapped. The layout comes from a third-party decoder (no official VEGA
/// document is public), so the NAMUR state, whose coding is unconfirmed, does not set `fault`.
public enum VegapulsAir {
    /// Decodes one FRMPayload.
    ///
    /// Packet types 2–5, 8–15 and 18–20 are measurements. Types 6, 7, 21 and 22 (no distance, power or
    /// temperature) and the device-information packets 16, 17 and 23–26 are status frames.
    ///
    /// - Parameter device: `vegapuls-air-41` or `vegapuls-air-23`; both send the same packets.
    /// - Throws: `"empty"`, `"unknown packet type"`, `"truncated"`, `"trailing bytes"` or
    ///   `"device model does not belong to the codec"`.
    public static func decode(
        _ device: DeviceModel, _ frame: UnsafeRawBufferPointer, into reading: inout Reading
    ) throws(DecodeError) {
        guard device.codec == .vegapulsAir else { throw DecodeError("device model does not belong to the codec") }
        var reader = ByteReader(frame)
        guard let packetType = reader.readInteger(as: UInt8.self) else { throw DecodeError("empty") }
        // codecs.md names what the device-information packets hold but not their byte layout, so their length
        // cannot be checked; nothing is read from them, so nothing can be misread.
        guard let (kind, fields) = try layout(ofPacketType: packetType) else {
            reading.reset(.status)
            return
        }
        try reader.requireReadableBytes(exactly: fields.byteCount)

        // The fields in frame order; the ones the reading model does not map are stepped over.
        reading.reset(kind)
        try skip(.namurState, of: fields, &reader)
        if fields.contains(.distance) {
            let distance = try reader.readFloat32(orThrow: "truncated")
            let unit = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
            reading.samples.append(Sample(offsetSeconds: 0, value: sample(distance, unit: unit)))
        }
        try skip(.percentages, of: fields, &reader)
        if fields.contains(.remainingPower) {
            reading.batteryPercent = Int32(try reader.readInteger(as: UInt8.self, orThrow: "truncated"))
        }
        if fields.contains(.legacyTemperature) {
            let tenths = try reader.readInteger(as: Int16.self, orThrow: "truncated")
            reading.temperatureCelsius = celsius(tenths, unit: HARTUnit.degreesCelsius)
        }
        try skip(.gnss, of: fields, &reader)
        try skip(.detailState, of: fields, &reader)
        if fields.contains(.temperature) {
            let tenths = try reader.readInteger(as: Int16.self, orThrow: "truncated")
            let unit = try reader.readInteger(as: UInt8.self, orThrow: "truncated")
            reading.temperatureCelsius = celsius(tenths, unit: unit)
        }
        // The inclination, the last byte where present, is not mapped.
    }

    /// The fields a packet can carry, in the order they appear in it.
    private struct Fields: OptionSet {
        var rawValue: UInt16

        static let namurState = Fields(rawValue: 1 << 0)
        /// float32 and its HART unit.
        static let distance = Fields(rawValue: 1 << 1)
        /// Percent and linearised percent (int16 / 100 each), scaled value (float32) and its unit.
        static let percentages = Fields(rawValue: 1 << 2)
        static let remainingPower = Fields(rawValue: 1 << 3)
        /// Packet types 2–5: int16 in 0.1 °C, without a unit, before the optional groups.
        static let legacyTemperature = Fields(rawValue: 1 << 4)
        /// Latitude and longitude, float32 each.
        static let gnss = Fields(rawValue: 1 << 5)
        static let detailState = Fields(rawValue: 1 << 6)
        /// int16 in tenths of its HART unit, then the unit.
        static let temperature = Fields(rawValue: 1 << 7)
        static let inclination = Fields(rawValue: 1 << 8)

        /// How many bytes the fields take.
        var byteCount: Int {
            var count = 0
            if contains(.namurState) { count += 1 }
            if contains(.distance) { count += 5 }
            if contains(.percentages) { count += 9 }
            if contains(.remainingPower) { count += 1 }
            if contains(.legacyTemperature) { count += 2 }
            if contains(.gnss) { count += 8 }
            if contains(.detailState) { count += 4 }
            if contains(.temperature) { count += 3 }
            if contains(.inclination) { count += 1 }
            return count
        }
    }

    /// What a packet type yields and the fields that follow its type byte; `nil` for a device-information packet.
    private static func layout(
        ofPacketType type: UInt8
    ) throws(DecodeError) -> (kind: Reading.Kind, fields: Fields)? {
        switch type {
        case 2...5:
            // Older firmware. One optional group per bit of (type − 2): bit 0 GNSS, bit 1 detail state.
            var fields: Fields = [.namurState, .distance, .remainingPower, .legacyTemperature, .inclination]
            if (type - 2) & 0b01 != 0 { fields.insert(.gnss) }
            if (type - 2) & 0b10 != 0 { fields.insert(.detailState) }
            return (.measurement, fields)
        case 8...15:
            // Type 8's fields plus one optional group per bit of (type − 8): bit 0 GNSS, bit 1 NAMUR and detail
            // state, bit 2 the percentages. This is codecs.md's table for types 8–15, read by columns.
            var fields: Fields = [.distance, .remainingPower, .temperature, .inclination]
            if (type - 8) & 0b001 != 0 { fields.insert(.gnss) }
            if (type - 8) & 0b010 != 0 { fields.formUnion([.namurState, .detailState]) }
            if (type - 8) & 0b100 != 0 { fields.insert(.percentages) }
            return (.measurement, fields)
        case 18: return (.measurement, [.distance, .remainingPower, .temperature, .inclination])
        case 19: return (.measurement, [.namurState, .distance, .remainingPower, .inclination])
        case 20: return (.measurement, [.namurState, .detailState, .temperature])
        case 6, 21: return (.status, [.namurState, .gnss])
        case 7: return (.status, [.namurState, .detailState])
        case 22: return (.status, [.namurState, .percentages])
        case 16, 17, 23...26: return nil
        default: throw DecodeError("unknown packet type")
        }
    }

    /// The HART unit codes the packets use.
    private enum HARTUnit {
        static let feet: UInt8 = 44
        static let metres: UInt8 = 45
        static let inches: UInt8 = 47
        static let millimetres: UInt8 = 49
        static let degreesCelsius: UInt8 = 32
        static let degreesFahrenheit: UInt8 = 33
    }

    /// A distance in a HART length unit as a sample in millimetres, with the decimals the float32 resolves.
    private static func sample(_ distance: Float, unit: UInt8) -> SampleValue {
        // A NaN (0x7FFFFFFF is the "no valid measurement" value) or an infinity carries no value, whatever the unit.
        guard distance.isFinite else { return .gap(.nan) }
        let millimetresPerUnit: Double
        switch unit {
        case HARTUnit.metres: millimetresPerUnit = 1000
        case HARTUnit.millimetres: millimetresPerUnit = 1
        case HARTUnit.feet: millimetresPerUnit = 304.8
        case HARTUnit.inches: millimetresPerUnit = 25.4
        // Also 48, centimetres in HART, which the source decoder does not handle: unknown until confirmed.
        default: return .gap(.unknownUnit)
        }
        return .distance(mm: Double(distance) * millimetresPerUnit)
    }

    /// A temperature in tenths of a HART unit, in °C; `nil` (not reported) for 0x8000 or another unit.
    private static func celsius(_ tenths: Int16, unit: UInt8) -> Double? {
        // 0x8000 is the device's NaN. codecs.md states it for the newer packets; in types 2–5 it would read
        // −3276.8 °C, which is no temperature either.
        guard tenths != Int16.min else { return nil }
        let value = Double(tenths) / 10
        switch unit {
        case HARTUnit.degreesCelsius: return value
        case HARTUnit.degreesFahrenheit: return (value - 32) * 5 / 9
        default: return nil
        }
    }

    /// Steps over a field that is not mapped, where the packet has it.
    private static func skip(_ field: Fields, of fields: Fields, _ reader: inout ByteReader) throws(DecodeError) {
        if fields.contains(field) { try reader.skip(field.byteCount, orThrow: "truncated") }
    }
}
