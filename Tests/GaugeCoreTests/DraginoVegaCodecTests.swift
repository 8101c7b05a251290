import GaugeCore
import Testing

/// Frames of `dragino-ldds`, `dragino-lmds200` and `vegapuls-air` that the shared vectors do not cover: every model,
/// sentinel, port, packet type, unit and error path. Each expected reading was worked out by hand from the layouts
/// in `shared/spec/codecs.md`; the comments show the arithmetic. Readings are compared with every key they have
/// (sample offsets included), so a field that must not be reported is one the expectation leaves out.
@Suite struct DraginoVegaCodecTests {
    @Test(arguments: DraginoVegaFrame.ldds)
    func draginoLDDS(_ frame: DraginoVegaFrame) {
        frame.check()
    }

    @Test(arguments: DraginoVegaFrame.lmds200)
    func draginoLMDS200(_ frame: DraginoVegaFrame) {
        frame.check()
    }

    @Test(arguments: DraginoVegaFrame.vegapuls)
    func vegapulsAir(_ frame: DraginoVegaFrame) {
        frame.check()
    }

    /// codecs.md, "Strict lengths": every accepted frame whose layout fixes its length is rejected one byte short
    /// and one byte long.
    @Test(arguments: DraginoVegaFrame.all.filter(\.hasFixedLength))
    func oneByteShortOrLong(_ frame: DraginoVegaFrame) {
        frame.with(bytes: frame.bytes.dropLast(), outcome: .rejected("truncated")).check()
        frame.with(bytes: frame.bytes + [0x00], outcome: .rejected("trailing bytes")).check()
    }

    /// Called directly rather than through `PayloadDecoder`, which checks the model first.
    @Test func aModelOfAnotherCodecIsRejected() {
        let frame: [UInt8] = [0x0D, 0x3B, 0x0A, 0xEF, 0x00, 0x00, 0x00, 0x01]
        let reasons = frame.withUnsafeBytes { bytes in
            [
                Result { () throws(DecodeError) in
                    var reading = Reading(kind: .measurement)
                    try DraginoLDDS.decode(.lmds200, fPort: 2, bytes, into: &reading)
                }.failureReason,
                Result { () throws(DecodeError) in
                    var reading = Reading(kind: .measurement)
                    try DraginoLMDS200.decode(.ldds75, fPort: 2, bytes, into: &reading)
                }.failureReason,
                Result { () throws(DecodeError) in
                    var reading = Reading(kind: .measurement)
                    try VegapulsAir.decode(.em310UDL, bytes, into: &reading)
                }.failureReason,
            ]
        }
        #expect(reasons == Array(repeating: "device model does not belong to the codec", count: 3))
    }

    @Test func readFloat32ReadsBothByteOrdersAndNeedsFourBytes() {
        // 2.5 is 0x40200000 in IEEE 754 binary32.
        let frame: [UInt8] = [0x40, 0x20, 0x00, 0x00, 0x00, 0x00, 0x20, 0x40, 0x7F]
        frame.withUnsafeBytes { bytes in
            var reader = ByteReader(bytes)
            #expect(reader.readFloat32() == 2.5)
            #expect(reader.readFloat32(endianness: .little) == 2.5)
            let rest = reader.readerIndex
            #expect(reader.readFloat32() == nil)
            #expect(reader.readerIndex == rest, "a short read leaves the cursor where it was")
        }
    }

    @Test func requireReadableBytesNamesTheMismatch() {
        let frame: [UInt8] = [0x01, 0x02, 0x03]
        frame.withUnsafeBytes { bytes in
            var reader = ByteReader(bytes)
            _ = reader.readInteger(as: UInt8.self)
            #expect(throws: DecodeError("truncated")) { try reader.requireReadableBytes(exactly: 3) }
            #expect(throws: DecodeError("trailing bytes")) { try reader.requireReadableBytes(exactly: 1) }
            #expect(throws: Never.self) { try reader.requireReadableBytes(exactly: 2) }
        }
    }
}

