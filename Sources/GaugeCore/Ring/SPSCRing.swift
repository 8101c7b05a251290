import Atomics

/// A lock-free single-producer single-consumer ring of variable-length byte records over raw memory.
///
/// The ring carries MQTT messages from the libmosquitto loop thread (the producer) to the pipeline thread (the
/// consumer). The producer copies each record in once; the consumer reads it in place and frees its space only
/// when it calls ``release(upTo:)``, so a batch stays readable until SQLite has committed it. The ring never
/// drops: when it is full, ``tryWrite(count:_:)`` returns `false` and the producer waits and retries.
///
/// ```swift
/// // Producer (network thread).
/// while !ring.tryWrite(count: message.count, { $0.copyMemory(from: message) }) {
///     waitForTheConsumer()
/// }
///
/// // Consumer (pipeline thread): read a batch in place, commit it, then free it.
/// var cursor = ring.readCursor
/// while let (record, next) = ring.read(from: cursor) {
///     stage(record)
///     cursor = next
/// }
/// commit()
/// ring.release(upTo: cursor)
/// ```
///
/// - Important: One thread at a time may be the producer (``tryWrite(count:_:)``) and one thread at a time the
///   consumer (``readCursor``, ``read(from:)``, ``release(upTo:)``); they may be the same thread. Moving a role to
///   another thread needs a happens-before edge, such as a lock or a thread join. Only one `SPSCRing` may use a
///   memory region at a time. ``usedBytes`` and ``isEmpty`` may be called from any thread.
///
/// The class is `@unchecked Sendable` because the compiler cannot check raw memory shared between threads. The
/// contract above is what makes sharing safe: each side's bookkeeping is touched only by its own thread, and the
/// two threads communicate only through the head and tail positions, with release stores and acquire loads.
///
/// ## Memory layout
///
/// The layout is also the on-disk format when the memory is a mapped file, so both positions live in it:
///
/// ```
/// byte 0     magic "FGRING" and format version  UInt64, written last when formatting
/// byte 8     capacity of the data area           UInt64
/// byte 16    head: bytes ever written            UInt64, stored only by the producer
/// byte 128   tail: bytes ever released           UInt64, stored only by the consumer
/// byte 256   data area: `capacity` bytes, a power of two
/// ```
///
/// Head and tail sit 128 bytes apart so the two threads never write the same cache line, nor an adjacent-line
/// prefetch pair. They are monotonically increasing byte counters (2⁶⁴ bytes take centuries to write), so
/// `head - tail` is the used space and `position & (capacity - 1)` the offset in the data area.
///
/// Each record is a 16-byte header followed by the payload, padded to a multiple of 16 so every header stays
/// aligned and a header always fits between a record and the end of the data area:
///
/// ```
/// +0   payload length    UInt32
/// +4   tag "REC2"/"PAD2"  UInt32
/// +8   checksum          UInt64: XXH64 of the payload, seeded with the record's position
/// +16  payload
/// ```
///
/// A record is always contiguous: when it does not fit before the end of the data area, the producer fills the rest
/// with a padding record (no payload) and writes the record at offset 0.
///
/// ## Recovery
///
/// A process killed at any instant leaves a consistent ring: a record becomes part of it only with the head store
/// that follows its last byte. The checksums are for what a kill cannot explain: a file truncated or overwritten, a
/// page the disk lost. Seeding each checksum with the record's position (its sequence number in bytes) also rejects
/// a record left over from an earlier lap through the data area, whose bytes are intact but whose place is not.
/// ``init(memory:byteCount:)`` refuses memory in which any record fails its check; ``salvage(from:byteCount:)``
/// copies the records of such memory that come before the first failure.
///
/// ## Implementation notes
///
/// The producer keeps its own copy of head and the last tail it saw, and reloads tail only when that stale tail
/// leaves too little room. The consumer does the same with head. A stale value only ever underestimates the
/// other side's progress, so it can make the ring look fuller or emptier than it is, never the reverse.
public final class SPSCRing: @unchecked Sendable {
    /// The smallest data area the ring accepts, in bytes.
    public static let minimumCapacity = 64

