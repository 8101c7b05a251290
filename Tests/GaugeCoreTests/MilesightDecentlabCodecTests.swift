import GaugeCore
import Testing

/// Hand-written frames for what the public vectors of `codecs.json` leave out: every model, sentinel, alarm rule
/// and rejection of the `milesight` and `decentlab` codecs. Expected values come from the layouts in
/// `spec/codecs.md`; the arithmetic is in the comments. Multi-byte Milesight values are little-endian, Decentlab
/// words big-endian.
@Suite struct MilesightDecentlabCodecTests {
    // MARK: - Milesight

    static let milesightReadings: [ReadingVector] = [
        // 01 75 64: battery 0x64 = 100 %; 03 82 D0 07: 0x07D0 = 2000 mm; 04 00 00: position normal.
        .init(.em310UDL, "017564 0382D007 040000", [.distance(mm: 2000)], percent: 100, tilt: false),
        // 03 67 F6 FF: int16 0xFFF6 = −10 → −1.0 °C; 04 82 10 27: 0x2710 = 10000 mm; no battery record.
        .init(.em400MUD, "0367F6FF 04821027 050000", [.distance(mm: 10000)], celsius: -1.0, tilt: false),
        // 84 82 E8 03 02: 0x03E8 = 1000 mm, alarm byte 2 (mutation alarm) is active.
        .init(.em400UDL, "8482E80302", [.distance(mm: 1000)], alarm: true),
        // EM400 distances are uint16: 0x9C40 = 40000 mm.
        .init(.em400TLD, "0482409C", [.distance(mm: 40000)]),
        // The same bytes on the EM410-RDL are int16: 0x9C40 − 0x10000 = 40000 − 65536 = −25536 mm.
        .init(.em410RDL, "0482409C", [.distance(mm: -25536)]),
        // 94 82: distance 0x07D0 = 2000 mm, mutation 0x0064 (not mapped), alarm byte 2 → active.
        .init(.em410RDL, "9482D0076400 02", [.distance(mm: 2000)], alarm: true),
        // 94 82: 2000 mm, mutation 0xFF9C = −100 (not mapped), alarm byte 0 → released.
        .init(.em410RDL, "9482D0079CFF 00", [.distance(mm: 2000)], alarm: false),
        // B4 82 raw FFFD → gap no_target; byte 2 = 2 (no target) neither raises nor releases the alarm, and is
        // not 3 → no fault.
        .init(.em410RDL, "B482FDFF02", [.gap(.noTarget)], fault: false),
        // B4 82 raw FFFF → gap sensor_error; byte 2 = 3 (sensor exception) → fault.
        .init(.em410RDL, "B482FFFF03", [.gap(.sensorError)], fault: true),
        // B4 82: 0x012C = 300 mm; byte 2 = 1: blind-spot alarm raised.
        .init(.em410RDL, "B4822C0101", [.distance(mm: 300)], fault: false, alarm: true),
        // B4 82: 300 mm; byte 2 = 0: blind-spot alarm released.
        .init(.em410RDL, "B4822C0100", [.distance(mm: 300)], fault: false, alarm: false),
        // Radar signal strength only (06 C7, not mapped): a measurement without samples.
        .init(.em410RDL, "06C72003", []),
        // 01 75 32: 50 %; 03 82 B8 0B: 0x0BB8 = 3000 mm.
        .init(.em500UDL, "017532 0382B80B", [.distance(mm: 3000)], percent: 50),
        // 03 77 E8 03: 0x03E8 = 1000 cm × 10 = 10000 mm of water.
        .init(.em500SWL, "0377E803", [.depth(mm: 10000)]),
        // 03 77 FF FF: collection failed.
        .init(.em500SWL, "0377FFFF", [.gap(.sensorError)]),
        // 03 77 FD FF: out of range.
        .init(.em500SWL, "0377FDFF", [.gap(.outOfRange)]),

        // device_alarm: true when any alarm record is active, false when all are released.
        // 83 67 E8 00 00: 0x00E8 = 232 → 23.2 °C, released; 84 82 41 06 01: 0x0641 = 1601 mm, threshold alarm.
        .init(.em400MUD, "8367E80000 8482410601", [.distance(mm: 1601)], celsius: 23.2, alarm: true),
        .init(.em400MUD, "8367E80001 8482410600", [.distance(mm: 1601)], celsius: 23.2, alarm: true),
        .init(.em400MUD, "8367E80000 8482410600", [.distance(mm: 1601)], celsius: 23.2, alarm: false),
        // Two distance records: two samples in frame order (0x03E8 = 1000, 0x07D0 = 2000), both released.
        .init(.em410RDL, "8482E80300 8482D00700", [.distance(mm: 1000), .distance(mm: 2000)], alarm: false),
        // A no-target exception (byte 2 = 2) does not count as an alarm: the released 84 82 decides.
        .init(.em410RDL, "B482FDFF02 8482E80300", [.gap(.noTarget), .distance(mm: 1000)], fault: false, alarm: false),
        .init(.em410RDL, "8482E80301 B482FDFF02", [.distance(mm: 1000), .gap(.noTarget)], fault: false, alarm: true),

        // A device-information record beside a battery record: a measurement without samples.
        .init(.em400UDL, "FF0BFF 017564", [], percent: 100),
        .init(.em500SWL, "017564", [], percent: 100),
    ]

