import Foundation
import GaugeCore
import Testing

private func base64(_ text: String, capacity: Int = 64) -> Result<[UInt8], DecodeError> {
    var output = [UInt8](repeating: 0xAA, count: capacity)
    return Array(text.utf8).withUnsafeBytes { text in
        output.withUnsafeMutableBytes { output in
            Result { () throws(DecodeError) in Array(output.prefix(try Base64.decode(text, into: output))) }
        }
    }
}

private func hex(_ text: String, capacity: Int = 64) -> Result<[UInt8], DecodeError> {
    var output = [UInt8](repeating: 0xAA, count: capacity)
    return output.withUnsafeMutableBytes { output in
        Result { () throws(DecodeError) in Array(output.prefix(try Hex.decode(text, into: output))) }
    }
}

@Suite struct Base64Tests {
    /// RFC 4648 §10, padded and unpadded.
    @Test(arguments: [
        ("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg==", "foob"), ("Zm9vYmE=", "fooba"),
        ("Zm9vYmFy", "foobar"), ("Zg", "f"), ("Zm8", "fo"), ("Zm9vYg", "foob"), ("Zm9vYmE", "fooba"),
    ])
    func decodesTheRFCVectors(text: String, decoded: String) throws {
        #expect(try base64(text).get() == Array(decoded.utf8))
    }

    /// Every length and every alphabet character, against Foundation's encoder, both ways.
    @Test func roundTripsFoundationsEncoding() throws {
        for length in 0...64 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ length &* 31) }
            let padded = Data(bytes).base64EncodedString()
            #expect(try base64(padded).get() == bytes, "\(padded)")
            #expect(bytes.withUnsafeBytes { Base64.encode($0) } == padded)
            let unpadded = String(padded.prefix { $0 != "=" })
            #expect(try base64(unpadded).get() == bytes, "\(unpadded)")
        }
        let allCharacters = (0..<64).map {
            Character(
                Unicode.Scalar(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)[$0])
            )
        }
        let text = String(allCharacters)
        #expect(try base64(text).get() == Array(try #require(Data(base64Encoded: text))))
    }

    @Test(arguments: [
        "Z", "Zg=", "Zg===", "Z===", "====", "Zm9vY", "Zg==Zg==", "Zm9v\n", "Zm 9v", "Zm9-", "Zm9_", "Zm9v=",
        "Zh==", "Zm9=", "Zg=A",
    ])
    func rejectsWhatNoEncoderWrites(text: String) {
        #expect(base64(text).failureReason == "payload is not base64")
    }

    @Test func rejectsAPayloadTooLargeBeforeWriting() throws {
        var output = [UInt8](repeating: 0xAA, count: 5)
        let result = Array("Zm9vYmFy".utf8).withUnsafeBytes { text in
            output.withUnsafeMutableBytes { output in
                Result { () throws(DecodeError) in try Base64.decode(text, into: output) }
            }
        }
        #expect(result.failureReason == "payload too large")
        #expect(output == [UInt8](repeating: 0xAA, count: 5))
        #expect(try base64("Zm9vYmFy", capacity: 6).get() == Array("foobar".utf8))
    }
}

@Suite struct HexTests {
    @Test func decodesEitherCase() throws {
        #expect(try hex("0aFf10").get() == [0x0A, 0xFF, 0x10])
        #expect(try hex("").get() == [])
    }

    @Test(arguments: ["0", "0g", "0x10", " 0a", "0a "])
    func rejectsNonHex(text: String) {
        #expect(hex(text).failureReason == "payload is not hex")
    }

    @Test func rejectsAPayloadTooLarge() {
        #expect(hex("010203", capacity: 2).failureReason == "payload too large")
    }

    @Test(
        arguments: [
            ("0004A30B001C0530", 0x0004_A30B_001C_0530), ("0004a30b001c0530", 0x0004_A30B_001C_0530),
            ("FFFFFFFFFFFFFFFF", UInt64.max), ("0000000000000000", 0),
            ("0004A30B001C053", nil), ("0004A30B001C05300", nil), ("0004A30B001C053G", nil), ("0x04A30B001C0530", nil),
        ] as [(String, UInt64?)]
    )
    func parsesDevEUIs(text: String, value: UInt64?) {
        #expect(Array(text.utf8).withUnsafeBytes(Hex.parseUInt64) == value)
    }

    @Test func formatsDevEUIsAsSixteenUppercaseDigits() {
        #expect(Hex.format(0x0004_A30B_001C_0530 as UInt64) == "0004A30B001C0530")
        #expect(Hex.format(0 as UInt64) == "0000000000000000")
        #expect(Hex.format(UInt64.max) == "FFFFFFFFFFFFFFFF")
    }

    @Test func formatsBytes() {
        #expect(([0x00, 0x0A, 0xFF, 0x5C] as [UInt8]).withUnsafeBytes(Hex.format) == "000AFF5C")
        #expect([UInt8]().withUnsafeBytes(Hex.format) == "")
    }
}
