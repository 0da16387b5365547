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
}