    @Test(arguments: milesightReadings)
    func milesightReading(_ vector: ReadingVector) {
        vector.check()
    }

    /// Every device-information record of the table, as a device sends them after joining: a `status` on every
    /// model. FF 0B FF power-on · FF 01 01 protocol · FF 16 + 8 bytes serial number · FF 09 01 40 hardware ·
    /// FF 0A 01 14 firmware · FF 0F 00 class A · FF FF 01 00 TSL version · FF FE 01 reset.
    @Test(arguments: Codec.milesight.devices)
    func deviceInformationOnlyIsStatus(_ device: DeviceModel) {
        ReadingVector(
            device, "FF0BFF FF0101 FF166746D38802580000 FF090140 FF0A0114 FF0F00 FFFF0100 FFFE01", kind: .status, []
        ).check()
    }

    /// One complete record of each row of codecs.md's table, with the models its "devices" column lists.
    static let milesightRecords: [(hex: String, devices: Set<DeviceModel>)] = [
        ("017564", Set(Codec.milesight.devices)),
        ("03670101", [.em400MUD, .em400UDL, .em400TLD, .em410RDL]),
        ("8367E80001", [.em400MUD, .em400UDL, .em400TLD]),
        ("03824408", [.em310UDL, .em500UDL]),
        ("04824408", [.em400MUD, .em400UDL, .em400TLD, .em410RDL]),
        ("8482410601", [.em400MUD, .em400UDL, .em400TLD, .em410RDL]),
        ("9482D007640002", [.em410RDL]),
        ("B4822C0101", [.em410RDL]),
        ("040001", [.em310UDL]),
        ("050001", [.em400MUD, .em400UDL, .em400TLD, .em410RDL]),
        ("06C72003", [.em410RDL]),
        ("03770200", [.em500SWL]),
        ("FF0101", Set(Codec.milesight.devices)),
        ("FF090140", Set(Codec.milesight.devices)),
        ("FF0A0114", Set(Codec.milesight.devices)),
        ("FFFF0100", Set(Codec.milesight.devices)),
        ("FF166746D38802580000", Set(Codec.milesight.devices)),
        ("FF0F00", Set(Codec.milesight.devices)),
        ("FFFE01", Set(Codec.milesight.devices)),
        ("FF0BFF", Set(Codec.milesight.devices)),
    ]

    /// The strict reading of the table: a record is accepted only from the models it lists. Anything else means
    /// the gauge names the wrong model (an EM500-SWL depth on an EM310-UDL would be a depth on a distance gauge).
    @Test(arguments: Codec.milesight.devices)
    func recordsAreAcceptedOnlyFromTheirDevices(_ device: DeviceModel) {
        for record in Self.milesightRecords {
            let result = decode(device, hexBytes(record.hex))
            if record.devices.contains(device) {
                #expect(result.failureReason == nil, "\(record.hex)")
            } else {
                #expect(result.failureReason == "record not for this device", "\(record.hex)")
            }
        }
    }

