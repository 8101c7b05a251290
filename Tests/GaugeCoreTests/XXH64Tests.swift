import GaugeCore
import Testing

@Suite struct XXH64Tests {
    /// Bytes `i * 7 + 1` for i in 0..<100; expected values from libxxhash 0.8.1's `XXH64`, so every branch of the
    /// algorithm (stripes of 32, words of 8, a word of 4, single bytes) is checked against the reference.
    @Test(arguments: [
        (1, 0x74AC_C549_0537_E211), (3, 0xCB53_134E_ADD8_EC51), (4, 0x4BA4_82C8_25DE_40AC),
        (7, 0xC7AF_EA2F_90A3_553B), (8, 0x4331_0A81_4278_9F4B), (12, 0x50AA_589B_B3E9_A99D),
        (31, 0xBD4C_D239_39C5_A118), (32, 0x8994_AA42_06D6_CFE0), (33, 0x678A_479C_002A_4914),
        (63, 0x5F30_CB83_0BA7_D0C4), (64, 0x83AA_3D76_D5F0_58E2), (100, 0xAAD0_1514_BAFD_FB23),
    ] as [(Int, UInt64)])
    func matchesTheReference(count: Int, expected: UInt64) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
        #expect(bytes.withUnsafeBytes { XXH64.hash($0, seed: 0x1234) } == expected)
    }

    @Test func knownVectors() {
        #expect(XXH64.hash(UnsafeRawBufferPointer(start: nil, count: 0), seed: 0) == 0xEF46_DB37_51D8_E999)
        #expect(Array("abc".utf8).withUnsafeBytes { XXH64.hash($0, seed: 0) } == 0x44BC_2CF5_AD77_0999)
    }
}
