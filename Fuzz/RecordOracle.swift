// The differential oracle of the record fuzz target: what the graph must keep of one record
// that Foundation's JSONSerialization accepts, worked out from Foundation's reading and the
// record's bytes, without the scanner's code. Rules (each a `Rule:` comment below):
//
// * Scope. A record is compared when Foundation accepts its bytes as a JSON object and no
//   key occurs twice, at the top or inside `flags` (Ruby never writes a key twice; RFC 8259
//   leaves duplicates undefined). What Foundation accepts beyond RFC 8259 in UTF-8 (a
//   trailing comma, a byte-order mark, UTF-16 or UTF-32 text) must be unreadable or flagged
//   recovered (a trailing comma after `file` is recovery's case of a line broken there).
// * Keys are matched as the bytes written: Ruby writes its keys as fixed C text, so a key
//   spelled with an escape (`"typ\u0065"`) is another key to the scanner, and is skipped.
// * Every kept field has one JSON type. A value of another type makes the record unreadable:
//   strings for `address`, `type`, `class`, `root`, `file`, `method`, `name`,
//   `real_class_name`, `struct`, `imemo_type`, `shape_type`; an array of strings for
//   `references`; an integer (no fraction, no exponent) for `line`, `generation`, `memsize`,
//   `bytesize`, `size`, `length`, `ivars`, `slot_size`, `parent_id`; `true`/`false` for
//   `frozen`, `shared`, `fstring`, `singleton`. `value`, `flags` and every other key may hold
//   anything.
// * Addresses: the text of FORMAT.md (`0x`/`0X` and hex, leading zeros allowed, at most 64
//   bits, or plain hex) read from the decoded string; an address written with an escape is
//   unreadable (Ruby never escapes one).
// * `type` is matched as written: a name with an escape is UNKNOWN.
// * Integers as Ruby writes them, cross-checked with Foundation's value when it fits in
//   Int64: `-0` is 0; a negative value is read as 0, and a value beyond 64 bits as
//   UInt64.max, both with a note (the record is flagged recovered); `line`, `generation`,
//   `size`, `length` and `ivars` are 32-bit columns: above 2^32-2 they are 2^32-2, with a note.
// * Strings are kept as their escaped text (the body between the quotes); its decoding by
//   JSONText must equal Foundation's string.
// * `value` (STRING, SYMBOL, FLOAT; only when it is a string): a prefix of the escaped body of
//   at most 48 bytes that cuts neither an escape nor a UTF-8 character, flagged truncated
//   exactly when shorter than the body.
// * The rest is the graph's documented columns: class 0 for IMEMO and NODE; an IMEMO whose
//   `imemo_type` (or `struct`: one column) is `fields` keeps its `class` as its owner; the
//   name is `name`, else `real_class_name`, else `struct`/`imemo_type`; the number is the last
//   of `size`/`length`/`ivars`; `flags` keeps `old` when it is `true`; a ROOT needs `root`,
//   an object needs `address`; SHAPE, NONE and ZOMBIE records are only counted.
import Foundation
import GraphModel

/// What the graph must keep of a record, or that it must be unreadable.
enum Expected {
    case unreadable(String)
    case object(ReadObject)
    case root(category: [UInt8], targets: [UInt64])
    case counted(ObjectType)
    /// Read by Foundation, not RFC 8259 JSON in UTF-8: unreadable, or recovered (the
    /// reader's recovery of a line broken after `file` also takes `"file":"a.rb", }`).
    case beyondJSON
    /// Outside the differential (see the scope rule), and why.
    case notCompared(String)
}

enum RecordOracle {
    static func expected(_ bytes: [UInt8]) -> Expected {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            return .notCompared("not a JSON object")
        }
        // Rule: Foundation also takes a trailing comma, a byte-order mark and UTF-16 or UTF-32
        // text; RFC 8259 JSON in UTF-8 does not, and neither may the reader.
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), bytes[start] == UInt8(ascii: "{"),
              let fields = RawJSON.members(bytes, start)
        else { return .beyondJSON }
        guard object.count == fields.count, Set(fields.map { $0.key }).count == fields.count else {
            return .notCompared("a key twice")
        }
        var reading = Reading(bytes: bytes, object: object)
        return reading.read(fields)
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}