    /// A record cut anywhere is "truncated record", alone or after a complete record: its length is known only
    /// from its header, so nothing short of the whole value is read.
    @Test func everyCutRecordIsTruncated() {
        for record in Self.milesightRecords {
            let device = record.devices.sorted { $0.rawValue < $1.rawValue }[0]
            let bytes = hexBytes(record.hex)
            for length in 1..<bytes.count {
                let cut = Array(bytes.prefix(length))
                #expect(decode(device, cut).failureReason == "truncated record", "\(record.hex) cut to \(length)")
                #expect(
                    decode(device, [0x01, 0x75, 0x64] + cut).failureReason == "truncated record",
                    "battery, then \(record.hex) cut to \(length)"
                )
            }
        }
    }

    static let milesightRejections: [RejectionVector] = [
        .init(.em400MUD, "", "empty"),
        // The example of codecs.md: the vendor decoder reads 0.1 °C from the cut temperature record.
        .init(.em400MUD, "01755C036701", "truncated record"),
        // A single byte after a complete record: a record header cut short.
        .init(.em500UDL, "01755C03821E00 00", "truncated record"),
        // Not in the table: 01 B9 (battery voltage of newer firmware), 05 82, 00 00, F8 12 (extended response).
        .init(.em410RDL, "01B9E80C", "unknown record"),
        .init(.em400MUD, "05824408", "unknown record"),
        .init(.em310UDL, "0000", "unknown record"),
        .init(.em410RDL, "F81200", "unknown record"),
        // The unknown record stops the frame even after valid ones: nothing after it can be read safely.
        .init(.em310UDL, "017564 0382D007 0582D007", "unknown record"),
        // Not supported in this version: history (20 CE), EM500-UDL alarm (83 E9), downlink responses (FE xx)
        // and the FF records outside the device-information list (FF 13 install height, FF 77, FF 02).
        .init(.em410RDL, "20CE6745D3882C01", "unsupported record"),
        .init(.em500SWL, "20CE6745D3880200", "unsupported record"),
        .init(.em500UDL, "83E9E8030A0001", "unsupported record"),
        .init(.em400UDL, "FE1001", "unsupported record"),
        .init(.em400MUD, "FF1301", "unsupported record"),
        .init(.em400TLD, "FF77E803", "unsupported record"),
        .init(.em310UDL, "FF020A00", "unsupported record"),
        // Alarm bytes outside the documented values: 83 67 knows 0–1, 84 82 and 94 82 0–2, B4 82 0–3.
        .init(.em400MUD, "8367E80002", "unknown alarm state"),
        .init(.em400UDL, "8482410603", "unknown alarm state"),
        .init(.em410RDL, "8482410603", "unknown alarm state"),
        .init(.em410RDL, "9482D007640003", "unknown alarm state"),
        .init(.em410RDL, "B4822C0104", "unknown alarm state"),
        // Position: 0 normal, 1 tilt.
        .init(.em310UDL, "040002", "unknown position state"),
        .init(.em400MUD, "0500FF", "unknown position state"),
    ]

    @Test(arguments: milesightRejections)
    func milesightRejection(_ vector: RejectionVector) {
        vector.check()
    }

    /// A reading holds at most `SampleList.capacity` samples; a frame with more distance records is rejected.
    @Test func atMostSixteenSamples() throws {
        let record: [UInt8] = [0x04, 0x82, 0x2C, 0x01]  // 0x012C = 300 mm
        let full = try decode(.em400MUD, Array([[UInt8]](repeating: record, count: 16).joined())).get()
        #expect(full.samples.map(\.value) == Array(repeating: .distance(mm: 300), count: 16))
        let over = Array([[UInt8]](repeating: record, count: 17).joined())
        #expect(decode(.em400MUD, over).failureReason == "too many samples")
    }

    // MARK: - Decentlab

    static let decentlabReadings: [ReadingVector] = [
        // Header 02 · id 0001 · flags 0003 (sensor and battery); w0 0x0FA0 = 4000 mm, w1 10 valid samples (not
        // mapped); battery 0x0C1C = 3100 mV. 5 + 2 × 3 = 11 bytes.
        .init(.dlMBX, "02 0001 0003 0FA0 000A 0C1C", [.distance(mm: 4000)], millivolts: 3100),
        // Flags 0001: the sensor group without the battery.
        .init(.dlMBX, "02 0001 0001 04D2 0001", [.distance(mm: 1234)]),
        // w0 0x07D0 = 2000 mm; w1 0x7FF6 = 32758 → (32758 − 32768) / 100 = −0.1 °C; w2, w3 not mapped;
        // battery 0x0BB8 = 3000 mV.
        .init(.dlRAD, "02 0002 0003 07D0 7FF6 8000 0000 0BB8", [.distance(mm: 2000)], millivolts: 3000, celsius: -0.1),
        // Average 1000, minimum 900, maximum 1100, median 0x03ED = 1005, percentiles 960/980/1010/1030, most
        // frequent 1000, 100 samples, time 0x0200: only the median is the sample. Battery 0x0B54 = 2900 mV.
        .init(
            .dlLID, "02 0003 0003 03E8 0384 044C 03ED 03C0 03D4 03F2 0406 03E8 0064 0200 0B54", [.distance(mm: 1005)],
            millivolts: 2900
        ),
        // DL-PR21 (−1…10 bar): w0 0x4000 = 16384 → (16384 − 16384) / 32768 × 11 − 1 = −1 bar = −100 000 Pa;
        // / 9.80665 = −10197.16 → −10197 mm. w1 0x4180 = 16768 → (16768 − 384) × 0.003125 − 50 = 51.2 − 50 = 1.2 °C.
        // Battery 0x0C80 = 3200 mV.
        .init(.dlPR21, "02 0004 0003 4000 4180 0C80", [.depth(mm: -10197)], millivolts: 3200, celsius: 1.2),
        // w0 0x3FFF → −1 / 32768 × 11 − 1 = −1.000335693359375 bar → −10200.585 mm → −10201 (half away from zero;
        // truncating would give −10200).
        .init(.dlPR21, "02 0004 0001 3FFF 4180", [.depth(mm: -10201)], celsius: 1.2),
        // w0 0x5000 = 20480 → 4096 / 32768 × 11 − 1 = 0.375 bar = 37 500 Pa → 3823.936 mm → 3824.
        .init(.dlPR21, "02 0004 0001 5000 4180", [.depth(mm: 3824)], celsius: 1.2),
        // DL-PR36 (kp 8192): w0 0x7000 = 28672 → (28672 − 32768) / 8192 = −0.5 bar → −5098.58 mm → −5099.
        // w1 0x8080 = 32896 → 128 / 256 = 0.5 °C. Battery 3000 mV.
        .init(.dlPR36, "02 0006 0003 7000 8080 0BB8", [.depth(mm: -5099)], millivolts: 3000, celsius: 0.5),
        // w0 0x8004 → 4 / 8192 = 0.00048828125 bar = 48.828125 Pa → 4.979 mm → 5.
        .init(.dlPR36, "02 0006 0001 8004 8080", [.depth(mm: 5)], celsius: 0.5),
        // DL-PR36CTD: w0 0xA000 = 40960 → 8192 / 8192 = 1 bar → 10197.16 mm → 10197; w1 0x9000 electronics
        // (36864 − 32768) / 256 = 16 °C, not mapped; w2 0x7F00 = 32512 → −256 / 256 = −1.0 °C (PT1000, the water);
        // w3 conductivity not mapped. Battery 0x0C00 = 3072 mV.
        .init(.dlPR36CTD, "02 0007 0003 A000 9000 7F00 8400 0C00", [.depth(mm: 10197)], millivolts: 3072, celsius: -1),
        // DL-CTD10: w0 0x7F9C = 32668 → 32668 − 32768 = −100 mm (the probe is above the water: no clamping);
        // w1 0x7FFB = 32763 → −5 / 10 = −0.5 °C; w2, w3 not mapped. Battery 3100 mV.
        .init(.dlCTD10, "02 0008 0003 7F9C 7FFB 01F4 0000 0C1C", [.depth(mm: -100)], millivolts: 3100, celsius: -0.5),
    ]

    @Test(arguments: decentlabReadings)
    func decentlabReading(_ vector: ReadingVector) {
        vector.check()
    }

    /// DL-PR26 (0…1 bar) keeps its decimals: w0 0x8000 = 32768 → (32768 − 16384) / 32768 × 1 + 0 = 0.5 bar =
    /// 50 000 Pa; / 9.80665 = 5098.581064889641 mm. w1 0x0180 = 384 → 0 × 0.003125 − 50 = −50 °C.
    @Test func dlPR26KeepsDecimals() throws {
        let reading = try decode(.dlPR26, hexBytes("02" + "0005" + "0003" + "8000" + "0180" + "0C80")).get()
        #expect(reading.kind == .measurement && reading.samples.count == 1)
        #expect(reading.temperatureCelsius == -50 && reading.batteryMillivolts == 3200)
        let expected = JSON.array([.object(["depth_mm": .decimal(5098.581064889641)])])
        let found = differences(actual: readingModel(reading, offsets: false)["samples"], expected: expected)
        #expect(found.isEmpty, "\(found)")
    }

    /// Flags 0x0002: the battery group alone, on every model.
    @Test(arguments: Codec.decentlab.devices)
    func batteryOnly(_ device: DeviceModel) {
        // Battery 0x0BB8 = 3000 mV; 5 + 2 × 1 = 7 bytes.
        ReadingVector(device, "02 1234 0002 0BB8", [], millivolts: 3000).check()
    }

    static let decentlabRejections: [RejectionVector] = [
        .init(.dlMBX, "", "empty"),
        // The version byte decides first, even before the header is complete.
        .init(.dlMBX, "01 0001 0003 04D2 0001 0BB1", "unsupported protocol version"),
        .init(.dlRAD, "03", "unsupported protocol version"),
        .init(.dlLID, "00 0001 0002 0BB8", "unsupported protocol version"),
        .init(.dlPR21, "02", "truncated"),
        .init(.dlPR21, "02 0001 00", "truncated"),
        .init(.dlPR26, "02 0001 0000", "no sensor group"),
        .init(.dlPR26, "02 0001 0000 0BB8", "no sensor group"),
        // Every model has two groups (bits 0 and 1); any higher bit names a group it does not have.
        .init(.dlPR36, "02 0001 0004 0BB8", "unknown sensor group"),
        .init(.dlPR36CTD, "02 0001 0007 8000 8000 8000 8000 0BB8", "unknown sensor group"),
        .init(.dlCTD10, "02 0001 8002 0BB8", "unknown sensor group"),
        // The model decides the group's size: a DL-MBX frame (2 sensor words) is short for a DL-LID (11) and a
        // DL-RAD frame (4 words) long for a DL-MBX.
        .init(.dlLID, "02 0001 0003 0FA0 000A 0C1C", "truncated"),
        .init(.dlMBX, "02 0002 0003 07D0 7FF6 8000 0000 0BB8", "trailing bytes"),
    ]

    @Test(arguments: decentlabRejections)
    func decentlabRejection(_ vector: RejectionVector) {
        vector.check()
    }

    /// Cutting a valid frame anywhere says "truncated"; one extra byte or word says "trailing bytes".
    @Test(arguments: decentlabReadings)
    func decentlabLengthIsExact(_ vector: ReadingVector) {
        for length in 1..<vector.bytes.count {
            #expect(decode(vector.device, Array(vector.bytes.prefix(length))).failureReason == "truncated", "\(length)")
        }
        #expect(decode(vector.device, vector.bytes + [0x00]).failureReason == "trailing bytes")
        #expect(decode(vector.device, vector.bytes + [0x0B, 0xB8]).failureReason == "trailing bytes")
    }

    // MARK: - Both codecs

    @Test func aModelOfAnotherCodecIsRejected() {
        let frame: [UInt8] = [0x01, 0x75, 0x64]
        let reasons = frame.withUnsafeBytes { bytes in
            [
                Result { () throws(DecodeError) in
                    var reading = Reading(kind: .measurement)
                    try Milesight.decode(.dlMBX, bytes, into: &reading)
                }.failureReason,
                Result { () throws(DecodeError) in
                    var reading = Reading(kind: .measurement)
                    try Decentlab.decode(.em310UDL, bytes, into: &reading)
                }.failureReason,
            ]
        }
        #expect(reasons == ["device model does not belong to the codec", "device model does not belong to the codec"])
    }

    /// Each model's samples are distances or depths as `DeviceModel.measuresDepth` says: the gauge geometry
    /// depends on it.
    @Test func samplesMatchMeasuresDepth() throws {
        for vector in Self.milesightReadings + Self.decentlabReadings {
            let reading = try decode(vector.device, vector.bytes).get()
            for sample in reading.samples {
                switch sample.value {
                case .distance: #expect(!vector.device.measuresDepth, "\(vector.device)")
                case .depth: #expect(vector.device.measuresDepth, "\(vector.device)")
                case .gap: break
                }
            }
        }
    }
}

