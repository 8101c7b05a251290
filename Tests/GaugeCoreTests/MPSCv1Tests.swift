import Foundation
import GaugeCore
import Testing

@Suite struct MPSCv1Tests {
    @Test(arguments: SharedVectors.mpsc)
    func sharedVector(_ vector: MPSCVector) {
        let result = decode(vector.bytes)
        switch (vector.valid, result) {
        case (true, .success(let reading)):
            let found = differences(actual: readingModel(reading), expected: vector.expect)
            #expect(found.isEmpty, "\(found)")
        case (true, .failure(let error)):
            Issue.record("rejected a valid frame: \(error)")
        case (false, .success(let reading)):
            Issue.record("accepted an invalid frame (\(vector.reason ?? "?")): \(readingModel(reading))")
        case (false, .failure(let error)):
            #expect(error.description == vector.reason)
        }
    }

    @Test func theVectorsCoverEveryReason() {
        let reasons = Set(SharedVectors.mpsc.compactMap(\.reason))
        #expect(reasons.count == 10, "\(reasons.sorted())")
        #expect(SharedVectors.mpsc.contains { $0.valid && $0.expect["kind"] == .string("status") })
    }

    /// Cutting a valid frame anywhere must say "truncated", never misread the shorter frame.
    @Test(arguments: ["1103002A003C0300050E1000D70FA00F820F64", "120104000E1000015180038457"])
    func everyPrefixIsTruncated(hex: String) {
        let frame = hexBytes(hex)
        for length in 1..<frame.count {
            #expect(decode(Array(frame.prefix(length))).failureReason == "truncated", "\(length) bytes")
        }
    }

    /// "too long" is the radio's limit of 51 bytes; a shorter frame with extra bytes has "trailing bytes".
    @Test func tooLongMeansOverTheRadioLimit() {
        // 16 samples with battery and temperature: 45 bytes, the longest valid frame (though the vector's name
        // says 51).
        let longest = hexBytes(
            "1103FFFF003C10001E0CF0FFD60BB80B9F0B860B6D0B540B3B0B220B090AF00AD70ABE0AA50A8C0A730A5A0A41"
        )
        #expect(decode(longest).failureReason == nil)
        let padded = longest + [UInt8](repeating: 0, count: MPSCv1.maximumFrameLength - longest.count)
        #expect(decode(padded).failureReason == "trailing bytes")
        #expect(decode(padded + [0]).failureReason == "too long")
    }

    @Test func sampleTimesFollowTheWorkedExample() throws {
        // t_up 10:00:00, age 5 s, interval 60 s: samples at 09:57:55, 09:58:55, 09:59:55.
        let reading = try decode(hexBytes("1103002A003C0300050E1000D70FA00F820F64")).get()
        let uplink = try #require(Timestamp.parseRFC3339("2026-11-22T10:00:00Z"))
        let times = reading.samples.map { uplink.adding(seconds: Int64($0.offsetSeconds)).rfc3339 }
        #expect(times == ["2026-11-22T09:57:55.000Z", "2026-11-22T09:58:55.000Z", "2026-11-22T09:59:55.000Z"])
        #expect(reading.samples.map(\.value) == [.distance(mm: 4000), .distance(mm: 3970), .distance(mm: 3940)])
    }

    @Test func statusFrameFillsDeviceStatus() throws {
        let reading = try decode(hexBytes("120200010C1C0000000C003C64")).get()
        #expect(reading.kind == .status)
        #expect(reading.samples.isEmpty)
        #expect(
            reading.status
                == DeviceStatus(
                    firmwareMajor: 2,
                    firmwareMinor: 0,
                    resetCause: .watchdog,
                    uptimeSeconds: 12,
                    signalQualityPercent: 100
                )
        )
        #expect(reading.batteryMillivolts == 3100)
        #expect(reading.intervalSeconds == 60)
        #expect(reading.fault == nil && reading.sequence == nil)
    }

    private func decode(_ bytes: [UInt8]) -> Result<Reading, DecodeError> {
        bytes.withUnsafeBytes { frame in
            Result { () throws(DecodeError) in try PayloadDecoder.decode(.mpscV1, device: nil, fPort: 10, frame) }
        }
    }
}
