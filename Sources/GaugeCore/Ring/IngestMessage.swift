/// One MQTT message as it travels through the ingest ring: when it arrived, which source
/// received it, its topic and its payload, exactly as the broker sent them.
///
/// Layout of a ring record (the host's byte order: the ring never leaves the host):
/// `arrivedAt: Int64 | source: UInt16 | topicCount: UInt16 | payloadCount: UInt32 | topic | payload`.
/// A payload too large for a record is kept as far as it fits and `payloadCount` keeps its real
/// size, so the pipeline can reject it with the reason instead of losing it silently.
public struct IngestMessage {
    public var arrivedAt: Timestamp
    public var sourceIndex: Int
    public var topic: UnsafeRawBufferPointer
    public var payload: UnsafeRawBufferPointer
    /// The payload's size as received; larger than `payload.count` when it was cut to fit.
    public var receivedPayloadCount: Int

    static let headerSize = 16

    /// A message read from elsewhere than the ring (a capture file, a test): the buffers must outlive it.
    public init(arrivedAt: Timestamp, sourceIndex: Int, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        self.arrivedAt = arrivedAt
        self.sourceIndex = sourceIndex
        self.topic = topic
        self.payload = payload
        self.receivedPayloadCount = payload.count
    }

    public var isTruncated: Bool { receivedPayloadCount > payload.count }

    /// Copies a message into `ring` as one record, unless the ring is full: all the network thread does with it.
    ///
    /// Nothing is allocated: one copy of the topic and payload, the ring's checksum and its release store.
    ///
    /// - Returns: `false`, having written nothing, when the ring has no room for the record yet.
    /// - Important: The ring's producer thread only.
    public static func tryPush(
        into ring: SPSCRing, arrivedAt: Timestamp, sourceIndex: Int, topic: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer
    ) -> Bool {
        let size = min(headerSize + topic.count + payload.count, ring.maximumRecordSize)
        return ring.tryWrite(count: size) { record in
            write(into: record, arrivedAt: arrivedAt, sourceIndex: sourceIndex, topic: topic, payload: payload)
        }
    }

    /// Writes the message into `record`, cutting the payload to the record's size.
    private static func write(
        into record: UnsafeMutableRawBufferPointer, arrivedAt: Timestamp, sourceIndex: Int,
        topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer
    ) {
        record.storeBytes(of: arrivedAt.unixMilliseconds, toByteOffset: 0, as: Int64.self)
        record.storeBytes(of: UInt16(sourceIndex), toByteOffset: 8, as: UInt16.self)
        record.storeBytes(of: UInt16(topic.count), toByteOffset: 10, as: UInt16.self)
        record.storeBytes(of: UInt32(clamping: payload.count), toByteOffset: 12, as: UInt32.self)
        let body = UnsafeMutableRawBufferPointer(rebasing: record[headerSize...])
        body.copyMemory(from: topic)
        let room = body.count - topic.count
        UnsafeMutableRawBufferPointer(rebasing: body[topic.count...])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: payload[..<min(room, payload.count)]))
    }

    /// Reads a message in place from a ring record: the buffers point into the ring.
    public init(record: UnsafeRawBufferPointer) {
        arrivedAt = Timestamp(unixMilliseconds: record.loadUnaligned(fromByteOffset: 0, as: Int64.self))
        sourceIndex = Int(record.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        let topicCount = Int(record.loadUnaligned(fromByteOffset: 10, as: UInt16.self))
        receivedPayloadCount = Int(record.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        topic = UnsafeRawBufferPointer(rebasing: record[Self.headerSize..<Self.headerSize + topicCount])
        payload = UnsafeRawBufferPointer(rebasing: record[(Self.headerSize + topicCount)...])
    }
}