extension MilesightDecentlabCodecTests {
    /// A hand-written frame and the whole reading it must give: a field left out here must be absent from the
    /// reading, and every sample is at offset 0.
    struct ReadingVector: Sendable, CustomTestStringConvertible {
        let device: DeviceModel
        let bytes: [UInt8]
        let kind: Reading.Kind
        let samples: [SampleValue]
        let millivolts: Int32?
        let percent: Int32?
        let celsius: Double?
        let fault: Bool?
        let tilt: Bool?
        let alarm: Bool?

        /// - Parameter hex: hex digits, with spaces between fields for reading.
        init(
            _ device: DeviceModel, _ hex: String, kind: Reading.Kind = .measurement, _ samples: [SampleValue],
            millivolts: Int32? = nil, percent: Int32? = nil, celsius: Double? = nil, fault: Bool? = nil,
            tilt: Bool? = nil, alarm: Bool? = nil
        ) {
            self.device = device
            self.bytes = hexBytes(hex.filter { $0 != " " })
            self.kind = kind
            self.samples = samples
            self.millivolts = millivolts
            self.percent = percent
            self.celsius = celsius
            self.fault = fault
            self.tilt = tilt
            self.alarm = alarm
        }

        var testDescription: String { "\(device.rawValue) \(hexString(bytes))" }

