import Foundation
@testable import GraphModel
import Testing
import TestSupport

/// The scanner's fast paths (names Ruby writes, matched whole; its addresses, read eight
/// digits at a time; its flags and separators) against the general rules they stand in for.
/// Each oracle is the general path itself, reached by writing the same record in a form the
/// fast paths do not take (a space before a colon or after a comma, an address padded past
/// sixteen digits), so a difference in any field, kept or skipped, shows. (Foundation's JSON
/// reader is the oracle of both: `DumpOracle` over every line of the fixtures, and the record
/// fuzz target.)
@Suite("Scanner fast paths")
struct ScannerFastPathTests {
    /// The digits a naive reading finds at the start of 16 bytes.
    static func naiveHex(_ bytes: [UInt8]) -> (value: UInt64, digits: Int) {
        var value: UInt64 = 0
        var n = 0
        while n < 16, let d = ASCII.hexValue(bytes[n]) {
            value = value << 4 | UInt64(d)
            n += 1
        }
        return (value, n)
    }

    @Test("Sixteen bytes at a time: the same hex digits and value as one byte at a time")
    func hexPrefix() {
        // Every byte next to a range edge, and the digits themselves, most often.
        let edges: [UInt8] = [0x00, 0x1F, 0x20, 0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x46, 0x47, 0x60, 0x61, 0x66, 0x67,
                              0x7F, 0x80, 0xB0, 0xC1, 0xE6, 0xFF, 0x22, 0x10, 0x19, 0x11, 0x16]
        let digits = Array("0123456789abcdefABCDEF".utf8)
        var rng = SystemRandomNumberGenerator()
        for round in 0 ..< 200_000 {
            var bytes = (0 ..< 16).map { _ in digits.randomElement(using: &rng)! }
            // Cut the run of digits somewhere (or nowhere) with a byte of any kind.
            let cut = Int.random(in: 0 ... 16, using: &rng)
            if cut < 16 {
                bytes[cut] = round % 3 == 0 ? UInt8.random(in: 0 ... 255, using: &rng) : edges.randomElement(using: &rng)!
                for k in cut + 1 ..< 16 where Bool.random(using: &rng) { bytes[k] = UInt8.random(in: 0 ... 255, using: &rng) }
            }
            let fast = bytes.withUnsafeBufferPointer { ASCII.hexPrefix16($0.baseAddress!) }
            let naive = Self.naiveHex(bytes)
            if fast.digits != naive.digits || fast.value != naive.value {
                Issue.record("\(bytes.map { String($0, radix: 16) }): \(fast) against \(naive)")
                return
            }
        }
    }

    @Test("Every type name folds to its own type, and near names to none")
    func typeNames() {
        for type in ObjectType.allCases {
            let name = Array(type.name.utf8)
            #expect(name.withUnsafeBufferPointer { ObjectType.named($0) } == type)
            let lower = Array(type.name.lowercased().utf8)
            #expect(lower.withUnsafeBufferPointer { ObjectType.named($0) } == nil)
            let longer = name + [UInt8(ascii: "X")]
            #expect(longer.withUnsafeBufferPointer { ObjectType.named($0) } == nil)
            let shorter = Array(name.dropLast())
            #expect(shorter.withUnsafeBufferPointer { ObjectType.named($0) } == nil || shorter.count < 3)
        }
    }

