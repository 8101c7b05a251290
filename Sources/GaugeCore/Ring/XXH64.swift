/// XXH64, Yann Collet's 64-bit non-cryptographic hash (the xxHash specification, `XXH64` in libxxhash).
///
/// The ring checksums every record with it on the network thread, so it has to cost little next to the copy: four
/// independent lanes of one multiply each per 8 bytes keep both multipliers busy, and every input bit reaches every
/// output bit. It detects damage (torn or stale pages, flipped bits), not tampering.
public enum XXH64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The hash of `bytes` with `seed`, equal to libxxhash's `XXH64(bytes, count, seed)`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        // An empty buffer may have no base address; no byte is read then.
        guard let start = bytes.baseAddress else { return avalanche(seed &+ prime5) }
        let count = bytes.count
        var offset = 0
        var h: UInt64
        if count >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            // Each stripe is 32 bytes inside the buffer: the loop stops while at least 32 remain.
            while count - offset >= 32 {
                v1 = round(v1, word(start, offset))
                v2 = round(v2, word(start, offset + 8))
                v3 = round(v3, word(start, offset + 16))
                v4 = round(v4, word(start, offset + 24))
                offset += 32
            }
            h = v1.rotatedLeft(1) &+ v2.rotatedLeft(7) &+ v3.rotatedLeft(12) &+ v4.rotatedLeft(18)
            h = merge(h, v1)
            h = merge(h, v2)
            h = merge(h, v3)
            h = merge(h, v4)
        } else {
            h = seed &+ prime5
        }
        h &+= UInt64(count)
        while count - offset >= 8 {
            h ^= round(0, word(start, offset))
            h = h.rotatedLeft(27) &* prime1 &+ prime4
            offset += 8
        }
        if count - offset >= 4 {
            h ^= UInt64(UInt32(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* prime1
            h = h.rotatedLeft(23) &* prime2 &+ prime3
            offset += 4
        }
        while offset < count {
            h ^= UInt64(start.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
            h = h.rotatedLeft(11) &* prime1
            offset += 1
        }
        return avalanche(h)
    }

    @inline(__always)
    private static func word(_ start: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        (accumulator &+ input &* prime2).rotatedLeft(31) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        (accumulator ^ round(0, lane)) &* prime1 &+ prime4
    }

    @inline(__always)
    private static func avalanche(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h &*= prime2
        h ^= h >> 29
        h &*= prime3
        h ^= h >> 32
        return h
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