    /// The largest data area the ring accepts, in bytes: record lengths are stored as `UInt32`.
    public static let maximumCapacity = 1 << 32

    /// The alignment ``init(memory:byteCount:)`` requires: keeps head and tail on separate cache lines.
    /// Page-aligned mappings satisfy it.
    public static let memoryAlignment = 128

    /// The size of the header that precedes the data area in the memory.
    public static let headerByteCount = 256

    /// The number of bytes of memory a ring with a data area of `capacity` bytes needs.
    ///
    /// - Parameter capacity: A power of two from ``minimumCapacity`` to ``maximumCapacity``.
    public static func byteCount(forCapacity capacity: Int) -> Int {
        checkCapacity(capacity)
        return headerByteCount + capacity
    }

    /// The size of the data area in bytes.
    public let capacity: Int

    /// The largest record ``tryWrite(count:_:)`` accepts, in bytes.
    ///
    /// Half the data area minus a record header: whatever the head's offset, such a record fits either before the
    /// end of the data area or after it wraps, so a drained ring always has room for it and a waiting producer is
    /// never stuck.
    public let maximumRecordSize: Int

    /// The bytes each record takes in the data area besides its payload and the padding to a multiple of 16.
    public static let recordHeaderByteCount = Layout.recordHeaderSize

    private let memory: UnsafeMutableRawPointer
    private let data: UnsafeMutableRawPointer
    private let ownsMemory: Bool
    private let mask: UInt64
    private let head: UnsafeAtomic<UInt64>
    private let tail: UnsafeAtomic<UInt64>

    // Producer-only state.
    private var producerHead: UInt64
    private var producerTailSnapshot: UInt64

    // Consumer-only state.
    private var consumerTail: UInt64
    private var consumerHeadSnapshot: UInt64