    /// `line` as the general rules read it: a space before every colon and after every comma
    /// that separate fields (outside strings), so no name and no separator takes a fast path,
    /// and every address (of `address`, `class` and `references`) padded to twenty digits.
    static func generalForm(_ line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        var lastString: ArraySlice<UInt8> = []  // the body of the last string, for the names
        var key: ArraySlice<UInt8> = []          // the name whose value is being read
        var afterColon = false
        var inReferences = false
        let addressKeys: Set<[UInt8]> = [Array("address".utf8), Array("class".utf8)]
        while i < line.count {
            let b = line[i]
            switch b {
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < line.count, line[j] != UInt8(ascii: "\"") { j += line[j] == UInt8(ascii: "\\") ? 2 : 1 }
                let end = min(j, line.count)
                let body = line[min(i + 1, end) ..< end]
                let digits = body.count >= 3 ? body.dropFirst(2) : []
                if (afterColon && addressKeys.contains(Array(key))) || inReferences,
                   body.starts(with: Array("0x".utf8)), !digits.isEmpty, digits.count <= 16, digits.allSatisfy(ASCII.isHexDigit) {
                    out += Array("\"0x".utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: 20 - digits.count) + digits
                } else {
                    out += line[i ..< end]
                }
                if end < line.count { out.append(line[end]) }
                lastString = body
                afterColon = false
                i = end + 1
                continue
            case UInt8(ascii: ":"):
                key = lastString
                afterColon = true
                out += [UInt8(ascii: " "), b]
            case UInt8(ascii: ","):
                out += [b, UInt8(ascii: " ")]
            case UInt8(ascii: "["):
                inReferences = key.elementsEqual("references".utf8)
                out.append(b)
            case UInt8(ascii: "]"):
                inReferences = false
                out.append(b)
            default:
                if !ASCII.isWhitespace(b) { afterColon = false }
                out.append(b)
            }
            i += 1
        }
        return out
    }

    static func read(_ bytes: [UInt8]) -> [ReadRecord] {
        bytes.withUnsafeBytes { RecordReader.read($0) }
    }

    /// What two readings of one record must share: everything but where the bytes were
    /// (the spans, and the columns in the issues' words).
    static func sameReading(_ a: ReadRecord, _ b: ReadRecord) -> Bool {
        func placeless(_ r: ReadRecord) -> ReadRecord.Outcome {
            if case let .skipped(reason) = r.outcome { return .skipped(reason: withoutColumns(reason)) }
            return r.outcome
        }
        return placeless(a) == placeless(b) && a.isRecord == b.isRecord
            && a.issues.map { "\($0.line) \($0.recovered) \(withoutColumns($0.reason))" }
            == b.issues.map { "\($0.line) \($0.recovered) \(withoutColumns($0.reason))" }
    }

