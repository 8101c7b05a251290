import GaugeCore
import Testing

/// The daemon decodes every frame into the same `Reading`: nothing of one frame may show in the next.
@Suite struct ReusedReadingTests {
    @Test func aReusedReadingCarriesNothingOverFromThePreviousFrame() throws {
        // Each frame sets fields the next one lacks: status, temperature, tilt and alarm, battery percent, samples.
        let frames: [(Codec, DeviceModel?, UInt8?, String)] = [
            (.mpscV1, nil, 11, "120104000E1000015180038457"),
            (.mpscV1, nil, 10, "1117002A003C0300050E1000D70FA00F820F64"),
            (.milesight, .em400MUD, nil, "017564 0367F6FF 04821027 050001 8482E80301"),
            (.draginoLDDS, .ldds75, 2, "0B450AF000000001"),
            (.mpscV1, nil, 10, "1100000103840100001400"),
            (.decentlab, .dlPR26, nil, "02000500038000 01800C80"),
        ]
        var reused = Reading(kind: .measurement)
        for (codec, device, fPort, hex) in frames {
            let bytes = hexBytes(hex.filter { !$0.isWhitespace })
            let fresh = try bytes.withUnsafeBytes { try PayloadDecoder.decode(codec, device: device, fPort: fPort, $0) }
            try bytes.withUnsafeBytes { try PayloadDecoder.decode(codec, device: device, fPort: fPort, $0, into: &reused) }
            #expect(reused.json == fresh.json, "\(hex)")
        }
    }
}