    /// Creates an empty ring in memory it allocates and frees.
    ///
    /// - Parameter capacity: The size of the data area: a power of two from ``minimumCapacity`` to
    ///   ``maximumCapacity``.
    public convenience init(capacity: Int) {
        let byteCount = Self.byteCount(forCapacity: capacity)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: Self.memoryAlignment)
        self.init(uncheckedMemory: memory, byteCount: byteCount, owning: true)
        format()
    }

    /// Lays a ring over memory the caller owns, such as a shared file mapping, keeping what it already holds.
    ///
    /// Zero-filled memory (a new file) becomes an empty ring. Memory that already holds a ring of the same
    /// capacity (a mapping reopened after a restart, even after `kill -9`) is adopted with every record that was
    /// written and not released, after checking its positions and every record's header and checksum.
    ///
    /// - Parameters:
    ///   - memory: The start of the region, aligned to ``memoryAlignment``. It must stay valid, and nothing else
    ///     may write it, until the ring is gone; the ring never frees it.
    ///   - byteCount: The size of the region: ``byteCount(forCapacity:)`` of the capacity wanted.
    /// - Throws: ``FormatError`` when the region holds something other than a consistent ring of this capacity.
    public convenience init(memory: UnsafeMutableRawPointer, byteCount: Int) throws(FormatError) {
        precondition(
            Int(bitPattern: memory) & (Self.memoryAlignment - 1) == 0,
            "SPSCRing memory must be aligned to SPSCRing.memoryAlignment")
        precondition(
            byteCount >= Self.headerByteCount + Self.minimumCapacity,
            "SPSCRing memory is smaller than the header plus the minimum capacity")
        Self.checkCapacity(byteCount - Self.headerByteCount)
        self.init(uncheckedMemory: memory, byteCount: byteCount, owning: false)
        switch memory.load(fromByteOffset: Layout.magicOffset, as: UInt64.self) {
        case 0:
            format()
        case Layout.magic:
            try adopt()
        default:
            throw .unknownFormat
        }
    }

    /// What ``salvage(from:byteCount:)`` copied out of damaged memory.
    public struct Salvage: Sendable, Equatable {
        /// The records copied, the oldest first.
        public var records: Int
        /// The bytes of the damaged memory that were not copied: the data area from the first record that failed
        /// its check (or did not fit) up to the head, or everything when no record could be located at all.
        public var setAsideBytes: Int
        /// Why the bytes after the records copied were left behind; `nil` when everything was copied, or when the
        /// rest did not fit into this ring.
        public var problem: FormatError?
    }

    /// Binds the header and fills in everything but the positions, which `format()` or `adopt()` settle.
    private init(uncheckedMemory memory: UnsafeMutableRawPointer, byteCount: Int, owning: Bool) {
        self.memory = memory
        self.ownsMemory = owning
        self.capacity = byteCount - Self.headerByteCount
        self.maximumRecordSize = capacity / 2 - Layout.recordHeaderSize
        self.mask = UInt64(capacity) - 1
        // The header is `headerByteCount` bytes, so the data area starts inside the region and stays
        // 128-byte aligned.
        self.data = memory + Self.headerByteCount
        // Both positions are 8-byte aligned words inside the header, and nothing in this process reaches those
        // bytes except through these atomics. Binding keeps whatever a previous ring stored there.
        self.head = UnsafeAtomic(
            at: (memory + Layout.headOffset).bindMemory(to: UInt64.AtomicRepresentation.self, capacity: 1))
        self.tail = UnsafeAtomic(
            at: (memory + Layout.tailOffset).bindMemory(to: UInt64.AtomicRepresentation.self, capacity: 1))
        producerHead = 0
        producerTailSnapshot = 0
        consumerTail = 0
        consumerHeadSnapshot = 0
    }

    deinit {
        if ownsMemory {
            memory.deallocate()
        }
    }

    private static func checkCapacity(_ capacity: Int) {
        precondition(
            capacity >= minimumCapacity && capacity <= maximumCapacity,
            "SPSCRing capacity must be between SPSCRing.minimumCapacity and SPSCRing.maximumCapacity")
        precondition(capacity & (capacity - 1) == 0, "SPSCRing capacity must be a power of two")
    }

    /// Writes an empty ring. The magic goes last, so a process killed halfway leaves memory that is formatted
    /// again on the next start instead of being adopted.
    private func format() {
        memory.storeBytes(of: UInt64(capacity), toByteOffset: Layout.capacityOffset, as: UInt64.self)
        // Relaxed: no other thread can see the ring while it is being initialized.
        head.store(0, ordering: .relaxed)
        tail.store(0, ordering: .relaxed)
        // Keeps the compiler and the CPU from moving the magic before the stores above.
        atomicMemoryFence(ordering: .releasing)
        memory.storeBytes(of: Layout.magic, toByteOffset: Layout.magicOffset, as: UInt64.self)
    }

    /// Takes over the positions a previous ring left, after checking every byte `read(from:)` will trust.
    private func adopt() throws(FormatError) {
        guard memory.load(fromByteOffset: Layout.capacityOffset, as: UInt64.self) == UInt64(capacity) else {
            throw .capacityMismatch
        }
        // Relaxed: no other thread can see the ring while it is being initialized.
        let written = head.load(ordering: .relaxed)
        let released = tail.load(ordering: .relaxed)
        guard Layout.positionsAreConsistent(tail: released, head: written, capacity: capacity) else {
            throw .corruptPositions
        }
        let walk = Layout.walk(
            data: UnsafeRawPointer(data), capacity: capacity, available: capacity, from: released, to: written
        ) { _ in true }
        if let problem = walk.problem { throw problem }

        producerHead = written
        producerTailSnapshot = released
        consumerTail = released
        consumerHeadSnapshot = written
    }

    /// Copies into this ring, in order, every record of the ring in `source` that passes its checks, up to the
    /// first that does not: the valid prefix of memory that ``init(memory:byteCount:)`` refused.
    ///
    /// The source may be any damaged ring: cut short, of another capacity, with positions that contradict each
    /// other (the records are then followed from the tail for as long as they verify). Nothing in it is trusted
    /// beyond `byteCount` bytes, and it is only read.
    ///
    /// - Parameters:
    ///   - source: The damaged ring's memory, 8-byte aligned (a mapping is).
    ///   - byteCount: How many bytes of it may be read.
    /// - Returns: How many records were copied and how many bytes were left behind.
    /// - Important: Producer thread only. This ring must have room for the records; when the source has a larger
    ///   capacity, the records that no longer fit are left behind like damaged ones.
    public func salvage(from source: UnsafeRawPointer, byteCount: Int) -> Salvage {
        guard byteCount >= Self.headerByteCount,
            source.load(fromByteOffset: Layout.magicOffset, as: UInt64.self) == Layout.magic
        else { return Salvage(records: 0, setAsideBytes: byteCount, problem: .unknownFormat) }
        let sourceCapacity = source.load(fromByteOffset: Layout.capacityOffset, as: UInt64.self)
        guard sourceCapacity >= UInt64(Self.minimumCapacity), sourceCapacity <= UInt64(Self.maximumCapacity),
            sourceCapacity & (sourceCapacity - 1) == 0
        else { return Salvage(records: 0, setAsideBytes: byteCount, problem: .unknownFormat) }
        let released = source.load(fromByteOffset: Layout.tailOffset, as: UInt64.self)
        guard released % Layout.alignment == 0 else {
            return Salvage(records: 0, setAsideBytes: byteCount, problem: .corruptPositions)
        }
        let capacity = Int(sourceCapacity)
        let written = source.load(fromByteOffset: Layout.headOffset, as: UInt64.self)
        // A head that cannot be right says nothing about where the records end: follow them across at most one
        // whole data area, where the position-seeded checksums stop the walk at the first stale record.
        let positionsProblem: FormatError? =
            Layout.positionsAreConsistent(tail: released, head: written, capacity: capacity) ? nil : .corruptPositions
        let end = positionsProblem == nil ? written : released &+ sourceCapacity
        var records = 0
        let walk = Layout.walk(
            data: source + Self.headerByteCount, capacity: capacity,
            available: min(capacity, byteCount - Self.headerByteCount), from: released, to: end
        ) { payload in
            guard payload.count <= maximumRecordSize,
                tryWrite(count: payload.count, { $0.copyMemory(from: payload) })
            else { return false }
            records += 1
            return true
        }
        return Salvage(records: records, setAsideBytes: Int(end &- walk.end), problem: walk.problem ?? positionsProblem)
    }

    // MARK: - Producer

    /// Appends one record of `count` bytes, letting `fill` write its bytes in place, unless the ring is full.
    ///
    /// Nothing is allocated. The record becomes visible to the consumer, all at once, when `fill` returns.
    ///
    /// - Parameters:
    ///   - count: The record's size: from 0 to ``maximumRecordSize``.
    ///   - fill: Writes all `count` bytes of the buffer; the ring publishes whatever the buffer then holds. The
    ///     buffer is only valid during the call, and `fill` must not use the ring.
    /// - Returns: `false`, without calling `fill`, when the free space cannot hold the record contiguously; the
    ///   caller waits for the consumer to release space and tries again.
    /// - Important: Producer thread only.
    public func tryWrite(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) -> Bool {
        precondition(count >= 0 && count <= maximumRecordSize, "SPSCRing record size out of 0...maximumRecordSize")
        let footprint = Layout.footprint(ofPayload: count)
        let offset = Int(producerHead & mask)
        let contiguous = capacity - offset
        // A record that would cross the end of the data area starts at offset 0 instead, after a padding record
        // that covers the `contiguous` bytes left (always at least one header: offsets are multiples of its size).
        let padding = footprint <= contiguous ? 0 : contiguous
        // `needed` is below `capacity` (padding only happens when `contiguous < footprint <= capacity / 2`) and
        // head never runs more than `capacity` ahead of tail, so this UInt64 arithmetic cannot overflow or
        // underflow.
        let needed = UInt64(padding + footprint)
        if producerHead - producerTailSnapshot + needed > UInt64(capacity) {
            // Acquiring pairs with the consumer's releasing store in `release(upTo:)`: the consumer's reads of the
            // space it freed happen before this thread overwrites it.
            producerTailSnapshot = tail.load(ordering: .acquiring)
            if producerHead - producerTailSnapshot + needed > UInt64(capacity) {
                return false
            }
        }

        var recordOffset = offset
        var recordPosition = producerHead
        if padding != 0 {
            storeHeader(
                at: offset, length: padding - Layout.recordHeaderSize, tag: Layout.paddingTag,
                checksum: Layout.checksum(of: UnsafeRawBufferPointer(start: nil, count: 0), at: producerHead))
            recordOffset = 0
            recordPosition += UInt64(padding)
        }
        // The record ends inside the data area (it fit before the end, or it starts at 0 and is at most half the
        // area), in space the consumer has released.
        let payload = UnsafeMutableRawBufferPointer(start: data + recordOffset + Layout.recordHeaderSize, count: count)
        fill(payload)
        // Checksummed after `fill`, from the bytes the ring holds: what a restart will read is what is verified.
        storeHeader(
            at: recordOffset, length: count, tag: Layout.recordTag,
            checksum: Layout.checksum(of: UnsafeRawBufferPointer(payload), at: recordPosition))

        producerHead += needed
        // Releasing pairs with the consumer's acquiring load in `read(from:)`: the headers and payload written
        // above are visible before the consumer can see the new head.
        head.store(producerHead, ordering: .releasing)
        return true
    }

    // MARK: - Consumer

    /// A position in the ring between records, as returned by ``read(from:)`` and ``readCursor``.
    ///
    /// Cursors of one ring are only meaningful to that ring. Later records have greater cursors.
    public struct Cursor: Hashable, Comparable, Sendable {
        fileprivate let position: UInt64

        public static func < (lhs: Cursor, rhs: Cursor) -> Bool {
            lhs.position < rhs.position
        }
    }

    /// The first record not yet released: where reading starts after ``release(upTo:)`` and after a restart.
    ///
    /// - Important: Consumer thread only.
    public var readCursor: Cursor {
        Cursor(position: consumerTail)
    }

    /// Reads the record at `cursor` in place, if the producer has written it.
    ///
    /// Nothing is copied or allocated. Reading does not free the record: the same cursor reads it again until
    /// ``release(upTo:)`` moves past it.
    ///
    /// - Parameter cursor: ``readCursor``, or the `next` of an earlier read, not yet released.
    /// - Returns: The record's bytes and the cursor of the record after it, or `nil` when the producer has
    ///   written nothing at `cursor` yet. The bytes stay valid until ``release(upTo:)`` releases past `next`.
    /// - Important: Consumer thread only.
    public func read(from cursor: Cursor) -> (record: UnsafeRawBufferPointer, next: Cursor)? {
        var position = cursor.position
        precondition(position >= consumerTail, "SPSCRing.read(from:) with a cursor that was already released")
        if position >= consumerHeadSnapshot {
            // Acquiring pairs with the producer's releasing store in `tryWrite`: every record before the loaded
            // head is fully written and visible to this thread.
            consumerHeadSnapshot = head.load(ordering: .acquiring)
            guard position < consumerHeadSnapshot else {
                precondition(position == consumerHeadSnapshot, "SPSCRing.read(from:) with a cursor past the head")
                return nil
            }
        }

        var offset = Int(position & mask)
        var header = loadHeader(at: offset)
        if header.tag == Layout.paddingTag {
            // The producer publishes padding together with the record after it, at the start of the data area.
            position += UInt64(capacity - offset)
            offset = 0
            header = loadHeader(at: offset)
        }
        // These checks keep the returned buffer inside the data area whatever the memory holds; they fail only
        // for a cursor from another ring.
        precondition(
            header.tag == Layout.recordTag && header.length <= maximumRecordSize
                && offset + Layout.footprint(ofPayload: header.length) <= capacity,
            "SPSCRing.read(from:) found no record at the cursor")
        let record = UnsafeRawBufferPointer(start: data + offset + Layout.recordHeaderSize, count: header.length)
        return (record, Cursor(position: position + UInt64(Layout.footprint(ofPayload: header.length))))
    }

    /// Frees the space of every record before `cursor`, which the producer may then overwrite.
    ///
    /// Call it once the records are durable elsewhere: what is not released is read again after a restart over
    /// the same memory.
    ///
    /// - Parameter cursor: A cursor from ``read(from:)`` or ``readCursor``; releasing the current ``readCursor``
    ///   does nothing.
    /// - Important: Consumer thread only. Buffers returned for the released records must no longer be used.
    public func release(upTo cursor: Cursor) {
        precondition(
            cursor.position >= consumerTail && cursor.position <= consumerHeadSnapshot,
            "SPSCRing.release(upTo:) with a cursor outside the records read")
        consumerTail = cursor.position
        // Releasing pairs with the producer's acquiring load in `tryWrite`: this thread's reads of the freed
        // records complete before the producer may overwrite them.
        tail.store(consumerTail, ordering: .releasing)
    }

    // MARK: - Metrics

    /// The bytes of the data area held by records not yet released, including headers and padding.
    ///
    /// Safe from any thread, as a snapshot that may already be out of date.
    public var usedBytes: Int {
        // Loading tail first, acquiring, keeps the result from going negative: the consumer loaded a head at
        // least this tail before storing it, so the head load below (ordered after the acquire) sees at least
        // that head. Relaxed suffices for head: no record bytes are read.
        let released = tail.load(ordering: .acquiring)
        let written = head.load(ordering: .relaxed)
        // Both sides may move between the loads; clamp to what the ring can hold.
        return Int(min(written - released, UInt64(capacity)))
    }

    /// Whether every record written has been released. Safe from any thread, as a snapshot.
    public var isEmpty: Bool {
        usedBytes == 0
    }

    // MARK: - Record headers

    private func storeHeader(at offset: Int, length: Int, tag: UInt32, checksum: UInt64) {
        // Offsets are multiples of 16 below `capacity`, so the 16-byte header is aligned and inside the data area.
        // Lengths are below `maximumCapacity / 2`, so they fit a UInt32.
        data.storeBytes(of: UInt32(truncatingIfNeeded: length), toByteOffset: offset, as: UInt32.self)
        data.storeBytes(of: tag, toByteOffset: offset + 4, as: UInt32.self)
        data.storeBytes(of: checksum, toByteOffset: offset + 8, as: UInt64.self)
    }

    private func loadHeader(at offset: Int) -> Layout.RecordHeader {
        Layout.loadHeader(UnsafeRawPointer(data), at: offset)
    }
}

