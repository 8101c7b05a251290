/// The `decentlab` codec: Decentlab protocol version 2 for DL-MBX, DL-RAD, DL-LID, DL-PR21, DL-PR26, DL-PR36,
/// DL-PR36CTD and DL-CTD10 (`shared/spec/codecs.md`, section `decentlab`).
///
/// A frame is a header (version 2, device id, flags) and the sensor groups its flags name, in bit order, as
/// big-endian 16-bit words. The frame names no model, so the configured device model decides the size and the
/// formulas of group 0. Every model of codecs.md has two groups: bit 0 is the sensor, bit 1 the battery. The
/// fPort is not used, as in the vendor decoders.
public enum Decentlab {
    /// Decodes one FRMPayload.
    ///
    /// Group 0 adds one sample at offset 0; a frame with only the battery group is a `measurement` without samples.
    ///
    /// - Throws: `"empty"`, `"unsupported protocol version"`, `"truncated"`, `"no sensor group"` (flags 0),
    ///   `"unknown sensor group"`, `"trailing bytes"` or `"device model does not belong to the codec"`.
    public static func decode(
        _ device: DeviceModel, _ frame: UnsafeRawBufferPointer, into reading: inout Reading
    ) throws(DecodeError) {
        let model = try Model(device)
        guard !frame.isEmpty else { throw DecodeError("empty") }
        var reader = ByteReader(frame)
        guard try reader.readInteger(as: UInt8.self, orThrow: "truncated") == 2 else {
            throw DecodeError("unsupported protocol version")
        }
        try reader.skip(2, orThrow: "truncated")  // the device id (serial number): not part of the reading model
        let flags = try reader.readInteger(as: UInt16.self, orThrow: "truncated")
        guard flags != 0 else { throw DecodeError("no sensor group") }
        guard flags & ~(Group.sensor | Group.battery) == 0 else { throw DecodeError("unknown sensor group") }
        // codecs.md's length rule (5 + 2 × words of the present groups) is checked before any group is read.
        let words = (flags & Group.sensor == 0 ? 0 : model.sensorWords) + (flags & Group.battery == 0 ? 0 : 1)
        try reader.requireReadableBytes(exactly: 2 * words)

        reading.reset(.measurement)
        if flags & Group.sensor != 0 {
            try model.readSensor(&reader, into: &reading)
        }
        if flags & Group.battery != 0 {
            reading.batteryMillivolts = Int32(try word(&reader))
        }
    }

    private enum Group {
        static let sensor: UInt16 = 1 << 0
        static let battery: UInt16 = 1 << 1
    }

    /// A device model with the calibration constants of the variant codecs.md names (`dl-pr21-1-10`,
    /// `dl-pr26-0-1`, `dl-pr36-8192`, `dl-pr36ctd-8192-1024`).
    private enum Model {
        case mbx, rad, lid, pr21, pr26, pr36, pr36ctd, ctd10

        init(_ device: DeviceModel) throws(DecodeError) {
            switch device {
            case .dlMBX: self = .mbx
            case .dlRAD: self = .rad
            case .dlLID: self = .lid
            case .dlPR21: self = .pr21
            case .dlPR26: self = .pr26
            case .dlPR36: self = .pr36
            case .dlPR36CTD: self = .pr36ctd
            case .dlCTD10: self = .ctd10
            default: throw DecodeError("device model does not belong to the codec")
            }
        }

        /// The words of group 0.
        var sensorWords: Int {
            switch self {
            case .mbx, .pr21, .pr26, .pr36: 2
            case .rad, .pr36ctd, .ctd10: 4
            case .lid: 11
            }
        }

        /// Reads group 0, whose words the frame length check has already found present.
        func readSensor(_ reader: inout ByteReader, into reading: inout Reading) throws(DecodeError) {
            let value: SampleValue
            switch self {
            case .mbx:
                value = .distance(mm: Double(try word(&reader)))
                try reader.skip(2, orThrow: "truncated")  // number of valid samples
            case .rad:
                value = .distance(mm: Double(try word(&reader)))
                reading.temperatureCelsius = Double(try offsetWord(&reader)) / 100
                try reader.skip(4, orThrow: "truncated")  // reliability, status
            case .lid:
                // The median (w3) is the sample: robust against spray and debris (codecs.md).
                try reader.skip(6, orThrow: "truncated")  // average, minimum, maximum
                value = .distance(mm: Double(try word(&reader)))
                try reader.skip(14, orThrow: "truncated")  // percentiles, most frequent, sample count, time
            case .pr21, .pr26:
                let (pmin, pmax): (Double, Double) = self == .pr21 ? (-1, 10) : (0, 1)
                let bar = Double(Int32(try word(&reader)) - 16384) / 32768 * (pmax - pmin) + pmin
                // DL-PR26 resolves 0.31 mm and keeps its decimals; DL-PR21's 3.42 mm steps are rounded (codecs.md).
                value = depth(bar: bar, keepDecimals: self == .pr26)
                reading.temperatureCelsius = Double(Int32(try word(&reader)) - 384) * 0.003125 - 50
            case .pr36:
                value = depth(bar: Double(try offsetWord(&reader)) / 8192)
                reading.temperatureCelsius = Double(try offsetWord(&reader)) / 256
            case .pr36ctd:
                value = depth(bar: Double(try offsetWord(&reader)) / 8192)
                try reader.skip(2, orThrow: "truncated")  // electronics temperature
                // The PT1000 sits in the water: its temperature is the one that matters (codecs.md).
                reading.temperatureCelsius = Double(try offsetWord(&reader)) / 256
                try reader.skip(2, orThrow: "truncated")  // conductivity
            case .ctd10:
                value = .depth(mm: Double(try offsetWord(&reader)))
                reading.temperatureCelsius = Double(try offsetWord(&reader)) / 10
                try reader.skip(4, orThrow: "truncated")  // conductivity, freezing flag
            }
            reading.samples.append(Sample(offsetSeconds: 0, value: value))
        }
    }

    private static func word(_ reader: inout ByteReader) throws(DecodeError) -> UInt16 {
        try reader.readInteger(as: UInt16.self, orThrow: "truncated")
    }

    /// A word minus 32768, the zero point most Decentlab quantities are sent around.
    private static func offsetWord(_ reader: inout ByteReader) throws(DecodeError) -> Int32 {
        Int32(try word(&reader)) - 32768
    }

    /// Water depth above a vented probe: `depth_mm = p_Pa / 9.80665`, 1 bar = 100 000 Pa, no clamping (a probe
    /// out of the water reads a small negative depth); rounded half away from zero unless the probe resolves
    /// finer than a millimetre (codecs.md).
    private static func depth(bar: Double, keepDecimals: Bool = false) -> SampleValue {
        let millimetres = bar * 100_000 / 9.80665
        return .depth(mm: keepDecimals ? millimetres : millimetres.rounded(.toNearestOrAwayFromZero))
    }
}
