import GaugeCore
import Testing

@Suite struct ByteReaderTests {
    private let bytes: [UInt8] = [0x12, 0x34, 0xFF, 0x83, 0x01, 0x02, 0x03, 0x04]

    @Test func readsBigEndianByDefault() {
        bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(reader.readInteger(as: UInt16.self) == 0x1234)
            #expect(reader.readInteger(as: Int16.self) == -125)
            #expect(reader.readInteger(as: UInt32.self) == 0x0102_0304)
            #expect(reader.readableBytes == 0)
        }
    }

    @Test func readsLittleEndianOnRequest() {
        bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(reader.readInteger(endianness: .little, as: UInt16.self) == 0x3412)
            #expect(reader.readInteger(as: UInt8.self) == 0xFF)
            #expect(reader.readInteger(as: Int8.self) == -125)
            #expect(reader.readInteger(endianness: .little, as: UInt32.self) == 0x0403_0201)
        }
    }

    @Test func aShortReadReturnsNilAndLeavesTheCursor() {
        bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(reader.readBytes(5) != nil)
            #expect(reader.readInteger(as: UInt32.self) == nil)
            #expect(reader.readInteger(as: UInt64.self) == nil)
            #expect(reader.readBytes(4) == nil)
            #expect(reader.readerIndex == 5 && reader.readableBytes == 3)
            #expect(reader.readInteger(as: UInt16.self) == 0x0203)
        }
    }

    @Test func readBytesIsAViewNotACopy() throws {
        try bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            _ = reader.readInteger(as: UInt8.self)
            let read = reader.readBytes(3)
            let slice = try #require(read)
            #expect(slice.baseAddress == buffer.baseAddress! + 1)
            #expect(Array(slice) == [0x34, 0xFF, 0x83])
            #expect(reader.readerIndex == 4)
            #expect(reader.readBytes(0)?.count == 0)
            #expect(reader.readBytes(-1) == nil)
            #expect(reader.readerIndex == 4)
        }
    }

    @Test func anEmptyBufferHasNothingToRead() {
        var reader = ByteReader(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(reader.readableBytes == 0)
        #expect(reader.readInteger(as: UInt8.self) == nil)
        #expect(reader.readBytes(0)?.count == 0)
    }
}