extension SPSCRing {
    /// Why ``SPSCRing/init(memory:byteCount:)`` refused memory, or where ``SPSCRing/salvage(from:byteCount:)``
    /// stopped: it holds something other than a consistent ring of the capacity asked for. The reason is a fixed
    /// phrase, so throwing allocates nothing.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: StaticString

        private init(_ reason: StaticString) {
            self.reason = reason
        }

        /// The memory is neither zero-filled nor a ring in this format version.
        public static let unknownFormat = FormatError("not an SPSCRing of this format version")
        /// The memory holds a ring with a different capacity.
        public static let capacityMismatch = FormatError("the SPSCRing was created with a different capacity")
        /// The head and tail positions contradict each other.
        public static let corruptPositions = FormatError("the SPSCRing head and tail positions are inconsistent")
        /// A record header between tail and head is damaged.
        public static let corruptRecord = FormatError("an SPSCRing record header is damaged")
        /// A record between tail and head does not match its checksum: its bytes are damaged, or stale.
        public static let checksumMismatch = FormatError("an SPSCRing record does not match its checksum")
        /// The memory ends before the records do (a file cut short).
        public static let truncated = FormatError("the SPSCRing memory ends inside its records")

        public var description: String { reason.description }

        public static func == (lhs: FormatError, rhs: FormatError) -> Bool {
            lhs.reason.description == rhs.reason.description
        }
    }
}

