import Foundation
import Testing

/// `retention summary` end to end, against the numbers of Tests/Fixtures/ruby-dumps/README.md.
@Suite("retention summary")
struct SummaryCommandTests {
    /// From the README: records, ROOT, SHAPE, objects (slots that are not NONE), NONE.
    struct Facts: Sendable, CustomTestStringConvertible {
        var name: String
        var records: Int
        var roots: Int
        var shapes: Int
        var objects: Int
        var none: Int
        var testDescription: String { name }
    }

    static let facts: [Facts] = [
        Facts(name: "todo-2.7.4-heap1", records: 6353, roots: 4, shapes: 0, objects: 6349, none: 0),
        Facts(name: "todo-2.7.4-heap2", records: 7940, roots: 4, shapes: 0, objects: 7936, none: 0),
        Facts(name: "todo-2.7.4-heap3", records: 9524, roots: 4, shapes: 0, objects: 9520, none: 0),
        Facts(name: "todo-3.1.2-heap1", records: 7246, roots: 4, shapes: 0, objects: 7242, none: 0),
        Facts(name: "todo-3.1.2-heap2", records: 8856, roots: 4, shapes: 0, objects: 8852, none: 0),
        Facts(name: "todo-3.1.2-heap3", records: 10446, roots: 4, shapes: 0, objects: 10442, none: 0),
        Facts(name: "todo-3.1.2-edge", records: 10448, roots: 4, shapes: 0, objects: 10444, none: 0),
        Facts(name: "todo-3.3.8-heap1", records: 8487, roots: 4, shapes: 37, objects: 8446, none: 0),
        Facts(name: "todo-3.3.8-heap2", records: 10097, roots: 4, shapes: 37, objects: 10056, none: 0),
        Facts(name: "todo-3.3.8-heap3", records: 11688, roots: 4, shapes: 37, objects: 11647, none: 0),
        Facts(name: "todo-3.3.8-full", records: 17535, roots: 4, shapes: 37, objects: 17494 - 5838, none: 5838),
        Facts(name: "todo-3.3.8-since", records: 2783, roots: 0, shapes: 37, objects: 2746, none: 0),
    ]

    /// The README's type table for one dump, to check `by_type`.
    static let heap3Types: [String: Int] = [
        "STRING": 6193, "IMEMO": 3225, "STRUCT": 1187, "CLASS": 563, "ARRAY": 272, "DATA": 121, "ICLASS": 27,
        "MODULE": 24, "OBJECT": 10, "HASH": 12, "SYMBOL": 3, "FLOAT": 4, "FILE": 4, "BIGNUM": 1, "COMPLEX": 1,
    ]

    @Test("Text: exit 0 and `Objects: N` with the README's count", arguments: facts)
    func text(_ f: Facts) throws {
        let r = try Retention.run(["summary", Retention.fixture(f.name)])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Objects: \(withCommas(f.objects)) "), "\(r.stdout.prefix(400))")
        #expect(r.stdoutLines.first?.contains(f.name) == true, "the dump is named first")
        if f.roots == 0 {
            #expect(r.stdout.contains("Roots: none"))
        }
        if f.shapes > 0 {
            #expect(r.stdout.contains("\(f.shapes) SHAPE"))
        }
        if f.none > 0 {
            #expect(r.stdout.contains("\(withCommas(f.none)) empty slots"))
        }
    }

