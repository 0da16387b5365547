#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a record could not be read as JSON, in words for the user.
enum SyntaxProblem: Equatable {
    case expected(String)
    case unterminatedString
    case controlByte(UInt8)
    case badEscape(UInt8)
    case badAddress
    case trailingBytes
    case notAnInteger

    var text: String {
        switch self {
        case let .expected(what): return "expected \(what)"
        case .unterminatedString: return "a string is not closed before the end of the line"
        case let .controlByte(b): return "a raw control byte 0x\(String(b, radix: 16, uppercase: true)) inside a string"
        case let .badEscape(b): return "an invalid escape \\\(b >= 0x20 && b < 0x7f ? String(UnicodeScalar(b)) : "0x" + String(b, radix: 16))"
        case .badAddress: return "an address that is not a hexadecimal number of at most 64 bits"
        case .trailingBytes: return "bytes after the end of the JSON object"
        case .notAnInteger: return "a number that is not an integer"
        }
    }
}

/// A position in one record's bytes, with the JSON scanning steps the record parser needs.
///
/// Every step either advances past what it read or sets `problem` and returns `nil`/`false`;
/// nothing here allocates. Bytes are matched as `UInt8` values, never decoded.
struct Cursor {
    var p: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var problem: SyntaxProblem? = nil
    var problemAt: UnsafePointer<UInt8>? = nil

    init(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        self.p = start
        self.end = end
    }

    @inline(__always) mutating func fail(_ problem: SyntaxProblem) {
        if self.problem == nil {
            self.problem = problem
            self.problemAt = p
        }
    }

    @inline(__always) mutating func skipSpace() {
        // Every whitespace byte is at most 0x20: one compare settles the usual case.
        while p < end, p.pointee <= 0x20, ASCII.isWhitespace(p.pointee) { p += 1 }
    }

    @inline(__always) mutating func consume(_ byte: UInt8) -> Bool {
        if p < end, p.pointee == byte {
            p += 1
            return true
        }
        return false
    }

    /// Reads a field name and the `:` after it, and the space after that; returns the name's
    /// body (between the quotes, escapes as written). A missing `:` is reported as `colon`
    /// expected.
    ///
    /// The usual case, a name without escapes followed directly by `:` (as Ruby writes every
    /// name), is found in one pass over the name, eight bytes at a time; anything else goes
    /// through ``string()`` and the general rules, so the result and any problem are the same.
    @inline(__always)
    mutating func fieldName(colon: String = "':' after a field name") -> UnsafeBufferPointer<UInt8>? {
        if p < end, p.pointee == UInt8(ascii: "\"") {
            var q = p + 1
            Cursor.skipPlainBytes(&q, end)
            while q < end, q.pointee != UInt8(ascii: "\""), q.pointee != UInt8(ascii: "\\"), q.pointee >= 0x20 { q += 1 }
            if end - q >= 2, q.pointee == UInt8(ascii: "\""), q[1] == UInt8(ascii: ":") {
                let body = UnsafeBufferPointer(start: p + 1, count: q - (p + 1))
                p = q + 2
                skipSpace()
                return body
            }
        }
        guard let (key, _) = string() else { return nil }
        skipSpace()
        guard consume(UInt8(ascii: ":")) else {
            fail(.expected(colon))
            return nil
        }
        skipSpace()
        return key
    }

    /// Reads a JSON string; returns its body (between the quotes) and whether it holds escapes.
    @inline(__always)
    mutating func string() -> (body: UnsafeBufferPointer<UInt8>, escaped: Bool)? {
        guard consume(UInt8(ascii: "\"")) else {
            fail(.expected("a string"))
            return nil
        }
        let start = p
        var escaped = false
        while p < end {
            Cursor.skipPlainBytes(&p, end)
            guard p < end else { break }
            let b = p.pointee
            if b == UInt8(ascii: "\"") {
                let body = UnsafeBufferPointer(start: start, count: p - start)
                p += 1
                return (body, escaped)
            }
            if b == UInt8(ascii: "\\") {
                escaped = true
                guard p + 1 < end else { break }
                switch p[1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p += 2
                case UInt8(ascii: "u"):
                    // `\uXXXX`: the backslash, the `u`, then four hex digits.
                    let length = 6
                    guard end - p >= length, (2 ..< length).allSatisfy({ ASCII.isHexDigit(p[$0]) }) else {
                        p += 1
                        fail(.badEscape(UInt8(ascii: "u")))
                        return nil
                    }
                    p += length
                default:
                    p += 1
                    fail(.badEscape(p.pointee))
                    return nil
                }
                continue
            }
            if b < 0x20 {
                fail(.controlByte(b))
                return nil
            }
            p += 1
        }
        fail(.unterminatedString)
        return nil
    }

