import GraphModel
import Testing
import TestSupport

/// Hand-made records in the field forms of every Ruby version (FORMAT.md), one idea per test.
@Suite("Field forms")
struct FieldFormTests {
    // MARK: Addresses

    /// Every way Ruby has written the address 0x7f0000001000 (FORMAT.md, "Addresses").
    static let addressSpellings = [
        "0x7f0000001000",      // 3.0+ and 2.7: lowercase hex, no padding
        "0x00007f0000001000",  // 2.x `%p` through BSD_vfprintf: zero-padded
        "7f0000001000",        // plain hex
        "0x7F0000001000",      // upper-case digits
        "0X7F0000001000",      // upper-case prefix
        "0x000000000000007f0000001000",  // more padding than 16 digits: still 64 bits of value
    ]

    @Test("Thousands of sites interleaved (the parser's site cache collides): each object keeps its own, each site is interned once")
    func interleavedSites() throws {
        // 3,000 sites over 40,000 objects in a shuffled order, so that a site's records lie
        // apart and the cache's 1,024 slots are shared; some sites differ in one part only.
        var rng = SplitMix64(seed: 15)
        var lines: [String] = []
        var expected: [(file: String, line: Int, method: String)] = []
        for i in 0 ..< 40_000 {
            let s = Int(rng.next() % 3_000)
            let site = (file: "app/f\(s % 7).rb", line: s / 7 + 1, method: s % 11 == 0 ? "m" : "m\(s % 5)")
            expected.append(site)
            lines.append(#"{"address":"0x\#(String(0x10000 + i * 0x28, radix: 16))", "type":"OBJECT", "file":"\#(site.file)", "line":\#(site.line), "method":"\#(site.method)", "memsize":40}"#)
        }
        let graph = try TestDumps.graph(lines.joined(separator: "\n") + "\n")
        try #require(graph.count == expected.count)
        var misread = 0
        for (i, want) in expected.enumerated() {
            guard let site = graph.allocationSite(of: ObjectIndex(i)) else { misread += 1; continue }
            if graph.strings[site.file] != want.file || Int(site.line) != want.line || graph.methodName(site) != want.method {
                misread += 1
            }
        }
        #expect(misread == 0)
        #expect(graph.sites.count == Set(expected.map { "\($0.file):\($0.line):\($0.method)" }).count)
    }

    @Test("Every address form names the same node, by integer value", arguments: addressSpellings)
    func addressForms(_ form: String) throws {
        let dump = Rec.dump([
            Rec.object(form, "STRING", "\"class\":\"0x7f0000000100\"", "\"value\":\"target\""),
            Rec.object("0x7f0000000100", "CLASS", "\"name\":\"String\""),
            // References in every form at once: one edge.
            Rec.object("0x7f0000002000", "ARRAY", Rec.refs(FieldFormTests.addressSpellings + [form])),
            Rec.object("0x7f0000003000", "ARRAY", Rec.refs([form])),
        ])
        let graph = try TestDumps.graph(dump)
        let target = try graph.node(0x7f00_0000_1000)
        #expect(graph.address[target.int] == 0x7f00_0000_1000)
        #expect(graph.type[target.int] == .string)
        let array = try graph.node(0x7f00_0000_2000)
        #expect(graph.referencedAddresses(of: array) == [0x7f00_0000_1000])
        #expect(graph.referencedAddresses(of: try graph.node(0x7f00_0000_3000)) == [0x7f00_0000_1000])
        #expect(graph.className(of: target) == "String")
        #expect(graph.diagnostics.danglingReferences == 0)
        #expect(graph.diagnostics.issues.isEmpty)
    }

    @Test("An address of more than 64 bits, or not hex, skips the record with a reason",
          arguments: ["0x1ffffffffffffffff", "0xzz", "0x", ""])
    func badAddress(_ form: String) throws {
        let dump = Rec.dump([
            Rec.object("0x10", "OBJECT"),
            Rec.object(form, "OBJECT"),
        ])
        let graph = try TestDumps.graph(dump)
        #expect(graph.count == 1)
        #expect(graph.diagnostics.counts.skippedLines == 1)
        let issue = try #require(graph.diagnostics.issues.first)
        #expect(issue.line == 2)
        #expect(!issue.recovered)
        #expect(issue.reason.contains("address"))
    }

    // MARK: Floats

    @Test("FLOAT values of 2.7 (%g) and 3.x (%#g), special values included, are kept as written",
          arguments: ["1.5", "inf", "-inf", "nan", "1.79769e+308", "1.50000", "2.50000e+300", "NaN", "Inf", "-Inf"])
    func floatValues(_ value: String) throws {
        let dump = Rec.dump([
            Rec.object("0x560bf15d1f08", "FLOAT", "\"class\":\"0x560bf15d23b8\"", "\"frozen\":true",
                       "\"value\":\"\(value)\"", "\"memsize\":40"),
            Rec.object("0x560bf15d23b8", "CLASS", "\"name\":\"Float\""),
        ])
        let graph = try TestDumps.graph(dump)
        let f = try graph.node(0x560b_f15d_1f08)
        #expect(graph.valuePrefix(of: f)?.text == value)
        #expect(graph.valuePrefix(of: f)?.truncated == false)
        #expect(graph.flags[f.int].contains(.frozen))
        #expect(graph.memsize[f.int] == 40)
        #expect(graph.className(of: f) == "Float")
    }

    @Test("A value that is not a string (ObjectSpace.dump's bare numbers) is skipped, the record kept")
    func nonStringValue() throws {
        let graph = try TestDumps.graph(Rec.dump([Rec.object("0x10", "FLOAT", "\"value\":1.5", "\"memsize\":40")]))
        let f = try graph.node(0x10)
        #expect(graph.valuePrefix(of: f) == nil)
        #expect(graph.memsize[f.int] == 40)
        #expect(graph.diagnostics.issues.isEmpty)
    }

    // MARK: Fields of newer versions

    @Test("3.3's shape_id, slot_size, coderange, variation_count and SHAPE records are read past")
    func fieldsOf33() throws {
        let dump = Rec.dump([
            Rec.root("vm", ["0x7f01"]),
            #"{"address":"0x7f6941200000", "type":"SHAPE", "id":0, "depth":1, "shape_type":"ROOT", "edges":2, "memsize":128}"#,
            #"{"address":"0x7f6941200028", "type":"SHAPE", "id":5, "parent_id":0, "depth":2, "shape_type":"IVAR","edge_name":"@title", "edges":0, "memsize":64}"#,
            #"{"address":"0x7f01", "type":"STRING", "shape_id":1, "slot_size":40, "class":"0x7f02", "frozen":true, "embedded":true, "fstring":true, "bytesize":5, "value":"hello", "encoding":"UTF-8", "coderange":"7bit", "memsize":40, "flags":{"wb_protected":true, "old":true, "uncollectible":true, "marked":true}}"#,
            #"{"address":"0x7f02", "type":"CLASS", "shape_id":2, "slot_size":160, "class":"0x7f03", "variation_count":0, "superclass":"0x7f03", "name":"String", "references":["0x7f03"], "memsize":2048}"#,
            #"{"address":"0x7f03", "type":"CLASS", "shape_id":2, "slot_size":160, "variation_count":3, "real_class_name":"Object", "singleton":true, "memsize":512}"#,
            #"{"address":"0x7f04", "type":"OBJECT", "shape_id":5, "slot_size":80, "class":"0x7f03", "ivars":3, "embedded":true, "too_complex_shape":true, "references":["0x7f01"], "memsize":80}"#,
            #"{"address":"0x7f05", "type":"IMEMO", "slot_size":40, "imemo_type":"callcache", "called_id":"title", "receiver_class":"0x7f03", "memsize":40}"#,
            #"{"address":"0x7f06", "type":"IMEMO", "shape_id":0, "slot_size":40, "imemo_type":"callinfo", "mid":"size", "memsize":40}"#,
        ])
        let graph = try TestDumps.graph(dump)
        #expect(graph.diagnostics.issues.isEmpty)
        #expect(graph.count == 6)
        #expect(graph.diagnostics.counts.shapeRecords == 2)
        #expect(graph.diagnostics.counts.shapeMemsize == 192)
        #expect(graph.index(ofAddress: 0x7f69_4120_0000) == nil, "a SHAPE is not an object")
        let s = try graph.node(0x7f01)
        #expect(graph.valuePrefix(of: s)?.text == "hello")
        #expect(graph.bytesize[s.int] == 5)
        #expect(graph.flags[s.int].isSuperset(of: [.frozen, .fstring, .old]))
        #expect(graph.className(of: s) == "String")
        let o = try graph.node(0x7f04)
        #expect(graph.elementCount(of: o) == 3)
        #expect(Set(graph.referencedAddresses(of: o)) == [0x7f01, 0x7f03])
        #expect(graph.flags[try graph.node(0x7f03).int].contains(.singleton))
        #expect(graph.kindName(of: try graph.node(0x7f05)) == "callcache")
        #expect(graph.kindName(of: try graph.node(0x7f06)) == "callinfo")
        // An IMEMO's receiver_class is not a class edge.
        #expect(graph.references(of: try graph.node(0x7f05)).isEmpty)
    }

    @Test("master's flags may hold integers; only a true \"old\" sets the old flag",
          arguments: [
            (#"{"object_id": 123, "old":true}"#, true),
            (#"{"wb_protected":true, "object_id":18446744073709551615, "old":true, "pinned":true}"#, true),
            (#"{"object_id": 123}"#, false),
            (#"{"old":false, "marked":true}"#, false),
            (#"{}"#, false),
            (#"{"old":true, "extra":{"nested":[1, 2, {"x":null}]}}"#, true),
          ])
    func masterFlags(_ flags: String, _ old: Bool) throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f10", "STRING", "\"bytesize\":1", "\"value\":\"a\"", "\"memsize\":40", "\"flags\":\(flags)"),
            Rec.object("0x7f20", "OBJECT", "\"memsize\":80"),
        ]))
        let s = try graph.node(0x7f10)
        #expect(graph.flags[s.int].contains(.old) == old)
        #expect(graph.memsize[s.int] == 40)
        #expect(graph.diagnostics.issues.isEmpty)
        #expect(graph.count == 2)
    }

    @Test("master's chilled strings and IMEMOs without shape_id read like any other")
    func chilled() throws {
        let graph = try TestDumps.graph(Rec.dump([
            #"{"address":"0x7f10", "type":"STRING", "shape_id":0, "slot_size":40, "class":"0x7f11", "embedded":true, "chilled":true, "bytesize":3, "value":"abc", "encoding":"UTF-8", "coderange":"7bit", "memsize":40}"#,
            #"{"address":"0x7f11", "type":"CLASS", "name":"String"}"#,
            #"{"address":"0x7f12", "type":"IMEMO", "slot_size":40, "imemo_type":"ment", "references":["0x7f11"], "memsize":40}"#,
        ]))
        #expect(graph.diagnostics.issues.isEmpty)
        #expect(graph.valuePrefix(of: try graph.node(0x7f10))?.text == "abc")
        #expect(graph.referencedAddresses(of: try graph.node(0x7f12)) == [0x7f11])
    }

    @Test("Unknown fields of any JSON type, nested arbitrarily deep, are skipped")
    func unknownFields() throws {
        let deep = String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000)
        let deepObject = String(repeating: #"{"a":"#, count: 500) + "1" + String(repeating: "}", count: 500)
        let fields = [
            #""zzz":{"a":[1, {"b":"}]\"{["}, [[[]]]], "c":null, "d":-1.5e+10}"#,
            #""yyy":[{"q":"\"]"}, true, false, null, 0, -0.0, 1E5]"#,
            #""www":null"#,
            #""vvv":false"#,
            #""uuu":"\u0000 \\ \/""#,
            "\"deep\":\(deep)",
            "\"deeper\":\(deepObject)",
        ]
        let dump = Rec.dump([
            Rec.object("0x7f10", "HASH", [#""size":2"#] + fields + [#""references":["0x7f20"]"#, #""memsize":160"#]),
            Rec.object("0x7f20", "OBJECT", "\"ivars\":1"),
        ])
        let graph = try TestDumps.graph(dump)
        #expect(graph.diagnostics.issues.isEmpty)
        let h = try graph.node(0x7f10)
        #expect(graph.elementCount(of: h) == 2)
        #expect(graph.memsize[h.int] == 160)
        #expect(graph.referencedAddresses(of: h) == [0x7f20])
    }

    // MARK: Strings

    @Test("Escapes in string values decode: quotes, backslashes, \\u, surrogate pairs",
          arguments: [
            (#"a\"b"#, "a\"b"),
            (#"back\\slash"#, "back\\slash"),
            (#"caf\u00e9"#, "café"),
            (#"\ud83d\ude00 smile"#, "😀 smile"),
            (#"tab\tnl\ncr\r\/"#, "tab\tnl\ncr\r/"),
            (#"\u001b[0m"#, "\u{1b}[0m"),
            (#"\u0000"#, "\u{0}"),
          ])
    func escapes(_ raw: String, _ decoded: String) throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f10", "STRING", "\"value\":\"\(raw)\""),
            Rec.object("0x7f11", "CLASS", "\"name\":\"\(raw)\""),
        ]))
        #expect(graph.valuePrefix(of: try graph.node(0x7f10))?.text == decoded)
        #expect(graph.className(ofClassNode: try graph.node(0x7f11)) == decoded)
    }

    @Test("A value longer than 48 bytes keeps a 48-byte prefix and says it was cut",
          arguments: [0, 1, 47, 48, 49, 100, 10_000])
    func valuePrefix(_ length: Int) throws {
        let value = String((0 ..< length).map { i in Character(UnicodeScalar(UInt8(97 + i % 26))) })
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f10", "STRING", "\"bytesize\":\(length)", "\"value\":\"\(value)\""),
        ]))
        let v = try #require(graph.valuePrefix(of: try graph.node(0x7f10)))
        #expect(v.text == String(value.prefix(48)))
        #expect(v.truncated == (length > 48))
        #expect(graph.bytesize[0] == UInt64(length))
    }

    @Test("A prefix cut inside an escape shows only characters of the value",
          .bug(id: "prefix-cuts-escape", "valuePrefix cuts the escaped text at 48 bytes, then decodes a half escape"),
          arguments: [#"\n"#, #"\u001b"#, #"\""#, #"\\"#], 43 ... 48)
    func prefixCutInsideEscape(_ escape: String, _ at: Int) throws {
        // Ruby 3.x writes control bytes of 7-bit strings as escapes: "line1\nline2" is common.
        let raw = String(repeating: "a", count: at) + escape + String(repeating: "b", count: 20)
        let decoded = String(repeating: "a", count: at)
            + ["\\n": "\n", "\\u001b": "\u{1b}", "\\\"": "\"", "\\\\": "\\"][escape]! + String(repeating: "b", count: 20)
        let graph = try TestDumps.graph(Rec.dump([Rec.object("0x7f10", "STRING", "\"value\":\"\(raw)\"")]))
        let v = try #require(graph.valuePrefix(of: try graph.node(0x7f10)))
        #expect(v.truncated)
        #expect(decoded.hasPrefix(v.text), "\(v.text.debugDescription) is not the start of the value")
        #expect(v.text.count >= at - 6, "most of the prefix is kept")
    }

    @Test("A string without a value (shared, or not 7-bit) has no prefix")
    func noValue() throws {
        let graph = try TestDumps.graph(Rec.dump([
            #"{"address":"0x7f10", "type":"STRING", "shared":true, "encoding":"UTF-8", "references":["0x7f11"]}"#,
            #"{"address":"0x7f11", "type":"STRING", "bytesize":4, "encoding":"UTF-8"}"#,
        ]))
        #expect(graph.valuePrefix(of: try graph.node(0x7f10)) == nil)
        #expect(graph.flags[try graph.node(0x7f10).int].contains(.shared))
        #expect(graph.valuePrefix(of: try graph.node(0x7f11)) == nil)
        #expect(graph.bytesize[try graph.node(0x7f11).int] == 4)
    }

    // MARK: Classes

    @Test("Class names come from `name`, else `real_class_name`, marked when singleton; a nameless class gets its address")
    func classNames() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f01", "OBJECT", "\"class\":\"0x7fa1\""),
            Rec.object("0x7f02", "OBJECT", "\"class\":\"0x7fa2\""),
            Rec.object("0x7f03", "OBJECT", "\"class\":\"0x7fa3\""),
            Rec.object("0x7f04", "OBJECT", "\"class\":\"0x7fa4\""),
            Rec.object("0x7f05", "OBJECT"),
            Rec.object("0x7fa1", "CLASS", "\"name\":\"TodoService\""),
            Rec.object("0x7fa2", "CLASS", "\"real_class_name\":\"Class\"", "\"singleton\":true"),
            Rec.object("0x7fa3", "CLASS", "\"name\":\"Named\"", "\"real_class_name\":\"Real\""),
            Rec.object("0x7fa4", "CLASS"),
            Rec.object("0x7fa5", "MODULE", "\"name\":\"Comparable\""),
        ]))
        #expect(graph.className(of: try graph.node(0x7f01)) == "TodoService")
        #expect(graph.className(of: try graph.node(0x7f02)) == "Class (singleton)")
        #expect(graph.className(of: try graph.node(0x7f03)) == "Named")
        #expect(graph.className(of: try graph.node(0x7f04)) == "#<Class:0x7fa4>")
        #expect(graph.className(of: try graph.node(0x7f05)) == nil)
        #expect(graph.className(ofClassNode: try graph.node(0x7fa5)) == "Comparable")
        #expect(graph.className(ofClassNode: try graph.node(0x7f01)) == nil, "an OBJECT is not a class node")
    }

    @Test("CLASS, MODULE and ICLASS are class edges: in references(of:), pointing at a class-like node",
          arguments: ["CLASS", "MODULE", "ICLASS"])
    func classEdges(_ classType: String) throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f01", "OBJECT", "\"class\":\"0x7fa1\"", Rec.refs(["0x7f02"])),
            Rec.object("0x7f02", "STRING", "\"value\":\"x\""),
            Rec.object("0x7fa1", classType, "\"class\":\"0x7fa2\""),
            Rec.object("0x7fa2", "CLASS", "\"name\":\"Class\""),
        ]))
        let o = try graph.node(0x7f01)
        let c = try graph.node(0x7fa1)
        #expect(graph.classOf(o) == c)
        #expect(graph.classIndex[o.int] == c.rawValue)
        #expect(Set(graph.referencedAddresses(of: o)) == [0x7f02, 0x7fa1])
        #expect(graph.type[Int(graph.classIndex[o.int])].isClassLike)
        // The class's own class edge.
        #expect(graph.referencedAddresses(of: c) == [0x7fa2])
        #expect(graph.diagnostics.unresolvedClasses == 0)
    }

    @Test("A class that is in references too gives one edge")
    func classAlsoReferenced() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f01", "OBJECT", "\"class\":\"0x7fa1\"", Rec.refs(["0x7fa1", "0x7fa1"])),
            Rec.object("0x7fa1", "CLASS", "\"name\":\"A\""),
        ]))
        #expect(graph.referencedAddresses(of: try graph.node(0x7f01)) == [0x7fa1])
    }

    @Test("A `class` that names a non-class or a missing object is no edge, and is counted",
          arguments: ["STRING", "OBJECT", "ARRAY", "IMEMO", nil])
    func classNotAClass(_ targetType: String?) throws {
        var lines = [Rec.object("0x7f01", "OBJECT", "\"class\":\"0x7fa1\"")]
        if let targetType { lines.append(Rec.object("0x7fa1", targetType)) }
        let graph = try TestDumps.graph(Rec.dump(lines))
        let o = try graph.node(0x7f01)
        #expect(graph.classIndex[o.int] == .max)
        #expect(graph.classOf(o) == nil)
        #expect(graph.references(of: o).isEmpty)
        #expect(graph.diagnostics.unresolvedClasses == 1)
        #expect(graph.diagnostics.danglingReferences == 0, "a class is not a reference")
    }

    @Test("A class that is its own class: one self-edge, no crash")
    func ownClass() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7fa1", "CLASS", "\"class\":\"0x7fa1\"", "\"name\":\"Ouroboros\"", Rec.refs(["0x7fa1"])),
        ]))
        let c = try graph.node(0x7fa1)
        #expect(graph.classOf(c) == c)
        #expect(graph.referencedAddresses(of: c) == [0x7fa1])
        #expect(graph.className(of: c) == "Ouroboros")
    }

    // MARK: Details of other types

    @Test("Element counts, struct names, IMEMO kinds, sites, sizes and generations")
    func details() throws {
        let graph = try TestDumps.graph(Rec.dump([
            #"{"address":"0x7f01", "type":"HASH", "size":7, "default":"0x7f05", "references":["0x7f05"], "file":"app.rb", "line":12, "method":"build", "generation":3, "memsize":160}"#,
            #"{"address":"0x7f02", "type":"ARRAY", "length":1000, "references":[], "file":"<internal:timev>", "line":224, "generation":4, "memsize":8040}"#,
            #"{"address":"0x7f03", "type":"DATA", "struct":"thread", "memsize":1040000}"#,
            #"{"address":"0x7f04", "type":"IMEMO", "class":"0x8", "imemo_type":"cref", "memsize":40}"#,
            #"{"address":"0x7f05", "type":"DATA", "memsize":40}"#,
            #"{"address":"0x7f06", "type":"STRUCT", "references":["0x7f01"], "file":"app.rb", "line":12, "method":"build", "generation":3}"#,
            #"{"address":"0x7f07", "type":"FILE", "fd":5}"#,
        ]))
        let h = try graph.node(0x7f01), a = try graph.node(0x7f02), d = try graph.node(0x7f03), m = try graph.node(0x7f04)
        #expect(graph.elementCount(of: h) == 7)
        #expect(graph.elementCount(of: a) == 1000)
        #expect(graph.elementCount(of: d) == nil)
        #expect(graph.kindName(of: d) == "thread")
        #expect(graph.kindName(of: try graph.node(0x7f05)) == nil)
        #expect(graph.kindName(of: m) == "cref")
        #expect(graph.memsize[d.int] == 1_040_000)
        #expect(graph.generation[h.int] == 3)
        #expect(graph.generation[d.int] == .max, "no allocation tracing")
        let site = try #require(graph.allocationSite(of: h))
        #expect(graph.describe(site) == "app.rb:12")
        #expect(graph.methodName(site) == "build")
        #expect(graph.site[try graph.node(0x7f06).int] == graph.site[h.int], "one site, interned once")
        let timev = try #require(graph.allocationSite(of: a))
        #expect(graph.describe(timev) == "<internal:timev>:224")
        #expect(graph.methodName(timev) == nil)
        #expect(graph.allocationSite(of: d) == nil)
        #expect(graph.diagnostics.counts.objectsWithAllocationInfo == 3)
        // The IMEMO's "0x8" class word is neither an edge nor an unresolved class.
        #expect(graph.classIndex[m.int] == .max)
        #expect(graph.diagnostics.unresolvedClasses == 0)
    }

    // MARK: Records that are not objects

    @Test("ROOT records of every category: targets deduplicated within a record, not across records")
    func rootCategories() throws {
        let categories = ["vm", "finalizers", "machine_context", "global_list", "end_proc", "global_tbl", "object_id"]
        var lines = categories.map { Rec.root($0, ["0x7f01", "0x7f02", "0x7f01", "0x7f01", "0x7f02"]) }
        lines.append(Rec.root("vm", ["0x7f02", "0x7f99", "0x7f02"]))  // a category again, and a dangling target
        lines.append(Rec.object("0x7f01", "OBJECT"))
        lines.append(Rec.object("0x7f02", "OBJECT"))
        let graph = try TestDumps.graph(Rec.dump(lines))
        #expect(graph.rootRecordCount == 8)
        #expect(graph.diagnostics.counts.rootRecords == 8)
        #expect(graph.rootCategory.map { graph.strings[$0] } == categories + ["vm"])
        let one = try graph.node(0x7f01).rawValue, two = try graph.node(0x7f02).rawValue
        for r in 0 ..< categories.count {
            #expect(Array(graph.rootTargets(ofRecord: r)) == [one, two])
        }
        #expect(Array(graph.rootTargets(ofRecord: 7)) == [two])
        #expect(graph.diagnostics.danglingRootReferences == 1)
        #expect(graph.diagnostics.danglingReferences == 0)
        #expect(graph.count == 2, "ROOT records are not objects")
    }

    @Test("A ROOT record that references nothing is kept, with no targets")
    func emptyRoot() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.root("vm", []),
            Rec.root("global_tbl", ["0x7f01"]),
            Rec.object("0x7f01", "OBJECT"),
        ]))
        #expect(graph.rootRecordCount == 2)
        #expect(graph.rootTargets(ofRecord: 0).isEmpty)
        #expect(Array(graph.rootTargets(ofRecord: 1)) == [0])
        #expect(graph.rootStart == [0, 0, 1])
    }

    @Test("NONE and ZOMBIE slots are counted, not objects; references to them dangle")
    func emptySlotsAndZombies() throws {
        let graph = try TestDumps.graph(Rec.dump([
            #"{"address":"0x7fdc80e90b60", "type":"NONE", "shape_id":0, "slot_size":40}"#,
            #"{"address":"0x7fdc80e90bd8", "type":"NONE", "shape_id":0, "slot_size":40, "class":"0x7fdc80e90b60"}"#,
            #"{"address":"0x7fdc80e90c00", "type":"NONE"}"#,
            #"{"address":"0x7fdc80e90c28", "type":"ZOMBIE", "class":"0x7fdc80e90c50"}"#,
            #"{"address":"0x7fdc80e90c50", "type":"CLASS", "name":"Tempfile"}"#,
            #"{"address":"0x7fdc80e90c78", "type":"ARRAY", "length":2, "references":["0x7fdc80e90b60", "0x7fdc80e90c28"]}"#,
        ]))
        let d = graph.diagnostics
        #expect(d.counts.emptySlots == 3)
        #expect(d.counts.zombies == 1)
        #expect(d.counts.records == 6)
        #expect(graph.count == 2)
        #expect(graph.index(ofAddress: 0x7fdc_80e9_0b60) == nil)
        #expect(graph.index(ofAddress: 0x7fdc_80e9_0c28) == nil)
        #expect(d.danglingReferences == 2)
        #expect(d.unresolvedClasses == 0, "a NONE's class is the free list, not a class")
    }

    @Test("A since:-style dump without ROOT records reads, with hasRoots false")
    func sinceStyle() throws {
        let graph = try TestDumps.graph(Rec.dump([
            #"{"address":"0x7f01", "type":"STRING", "class":"0x7e00", "bytesize":1, "value":"a", "file":"todo_app.rb", "line":74, "method":"audit", "generation":2, "memsize":40}"#,
            #"{"address":"0x7f02", "type":"STRUCT", "class":"0x7e01", "references":["0x7f01", "0x7e02"], "file":"todo_app.rb", "line":74, "method":"new", "generation":2, "memsize":72}"#,
        ]))
        let d = graph.diagnostics
        #expect(!d.hasRoots)
        #expect(graph.rootRecordCount == 0)
        #expect(graph.count == 2)
        #expect(d.danglingReferences == 1)
        #expect(d.danglingTargets == 1)
        #expect(d.unresolvedClasses == 2)
        #expect(graph.generation == [2, 2])
        #expect(graph.referencedAddresses(of: try graph.node(0x7f02)) == [0x7f01])
    }

    // MARK: References

    @Test("Repeated references in one record give one edge; a self-edge is kept once")
    func duplicateAndSelfReferences() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f01", "IMEMO", "\"imemo_type\":\"env\"", Rec.refs(["0x7f01", "0x7f02", "0x7f01", "0x7f02", "0x7f03", "0x7f01"])),
            Rec.object("0x7f02", "OBJECT", Rec.refs(["0x7f01"])),
            Rec.object("0x7f03", "OBJECT", Rec.refs(["0x7f01"])),
        ]))
        let env = try graph.node(0x7f01)
        let refs = graph.referencedAddresses(of: env)
        #expect(refs.count == 3)
        #expect(Set(refs) == [0x7f01, 0x7f02, 0x7f03])
        // Repeats across records are separate edges.
        #expect(graph.edgeCount == 5)
    }

    @Test("References to addresses not in the dump are dropped and counted, per reference and per target")
    func danglingReferences() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f01", "ARRAY", Rec.refs(["0x7f02", "0x7e01", "0x7e02", "0x7e01"])),
            Rec.object("0x7f02", "ARRAY", Rec.refs(["0x7e01", "0x7f01"])),
        ]))
        #expect(graph.diagnostics.danglingReferences == 4)
        #expect(graph.diagnostics.danglingTargets == 2)
        #expect(graph.referencedAddresses(of: try graph.node(0x7f01)) == [0x7f02])
        #expect(graph.referencedAddresses(of: try graph.node(0x7f02)) == [0x7f01])
    }

    @Test("Two records with one address: both are nodes, the first is found by address")
    func duplicateAddresses() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.object("0x7f01", "STRING", "\"value\":\"first\""),
            Rec.object("0x7f01", "STRING", "\"value\":\"second\""),
            Rec.object("0x7f02", "ARRAY", Rec.refs(["0x7f01"])),
        ]))
        #expect(graph.count == 3)
        #expect(graph.diagnostics.duplicateAddresses == 1)
        let found = try graph.node(0x7f01)
        #expect(graph.valuePrefix(of: found)?.text == "first")
        #expect(Array(graph.references(of: try graph.node(0x7f02))) == [found.rawValue])
    }
}

