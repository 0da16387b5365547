/// Reading what is certain from a record Ruby wrote as invalid JSON.
///
/// Ruby writes object fields in a fixed order: `address`, `type`, …, `references`, then the
/// allocation fields `file`, `line`, `method`, `generation`, `memsize`, `flags`. It never
/// escapes `file`, and Ruby 3.1 mangles non-ASCII `method` names. When the strict scan fails
/// inside one of those two, everything before it (address, type, class, references) was
/// read intact, and the fields after it are found from the end of the line, where the last
/// occurrence of `"memsize":` is the real one whatever the broken text holds.
extension BlockParser {
    mutating func recover(_ f: inout RecordFields, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        guard let type = f.type, type.isHeapObject, f.address != nil else { return false }
        let tail: UnsafePointer<UInt8>
        switch f.currentKey {
        case .realClassName:
            return recoverRealClassName(&f, start, end)
        case .method:
            // Safe because readValue sets methodKeyStart before reading the method's value.
            let methodKeyStart = f.methodKeyStart!
            guard Self.valueOpensString(afterKey: methodKeyStart, end) else { return false }
            tail = methodKeyStart
            f.method = nil
            f.unreadableMethod = true
        case .file:
            // Safe because readValue sets fileValueStart before reading the file's value.
            let fileStart = f.fileValueStart!
            guard Self.opensString(before: fileStart, end) else { return false }
            tail = fileStart
            f.file = nil
            f.method = nil
            f.line = nil
            let lineKey = RecoveryKey.line
            let found = Self.occurrences(of: lineKey, in: fileStart, end, limit: 2)
            if found.count == 1 {
                let at = found[0]
                f.file = UnsafeBufferPointer(start: fileStart, count: at - fileStart)
                f.rawFile = true
                var c = Cursor(at + lineKey.utf8CodeUnitCount, end)
                if let n = c.integer(), !n.negative, n.magnitude < UInt64(UInt32.max) { f.line = UInt32(n.magnitude) }
                c.skipSpace()
                if c.consume(UInt8(ascii: ",")) {
                    c.skipSpace()
                    if c.literal("\"method\":"), let (body, _) = c.string() {
                        f.method = body
                    } else {
                        f.unreadableMethod = true
                    }
                }
            } else {
                f.unreadableFile = true
                f.unreadableMethod = true
            }
        default:
            return false
        }
        f.generation = .max
        f.memsize = 0
        if let at = Self.lastOccurrence(of: RecoveryKey.generation, in: tail, end) {
            var c = Cursor(at + RecoveryKey.generation.utf8CodeUnitCount, end)
            if let n = c.integer(), !n.negative, n.magnitude < UInt64(UInt32.max) { f.generation = UInt32(n.magnitude) }
        }
        if let at = Self.lastOccurrence(of: RecoveryKey.memsize, in: tail, end) {
            var c = Cursor(at + RecoveryKey.memsize.utf8CodeUnitCount, end)
            if let n = c.integer(), !n.negative { f.memsize = n.magnitude }
        }
        f.flags.remove(.old)
        if let at = Self.lastOccurrence(of: RecoveryKey.flags, in: tail, end) {
            var c = Cursor(at + RecoveryKey.flags.utf8CodeUnitCount, end)
            _ = readGCFlags(&c, &f)
        }
        return true
    }