/// The members of a JSON object in valid JSON text, as byte ranges, without decoding.
enum RawJSON {
    struct Member {
        var key: [UInt8]
        var value: Range<Int>
    }

    /// `nil` when the text is not what this simple reader expects (it is only run on text
    /// Foundation accepted, so that means an encoding other than UTF-8).
    static func members(_ b: [UInt8], _ open: Int) -> [Member]? {
        var i = open + 1
        var out: [Member] = []
        skipSpace(b, &i)
        if i < b.count, b[i] == UInt8(ascii: "}") { return out }
        while i < b.count {
            guard b[i] == UInt8(ascii: "\""), let keyEnd = stringEnd(b, i) else { return nil }
            let key = Array(b[i + 1 ..< keyEnd - 1])
            i = keyEnd
            skipSpace(b, &i)
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace(b, &i)
            guard let valueEnd = valueEnd(b, i) else { return nil }
            out.append(Member(key: key, value: i ..< valueEnd))
            i = valueEnd
            skipSpace(b, &i)
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: "}") { return out }
            guard b[i] == UInt8(ascii: ",") else { return nil }
            i += 1
            skipSpace(b, &i)
        }
        return nil
    }

    /// The elements of a JSON array, as byte ranges.
    static func elements(_ b: [UInt8], _ open: Int) -> [Range<Int>]? {
        var i = open + 1
        var out: [Range<Int>] = []
        skipSpace(b, &i)
        if i < b.count, b[i] == UInt8(ascii: "]") { return out }
        while i < b.count {
            guard let e = valueEnd(b, i) else { return nil }
            out.append(i ..< e)
            i = e
            skipSpace(b, &i)
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: "]") { return out }
            guard b[i] == UInt8(ascii: ",") else { return nil }
            i += 1
            skipSpace(b, &i)
        }
        return nil
    }

    static func skipSpace(_ b: [UInt8], _ i: inout Int) {
        while i < b.count, RecordOracle.isSpace(b[i]) { i += 1 }
    }

    /// The index after the closing quote of the string that opens at `i`.
    static func stringEnd(_ b: [UInt8], _ i: Int) -> Int? {
        var j = i + 1
        while j < b.count {
            if b[j] == UInt8(ascii: "\\") { j += 2; continue }
            if b[j] == UInt8(ascii: "\"") { return j + 1 }
            j += 1
        }
        return nil
    }

    static func valueEnd(_ b: [UInt8], _ i: Int) -> Int? {
        guard i < b.count else { return nil }
        switch b[i] {
        case UInt8(ascii: "\""):
            return stringEnd(b, i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var j = i
            while j < b.count {
                switch b[j] {
                case UInt8(ascii: "\""):
                    guard let e = stringEnd(b, j) else { return nil }
                    j = e
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return j + 1 }
                default: break
                }
                j += 1
            }
            return nil
        default:
            var j = i
            while j < b.count, !RecordOracle.isSpace(b[j]), b[j] != UInt8(ascii: ","), b[j] != UInt8(ascii: "}"),
                  b[j] != UInt8(ascii: "]") { j += 1 }
            return j > i ? j : nil
        }
    }
}

/// One record's reading, field by field, in the order written.
private struct Reading {
    let bytes: [UInt8]
    let object: [String: Any]

    var address: UInt64? = nil
    var type: ObjectType? = nil
    var classAddress: UInt64 = 0
    var references: [UInt64] = []
    var root: [UInt8]? = nil
    var file: [UInt8]? = nil
    var line: UInt32? = nil
    var method: [UInt8]? = nil
    var generation: UInt32 = .max
    var memsize: UInt64 = 0
    var bytesize: UInt64 = 0
    var value: [UInt8]? = nil
    var name: [UInt8]? = nil
    var realClassName: [UInt8]? = nil
    var detail: [UInt8]? = nil
    var number: UInt32 = 0
    var flags: ObjectFlags = []
    var note = false

