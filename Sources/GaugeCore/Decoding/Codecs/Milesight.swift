/// The `milesight` codec: EM310-UDL, EM400-MUD/-UDL/-TLD, EM410-RDL, EM500-UDL and EM500-SWL
/// (`shared/spec/codecs.md`, section `milesight`).
///
/// A frame is a sequence of records `channel id (1) · channel type (1) · value`, multi-byte values little-endian.
/// The records describe themselves, so the fPort is not used (real captures arrive on ports other than 85).
///
/// Each device family accepts only the records codecs.md's table lists for it. A record of another family (an
/// EM500-SWL depth on an EM310-UDL, say) means the gauge is configured with the wrong model; decoding it anyway
/// would put a depth on a distance gauge, so the frame is rejected like any other record the device does not send.
public enum Milesight {
    /// Decodes one FRMPayload.
    ///
    /// Each distance or depth record adds one sample at offset 0, in frame order. A frame of device-information
    /// records only is a `status`; any other record makes it a `measurement`, even without samples.
    ///
    /// - Throws: `"empty"`, `"truncated record"`, `"unknown record"`, `"unsupported record"` (history, EM500-UDL
    ///   alarm and downlink/config response records), `"record not for this device"`, `"unknown alarm state"`,
    ///   `"unknown position state"`, `"too many samples"` or `"device model does not belong to the codec"`.
    public static func decode(
        _ device: DeviceModel, _ frame: UnsafeRawBufferPointer, into reading: inout Reading
    ) throws(DecodeError) {
        let family = try Family(device)
        guard !frame.isEmpty else { throw DecodeError("empty") }
        var reader = ByteReader(frame)
        reading.reset(.status)
        while reader.readableBytes > 0 {
            let channel = try reader.readInteger(as: UInt8.self, orThrow: "truncated record")
            let type = try reader.readInteger(as: UInt8.self, orThrow: "truncated record")
            let record = try Record(channel: channel, type: type)
            guard family.sends(record) else { throw DecodeError("record not for this device") }
            if record.isMeasurement { reading.kind = .measurement }
            try read(record, of: family, from: &reader, into: &reading)
        }
    }

    /// The models that share one record table.
    private enum Family {
        case em310UDL, em400, em410RDL, em500UDL, em500SWL

        init(_ device: DeviceModel) throws(DecodeError) {
            switch device {
            case .em310UDL: self = .em310UDL
            case .em400MUD, .em400UDL, .em400TLD: self = .em400
            case .em410RDL: self = .em410RDL
            case .em500UDL: self = .em500UDL
            case .em500SWL: self = .em500SWL
            default: throw DecodeError("device model does not belong to the codec")
            }
        }

        /// The "devices" column of codecs.md's record table.
        func sends(_ record: Record) -> Bool {
            switch record {
            case .battery, .deviceInformation: true
            case .temperature, .distance, .distanceAlarm, .position: self == .em400 || self == .em410RDL
            case .temperatureAlarm: self == .em400
            case .distanceMutationAlarm, .distanceException, .radarSignalStrength: self == .em410RDL
            case .udlDistance: self == .em310UDL || self == .em500UDL
            case .udlPosition: self == .em310UDL
            case .depth: self == .em500SWL
            }
        }
    }

    /// The rows of codecs.md's record table, named by what they carry.
    private enum Record {
        /// `01 75`
        case battery
        /// `03 67`
        case temperature
        /// `83 67`
        case temperatureAlarm
        /// `03 82`: the distance channel of EM310-UDL and EM500-UDL.
        case udlDistance
        /// `04 82`
        case distance
        /// `84 82`
        case distanceAlarm
        /// `94 82`
        case distanceMutationAlarm
        /// `B4 82`
        case distanceException
        /// `04 00`: the position channel of EM310-UDL.
        case udlPosition
        /// `05 00`
        case position
        /// `06 C7`
        case radarSignalStrength
        /// `03 77`
        case depth
        /// `FF xx` for the listed `xx`: protocol, hardware, firmware and TSL version, serial number, LoRaWAN class,
        /// reset and power-on events.
        case deviceInformation(length: Int)

        init(channel: UInt8, type: UInt8) throws(DecodeError) {
            switch (channel, type) {
            case (0x01, 0x75): self = .battery
            case (0x03, 0x67): self = .temperature
            case (0x83, 0x67): self = .temperatureAlarm
            case (0x03, 0x82): self = .udlDistance
            case (0x04, 0x82): self = .distance
            case (0x84, 0x82): self = .distanceAlarm
            case (0x94, 0x82): self = .distanceMutationAlarm
            case (0xB4, 0x82): self = .distanceException
            case (0x04, 0x00): self = .udlPosition
            case (0x05, 0x00): self = .position
            case (0x06, 0xC7): self = .radarSignalStrength
            case (0x03, 0x77): self = .depth
            case (0xFF, 0x01), (0xFF, 0x0F), (0xFF, 0xFE), (0xFF, 0x0B): self = .deviceInformation(length: 1)
            case (0xFF, 0x09), (0xFF, 0x0A), (0xFF, 0xFF): self = .deviceInformation(length: 2)
            case (0xFF, 0x16): self = .deviceInformation(length: 8)
            // Known to exist but not supported in this version (codecs.md): history records (their length differs
            // per model), the EM500-UDL distance alarm (its scale is undocumented) and downlink/config responses.
            case (0x20, 0xCE), (0x83, 0xE9), (0xFE, _), (0xFF, _): throw DecodeError("unsupported record")
            default: throw DecodeError("unknown record")
            }
        }