    /// Advances past bytes that need no attention inside a string (anything but `"`, `\\`
    /// and control bytes), eight at a time: each test sets the high bit of the bytes that
    /// match (the "has zero byte" and "has byte less than" tricks from Bit Twiddling Hacks),
    /// and the lowest set bit is the first byte that needs a look.
    ///
    /// "Lowest bit is first byte" holds for a little-endian load: the word is read with
    /// `UInt64(littleEndian:)`, which is free on little-endian machines and a byte swap on
    /// big-endian ones, so the scan is portable. The tricks may also flag a byte above a true
    /// match (a borrow runs upward), never below it, so the lowest flag is always exact.
    @inline(__always)
    static func skipPlainBytes(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        let wordSize = MemoryLayout<UInt64>.size
        let ones: UInt64 = 0x0101_0101_0101_0101  // 0x01 in every byte
        let highs: UInt64 = 0x8080_8080_8080_8080  // the high bit of every byte
        while end - p >= wordSize {
            // Safe because at least `wordSize` bytes remain from p; the load needs no alignment.
            let w = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslash = w ^ (ones &* UInt64(UInt8(ascii: "\\")))
            let control = ones &* 0x20  // bytes below 0x20 are control bytes
            let found = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (w &- control) & ~w) & highs
            if found != 0 {
                p += found.trailingZeroBitCount / 8
                return
            }
            p += wordSize
        }
    }

    /// Reads a JSON integer. Out-of-range values are reported, not fatal: `overflow` is set
    /// and the value saturates.
    @inline(__always)
    mutating func integer() -> (magnitude: UInt64, negative: Bool, overflow: Bool)? {
        let negative = consume(UInt8(ascii: "-"))
        guard p < end, ASCII.isDigit(p.pointee) else {
            fail(.expected("a number"))
            return nil
        }
        var value: UInt64 = 0
        var overflow = false
        while p < end, ASCII.isDigit(p.pointee) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(p.pointee &- UInt8(ascii: "0")))
            if o1 || o2 { overflow = true; value = .max } else { value = sum }
            p += 1
        }
        if p < end, p.pointee == UInt8(ascii: ".") || p.pointee == UInt8(ascii: "e") || p.pointee == UInt8(ascii: "E") {
            fail(.notAnInteger)
            return nil
        }
        return (value, negative, overflow)
    }

    /// Reads `true` or `false`.
    mutating func boolean() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        fail(.expected("true or false"))
        return nil
    }

    /// Advances past `word` if the bytes at `p` spell it. Compared eight bytes at a time (the
    /// last word overlapping the one before), then four, then one.
    @inline(__always)
    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - p >= n else { return false }
        let a = UnsafeRawPointer(p)
        let b = UnsafeRawPointer(word.utf8Start)
        @inline(__always) func same<T: FixedWidthInteger>(_: T.Type, at i: Int) -> Bool {
            a.loadUnaligned(fromByteOffset: i, as: T.self) == b.loadUnaligned(fromByteOffset: i, as: T.self)
        }
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                guard same(UInt64.self, at: i) else { return false }
                i += 8
            }
            guard same(UInt64.self, at: n - 8) else { return false }
        } else if n >= 4 {
            guard same(UInt32.self, at: 0), same(UInt32.self, at: n - 4) else { return false }
        } else {
            for i in 0 ..< n where p[i] != word.utf8Start[i] { return false }
        }
        p += n
        return true
    }

    /// Skips one JSON value of any kind, nested arrays and objects included, without recursion.
    mutating func skipValue() -> Bool {
        guard p < end else {
            fail(.expected("a value"))
            return false
        }
        switch p.pointee {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while p < end {
                let b = p.pointee
                if b == UInt8(ascii: "\"") {
                    guard string() != nil else { return false }
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        p += 1
                        return true
                    }
                }
                p += 1
            }
            fail(.expected("the end of a nested value"))
            return false
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return boolean() != nil
        case UInt8(ascii: "n"):
            if literal("null") { return true }
            fail(.expected("a value"))
            return false
        default:
            let start = p
            while p < end, Cursor.isNumberByte(p.pointee) { p += 1 }
            if p == start { fail(.expected("a value")) }
            return p != start
        }
    }

    @inline(__always) static func isNumberByte(_ b: UInt8) -> Bool {
        ASCII.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }
}
