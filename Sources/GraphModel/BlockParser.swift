#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields of one record, as read so far.
struct RecordFields {
    var address: UInt64? = nil
    var type: ObjectType? = nil
    var typeName: UnsafeBufferPointer<UInt8>? = nil
    var classAddress: UInt64 = 0
    var memsize: UInt64 = 0
    var bytesize: UInt64 = 0
    var generation: UInt32 = .max
    var file: UnsafeBufferPointer<UInt8>? = nil
    var line: UInt32? = nil
    var method: UnsafeBufferPointer<UInt8>? = nil
    var unreadableMethod = false
    var unreadableFile = false
    /// `file` holds raw bytes (read by recovery, where Ruby did not escape it), not JSON text.
    var rawFile = false
    var value: UnsafeBufferPointer<UInt8>? = nil
    /// A STRING's `encoding` (Ruby writes none for ASCII-8BIT).
    var encoding: UnsafeBufferPointer<UInt8>? = nil
    var name: UnsafeBufferPointer<UInt8>? = nil
    var realClassName: UnsafeBufferPointer<UInt8>? = nil
    var detailString: UnsafeBufferPointer<UInt8>? = nil
    var root: UnsafeBufferPointer<UInt8>? = nil
    var number: UInt32 = 0
    var flags: ObjectFlags = []
    var sawReferences = false
    /// The field being read when a problem was found.
    var currentKey: RecordKey = .other
    /// Where the value of `file` starts (after its opening quote), for recovery.
    var fileValueStart: UnsafePointer<UInt8>? = nil
    var methodKeyStart: UnsafePointer<UInt8>? = nil
    /// Where the value of `real_class_name` starts (after its opening quote), for recovery.
    var realClassNameStart: UnsafePointer<UInt8>? = nil
    /// `real_class_name` holds raw bytes (read by recovery), not JSON text.
    var rawRealClassName = false
    /// A value that was out of range and was clamped.
    var note: String? = nil
}

/// A string interned last, and its ID (see ``BlockParser/lastFile``).
struct InternCache {
    var text = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var id = StringID.none

    /// The ID of `text` in `strings`: the cached one when the bytes are the same.
    @inline(__always)
    mutating func intern(_ text: UnsafeBufferPointer<UInt8>, in strings: inout StringTable) -> StringID {
        if text.count == self.text.count, !id.isNone,
           text.count == 0 || memcmp(text.baseAddress!, self.text.baseAddress!, text.count) == 0 {
            return id
        }
        self.text = text
        id = strings.intern(text)
        return id
    }
}

/// The last site seen in each of 1,024 slots, and its ID in the block (see
/// ``BlockParser/siteCache``).
struct SiteCache {
    private var sites = [AllocationSite](repeating: AllocationSite(file: .none, line: 0, method: .none), count: 1024)
    private var ids = [UInt32](repeating: .max, count: 1024)

    /// The ID of `site` in `block`: the cached one when its slot holds it, else the block's.
    @inline(__always)
    mutating func id(of site: AllocationSite, in block: inout ParsedBlock) -> UInt32 {
        let mixed = UInt64(site.file.rawValue) &* 0x9E37_79B9_7F4A_7C15
            ^ UInt64(site.line) &* 0xC2B2_AE3D_27D4_EB4F ^ UInt64(site.method.rawValue) &* 0x1656_67B1_9E37_79F9
        let slot = Int(truncatingIfNeeded: mixed >> 54)
        if ids[slot] != .max, sites[slot] == site { return ids[slot] }
        let id = block.internSite(site)
        sites[slot] = site
        ids[slot] = id
        return id
    }
}