        /// Whether the record makes the frame a `measurement`: a frame of device information only is a `status`.
        var isMeasurement: Bool {
            if case .deviceInformation = self { false } else { true }
        }
    }

    /// Reads the value of `record` and puts it into the reading.
    private static func read(
        _ record: Record,
        of family: Family,
        from reader: inout ByteReader,
        into reading: inout Reading
    ) throws(DecodeError) {
        switch record {
        case .battery:
            reading.batteryPercent = Int32(try reader.readInteger(as: UInt8.self, orThrow: "truncated record"))
        case .temperature:
            reading.temperatureCelsius = try readTemperature(&reader)
        case .temperatureAlarm:
            reading.temperatureCelsius = try readTemperature(&reader)
            report(try readAlarm(&reader, states: 2), in: &reading.deviceAlarm)
        case .udlDistance, .distance:
            try append(try readDistance(&reader, family), to: &reading)
        case .distanceAlarm:
            try append(try readDistance(&reader, family), to: &reading)
            report(try readAlarm(&reader, states: 3), in: &reading.deviceAlarm)
        case .distanceMutationAlarm:
            try append(try readDistance(&reader, family), to: &reading)
            try reader.skip(2, orThrow: "truncated record")  // the mutation: not part of the reading model
            report(try readAlarm(&reader, states: 3), in: &reading.deviceAlarm)
        case .distanceException:
            let raw = try readRaw(&reader)
            let exception = try reader.readInteger(as: UInt8.self, orThrow: "truncated record")
            let value: SampleValue =
                switch raw {
                case 0xFFFD: .gap(.noTarget)
                case 0xFFFF: .gap(.sensorError)
                default: .distance(mm: Double(signed(raw)))
                }
            try append(value, to: &reading)
            switch exception {
            case 0, 1: report(exception == 1, in: &reading.deviceAlarm)  // blind-spot alarm released / raised
            case 2, 3: break  // no target / sensor exception: says nothing about the blind-spot alarm
            default: throw DecodeError("unknown alarm state")
            }
            report(exception == 3, in: &reading.fault)
        case .udlPosition, .position:
            let position = try reader.readInteger(as: UInt8.self, orThrow: "truncated record")
            guard position <= 1 else { throw DecodeError("unknown position state") }  // 0 normal, 1 tilt
            report(position == 1, in: &reading.tilt)
        case .radarSignalStrength:
            try reader.skip(2, orThrow: "truncated record")  // not part of the reading model
        case .depth:
            // EM500-SWL depth is in cm (Milesight README); FFFF: collection failed, FFFD: out of range.
            let raw = try readRaw(&reader)
            let value: SampleValue =
                switch raw {
                case 0xFFFF: .gap(.sensorError)
                case 0xFFFD: .gap(.outOfRange)
                default: .depth(mm: Double(raw) * 10)
                }
            try append(value, to: &reading)
        case .deviceInformation(let length):
            try reader.skip(length, orThrow: "truncated record")
        }
    }

    /// A 16-bit little-endian value as sent, before any sign or sentinel is applied.
    private static func readRaw(_ reader: inout ByteReader) throws(DecodeError) -> UInt16 {
        try reader.readInteger(endianness: .little, as: UInt16.self, orThrow: "truncated record")
    }

    private static func signed(_ raw: UInt16) -> Int32 { Int32(Int16(bitPattern: raw)) }

    /// A distance in mm: int16 on the EM410-RDL, uint16 on the others (codecs.md).
    private static func readDistance(_ reader: inout ByteReader, _ family: Family) throws(DecodeError) -> SampleValue {
        let raw = try readRaw(&reader)
        return .distance(mm: Double(family == .em410RDL ? signed(raw) : Int32(raw)))
    }

    /// int16, 0.1 °C.
    private static func readTemperature(_ reader: inout ByteReader) throws(DecodeError) -> Double {
        Double(signed(try readRaw(&reader))) / 10
    }

    /// An alarm byte: 0 is a release, every other of its `states` documented values an active alarm. An
    /// undocumented value cannot be read as either, so the frame is rejected and kept raw.
    private static func readAlarm(_ reader: inout ByteReader, states: UInt8) throws(DecodeError) -> Bool {
        let state = try reader.readInteger(as: UInt8.self, orThrow: "truncated record")
        guard state < states else { throw DecodeError("unknown alarm state") }
        return state != 0
    }

    /// codecs.md's rule for `device_alarm`, applied to every flag records can repeat: true when any record of the
    /// frame reports it, false when all report its absence, `nil` when no record does.
    private static func report(_ value: Bool, in flag: inout Bool?) {
        flag = (flag ?? false) || value
    }

    private static func append(_ value: SampleValue, to reading: inout Reading) throws(DecodeError) {
        guard reading.samples.count < SampleList.capacity else { throw DecodeError("too many samples") }
        reading.samples.append(Sample(offsetSeconds: 0, value: value))
    }
}
