/// Object addresses as text: the one parser for every form Ruby writes and a user types, and
/// the one form the tool prints.
public enum Address {
    /// Parses an address in any form Ruby has written: `0x7f…`, zero-padded `0x007f…`, or
    /// plain hex (`7f…`), in either case. Compared by value, so every form of one address is
    /// the same integer. `nil` for anything else: empty, a sign, a non-hex digit, or more
    /// than 64 bits once leading zeros are dropped.
    ///
    /// - Complexity: O(length of `text`).
    public static func parse(_ text: some StringProtocol) -> UInt64? {
        if let found = text.utf8.withContiguousStorageIfAvailable({ parse($0) }) { return found }
        return Array(text.utf8).withUnsafeBufferPointer { parse($0) }
    }

    /// Parses the bytes of an address (what ``parse(_:)-(StringProtocol)`` accepts).
    @inline(__always)
    static func parse(_ body: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var i = 0
        let n = body.count
        if n >= 2, body[0] == UInt8(ascii: "0"), body[1] | 0x20 == UInt8(ascii: "x") { i = 2 }
        guard i < n else { return nil }
        while i < n - 1, body[i] == UInt8(ascii: "0") { i += 1 }
        guard n - i <= 16 else { return nil }  // 16 hex digits: 64 bits
        var value: UInt64 = 0
        while i < n {
            guard let d = ASCII.hexValue(body[i]) else { return nil }
            value = UInt64(d) | value << 4
            i += 1
        }
        return value
    }

    /// An address as the tool prints it: `0x` and lower-case hex, no padding (`0x7f4d6f91bd38`).
    public static func text(_ address: UInt64) -> String { "0x" + String(address, radix: 16) }
}