    /// `real_class_name` is written raw (Ruby 3.1 to 4.1-dev), so `set_temporary_name('tmp"cls')`
    /// breaks its line. Ruby writes the fields after it in a fixed order (`singleton`,
    /// `references`, then the allocation fields, `memsize`, `flags`): the name ends at the
    /// first of those keys, and the rest of the record is read strictly from there (and
    /// recovered again if `file` or `method` is broken too).
    private mutating func recoverRealClassName(_ f: inout RecordFields, _ start: UnsafePointer<UInt8>,
                                               _ end: UnsafePointer<UInt8>) -> Bool {
        // Safe because readValue sets realClassNameStart before reading the name's value.
        let nameStart = f.realClassNameStart!
        guard Self.opensString(before: nameStart, end) else { return false }
        let next: [StaticString] = ["\", \"singleton\":", "\", \"references\":[", "\", \"file\":\"", "\", \"line\":",
                                    "\", \"method\":\"", "\", \"generation\":", "\", \"memsize\":", "\", \"flags\":{"]
        var close: UnsafePointer<UInt8>? = nil
        for key in next {
            if let at = Self.occurrences(of: key, in: nameStart, close ?? end, limit: 1).first { close = at }
        }
        if close == nil, let brace = Self.lastOccurrence(of: "\"}", in: nameStart, end) { close = brace }
        guard let close else { return false }
        f.realClassName = UnsafeBufferPointer(start: nameStart, count: close - nameStart)
        f.rawRealClassName = true
        var c = Cursor(close + 1, end)
        c.skipSpace()
        if c.consume(UInt8(ascii: "}")) { return readRecordEnd(&c, &f) }
        guard c.consume(UInt8(ascii: ",")) else { return false }
        if readFieldList(&c, &f) { return true }
        return f.currentKey == .file || f.currentKey == .method ? recover(&f, start, end) : false
    }

    /// Whether the value that readValue found broken opened as a string: recovery is for the
    /// strings Ruby writes unescaped, and a value of another type (`"method":null`, valid
    /// JSON) is no Ruby bug to recover from. Checked here, on the rare broken line, so that
    /// the strict scan does no more work than before. `valueStart` is one past the byte
    /// where the value began (possibly one past `end`).
    static func opensString(before valueStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        // Safe because valueStart - 1 is where the value began: at or after the record's start,
        // and before end when valueStart <= end.
        valueStart <= end && valueStart[-1] == UInt8(ascii: "\"")
    }

    /// ``opensString(before:_:)`` for a value found from its key.
    static func valueOpensString(afterKey keyStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var c = Cursor(keyStart, end)
        guard c.string() != nil else { return false }
        c.skipSpace()
        guard c.consume(UInt8(ascii: ":")) else { return false }
        c.skipSpace()
        return c.p < c.end && c.p.pointee == UInt8(ascii: "\"")
    }

    /// Where `needle` occurs in `start..<end`, up to `limit` places.
    static func occurrences(of needle: StaticString, in start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                            limit: Int) -> [UnsafePointer<UInt8>] {
        let n = needle.utf8CodeUnitCount
        var found: [UnsafePointer<UInt8>] = []
        var p = start
        while end - p >= n, found.count < limit {
            // Safe because at least n bytes remain from p.
            if memcmp(p, needle.utf8Start, n) == 0 { found.append(p) }
            p += 1
        }
        return found
    }

    /// The last place `needle` occurs in `start..<end`, if any.
    ///
    /// The search steps an offset down from the end, not a pointer: a pointer may not be
    /// moved before the start of its buffer, not even to be compared and dropped.
    static func lastOccurrence(of needle: StaticString, in start: UnsafePointer<UInt8>,
                               _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        let n = needle.utf8CodeUnitCount
        var offset = (end - start) - n
        while offset >= 0 {
            // Safe because 0 <= offset and offset + n <= end - start.
            if memcmp(start + offset, needle.utf8Start, n) == 0 { return start + offset }
            offset -= 1
        }
        return nil
    }
}

/// The keys recovery looks for in a broken record's text, each with the bytes that open its
/// value, so that a value is read from `at + key.utf8CodeUnitCount`.
enum RecoveryKey {
    /// What follows an unescaped `file` value in Ruby's field order.
    static let line: StaticString = "\", \"line\":"
    static let generation: StaticString = "\"generation\":"
    static let memsize: StaticString = "\"memsize\":"
    static let flags: StaticString = "\"flags\":"
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