    init(bytes: [UInt8], object: [String: Any]) {
        self.bytes = bytes
        self.object = object
    }

    struct Unreadable: Error { var why: String }

    mutating func read(_ members: [RawJSON.Member]) -> Expected {
        do {
            for m in members { try read(m) }
        } catch let e as Unreadable {
            return .unreadable(e.why)
        } catch is OutOfScope {
            return .notCompared("a key twice in flags")
        } catch {
            return .unreadable("\(error)")
        }
        guard let type else { return .unreadable("no type") }
        switch type {
        case .root:
            guard let root else { return .unreadable("ROOT without root") }
            return .root(category: root, targets: references)
        case .shape, .none, .zombie:
            return .counted(type)
        default:
            break
        }
        guard let address else { return .unreadable("no address") }
        var o = ReadObject(address: address, type: type)
        o.classAddress = type == .imemo || type == .node ? 0 : classAddress
        o.references = references
        o.memsize = memsize
        o.bytesize = bytesize
        o.generation = generation
        o.flags = flags.union(note ? .recovered : [])
        if file != nil || line != nil || method != nil { o.site = (file, line ?? 0, method) }
        switch type {
        case .string, .symbol, .float:
            // Compared by rule in RecordFuzz (prefix of the escaped body); here the whole body.
            o.value = value.map { ($0, false) }
        case .class, .module, .data, .imemo:
            o.detailString = name ?? realClassName ?? detail
        default:
            o.detailNumber = number
        }
        if type == .imemo, detail == Array("fields".utf8) { o.fieldsOwner = classAddress }
        return .object(o)
    }

    private mutating func read(_ m: RawJSON.Member) throws {
        let key = String(decoding: m.key, as: UTF8.self)
        let raw = Array(bytes[m.value])
        let decodedKey = m.key.contains(UInt8(ascii: "\\")) ? nil : key
        let fv = decodedKey.flatMap { object[$0] }
        switch decodedKey ?? "" {
        case "address": address = try addressValue(raw, fv)
        case "class": classAddress = try addressValue(raw, fv)
        case "type":
            let body = try string(raw, fv)
            type = body.contains(UInt8(ascii: "\\")) ? .unknown
                : ObjectType.allCases.first { $0.name == fv as? String } ?? .unknown
        case "references":
            guard raw.first == UInt8(ascii: "["), let list = fv as? [Any],
                  let elements = RawJSON.elements(raw, 0), elements.count == list.count
            else { throw Unreadable(why: "references not an array") }
            references = []
            for (r, v) in zip(elements, list) { references.append(try addressValue(Array(raw[r]), v)) }
        case "root": root = try string(raw, fv)
        case "file": file = try string(raw, fv)
        case "method": method = try string(raw, fv)
        case "name": name = try string(raw, fv)
        case "real_class_name": realClassName = try string(raw, fv)
        case "struct", "imemo_type": detail = try string(raw, fv)
        case "shape_type": _ = try string(raw, fv)
        // The reader keeps a STRING's encoding (the compare issue's duplicate strings): a
        // kept field, so one that is not a string makes the record unreadable.
        case "encoding": _ = try string(raw, fv)
        case "line": line = try uint32(raw, fv)
        case "generation": generation = try uint32(raw, fv)
        case "size", "length", "ivars": number = try uint32(raw, fv)
        case "memsize": memsize = try uint64(raw, fv)
        case "bytesize": bytesize = try uint64(raw, fv)
        case "slot_size", "parent_id": _ = try integer(raw, fv)
        case "frozen": if try boolean(raw, fv) { flags.insert(.frozen) }
        case "shared": if try boolean(raw, fv) { flags.insert(.shared) }
        case "fstring": if try boolean(raw, fv) { flags.insert(.fstring) }
        case "singleton": if try boolean(raw, fv) { flags.insert(.singleton) }
        case "value":
            // Rule: a value that is not a string is skipped.
            if raw.first == UInt8(ascii: "\"") { value = try string(raw, fv) }
        case "flags":
            guard raw.first == UInt8(ascii: "{") else { break }
            guard let inner = RawJSON.members(raw, 0), let dict = fv as? [String: Any] else {
                throw Unreadable(why: "flags unreadable by the raw reader")
            }
            // Rule: the scope rule's "no key twice" holds inside flags too.
            guard dict.count == inner.count, Set(inner.map { $0.key }).count == inner.count else { throw OutOfScope() }
            if inner.contains(where: { $0.key == Array("old".utf8) && Array(raw[$0.value]) == Array("true".utf8) }) {
                flags.insert(.old)
            }
        default:
            break
        }
    }

