import Foundation
import GaugeCore
import Testing

private func reading(_ hex: String) throws -> Reading {
    try hexBytes(hex).withUnsafeBytes { try PayloadDecoder.decode(.mpscV1, device: nil, fPort: nil, $0) }
}

@Suite struct ReadingJSONTests {
    @Test func workedExamplePrintsTheReadingModel() throws {
        let json = try reading("1103002A003C0300050E1000D70FA00F820F64").json
        let parsed = try #require(JSON(parsing: json))
        let expected = JSON.object([
            "kind": .string("measurement"),
            "samples": .array([
                .object(["offset_s": .integer(-125), "distance_mm": .integer(4000)]),
                .object(["offset_s": .integer(-65), "distance_mm": .integer(3970)]),
                .object(["offset_s": .integer(-5), "distance_mm": .integer(3940)]),
            ]),
            "battery_mv": .integer(3600), "temperature_c": .decimal(21.5), "fault": .bool(false),
            "tilt": .bool(false), "device_alarm": .bool(false), "seq": .integer(42), "interval_s": .integer(60),
            "age_s": .integer(5),
        ])
        #expect(parsed == expected, "\(json)")
        #expect(json.hasPrefix(#"{"kind":"measurement","samples":[{"offset_s":-125,"distance_mm":4000},"#))
    }

    /// What `floodgauge decode` prints must pass every valid vector, as the decoder itself does.
    @Test(arguments: SharedVectors.mpsc.filter(\.valid))
    func printedJSONPassesTheVector(_ vector: MPSCVector) throws {
        let json = try vector.bytes.withUnsafeBytes { try PayloadDecoder.decode(.mpscV1, device: nil, fPort: nil, $0) }.json
        let parsed = try #require(JSON(parsing: json))
        let found = differences(actual: parsed, expected: vector.expect)
        #expect(found.isEmpty, "\(found) in \(json)")
    }

    @Test(arguments: [
        (
            "1103FFFF003C10001E0CF0FFD60BB80B9F0B860B6D0B540B3B0B220B090AF00AD70ABE0AA50A8C0A730A5A0A41",
            #""temperature_c":-4.2,"#
        ),
        ("1102000A003C020001005707D107D2", #""temperature_c":8.7,"#),
        ("11010007012C03000C0DDE1004FFFF0FF0", #"{"offset_s":-312,"gap":"no_echo"}"#),
    ])
    func printsNumbersAndGapsAsPeopleWriteThem(hex: String, fragment: String) throws {
        let json = try reading(hex).json
        #expect(json.contains(fragment), "\(json)")
    }

    @Test func statusFramePrintsDeviceFacts() throws {
        let json = try reading("120104000E1000015180038457").json
        #expect(
            json == #"{"kind":"status","samples":[],"battery_mv":3600,"interval_s":900,"fw_version":"1.4","#
                + #""reset_cause":"power-on","uptime_s":86400,"signal_quality":87}"#
        )
    }

    @Test func errorObjectEscapesTheReason() throws {
        #expect(Reading.errorJSON(reason: "truncated") == #"{"kind":"error","error":"truncated"}"#)
        let awkward = "a \"quoted\" \\ reason\n\twith \u{1} control and ü"
        let parsed = try #require(JSON(parsing: Reading.errorJSON(reason: awkward)))
        #expect(parsed == .object(["kind": .string("error"), "error": .string(awkward)]))
    }
}