/// Parses the records of one block of dump text into a ``ParsedBlock``.
///
/// A record is a physical line that starts with `{`, plus any following lines that do not
/// (Ruby writes a raw newline when a file name holds one). Each record is read by a strict
/// JSON scanner; when that fails in a field Ruby is known to write unescaped (`file`,
/// `method`), the record is recovered from what is certain, and otherwise it is skipped.
/// Both are reported with their line number.
///
/// - Complexity: O(n) in the block's bytes: each byte is looked at a bounded number of times.
struct BlockParser {
    var out: ParsedBlock
    private let endsDump: Bool
    /// Whether references are read (off for the dumps of a diff whose edges are not needed:
    /// their arrays are then only skipped over).
    private let keepReferences: Bool
    /// The file and method names interned last: consecutive records mostly
    /// share them (objects allocated together lie together in the heap), so most records
    /// compare their bytes once instead of hashing them. They point into the bytes being
    /// parsed, and live only as long as this parser, within ``parse(_:endsDump:keepReferences:into:)``.
    var lastFile = InternCache()
    var lastMethod = InternCache()
    /// Sites met lately, by a hash of their three numbers (direct-mapped: a site takes its
    /// slot from the one before). Records of one site mostly lie near each other but
    /// interleave with a few others (a request builds a string, an array and a hash on three
    /// lines), which a cache of the previous record's site alone missed for 78% of the
    /// records; the block's site dictionary is asked on a miss.
    var siteCache = SiteCache()

    private init(into block: ParsedBlock, endsDump: Bool, keepReferences: Bool) {
        self.out = block
        self.endsDump = endsDump
        self.keepReferences = keepReferences
    }