/// Offsets and constants of the memory layout described on ``SPSCRing``, and the checks recovery makes.
private enum Layout {
    /// "FGRING" and format version 2 (version 1 had no checksums).
    static let magic: UInt64 = 0x4647_5249_4E47_0002
    static let magicOffset = 0
    static let capacityOffset = 8
    static let headOffset = 16
    static let tailOffset = 128

    static let recordHeaderSize = 16
    /// Records start at multiples of the header size: where one ends, a whole header (if only padding) still fits.
    static let alignment: UInt64 = 16
    /// "REC2" and "PAD2": anything else where a header should be is damage, or a stray cursor.
    static let recordTag: UInt32 = 0x5245_4332
    static let paddingTag: UInt32 = 0x5041_4432

    struct RecordHeader {
        var length: Int
        var tag: UInt32
        var checksum: UInt64
    }

    /// The bytes a record of `count` payload bytes occupies: its header and payload, rounded up to 16.
    static func footprint(ofPayload count: Int) -> Int {
        recordHeaderSize + ((count + 15) & ~15)
    }

    static func checksum(of payload: UnsafeRawBufferPointer, at position: UInt64) -> UInt64 {
        XXH64.hash(payload, seed: position)
    }

    /// The header at `offset`, which must leave room for a whole header in the memory at `data`.
    static func loadHeader(_ data: UnsafeRawPointer, at offset: Int) -> RecordHeader {
        RecordHeader(
            length: Int(data.load(fromByteOffset: offset, as: UInt32.self)),
            tag: data.load(fromByteOffset: offset + 4, as: UInt32.self),
            checksum: data.load(fromByteOffset: offset + 8, as: UInt64.self))
    }