/// One frame and what the codec must make of it.
struct DraginoVegaFrame: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        /// The reading under the vectors' key names, exactly (`readingModel`, with sample offsets).
        case reading(String)
        /// The reason the frame must be rejected for.
        case rejected(String)
    }

    let name: String
    let device: DeviceModel
    let fPort: UInt8?
    let bytes: [UInt8]
    let outcome: Outcome
    /// Whether the layout fixes the frame's length; false for rejections and for the VEGAPULS device-information
    /// packets, whose layout codecs.md does not give.
    let hasFixedLength: Bool

    var testDescription: String { name }

    /// Hex digits may be grouped with spaces by field.
    static func accept(
        _ name: String, _ device: DeviceModel, fPort: UInt8? = 2, _ hex: String, _ reading: String,
        hasFixedLength: Bool = true
    ) -> Self {
        Self(
            name: name, device: device, fPort: fPort, bytes: hexBytes(hex.filter { $0 != " " }),
            outcome: .reading(reading), hasFixedLength: hasFixedLength
        )
    }

    static func reject(
        _ name: String, _ device: DeviceModel, fPort: UInt8? = 2, _ hex: String, _ reason: String
    ) -> Self {
        Self(
            name: name, device: device, fPort: fPort, bytes: hexBytes(hex.filter { $0 != " " }),
            outcome: .rejected(reason), hasFixedLength: false
        )
    }

    func with(bytes: [UInt8], outcome: Outcome) -> Self {
        Self(name: name, device: device, fPort: fPort, bytes: bytes, outcome: outcome, hasFixedLength: false)
    }

    /// Decodes the frame as a configured gauge would, through `PayloadDecoder`, and compares.
    func check() {
        let result = bytes.withUnsafeBytes { frame in
            Result { () throws(DecodeError) in
                try PayloadDecoder.decode(device.codec, device: device, fPort: fPort, frame)
            }
        }
        switch (outcome, result) {
        case (.rejected(let reason), _):
            #expect(result.failureReason == reason, "\(name): \(hexString(bytes))")
        case (.reading, .failure(let error)):
            Issue.record("\(name): rejected (\(error)) \(hexString(bytes))")
        case (.reading(let text), .success(let reading)):
            guard let expected = JSON(parsing: text) else { return }
            let found = differences(actual: readingModel(reading), expected: expected, sameKeys: true)
            #expect(found.isEmpty, "\(name): \(found)")
        }
    }
}

extension DraginoVegaFrame {
    static var all: [Self] { ldds + lmds200 + vegapuls }