    struct OutOfScope: Error {}

    /// The body of a JSON string, checked against Foundation's decoding.
    private func string(_ raw: [UInt8], _ fv: Any?) throws -> [UInt8] {
        guard raw.first == UInt8(ascii: "\""), let s = fv as? String else { throw Unreadable(why: "not a string") }
        let body = Array(raw.dropFirst().dropLast())
        let decoded = JSONText.decode(body)
        if decoded != s {
            Difference.report("JSONText.decode(\(String(decoding: body, as: UTF8.self).debugDescription)) = \(decoded.debugDescription), Foundation \(s.debugDescription)")
        }
        return body
    }

    private func addressValue(_ raw: [UInt8], _ fv: Any?) throws -> UInt64 {
        let body = try string(raw, fv)
        // Safe because string() checked that fv is a String.
        let s = fv as! String
        guard !body.contains(UInt8(ascii: "\\")) else { throw Unreadable(why: "escaped address") }
        var digits = Substring(s)
        if digits.count >= 2, digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit && $0.isASCII }),
              let n = UInt64(digits, radix: 16) else { throw Unreadable(why: "bad address") }
        return n
    }

    private func integer(_ raw: [UInt8], _ fv: Any?) throws -> (magnitude: UInt64, negative: Bool, overflow: Bool) {
        guard let first = raw.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(first),
              !raw.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
              let n = fv as? NSNumber
        else { throw Unreadable(why: "not an integer") }
        let negative = first == UInt8(ascii: "-")
        let text = String(decoding: negative ? raw.dropFirst() : raw[...], as: UTF8.self)
        let magnitude = UInt64(text)
        if let m = magnitude, m <= UInt64(Int64.max), n.int64Value != (negative ? -Int64(m) : Int64(m)) {
            Difference.report("integer \(String(decoding: raw, as: UTF8.self)): Foundation read \(n)")
        }
        return (magnitude ?? .max, negative, magnitude == nil)
    }

    private mutating func uint64(_ raw: [UInt8], _ fv: Any?) throws -> UInt64 {
        let n = try integer(raw, fv)
        if n.negative && n.magnitude != 0 { note = true; return 0 }
        if n.overflow { note = true }
        return n.magnitude
    }

    private mutating func uint32(_ raw: [UInt8], _ fv: Any?) throws -> UInt32 {
        let v = try uint64(raw, fv)
        if v > UInt64(UInt32.max - 1) { note = true; return UInt32.max - 1 }
        return UInt32(v)
    }

    private func boolean(_ raw: [UInt8], _ fv: Any?) throws -> Bool {
        if raw == Array("true".utf8) { return true }
        if raw == Array("false".utf8) { return false }
        throw Unreadable(why: "not a boolean")
    }
}

/// A difference between the scanner and the oracle: a crash for the fuzzer.
enum Difference {
    static func report(_ what: String) -> Never {
        fputs("RECORD DIFFERENCE: \(what)\n", stderr)
        abort()
    }
}
