#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A STRING's value as the graph keeps it, for comparing values (see ``ParsedBlock/encodingLimit``
/// for the layout of an entry).
extension HeapGraph {
    /// The bytes that identify a STRING's value and encoding (the value's first 48 bytes as
    /// the dump wrote them, a 64-bit hash of the whole value when it was longer, and the
    /// encoding's name): two strings with the same value and encoding have equal bytes here,
    /// and two that differ have unequal ones but for a 2⁻⁶⁴ chance, for values that share
    /// their first 48 bytes. `nil` when the dump wrote no value (Ruby writes one only for
    /// ASCII-only strings).
    public func valueIdentity(of object: ObjectIndex) -> ArraySlice<UInt8>? {
        guard ObjectDetail.kind(of: type[object.int]) == .valueOffset else { return nil }
        let offset = Int(detail[object.int])
        guard offset != Int(UInt32.max) else { return nil }
        return values[offset ..< Self.valueEntryEnd(values, offset)]
    }

    /// A STRING's `encoding` as the dump wrote it; `nil` where it wrote none (ASCII-8BIT, and
    /// every string without a value).
    public func valueEncoding(of object: ObjectIndex) -> String? {
        guard let entry = valueIdentity(of: object) else { return nil }
        let header = entry[entry.startIndex]
        var p = entry.startIndex + 1 + Int(header & ParsedBlock.valueLengthMask)
        if header & ParsedBlock.valueTruncatedBit != 0 { p += 8 }
        let byte = entry[p]
        if byte & ParsedBlock.commonEncodingBit != 0 { return ParsedBlock.commonEncodings[Int(byte & ~ParsedBlock.commonEncodingBit)] }
        let length = Int(byte)
        return length == 0 ? nil : JSONText.decode(entry[p + 1 ..< p + 1 + length])
    }

    /// Where the value entry at `offset` ends (see ``ParsedBlock/encodingLimit``).
    static func valueEntryEnd(_ values: [UInt8], _ offset: Int) -> Int {
        let header = values[offset]
        var p = offset + 1 + Int(header & ParsedBlock.valueLengthMask)
        if header & ParsedBlock.valueTruncatedBit != 0 { p += 8 }
        guard p < values.count else { return p + 1 }
        let byte = values[p]
        return byte & ParsedBlock.commonEncodingBit != 0 ? p + 1 : p + 1 + Int(byte)
    }

    /// A 64-bit hash of ``valueIdentity(of:)``'s bytes, without copying them; `nil` where the
    /// dump wrote no value.
    ///
    /// - Complexity: O(length of the entry): at most 48 bytes of value and the encoding's name.
    public func valueIdentityHash(of object: ObjectIndex) -> UInt64? {
        guard let range = valueEntryRange(of: object) else { return nil }
        return values.withUnsafeBufferPointer { all in
            ParsedBlock.valueHash(UnsafeBufferPointer(rebasing: all[range]))
        }
    }

    /// Whether two objects have the same value identity (``valueIdentity(of:)``); `false`
    /// where either has no value.
    public func hasSameValue(_ a: ObjectIndex, _ b: ObjectIndex) -> Bool {
        guard let x = valueEntryRange(of: a), let y = valueEntryRange(of: b), x.count == y.count else { return false }
        return values.withUnsafeBufferPointer { all in
            // Safe because both ranges lie inside `values` (checkInvariants checks the entries) and have x.count bytes.
            memcmp(all.baseAddress! + x.lowerBound, all.baseAddress! + y.lowerBound, x.count) == 0
        }
    }

    /// Forgets every STRING, SYMBOL and FLOAT value, as if the dump had written none: for a
    /// report that must not carry the app's data (dumps hold its secrets) once what needed
    /// the values (duplicate strings) has been found.
    ///
    /// - Complexity: O(V).
    public mutating func forgetValues() {
        for i in 0 ..< count where ObjectDetail.kind(of: type[i]) == .valueOffset { detail[i] = .max }
        values = []
    }

    private func valueEntryRange(of object: ObjectIndex) -> Range<Int>? {
        guard ObjectDetail.kind(of: type[object.int]) == .valueOffset else { return nil }
        let offset = Int(detail[object.int])
        guard offset != Int(UInt32.max) else { return nil }
        return offset ..< Self.valueEntryEnd(values, offset)
    }
}
