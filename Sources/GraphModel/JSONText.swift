/// Decoding of the JSON string bodies that a dump holds (class names, file names, values).
public enum JSONText {
    /// Decodes the body of a JSON string (the bytes between the quotes), tolerating what Ruby
    /// writes: unescaped bytes, truncated escapes and bytes that are not UTF-8 (repaired as
    /// U+FFFD), so that a name can always be printed.
    public static func decode<C: Collection>(_ raw: C) -> String where C.Element == UInt8 {
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        var pendingHigh: UInt32? = nil
        func emit(_ scalar: UInt32) {
            let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(s)).utf8))
        }
        while i != raw.endIndex {
            let b = raw[i]
            i = raw.index(after: i)
            guard b == UInt8(ascii: "\\"), i != raw.endIndex else {
                if let h = pendingHigh { emit(h); pendingHigh = nil }
                out.append(b)
                continue
            }
            let e = raw[i]
            i = raw.index(after: i)
            var code: UInt32? = nil
            switch e {
            case UInt8(ascii: "n"): code = 0x0A
            case UInt8(ascii: "t"): code = 0x09
            case UInt8(ascii: "r"): code = 0x0D
            case UInt8(ascii: "b"): code = 0x08
            case UInt8(ascii: "f"): code = 0x0C
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                var digits = 0
                while digits < 4, i != raw.endIndex, let d = ASCII.hexValue(raw[i]) {
                    value = value << 4 | UInt32(d)
                    digits += 1
                    i = raw.index(after: i)
                }
                code = digits == 4 ? value : 0xFFFD
            default: code = UInt32(e)
            }
            guard let c = code else { continue }
            if let h = pendingHigh {
                pendingHigh = nil
                if (0xDC00 ... 0xDFFF).contains(c) {
                    emit(0x10000 + ((h - 0xD800) << 10) + (c - 0xDC00))
                    continue
                }
                emit(h)
            }
            if (0xD800 ... 0xDBFF).contains(c) { pendingHigh = c; continue }
            if c < 0x80 { out.append(UInt8(c)) } else { emit(c) }
        }
        if let h = pendingHigh { emit(h) }
        return String(decoding: out, as: UTF8.self)
    }
}