        func check() {
            let reading: Reading
            switch decode(device, bytes) {
            case .failure(let error):
                Issue.record("rejected (\(error)): \(testDescription)")
                return
            case .success(let decoded):
                reading = decoded
            }
            #expect(reading.kind == kind)
            #expect(reading.samples.map(\.value) == samples)
            #expect(reading.samples.allSatisfy { $0.offsetSeconds == 0 })
            #expect(reading.batteryMillivolts == millivolts)
            #expect(reading.batteryPercent == percent)
            if let celsius, let actual = reading.temperatureCelsius {
                #expect(abs(actual - celsius) <= 1e-6 * abs(celsius), "\(actual) °C")  // vectors/README.md's tolerance
            } else {
                #expect(reading.temperatureCelsius == celsius)
            }
            #expect(reading.fault == fault)
            #expect(reading.tilt == tilt)
            #expect(reading.deviceAlarm == alarm)
            // Fields of the project's own frames, which no vendor codec reports.
            #expect(reading.sequence == nil && reading.intervalSeconds == nil && reading.ageSeconds == nil)
            #expect(reading.status == nil)
        }
    }

    /// A hand-written frame and the reason it must be rejected for.
    struct RejectionVector: Sendable, CustomTestStringConvertible {
        let device: DeviceModel
        let bytes: [UInt8]
        let reason: String

        init(_ device: DeviceModel, _ hex: String, _ reason: String) {
            self.device = device
            self.bytes = hexBytes(hex.filter { $0 != " " })
            self.reason = reason
        }

        var testDescription: String { "\(device.rawValue) \(hexString(bytes)): \(reason)" }

        func check() {
            #expect(decode(device, bytes).failureReason == reason)
        }
    }
}

/// Decodes with the codec of `device`, as `PayloadDecoder` does; neither codec reads the fPort.
private func decode(_ device: DeviceModel, _ bytes: [UInt8]) -> Result<Reading, DecodeError> {
    bytes.withUnsafeBytes { frame in
        Result { () throws(DecodeError) in try PayloadDecoder.decode(device.codec, device: device, fPort: nil, frame) }
    }
}