    @Test("JSON: parses, with schema, version, objects and dump.records of the README", arguments: facts)
    func json(_ f: Facts) throws {
        let r = try Retention.run(["summary", "--format", "json", Retention.fixture(f.name)])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdoutLines.count == 1, "one line of JSON")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "retention")
        #expect(object["version"] as? Int != nil)
        #expect(object["command"] as? String == "summary")
        #expect(object["objects"] as? Int == f.objects)
        let dump = try #require(object["dump"] as? [String: Any])
        #expect(dump["records"] as? Int == f.records)
        #expect(dump["root_records"] as? Int == f.roots)
        #expect(dump["shape_records"] as? Int == f.shapes)
        #expect(dump["empty_slots"] as? Int == f.none)
        #expect(dump["path"] as? String == Retention.fixture(f.name))
        #expect(dump["skipped_lines"] as? Int == 0)
        #expect(dump["truncated"] is NSNull)
        #expect(object["incomplete"] as? Bool == false)
        // The type counts add up to the objects.
        let byType = try #require(object["by_type"] as? [[String: Any]])
        let groups = try #require((object["groups"] as? [String: Any])?["types"] as? Int)
        if byType.count == groups {
            #expect(byType.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == f.objects)
        }
    }

    @Test("JSON by_type with --top 100 lists the README's type counts")
    func jsonTypes() throws {
        let r = try Retention.run(["summary", "--format=json", "--top", "100", Retention.fixture("todo-3.3.8-heap3")])
        #expect(r.status == 0, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let byType = try #require(object["by_type"] as? [[String: Any]])
        var counts: [String: Int] = [:]
        for g in byType { counts[try #require(g["type"] as? String)] = try #require(g["count"] as? Int) }
        #expect(counts == SummaryCommandTests.heap3Types)
        // Sorted by memsize, largest first.
        let sizes = byType.compactMap { $0["memsize"] as? Int }
        #expect(sizes == sizes.sorted(by: >))
    }

    @Test("--top limits each table")
    func top() throws {
        let r = try Retention.run(["summary", "--format", "json", "--top", "3", Retention.fixture("todo-3.3.8-heap1")])
        #expect(r.status == 0, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["by_type", "by_class", "by_site"] {
            #expect((object[key] as? [Any])?.count == 3, "\(key)")
        }
    }

    @Test("The edge dump: exit 0, 4 `recovered` warnings on stderr naming their lines")
    func edgeDump() throws {
        let path = Retention.fixture("todo-3.1.2-edge")
        let r = try Retention.run(["summary", path])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Objects: 10,444 "))
        #expect(r.stdoutLines.first?.contains("10,450 lines") == true, "README: 10,450 physical lines")
        let recovered = r.stderrLines.filter { $0.contains("recovered") && $0.hasPrefix("warning:") }
        #expect(recovered.count == 4, "\(r.stderr)")
        for lines in [":1131-1132:", ":1133-1134:", ":1149:", ":1150:"] {
            #expect(recovered.contains { $0.contains(path + lines) }, "\(lines)")
        }
        // -q silences them; the result is the same.
        let quiet = try Retention.run(["summary", "-q", path])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
        #expect(quiet.stdout == r.stdout)
    }

    @Test("--strict on the edge dump: exit 1, the error names line 1131, nothing on stdout")
    func strictEdgeDump() throws {
        let path = Retention.fixture("todo-3.1.2-edge")
        let r = try Retention.run(["summary", "--strict", path])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first?.hasPrefix("Error: ") == true)
        #expect(r.stderr.contains(path + ":1131"))
        // A clean dump passes --strict.
        #expect(try Retention.run(["summary", "--strict", Retention.fixture("todo-3.3.8-heap1")]).status == 0)
    }

    @Test("A truncated dump: exit 3, the summary still printed, stderr names the file")
    func truncated() throws {
        let text = try Retention.fixtureText("todo-3.3.8-heap1")
        // Cut in the middle of a line, about halfway.
        var cut = text.count / 2
        while text[cut - 1] == 0x0A { cut += 1 }
        let completeLines = text.prefix(cut).filter { $0 == 0x0A }.count
        try Retention.withFile(text.prefix(cut)) { path in
            let r = try Retention.run(["summary", path])
            #expect(r.status == 3, "\(r)")
            #expect(r.stdout.contains("Objects: "))
            #expect(r.stderr.contains(path))
            #expect(r.stderr.contains("truncated"))
            // The objects of the complete lines: all but the 4 ROOTs and 37 SHAPEs.
            #expect(r.stdout.contains("Objects: \(withCommas(completeLines - 41)) "), "\(r.stdout.prefix(300))")

            let j = try Retention.run(["summary", "--format", "json", "-q", path])
            #expect(j.status == 3)
            #expect(j.stderr.isEmpty)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
            #expect(object["incomplete"] as? Bool == true)
            let dump = try #require(object["dump"] as? [String: Any])
            #expect(dump["truncated"] as? String != nil)
            #expect(dump["records"] as? Int == completeLines + 1)
        }
    }

    @Test("A truncated gzip file: exit 3, stderr says it is truncated")
    func truncatedGzip() throws {
        let gz = try Data(contentsOf: URL(fileURLWithPath: Retention.fixture("todo-3.1.2-heap1")))
        try Retention.withFile(gz.prefix(gz.count / 2), suffix: ".json.gz") { path in
            let r = try Retention.run(["summary", path])
            #expect(r.status == 3, "\(r)")
            #expect(r.stdout.contains("Objects: "))
            #expect(r.stderr.contains(path))
            #expect(r.stderr.contains("truncated"))
        }
    }

    @Test("Files that are not dumps: exit 1, `Error:` naming the file on stderr, nothing on stdout",
          arguments: [
            ("empty", Data()),
            ("whitespace", Data("\n \n".utf8)),
            ("binary", Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 56))),
            ("array", Data(#"[{"address":"0x1", "type":"OBJECT"}]"#.utf8)),
            ("other JSON", Data(String(repeating: "{\"foo\":1}\n", count: 5).utf8)),
          ])
    func notADump(_ kind: String, _ data: Data) throws {
        try Retention.withFile(data) { path in
            for format in ["text", "json"] {
                let r = try Retention.run(["summary", "--format", format, path])
                #expect(r.status == 1, "\(kind): \(r)")
                #expect(r.stdout.isEmpty, "\(kind)")
                #expect(r.stderrLines.first?.hasPrefix("Error: ") == true, "\(kind)")
                #expect(r.stderr.contains(path), "\(kind)")
            }
        }
    }

    @Test("A missing file and a directory: exit 1, the error names them")
    func unreadable() throws {
        let missing = Retention.temporaryPath(".json")
        let r = try Retention.run(["summary", missing])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("Error: "))
        #expect(r.stderr.contains(missing))

        let directory = Retention.temporaryPath()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let d = try Retention.run(["summary", directory])
        #expect(d.status == 1, "\(d)")
        #expect(d.stdout.isEmpty)
        #expect(d.stderr.contains(directory))
    }

    @Test("`-` reads the dump from standard input, plain or gzipped")
    func standardInput() throws {
        let plain = try Retention.run(["summary", "--format", "json", "-"],
                                      pipingFrom: Retention.gzip, ["-dc", Retention.fixture("todo-3.1.2-heap2")])
        #expect(plain.status == 0, "\(plain)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(object["objects"] as? Int == 8852)
        #expect((object["dump"] as? [String: Any])?["records"] as? Int == 8856)
        #expect((object["dump"] as? [String: Any])?["path"] as? String == "-")

        let gzipped = try Retention.run(["summary", "-"], pipingFrom: Retention.cat, [Retention.fixture("todo-2.7.4-heap1")])
        #expect(gzipped.status == 0, "\(gzipped)")
        #expect(gzipped.stdout.contains("Objects: 6,349 "))
    }

    @Test("Empty standard input: exit 1 with an error")
    func emptyStandardInput() throws {
        let r = try Retention.run(["summary", "-"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("Error: "))
    }

    @Test("Results on stdout, warnings on stderr: JSON output stays parseable with a broken dump")
    func streamsAreSeparate() throws {
        let r = try Retention.run(["summary", "--format", "json", Retention.fixture("todo-3.1.2-edge")])
        #expect(r.status == 0)
        #expect(!r.stderr.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let dump = try #require(object["dump"] as? [String: Any])
        #expect(dump["recovered_lines"] as? Int == 4)
        let issues = try #require(dump["issues"] as? [[String: Any]])
        #expect(issues.compactMap { $0["line"] as? Int } == [1131, 1133, 1149, 1150])
    }
}