    /// A measurement's expected reading: one sample at offset 0 (`"distance_mm":2799`, `"gap":"nan"`), or none for
    /// `nil`, then the top-level `fields`.
    static func measurement(_ sample: String?, _ fields: String = "") -> String {
        let samples = sample.map { #"[{"offset_s":0,"# + $0 + "}]" } ?? "[]"
        return #"{"kind":"measurement","samples":"# + samples + (fields.isEmpty ? "" : "," + fields) + "}"
    }

    /// A status frame's expected reading, with the top-level `fields`.
    static func status(_ fields: String = "") -> String {
        #"{"kind":"status","samples":[]"# + (fields.isEmpty ? "" : "," + fields) + "}"
    }

    // MARK: - dragino-ldds
    //
    // fPort 2: battery (uint16 BE & 0x3FFF, mV) · distance (uint16 BE, mm) · interrupt flag (1) ·
    // DS18B20 (int16 BE, 0.1 °C) · sensor flag (1).

    static let ldds: [Self] = [
        // 0x0D3B = 3387 mV; 0x0AEF = 2799 mm; 0x00FA = 250 → 25.0 °C.
        accept(
            "LDDS75 with a DS18B20", .ldds75, "0D3B 0AEF 00 00FA 01",
            measurement(#""distance_mm":2799"#, #""battery_mv":3387,"temperature_c":25.0"#)
        ),
        // DS18B20 word 0x0000: no probe fitted, temperature not reported.
        accept(
            "LDDS75 without a probe", .ldds75, "0D3B 0AEF 00 0000 01",
            measurement(#""distance_mm":2799"#, #""battery_mv":3387"#)
        ),
        // 0xCD3B & 0x3FFF = 0x0D3B = 3387 mV: bits 15–14 are flags.
        accept(
            "LDDS75 battery flag bits masked", .ldds75, "CD3B 0AEF 01 0000 01",
            measurement(#""distance_mm":2799"#, #""battery_mv":3387"#)
        ),
        // 0x0C1C = 3100 mV; 0x05DC = 1500 mm of water above the sensor; 0xFF9C = −100 → −10.0 °C.
        accept(
            "LDDS20 reports a depth", .ldds20, "0C1C 05DC 00 FF9C 01",
            measurement(#""depth_mm":1500"#, #""battery_mv":3100,"temperature_c":-10.0"#)
        ),
        // 0x0E10 = 3600 mV; 0x1388 = 5000 mm; interrupt flag set, not mapped.
        accept("LDDS45", .ldds45, "0E10 1388 01 0000 01", measurement(#""distance_mm":5000"#, #""battery_mv":3600"#)),
        // 0x0CE4 = 3300 mV; 0x07D0 = 2000 mm; the DS18B20 word 0x00FA is not reported: its scale is disputed.
        accept(
            "DDS75-LB never reports a temperature", .dds75LB, "0CE4 07D0 00 00FA 01",
            measurement(#""distance_mm":2000"#, #""battery_mv":3300"#)
        ),
        // 0x8C = 1000 1100: bit 4 clear, so a normal frame; 0x8CE4 & 0x3FFF = 0x0CE4 = 3300 mV.
        accept(
            "DDS75-LB interrupt bit is not the multi-distance bit", .dds75LB, "8CE4 07D0 01 0000 01",
            measurement(#""distance_mm":2000"#, #""battery_mv":3300"#)
        ),
        // 0x0320 = 800 mm of water; 0x00C8 = 200 → 20.0 °C.
        accept(
            "DDS20-LB reports a depth", .dds20LB, "0D3B 0320 00 00C8 01",
            measurement(#""depth_mm":800"#, #""battery_mv":3387,"temperature_c":20.0"#)
        ),
        // 0x2710 = 10000 mm.
        accept(
            "DDS45-LB", .dds45LB, "0D3B 2710 00 0000 00",
            measurement(#""distance_mm":10000"#, #""battery_mv":3387"#)
        ),
        // 0x0BB8 = 3000 mV; 0x3A98 = 15000 mm; 0x0105 = 261 → 26.1 °C.
        accept(
            "LMDS120", .lmds120, "0BB8 3A98 00 0105 00",
            measurement(#""distance_mm":15000"#, #""battery_mv":3000,"temperature_c":26.1"#)
        ),
        // 0x8D3B & 0x3FFF = 3387 mV; 0x1F40 = 8000 mm.
        accept(
            "MDS120-LB", .mds120LB, "8D3B 1F40 01 0000 01",
            measurement(#""distance_mm":8000"#, #""battery_mv":3387"#)
        ),

        // Sentinels: the same for all eight models.
        accept(
            "distance 0 is no sensor", .ldds75, "0D3B 0000 00 0000 01",
            measurement(#""gap":"no_sensor""#, #""battery_mv":3387"#)
        ),
        accept(
            "distance 20 is an invalid reading", .ldds45, "0D3B 0014 00 0000 01",
            measurement(#""gap":"invalid_reading""#, #""battery_mv":3387"#)
        ),
        accept(
            "distance 0x3FFF is an invalid reading on a radar model", .mds120LB, "0D3B 3FFF 00 0000 01",
            measurement(#""gap":"invalid_reading""#, #""battery_mv":3387"#)
        ),
        accept(
            "distance 0x3FFF is an invalid reading on an ultrasonic model", .dds75LB, "0D3B 3FFF 00 0000 01",
            measurement(#""gap":"invalid_reading""#, #""battery_mv":3387"#)
        ),
        accept(
            "a depth model's sentinel is a gap, not a depth of 0", .ldds20, "0D3B 0000 00 0000 01",
            measurement(#""gap":"no_sensor""#, #""battery_mv":3387"#)
        ),
        accept(
            "DDS20-LB distance 20 is an invalid reading", .dds20LB, "0D3B 0014 00 0000 01",
            measurement(#""gap":"invalid_reading""#, #""battery_mv":3387"#)
        ),
        accept(
            "LMDS120 distance 0 is no sensor", .lmds120, "0D3B 0000 00 0000 01",
            measurement(#""gap":"no_sensor""#, #""battery_mv":3387"#)
        ),
        // Beside the sentinels: 0x0013 = 19, 0x0015 = 21 and 0x3FFE = 16382 are values.
        accept(
            "distance 19 is a value", .ldds75, "0D3B 0013 00 0000 01",
            measurement(#""distance_mm":19"#, #""battery_mv":3387"#)
        ),
        accept(
            "distance 21 is a value", .dds45LB, "0D3B 0015 00 0000 01",
            measurement(#""distance_mm":21"#, #""battery_mv":3387"#)
        ),
        accept(
            "distance 0x3FFE is a value", .lmds120, "0D3B 3FFE 00 0000 01",
            measurement(#""distance_mm":16382"#, #""battery_mv":3387"#)
        ),
        // An LDDS75 has no multi-distance frame: bit 4 of byte 0 is battery, 0x1CE4 & 0x3FFF = 7396 mV.
        accept(
            "only the DDS75-LB has multi-distance frames", .ldds75, "1CE4 07D0 00 0000 01",
            measurement(#""distance_mm":2000"#, #""battery_mv":7396"#)
        ),

        // fPort 5 device status: model (1) · firmware (2) · band (1) · sub-band (1) · battery (2).
        // 0xCCE4 & 0x3FFF = 0x0CE4 = 3300 mV.
        accept("DDS20-LB device status", .dds20LB, fPort: 5, "29 0110 01 FF CCE4", status(#""battery_mv":3300"#)),
        accept("LDDS75 device status", .ldds75, fPort: 5, "01 0114 01 FF 0D3B", status(#""battery_mv":3387"#)),
        // LMDS120: 6 bytes, band in byte 1 and model (0x18) in byte 5, no battery.
        accept("LMDS120 device status", .lmds120, fPort: 5, "00 01 00 0110 18", status()),
        // MDS120-LB fPort 4: TDC 0x004E20 · one byte · stop timer 5 · alarm timer 0x003C.
        accept("MDS120-LB config echo", .mds120LB, fPort: 4, "004E20 00 05 003C", status()),

        reject("empty frame", .ldds75, "", "empty"),
        reject("no fPort: the port decides the frame", .ldds75, fPort: nil, "0D3B 0AEF 00 0000 01", "missing fPort"),
        reject("fPort 1", .ldds20, fPort: 1, "0D3B 0AEF 00 0000 01", "unknown fPort"),
        // One 11-byte datalog record: battery · distance · temperature · flags · unix time 0x65F5E100.
        reject("datalog reply", .dds20LB, fPort: 3, "0D3B 0AEF 00FA 01 65F5E100", "unsupported datalog frame"),
        reject("fPort 4 is only the MDS120-LB's", .ldds75, fPort: 4, "004E20 00 05 003C", "unknown fPort"),
        reject("DDS75-LB detect mode", .dds75LB, fPort: 6, "0CE4 07D0 00 0000 01", "unsupported detect-mode frame"),
        reject("fPort 6 on another model", .dds45LB, fPort: 6, "0CE4 07D0 00 0000 01", "unknown fPort"),
        // The pre-1.1.4 frame (battery · distance · interrupt) and the legacy decoders' 4-byte "no sensor" frame.
        reject("legacy 5-byte frame", .ldds75, "0D3B 0AEF 00", "truncated"),
        reject("legacy 4-byte frame", .ldds20, "0E1C 0B05", "truncated"),
        // 0x1C = 0001 1100: bit 4 set. Rejected for that reason whatever the length.
        reject(
            "DDS75-LB multi-distance, 8 bytes", .dds75LB, "1CE4 07D0 00 0000 01", "unsupported multi-distance frame"
        ),
        reject(
            "DDS75-LB multi-distance, 3 distances", .dds75LB, "1CE4 0000 0000 0000 07D0 0BB8 0FA0 00 00 00FA",
            "unsupported multi-distance frame"
        ),
        reject("DDS75-LB multi-distance, 1 byte", .dds75LB, "1C", "unsupported multi-distance frame"),
    ]

    // MARK: - dragino-lmds200
    //
    // fPort 2: battery (uint16 BE, mV, no mask) · dis1 (2) · dis2 (2) · alarm byte (bits 7–2 count, bit 1 distance
    // alarm, bit 0 interrupt). dis1 is not reported until its unit is known, so no measurement has a sample.

    static let lmds200: [Self] = [
        // 0x0B88 = 2952 mV; alarm 0x02: bit 1 set.
        accept(
            "LMDS200 distance alarm", .lmds200, "0B88 0100 2500 02",
            measurement(nil, #""battery_mv":2952,"device_alarm":true"#)
        ),
        // 0x0C80 = 3200 mV; alarm 0xFD = 1111 1101: count 63 and interrupt set, bit 1 clear.
        accept(
            "MDS200-LB alarm count and interrupt are not the distance alarm", .mds200LB, "0C80 01F4 0000 FD",
            measurement(nil, #""battery_mv":3200,"device_alarm":false"#)
        ),
        // codecs.md: this family's decoders apply no flag mask, so 0x8B88 = 35720 mV as sent.
        accept(
            "LMDS200 battery is not masked", .lmds200, "8B88 0100 2500 00",
            measurement(nil, #""battery_mv":35720,"device_alarm":false"#)
        ),
        // fPort 4: TDC 0x004E20 · ATDC 5 · alarm min 0x0064 · alarm max 0x07D0 · interrupt 0.
        accept("LMDS200 config echo", .lmds200, fPort: 4, "004E20 05 0064 07D0 00", status()),
        // fPort 5: model 0x0C · version 0x0100 · band 1 · sub-band 0xFF · battery 0x0B88 = 2952 mV.
        accept("LMDS200 device status", .lmds200, fPort: 5, "0C 0100 01 FF 0B88", status(#""battery_mv":2952"#)),
        // Model 0x2B; battery 0x0CE4 = 3300 mV.
        accept("MDS200-LB device status", .mds200LB, fPort: 5, "2B 0100 01 FF 0CE4", status(#""battery_mv":3300"#)),

        reject("empty frame", .lmds200, "", "empty"),
        reject("no fPort: the port decides the frame", .mds200LB, fPort: nil, "0B88 0100 2500 02", "missing fPort"),
        reject("datalog reply", .mds200LB, fPort: 3, "0B88 0100 2500 02 65F5E100", "unsupported datalog frame"),
        reject("fPort 6", .lmds200, fPort: 6, "0B88 0100 2500 02", "unknown fPort"),
        reject("the LDDS family's 8-byte frame", .lmds200, "0D3B 0AEF 00 0000 01", "trailing bytes"),
    ]

    // MARK: - vegapuls-air
    //
    // Byte 0 is the packet type. Floats are IEEE 754 binary32 BE: 0x40200000 = 2.5, 0x423E0000 = 47.5,
    // 0x41040000 = 8.25, 0x42480000 = 50.0, 0x44BB8000 = 1500.0, 0x41200000 = 10.0, 0x42C80000 = 100.0.
    // HART units: 45 (0x2D) m, 49 (0x31) mm, 44 (0x2C) ft, 47 (0x2F) in; 32 (0x20) °C, 33 (0x21) °F.
    // Unmapped fields hold: NAMUR 00, GNSS 423E0000 41040000, detail state 00000000, percentages
    // 1388 1388 42480000 39 (50.00 %, 50.00 %, 50.0 in unit 57), inclination 05.

    /// A VEGAPULS Air 41 frame on fPort 1, the port of the captures (the codec does not use it).
    private static func vega(_ name: String, _ hex: String, _ reading: String, hasFixedLength: Bool = true) -> Self {
        accept(name, .vegapulsAir41, fPort: 1, hex, reading, hasFixedLength: hasFixedLength)
    }

    /// A type-8 packet: distance · unit · power 0x50 · temperature and its unit · inclination.
    private static func packet8(distance: String = "40200000", unit: String = "2D", temperature: String = "00FA 20")
        -> String
    {
        "08 \(distance) \(unit) 50 \(temperature) 05"
    }

    /// A reading with the given sample, power 0x50 = 80 % and the given temperature (`nil`: not reported).
    private static func reading8(
        _ sample: String = #""distance_mm":2500"#,
        temperature: String? = #""temperature_c":25.0"#
    ) -> String {
        measurement(sample, #""battery_pct":80"# + (temperature.map { "," + $0 } ?? ""))
    }

    static let vegapuls: [Self] = [
        // Older firmware: NAMUR · distance · unit · power · temperature (0.1 °C, no unit) · [GNSS] · [detail] · incl.
        // 2.5 m = 2500 mm; 0x00FA = 250 → 25.0 °C.
        vega("type 2 (11 bytes)", "02 00 40200000 2D 50 00FA 05", reading8()),
        vega("type 3: GNSS (19 bytes)", "03 00 40200000 2D 50 00FA 423E0000 41040000 05", reading8()),
        vega("type 4: detail state (15 bytes)", "04 00 40200000 2D 50 00FA 00000000 05", reading8()),
        vega(
            "type 5: GNSS and detail state (23 bytes)", "05 00 40200000 2D 50 00FA 423E0000 41040000 00000000 05",
            reading8()
        ),
        // 0xFFEC = −20 → −2.0 °C.
        vega("type 2 below freezing", "02 00 40200000 2D 50 FFEC 05", reading8(temperature: #""temperature_c":-2.0"#)),
        vega("type 2 temperature 0x8000", "02 00 40200000 2D 50 8000 05", reading8(temperature: nil)),

        // Newer firmware, codecs.md's table row by row.
        vega("type 8 (11 bytes)", packet8(), reading8()),
        vega("type 9 (19 bytes)", "09 40200000 2D 50 423E0000 41040000 00FA 20 05", reading8()),
        vega("type 10 (16 bytes)", "0A 00 40200000 2D 50 00000000 00FA 20 05", reading8()),
        vega("type 11 (24 bytes)", "0B 00 40200000 2D 50 423E0000 41040000 00000000 00FA 20 05", reading8()),
        vega("type 12 (20 bytes)", "0C 40200000 2D 1388 1388 42480000 39 50 00FA 20 05", reading8()),
        vega("type 13 (28 bytes)", "0D 40200000 2D 1388 1388 42480000 39 50 423E0000 41040000 00FA 20 05", reading8()),
        vega("type 14 (25 bytes)", "0E 00 40200000 2D 1388 1388 42480000 39 50 00000000 00FA 20 05", reading8()),
        vega(
            "type 15 (33 bytes)", "0F 00 40200000 2D 1388 1388 42480000 39 50 423E0000 41040000 00000000 00FA 20 05",
            reading8()
        ),
        vega("type 18 (11 bytes)", "12 40200000 2D 50 00FA 20 05", reading8()),
        vega("type 19: no temperature (9 bytes)", "13 00 40200000 2D 50 05", reading8(temperature: nil)),
        vega(
            "type 20: no distance, no power (9 bytes)", "14 00 00000000 00FA 20",
            measurement(nil, #""temperature_c":25.0"#)
        ),
        vega("type 6: NAMUR and GNSS (10 bytes)", "06 00 423E0000 41040000", status()),
        vega("type 7: NAMUR and detail state (6 bytes)", "07 00 00000000", status()),
        vega("type 21: NAMUR and GNSS (10 bytes)", "15 00 423E0000 41040000", status()),
        vega("type 22: NAMUR and percentages (11 bytes)", "16 00 1388 1388 42480000 39", status()),
        // Device information: codecs.md gives no layout, so any length is a status frame.
        vega("type 16", "10 00 00000001 0000001A", status(), hasFixedLength: false),
        vega("type 17", "11 5445535400", status(), hasFixedLength: false),
        vega("type 23", "17", status(), hasFixedLength: false),
        vega("type 24", "18 00", status(), hasFixedLength: false),
        vega("type 25", "19 00 00", status(), hasFixedLength: false),
        vega("type 26", "1A 00 40200000 42480000", status(), hasFixedLength: false),

        // Units: 1500.0 mm; 10.0 ft × 304.8 = 3048.0 mm; 100.0 in × 25.4 = 2540.0 mm.
        vega("unit mm", packet8(distance: "44BB8000", unit: "31"), reading8(#""distance_mm":1500.0"#)),
        vega("unit ft", packet8(distance: "41200000", unit: "2C"), reading8(#""distance_mm":3048.0"#)),
        vega("unit in", packet8(distance: "42C80000", unit: "2F"), reading8(#""distance_mm":2540.0"#)),
        vega("unit 48 (cm), unconfirmed", packet8(unit: "30"), reading8(#""gap":"unknown_unit""#)),
        vega("unit 0", packet8(unit: "00"), reading8(#""gap":"unknown_unit""#)),
        // No value wins over the unit: a NaN with an unknown unit is still "nan".
        vega("NaN 0x7FFFFFFF", packet8(distance: "7FFFFFFF"), reading8(#""gap":"nan""#)),
        vega("quiet NaN 0x7FC00000", packet8(distance: "7FC00000"), reading8(#""gap":"nan""#)),
        vega("NaN with an unknown unit", packet8(distance: "7FFFFFFF", unit: "30"), reading8(#""gap":"nan""#)),
        vega("+infinity", packet8(distance: "7F800000"), reading8(#""gap":"nan""#)),
        vega("−infinity", packet8(distance: "FF800000"), reading8(#""gap":"nan""#)),
        // The float32's decimals are kept: 2.5 mm; 0x3F9E0419 = 1.2345 m (nearest float32 1.23450005054…) →
        // 1234.50005054… mm.
        vega("decimals kept, mm", packet8(unit: "31"), reading8(#""distance_mm":2.5"#)),
        vega("decimals kept, m", packet8(distance: "3F9E0419"), reading8(#""distance_mm":1234.5000505447388"#)),

        // 0x0140 = 320 → 32.0 °F = 0.0 °C; 0xFE70 = −400 → −40.0 °F = −40.0 °C; 0xFF9C = −100 → −10.0 °C.
        vega("32 °F", packet8(temperature: "0140 21"), reading8(temperature: #""temperature_c":0.0"#)),
        vega("−40 °F", packet8(temperature: "FE70 21"), reading8(temperature: #""temperature_c":-40.0"#)),
        vega("−10 °C", packet8(temperature: "FF9C 20"), reading8(temperature: #""temperature_c":-10.0"#)),
        vega("temperature 0x8000", packet8(temperature: "8000 20"), reading8(temperature: nil)),
        vega("temperature unit 34", packet8(temperature: "00FA 22"), reading8(temperature: nil)),

        accept("VEGAPULS Air 23", .vegapulsAir23, fPort: 1, packet8(), reading8()),
        accept("the fPort is not used", .vegapulsAir23, fPort: nil, packet8(), reading8()),

        reject("empty frame", .vegapulsAir41, fPort: 1, "", "empty"),
        reject("type 0", .vegapulsAir41, fPort: 1, "00 40200000 2D 50 00FA 20 05", "unknown packet type"),
        reject("type 1", .vegapulsAir41, fPort: 1, "01", "unknown packet type"),
        reject("type 27", .vegapulsAir41, fPort: 1, "1B 00", "unknown packet type"),
        reject("type 255", .vegapulsAir23, fPort: 1, "FF", "unknown packet type"),
        reject("type 8 alone", .vegapulsAir41, fPort: 1, "08", "truncated"),
    ]
}