    /// Parses `bytes`, which start at a record's first byte and end after a newline (or at the
    /// end of the dump, when `endsDump`), into `block` (emptied first; its capacity is reused).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, endsDump: Bool, keepReferences: Bool = true,
                      into block: inout ParsedBlock) {
        block.reset()
        var parser = BlockParser(into: block, endsDump: endsDump, keepReferences: keepReferences)
        block = ParsedBlock(expectedBytes: 0)  // hand the storage to the parser, uniquely
        if let base = bytes.baseAddress, bytes.count > 0 {
            parser.parseRecords(base, base + bytes.count)
        }
        block = parser.out
    }

    /// Parses `bytes` into a new block.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, endsDump: Bool) -> ParsedBlock {
        var block = ParsedBlock(expectedBytes: bytes.count)
        parse(bytes, endsDump: endsDump, into: &block)
        return block
    }

    private mutating func parseRecords(_ base: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        var p = base
        var line = 1
        while p < end {
            let start = p
            var lineEnd = BlockParser.newline(from: p, to: end)
            var span = 1
            // Lines that do not start with `{` continue the record (a raw newline in a name).
            while lineEnd < end, lineEnd + 1 < end, lineEnd[1] != UInt8(ascii: "{") {
                lineEnd = BlockParser.newline(from: lineEnd + 1, to: end)
                span += 1
            }
            let terminated = lineEnd < end
            if !BlockParser.isBlank(start, lineEnd) {
                parseRecord(start, lineEnd, line: line, span: span, terminated: terminated)
            }
            line += span
            p = terminated ? lineEnd + 1 : end
        }
        out.lineCount = line - 1
    }

    @inline(__always)
    private static func newline(from p: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        guard let found = memchr(p, 0x0A, end - p) else { return end }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
    }

    private static func isBlank(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var q = p
        while q < end, ASCII.isWhitespace(q.pointee) { q += 1 }
        return q == end
    }

    // MARK: - One record

    private mutating func parseRecord(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                                      line: Int, span: Int, terminated: Bool) {
        out.counts.records += 1
        let referenceStart = out.references.count
        var c = Cursor(start, end)
        var f = RecordFields()
        let ok = readFields(&c, &f)
        if ok {
            if !terminated && endsDump {
                // Ruby ends every record with a newline: the dump was cut off here, perhaps
                // exactly at a record's end.
                let issue = LineIssue(line: line, lineSpan: span,
                                      reason: "the dump ends without a final newline: it was probably cut off while being written",
                                      recovered: true)
                out.report(issue)
                out.cutOff = issue
            }
            if let note = f.note {
                f.flags.insert(.recovered)
                out.report(LineIssue(line: line, lineSpan: span, reason: note, recovered: true))
            }
            store(f, referenceStart: referenceStart, line: line, span: span)
            return
        }
        let problem = c.problem ?? .expected("a JSON object")
        let column = (c.problemAt ?? c.p) - start + 1
        let cutOff = !terminated && endsDump
        let broken = f.currentKey
        if !cutOff, recover(&f, start, end) {
            f.flags.insert(.recovered)
            let what = broken == .method
                ? "Ruby 3.1 writes non-ASCII method names with stray bytes"
                : broken == .realClassName ? "Ruby writes real_class_name unescaped" : "Ruby writes file names unescaped"
            out.report(LineIssue(line: line, lineSpan: span,
                                 reason: "invalid JSON in \"\(broken.name)\" at column \(column) (\(what)): \(problem.text); address, type and references read, \(f.unreadableFile ? "file and method" : f.unreadableMethod ? "method" : "nothing") lost",
                                 recovered: true))
            store(f, referenceStart: referenceStart, line: line, span: span)
            return
        }
        out.references.removeSubrange(referenceStart...)
        if cutOff {
            out.cutOff = LineIssue(line: line, lineSpan: span,
                                   reason: "the dump ends in the middle of this record: it was cut off (the process may have died while dumping)",
                                   recovered: false)
        }
        let reason: String
        if cutOff {
            reason = "the dump ends in the middle of this record: it was cut off (the process may have died while dumping)"
        } else if f.currentKey != .other {
            reason = "invalid JSON in \"\(f.currentKey.name)\" at column \(column): \(problem.text); record skipped"
        } else {
            reason = "invalid JSON at column \(column): \(problem.text); record skipped"
        }
        out.report(LineIssue(line: line, lineSpan: span, reason: reason, recovered: false))
    }

    /// Reads the fields of one record with a strict JSON scanner. Returns false at the first
    /// problem, with `c.problem` saying what it was and `f.currentKey` where.
    private mutating func readFields(_ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        c.skipSpace()
        guard c.consume(UInt8(ascii: "{")) else {
            c.fail(.expected("a record starting with '{'"))
            return false
        }
        c.skipSpace()
        if c.consume(UInt8(ascii: "}")) {
            c.fail(.expected("a \"type\" field"))
            return false
        }
        return readFieldList(&c, &f)
    }

    /// Reads fields from the next key to the record's end: the rest of ``readFields``, also
    /// where recovery goes on after a broken value.
    mutating func readFieldList(_ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        c.skipSpace()
        while true {
            let keyStart = c.p
            let k: RecordKey
            if let known = Self.knownKey(&c) {
                k = known
            } else {
                guard let key = c.fieldName() else { return false }
                k = RecordKey.match(key)
            }
            f.currentKey = k
            guard readValue(k, keyStart: keyStart, &c, &f) else { return false }
            // `, "`: how Ruby separates fields, the next name's quote included.
            if c.end - c.p >= 3, c.p[0] == UInt8(ascii: ","), c.p[1] == UInt8(ascii: " "), c.p[2] == UInt8(ascii: "\"") {
                c.p += 2
                continue
            }
            c.skipSpace()
            if c.consume(UInt8(ascii: ",")) {
                c.skipSpace()
                continue
            }
            if c.consume(UInt8(ascii: "}")) { break }
            c.fail(.expected("',' or '}' after a field"))
            return false
        }
        return readRecordEnd(&c, &f)
    }

    /// The names Ruby writes, each with its quotes and the colon right after it, recognised by
    /// their first letter and a compare of their bytes (``Cursor/literal(_:)``). Moves past the name, the
    /// colon and any space after it; `nil` (nothing moved) for anything else, which
    /// ``Cursor/fieldName(colon:)`` and ``RecordKey/match(_:)`` then read: a name matched here is
    /// exactly the bytes between its quotes, with no escape, so both ways give the same key.
    @inline(__always)
    private static func knownKey(_ c: inout Cursor) -> RecordKey? {
        guard c.end - c.p >= 2, c.p[0] == UInt8(ascii: "\"") else { return nil }
        let found: RecordKey?
        switch c.p[1] {
        case UInt8(ascii: "a"): found = c.literal("\"address\":") ? .address : nil
        case UInt8(ascii: "t"): found = c.literal("\"type\":") ? .type : nil
        case UInt8(ascii: "c"):
            found = c.literal("\"class\":") ? .class : c.literal("\"capacity\":") ? .other : nil
        case UInt8(ascii: "r"): found = c.literal("\"references\":") ? .references : nil
        case UInt8(ascii: "f"):
            found = c.literal("\"file\":") ? .file : c.literal("\"flags\":") ? .flags
                : c.literal("\"frozen\":") ? .frozen : c.literal("\"fstring\":") ? .fstring : nil
        case UInt8(ascii: "l"):
            found = c.literal("\"line\":") ? .line : c.literal("\"length\":") ? .length : nil
        case UInt8(ascii: "m"):
            found = c.literal("\"method\":") ? .method : c.literal("\"memsize\":") ? .memsize : nil
        case UInt8(ascii: "g"): found = c.literal("\"generation\":") ? .generation : nil
        case UInt8(ascii: "b"): found = c.literal("\"bytesize\":") ? .bytesize : nil
        case UInt8(ascii: "v"): found = c.literal("\"value\":") ? .value : nil
        case UInt8(ascii: "e"):
            found = c.literal("\"embedded\":") ? .other : c.literal("\"encoding\":") ? .encoding : nil
        case UInt8(ascii: "i"):
            found = c.literal("\"ivars\":") ? .ivars : c.literal("\"imemo_type\":") ? .imemoType : nil
        case UInt8(ascii: "s"):
            found = c.literal("\"size\":") ? .size : c.literal("\"shared\":") ? .shared
                : c.literal("\"slot_size\":") ? .slotSize : c.literal("\"shape_id\":") ? .other : nil
        default: found = nil
        }
        guard let found else { return nil }
        c.skipSpace()
        return found
    }

    /// After the closing `}`: nothing but space, and a type was read.
    mutating func readRecordEnd(_ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        c.skipSpace()
        guard c.p == c.end else {
            f.currentKey = .other
            c.fail(.trailingBytes)
            return false
        }
        guard f.type != nil else {
            f.currentKey = .other
            c.fail(.expected("a \"type\" field"))
            return false
        }
        return true
    }

    @inline(__always)
    private mutating func readValue(_ k: RecordKey, keyStart: UnsafePointer<UInt8>,
                                    _ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        switch k {
        case .address:
            guard let a = Self.readAddress(&c) else { return false }
            f.address = a
        case .type:
            guard let (body, _) = c.string() else { return false }
            f.type = ObjectType.named(body) ?? .unknown
            f.typeName = body
        case .class:
            guard let a = Self.readAddress(&c) else { return false }
            f.classAddress = a
        case .references:
            return readReferences(&c, &f)
        case .root:
            guard let (body, _) = c.string() else { return false }
            f.root = body
        case .file:
            f.fileValueStart = c.p + 1
            guard let (body, _) = c.string() else { return false }
            f.file = body
        case .line:
            guard let n = c.integer() else { return false }
            f.line = clamp32(n, .line, &f)
        case .method:
            f.methodKeyStart = keyStart
            guard let (body, _) = c.string() else { return false }
            f.method = body
        case .generation:
            guard let n = c.integer() else { return false }
            f.generation = min(clamp32(n, .generation, &f), .max - 1)
        case .memsize:
            guard let n = c.integer() else { return false }
            f.memsize = clamp64(n, .memsize, &f)
        case .bytesize:
            guard let n = c.integer() else { return false }
            f.bytesize = clamp64(n, .bytesize, &f)
        case .value:
            // FLOAT values are strings too; a value of another JSON type is skipped.
            if c.p < c.end, c.p.pointee == UInt8(ascii: "\"") {
                guard let (body, _) = c.string() else { return false }
                f.value = body
            } else {
                return c.skipValue()
            }
        case .encoding:
            guard let (body, _) = c.string() else { return false }
            f.encoding = body
        case .name:
            guard let (body, _) = c.string() else { return false }
            f.name = body
        case .realClassName:
            f.realClassNameStart = c.p + 1
            guard let (body, _) = c.string() else { return false }
            f.realClassName = body
        case .struct, .imemoType:
            guard let (body, _) = c.string() else { return false }
            f.detailString = body
        case .size, .length, .ivars:
            guard let n = c.integer() else { return false }
            f.number = clamp32(n, k, &f)
        case .frozen, .shared, .fstring, .singleton:
            guard let yes = c.boolean() else { return false }
            if yes {
                switch k {
                case .frozen: f.flags.insert(.frozen)
                case .shared: f.flags.insert(.shared)
                case .fstring: f.flags.insert(.fstring)
                default: f.flags.insert(.singleton)
                }
            }
        case .flags:
            return readGCFlags(&c, &f)
        case .chilled, .slotSize, .parentID, .shapeType, .complexShape, .tooComplexShape, .freeImmediately:
            return readFeature(k, &c)
        case .other:
            return c.skipValue()
        }
        return true
    }

    /// `"references":["0x…", …]`: appended to the block's reference column as addresses.
    private mutating func readReferences(_ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        f.sawReferences = true
        guard c.consume(UInt8(ascii: "[")) else {
            c.fail(.expected("'[' to open the references"))
            return false
        }
        if !keepReferences && f.type != .root {
            // Addresses hold no ']': the array ends at the first one.
            guard let close = memchr(c.p, Int32(UInt8(ascii: "]")), c.end - c.p) else {
                c.fail(.expected("']' to close the references"))
                return false
            }
            c.p = UnsafePointer(close.assumingMemoryBound(to: UInt8.self)) + 1
            return true
        }
        c.skipSpace()
        if c.consume(UInt8(ascii: "]")) { return true }
        while true {
            c.skipSpace()
            guard let a = Self.readAddress(&c) else { return false }
            out.references.append(a)
            c.skipSpace()
            if c.consume(UInt8(ascii: ",")) { continue }
            if c.consume(UInt8(ascii: "]")) { return true }
            c.fail(.expected("',' or ']' in the references"))
            return false
        }
    }

    /// A JSON string holding an address (any form ``Address/parse(_:)`` reads).
    ///
    /// The form Ruby writes, `"0x` and 1 to 16 hex digits and `"`, is read sixteen digits at
    /// once where 17 bytes follow the `0x` (everywhere but at a record's very end); any other
    /// goes through ``Cursor/string()`` and ``Address/parse(_:)``, so the value and any
    /// problem are the same.
    @inline(__always)
    private static func readAddress(_ c: inout Cursor) -> UInt64? {
        let p = c.p
        if c.end - p >= 20, p[0] == UInt8(ascii: "\""), p[1] == UInt8(ascii: "0"), p[2] == UInt8(ascii: "x") {
            let digits = p + 3
            let (value, count) = ASCII.hexPrefix16(digits)
            if count >= 1, count <= 16, digits[count] == UInt8(ascii: "\"") {
                c.p = digits + count + 1
                return value
            }
        }
        guard let (body, _) = c.string() else { return nil }
        guard let a = Address.parse(body) else { c.fail(.badAddress); return nil }
        return a
    }

    /// A key read only for the Ruby version it shows (``DumpFeatures``); its value is checked
    /// as JSON and otherwise dropped.
    private mutating func readFeature(_ k: RecordKey, _ c: inout Cursor) -> Bool {
        switch k {
        case .chilled:
            out.counts.features.insert(.chilledStrings)
        case .complexShape:
            out.counts.features.insert(.complexShapeKey)
        case .tooComplexShape:
            out.counts.features.insert(.tooComplexShapeKey)
        case .freeImmediately:
            out.counts.features.insert(.freeImmediately)
        case .slotSize, .parentID:
            guard let n = c.integer() else { return false }
            if k == .parentID {
                if n.magnitude == 4_294_967_295 { out.counts.features.insert(.invalidParentShapes) }
            } else {
                out.counts.features.insert(n.magnitude % 40 == 0 ? .slotSizes : [.slotSizes, .newSlotSizes])
            }
            return true
        case .shapeType:
            guard let (body, _) = c.string() else { return false }
            if Self.equals(body, "OBJ_ID") {
                out.counts.features.insert(.objectIDShapes)
            } else if Self.equals(body, "FROZEN") || Self.equals(body, "T_OBJECT") || Self.equals(body, "OBJ_TOO_COMPLEX") {
                out.counts.features.insert(.legacyShapeTypes)
            }
            return true
        default:
            break
        }
        return c.skipValue()
    }

    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        guard let p = bytes.baseAddress, bytes.count == s.utf8CodeUnitCount else { return false }
        return memcmp(p, s.utf8Start, bytes.count) == 0
    }

    /// `"flags":{"old":true, …}`: keeps `old`; any other key and any value is accepted (the
    /// MMTk GC writes integers there).
    mutating func readGCFlags(_ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        guard c.p < c.end, c.p.pointee == UInt8(ascii: "{") else { return c.skipValue() }
        c.p += 1
        // What Ruby writes for an old object, whole: its four flags and the closing brace.
        if c.literal("\"wb_protected\":true, \"old\":true, \"uncollectible\":true, \"marked\":true}") {
            f.flags.insert(.old)
            return true
        }
        c.skipSpace()
        if c.consume(UInt8(ascii: "}")) { return true }
        while true {
            c.skipSpace()
            // The flags Ruby writes, whole (name and value): `old` is kept, the rest mean nothing here.
            if c.literal("\"old\":true") {
                f.flags.insert(.old)
            } else if c.literal("\"wb_protected\":true") || c.literal("\"uncollectible\":true") || c.literal("\"marked\":true") {
                // Nothing to keep.
            } else if !readGCFlag(&c, &f) {
                return false
            }
            c.skipSpace()
            if c.consume(UInt8(ascii: ",")) { continue }
            if c.consume(UInt8(ascii: "}")) { return true }
            c.fail(.expected("',' or '}' in flags"))
            return false
        }
    }

    /// One flag of `flags`, name and value, read by the general rules.
    private mutating func readGCFlag(_ c: inout Cursor, _ f: inout RecordFields) -> Bool {
        guard let key = c.fieldName(colon: "':' in flags") else { return false }
        if key.count == 3, key[0] == UInt8(ascii: "o"), key[1] == UInt8(ascii: "l"), key[2] == UInt8(ascii: "d"),
           c.literal("true") {
            f.flags.insert(.old)
            return true
        }
        // Ruby 4.0 writes integers (`"age":2`, `"object_id":16`) among the booleans.
        if c.p < c.end, ASCII.isDigit(c.p.pointee) { out.counts.features.insert(.integerFlags) }
        return c.skipValue()
    }

    /// A number read for a 64-bit column: as it is when it fits, else clamped with a note.
    @inline(__always)
    private func clamp64(_ n: (magnitude: UInt64, negative: Bool, overflow: Bool), _ key: RecordKey,
                         _ f: inout RecordFields) -> UInt64 {
        if !n.negative && !n.overflow { return n.magnitude }
        return clamped64(n, key, &f)
    }

    /// A number read for a 32-bit column (`UInt32.max` stands for none): as it is when it
    /// fits, else clamped with a note.
    @inline(__always)
    private func clamp32(_ n: (magnitude: UInt64, negative: Bool, overflow: Bool), _ key: RecordKey,
                         _ f: inout RecordFields) -> UInt32 {
        if !n.negative && !n.overflow && n.magnitude < UInt64(UInt32.max) { return UInt32(n.magnitude) }
        return clamped32(n, key, &f)
    }

    private func clamped64(_ n: (magnitude: UInt64, negative: Bool, overflow: Bool), _ key: RecordKey,
                           _ f: inout RecordFields) -> UInt64 {
        if !n.negative && !n.overflow { return n.magnitude }
        let field = key.name
        if n.negative && n.magnitude != 0 {
            f.note = f.note ?? "\"\(field)\" is negative (-\(n.magnitude)); read as 0"
            return 0
        }
        if n.overflow { f.note = f.note ?? "\"\(field)\" does not fit in 64 bits; read as \(UInt64.max)" }
        return n.magnitude
    }

    private func clamped32(_ n: (magnitude: UInt64, negative: Bool, overflow: Bool), _ key: RecordKey,
                           _ f: inout RecordFields) -> UInt32 {
        let v = clamped64(n, key, &f)
        if v > UInt32.max - 1 {
            let field = key.name
            f.note = f.note ?? "\"\(field)\" is \(n.overflow ? "beyond 64 bits" : String(v)), out of range; read as \(UInt32.max - 1)"
            return UInt32.max - 1
        }
        return UInt32(v)
    }
}