/// The string scanner against a naive decoding of seeded random strings: escapes, UTF-8 and
/// quotes at every alignment of the eight-byte scan.
@Suite("String scanning")
struct StringScanTests {
    static func escaped(_ s: String, _ rng: inout SplitMix64) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += rng.next() % 2 == 0 ? "\\t" : "\\u0009"
            case "/": out += rng.next() % 2 == 0 ? "/" : "\\/"
            case _ where scalar.value < 0x20: out += "\\u" + String(format: "%04x", scalar.value)
            case _ where scalar.value > 0xFFFF && rng.next() % 2 == 0:
                for unit in String(scalar).utf16 { out += "\\u" + String(format: "%04X", unit) }
            case _ where scalar.value >= 0x80 && scalar.value <= 0xFFFF && rng.next() % 3 == 0:
                out += "\\u" + String(format: "%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    @Test("Class names of random text decode to the text", arguments: 0 ..< 8)
    func randomNames(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let alphabet: [String] = ["a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "é", "€", "😀", "{", "}", "[", "]", ":", ","]
        var names: [String] = []
        var lines: [String] = []
        for k in 0 ..< 300 {
            let length = Int(rng.next() % 40)
            var name = ""
            for _ in 0 ..< length { name += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let text = StringScanTests.escaped(name, &rng)
            names.append(name)
            lines.append(Rec.object("0x" + String(0x7f00 + k * 8, radix: 16), "CLASS", "\"name\":\"\(text)\"", "\"memsize\":\(k)"))
        }
        let graph = try TestDumps.graph(Rec.dump(lines))
        #expect(graph.diagnostics.issues.isEmpty)
        try #require(graph.count == names.count)
        var wrong = 0
        for (k, name) in names.enumerated() {
            let node = ObjectIndex(k)
            if graph.className(ofClassNode: node) != name || graph.memsize[k] != UInt64(k) {
                wrong += 1
                if wrong < 4 { Issue.record("\(name.debugDescription) read as \(String(describing: graph.className(ofClassNode: node)?.debugDescription))") }
            }
        }
        #expect(wrong == 0)
    }

    @Test("A raw control byte at any alignment in a string is found", arguments: 0 ..< 24)
    func rawControlByte(_ offset: Int) throws {
        let before = String(repeating: "é", count: offset / 2) + String(repeating: "a", count: offset % 2)
        let lines = [
            Rec.object("0x10", "STRING", "\"value\":\"" + before + "\u{1}" + "tail\""),
            Rec.object("0x20", "STRING", "\"value\":\"" + before + "\u{7f}\u{80}" + "tail\""),
        ]
        let graph = try TestDumps.graph(Rec.dump(lines))
        #expect(graph.index(ofAddress: 0x10) == nil, "a raw 0x01 is not JSON")
        #expect(graph.diagnostics.issues.map(\.line) == [1])
        #expect(graph.valuePrefix(of: try graph.node(0x20))?.text.hasSuffix("tail") == true)
    }
}