    static func withoutColumns(_ reason: String) -> String {
        reason.replacingOccurrences(of: #"column \d+"#, with: "column _", options: .regularExpression)
    }

    @Test("Every record of every Ruby's dumps reads the same by the fast paths and the general rules",
          arguments: ["todo-2.7.4-heap3", "todo-3.1.2-edge", "todo-3.3.8-full", "todo-3.4.5-full", "todo-4.0.0-full",
                      "probe-3.3.8", "probe-3.4.5", "probe-4.0.0", "probe-4.1.0dev"])
    func realDumps(_ name: String) throws {
        let fast = try [UInt8](Tools.gunzip(TestDumps.fixturePath(name)))
        // Record by record (a record may span lines), each in its general form.
        let spans = fast.withUnsafeBufferPointer { RecordReader.spans($0) }
        var general: [UInt8] = []
        for span in spans { general += Self.generalForm(Array(fast[span])) }
        let a = Self.read(fast), b = Self.read(general)
        try #require(a.count == b.count)
        var objects = 0
        // A line Ruby wrote unescaped is recovered from its raw layout, which the general
        // form changes: such lines are the recovery tests' (RealDumpTests, BadInputTests).
        for (x, y) in zip(a, b) where x.issues.isEmpty {
            if case .object = x.outcome { objects += 1 }
            guard Self.sameReading(x, y) else {
                Issue.record("line \(x.issues.first?.line ?? -1): \(x.outcome) against \(y.outcome)")
                return
            }
        }
        #expect(objects > 1000)
    }

    @Test("Hand-made records: each fast path's edge reads as the general rules read it", arguments: [
        // Names the fast paths know, with every kind of value.
        #"{"address":"0x7f0000000010", "type":"STRING", "class":"0x7f0000000020", "frozen":true, "embedded":true, "bytesize":3, "value":"abc", "encoding":"UTF-8", "file":"a.rb", "line":7, "method":"m", "generation":9, "memsize":40, "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":true}}"#,
        #"{"address":"0x10", "type":"ARRAY", "length":2, "references":["0x20", "0xffffffffffffffff"], "capacity":4, "memsize":80, "shared":true}"#,
        #"{"address":"0x10", "type":"HASH", "size":2, "references":["0x20"], "slot_size":40, "shape_id":3, "ivars":1}"#,
        #"{"address":"0x10", "type":"IMEMO", "imemo_type":"fields", "class":"0x20", "memsize":40}"#,
        #"{"address":"0x10", "type":"DATA", "struct":"x", "fstring":true, "flags":{"marking":true, "old":false}}"#,
        // A known name's prefix or extension is another name, read by the general rules.
        #"{"address":"0x10", "type":"OBJECT", "addresses":"0x30", "types":"STRING", "line_":5, "memsizes":9}"#,
        #"{"address":"0x10", "type":"OBJECT", "flags":{"oldest":true, "old":truex}}"#,
        #"{"address":"0x10", "type":"OBJECT", "flags":{"old":true , "marked":1}}"#,
        // An old object's four flags, whole, and what is near them but not them.
        #"{"address":"0x10", "type":"OBJECT", "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":true, "age":3}}"#,
        #"{"address":"0x10", "type":"OBJECT", "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":false}}"#,
        #"{"address":"0x10", "type":"OBJECT", "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":true}, "memsize":40}"#,
        #"{"address":"0x10", "type":"OBJECT", "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":true}}}"#,
        // Addresses the one-pass reading does not take: too long, not hex, empty, no 0x.
        #"{"address":"0x00000000000000000010", "type":"OBJECT"}"#,
        #"{"address":"0x1234567890abcdef0", "type":"OBJECT"}"#,
        #"{"address":"0x12g4", "type":"OBJECT"}"#,
        #"{"address":"0x", "type":"OBJECT"}"#,
        #"{"address":"7f10", "type":"OBJECT"}"#,
        #"{"address":"0X7F10", "type":"OBJECT", "references":["0x7f\u0030"]}"#,
        // An escaped name is not the name (the general rules' reading, kept).
        #"{"address":"0x10", "typ\u0065":"STRING", "type":"OBJECT"}"#,
        // Separators: none, several spaces, a tab.
        #"{"address":"0x10","type":"OBJECT",  "memsize":3,\#t"line":4}"#,
    ])
    func handMade(_ line: String) throws {
        let fast = Self.read(Array((line + "\n").utf8))
        let general = Self.read(Self.generalForm(Array(line.utf8)) + [0x0A])
        try #require(fast.count == 1 && general.count == 1)
        #expect(Self.sameReading(fast[0], general[0]), "\(fast[0].outcome) against \(general[0].outcome)")
    }

    @Test("A record cut anywhere reads the same by both ways (no fast path reads past its end)")
    func cutRecords() throws {
        for text in [#"{"address":"0x7f0000000010", "type":"ARRAY", "class":"0x7f0000000020", "references":["0x7f0000000030", "0x7f0000000040"], "flags":{"wb_protected":true, "old":true}, "memsize":40}"#,
                     #"{"address":"0x7f0000000010", "type":"STRING", "file":"a.rb", "line":3, "memsize":40, "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":true}}"#] {
            try cutEverywhere(Array(text.utf8))
        }
    }

    func cutEverywhere(_ line: [UInt8]) throws {
        for cut in 1 ..< line.count {
            let piece = Array(line[..<cut])
            let fast = Self.read(piece), general = Self.read(Self.generalForm(piece))
            try #require(fast.count == 1 && general.count == 1)
            #expect(Self.sameReading(fast[0], general[0]), "cut at \(cut): \(fast[0].outcome) against \(general[0].outcome)")
        }
    }
}
