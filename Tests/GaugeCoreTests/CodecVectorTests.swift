import GaugeCore
import Testing

/// Every vendor vector of `codecs.json`, compared as `vectors/README.md` says.
@Suite struct CodecVectorTests {
    @Test(arguments: SharedVectors.codecs)
    func sharedVector(_ vector: CodecVector) throws {
        let codec = try #require(Codec(rawValue: vector.codec), "unknown codec \(vector.codec)")
        let device = try #require(DeviceModel(rawValue: vector.device), "unknown device \(vector.device)")
        #expect(device.codec == codec)
        let result = vector.bytes.withUnsafeBytes { frame in
            Result { () throws(DecodeError) in
                try PayloadDecoder.decode(codec, device: device, fPort: vector.fPort, frame)
            }
        }
        switch (vector.expect["kind"].string, result) {
        case ("error", .success(let reading)):
            Issue.record("accepted a frame the codec must reject: \(readingModel(reading, offsets: false))")
        case ("error", .failure):
            break
        case (_, .failure(let error)):
            Issue.record("rejected a valid frame: \(error)")
        case (_, .success(let reading)):
            #expect(reading.samples.allSatisfy { $0.offsetSeconds == 0 }, "vendor samples are taken at the uplink")
            let found = differences(actual: readingModel(reading, offsets: false), expected: vector.expect)
            #expect(found.isEmpty, "\(found)")
        }
    }

    @Test func everyCodecAndModelHasAVectorOrIsKnownToHaveNone() {
        let covered = Set(SharedVectors.codecs.map(\.device))
        // codecs.md: no public example exists for these models; their own tests cover them.
        let withoutPublicExample: Set = [
            "dds75-lb", "dds20-lb", "dds45-lb", "lmds120", "mds120-lb", "mds200-lb", "vegapuls-air-23",
        ]
        for model in DeviceModel.allCases where !withoutPublicExample.contains(model.rawValue) {
            #expect(covered.contains(model.rawValue), "no shared vector for \(model.rawValue)")
        }
    }
}
