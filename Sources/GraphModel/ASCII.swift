/// The byte classes the dump reader matches: JSON whitespace, decimal and hexadecimal digits.
/// Bytes are compared as `UInt8` values, never decoded.
enum ASCII {
    /// JSON's whitespace: space, line feed, carriage return and tab (RFC 8259, section 2).
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// The value of a hexadecimal digit (`0-9`, `a-f`, `A-F`), or `nil`.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        if b &- UInt8(ascii: "0") < 10 { return b &- UInt8(ascii: "0") }
        let lower = b | 0x20  // ASCII letters differ from their lower case in this bit only
        if lower &- UInt8(ascii: "a") < 6 { return lower &- UInt8(ascii: "a") + 10 }
        return nil
    }

    @inline(__always)
    static func isHexDigit(_ b: UInt8) -> Bool {
        b &- UInt8(ascii: "0") < 10 || (b | 0x20) &- UInt8(ascii: "a") < 6
    }

    /// The hexadecimal digits at the start of the 16 bytes at `p` (which must be readable):
    /// their value and how many there are (0 to 16), eight bytes at a time with no branch per
    /// digit. Each byte is classed as a digit (`0-9`) or a letter (`a-f`, `A-F`) by range
    /// tests on all eight bytes at once (with the high bit cleared first, so no test carries
    /// into the next byte), turned into its value, and the values are packed into one
    /// integer by three shift-and-mask steps.
    @inline(__always)
    static func hexPrefix16(_ p: UnsafePointer<UInt8>) -> (value: UInt64, digits: Int) {
        let raw = UnsafeRawPointer(p)
        let first = hexWord(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
        guard first.digits == 8 else { return first }
        let second = hexWord(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        let value = second.digits == 0 ? first.value : first.value << (4 * UInt64(second.digits)) | second.value
        return (value, 8 + second.digits)
    }

    /// ``hexPrefix16(_:)`` for one word, its first byte lowest.
    @inline(__always)
    private static func hexWord(_ w: UInt64) -> (value: UInt64, digits: Int) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // The high bit of each byte set where lo <= byte <= hi (bytes of 0x80 and above never).
        @inline(__always) func inRange(_ x: UInt64, _ lo: UInt64, _ hi: UInt64) -> UInt64 {
            let low7 = x & ~highs
            let atLeastLo = low7 &+ ones &* (0x80 - lo)
            let aboveHi = low7 &+ ones &* (0x7F - hi)
            return atLeastLo & ~aboveHi & ~x & highs
        }
        let digit = inRange(w, 0x30, 0x39)
        let letter = inRange(w | (ones &* 0x20), 0x61, 0x66)
        let other = ~(digit | letter) & highs
        let count = other == 0 ? 8 : other.trailingZeroBitCount / 8
        guard count > 0 else { return (0, 0) }
        // Each byte's value: its low four bits, plus 9 for a letter ('a' is 0x61: 1 + 9 = 10).
        let nibbles = (w & (ones &* 0x0F)) &+ (letter >> 7) &* 9
        // The first digit highest, the last in the lowest byte.
        var v = nibbles.byteSwapped >> (8 * UInt64(8 - count))
        v = (v >> 4 | v) & 0x00FF_00FF_00FF_00FF
        v = (v >> 8 | v) & 0x0000_FFFF_0000_FFFF
        v = (v >> 16 | v) & 0x0000_0000_FFFF_FFFF
        return (v, count)
    }
}