    /// Whether a tail and head can belong to one ring: in order, at most a data area apart, between records.
    static func positionsAreConsistent(tail: UInt64, head: UInt64, capacity: Int) -> Bool {
        tail <= head && head - tail <= UInt64(capacity) && head % alignment == 0 && tail % alignment == 0
    }

    /// Follows the records of a data area from `start` towards `end`, checking each header and checksum, and hands
    /// each payload to `visit`, which returns `false` to stop.
    ///
    /// - Parameters:
    ///   - capacity: The data area's size, a power of two; positions map to offsets modulo it.
    ///   - available: How many bytes of the data area may be read, at most `capacity` (less for a cut-short file).
    ///   - start: A position that is a multiple of `alignment`.
    /// - Returns: The position after the last record visited, and why the walk stopped before `end`, if it did
    ///   for a reason other than `visit`.
    static func walk(
        data: UnsafeRawPointer, capacity: Int, available: Int, from start: UInt64, to end: UInt64,
        _ visit: (UnsafeRawBufferPointer) -> Bool
    ) -> (end: UInt64, problem: SPSCRing.FormatError?) {
        let mask = UInt64(capacity) - 1
        var position = start
        while position < end {
            let offset = Int(position & mask)
            // Offsets are multiples of the header size, so a header fits before the end of the data area;
            // `available` is what exists of the data area.
            guard offset + recordHeaderSize <= available else { return (position, .truncated) }
            let header = loadHeader(data, at: offset)
            switch header.tag {
            case recordTag:
                let footprint = footprint(ofPayload: header.length)
                guard header.length <= capacity / 2 - recordHeaderSize, offset + footprint <= capacity,
                    UInt64(footprint) <= end - position
                else { return (position, .corruptRecord) }
                guard offset + recordHeaderSize + header.length <= available else { return (position, .truncated) }
                let payload = UnsafeRawBufferPointer(start: data + offset + recordHeaderSize, count: header.length)
                guard checksum(of: payload, at: position) == header.checksum else {
                    return (position, .checksumMismatch)
                }
                guard visit(payload) else { return (position, nil) }
                position += UInt64(footprint)
            case paddingTag:
                let covered = UInt64(capacity - offset)
                // The producer publishes a padding record together with the record after it.
                guard header.length == capacity - offset - recordHeaderSize, covered < end - position else {
                    return (position, .corruptRecord)
                }
                guard checksum(of: UnsafeRawBufferPointer(start: nil, count: 0), at: position) == header.checksum
                else { return (position, .checksumMismatch) }
                position += covered
            default:
                return (position, .corruptRecord)
            }
        }
        return (position, nil)
    }
}
