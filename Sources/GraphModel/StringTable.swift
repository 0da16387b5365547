/// Interned byte strings: each distinct string is stored once, in one arena, and named by a
/// ``StringID``.
///
/// Class names, file names, method names and root categories repeat millions of times in a
/// dump; the table keeps one copy of each. Lookup hashes the bytes (FNV-1a) into an
/// open-addressing table of IDs, so interning costs one hash and usually one comparison.
/// The bytes are kept as the dump wrote them (JSON escapes included) and decoded for display.
public struct StringTable: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []        // string i is bytes[ends[i-1] ..< ends[i]]
    private var hashes: [UInt64] = []
    private var slots: [UInt32] = Array(repeating: .max, count: 64)

    public init() {}

    /// The number of distinct strings.
    public var count: Int { ends.count }

    /// The bytes of string `id`, as the dump wrote them.
    public func rawBytes(_ id: StringID) -> ArraySlice<UInt8> {
        let i = Int(id.rawValue)
        let start = i == 0 ? 0 : Int(ends[i - 1])
        return bytes[start ..< Int(ends[i])]
    }

    /// String `id` with its JSON escapes decoded; bytes that are not UTF-8 are repaired.
    public subscript(id: StringID) -> String {
        if id.isNone { return "" }
        return JSONText.decode(rawBytes(id))
    }

    /// Interns `text` (already in the dump's escaped form).
    @discardableResult
    public mutating func intern(_ text: String) -> StringID {
        var t = text
        return t.withUTF8 { intern($0) }
    }

    /// Interns the bytes, returning the ID of the stored copy.
    public mutating func intern(_ text: UnsafeBufferPointer<UInt8>) -> StringID {
        let h = Self.hash(text)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let found = slots[slot]
            if found == .max { break }
            if hashes[Int(found)] == h, equals(Int(found), text) { return StringID(rawValue: found) }
            slot = (slot + 1) & mask
        }
        let id = UInt32(ends.count)
        bytes.append(contentsOf: text)
        ends.append(UInt32(bytes.count))
        hashes.append(h)
        slots[slot] = id
        if ends.count * 2 > slots.count { grow() }
        return StringID(rawValue: id)
    }

    private func equals(_ i: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = i == 0 ? 0 : Int(ends[i - 1])
        let end = Int(ends[i])
        guard end - start == text.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            // Safe because start..<end lies inside `bytes` and has text.count bytes.
            text.count == 0 || memcmp(all.baseAddress! + start, text.baseAddress!, text.count) == 0
        }
    }

    private mutating func grow() {
        var newSlots = [UInt32](repeating: .max, count: slots.count * 2)
        let mask = newSlots.count - 1
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while newSlots[slot] != .max { slot = (slot + 1) & mask }
            newSlots[slot] = UInt32(id)
        }
        slots = newSlots
    }

    /// FNV-1a over the bytes, finished with a multiply so that the low bits used as the slot
    /// depend on every byte.
    @inline(__always)
    static func hash(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return (h ^ (h >> 29)) &* 0xbf58_476d_1ce4_e5b9
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
