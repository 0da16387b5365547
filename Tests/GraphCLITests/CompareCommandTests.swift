import Foundation
import Testing
import TestSupport

/// `retention diff`, `waste` and `--by gem`, end to end, against ``DumpRecords``: the example
/// shop's dumps always, fresh Rails 6.1 dumps where Rails is installed (CI installs it).
@Suite("diff, waste and --by gem against JSONSerialization's count")
struct CompareCommandTests {
    static func examples(_ ks: Int...) -> [String] { ks.map(Repo.example) }

    /// The dumps to compare against the oracle: the shop's, and Rails' when enabled.
    static func dumpSets() throws -> [[String]] {
        var sets = [examples(1, 3), examples(1, 2, 3)]
        if FreshRailsRun.enabled { sets.append(try FreshRailsRun.result.get()) }
        return sets
    }

    static func run(_ arguments: [String], status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try Retention.run(arguments + ["--format", "json", "-q"])
        #expect(r.status == status, "\(r)", sourceLocation: sourceLocation)
        return try jsonObject(r.stdout, sourceLocation: sourceLocation)
    }

    /// Label → per-dump (count, memsize) from a diff report.
    static func groups(_ report: [String: Any]) throws -> [String: [[Int]]] {
        var out: [String: [[Int]]] = [:]
        for g in try #require(report["groups"] as? [[String: Any]]) {
            let label = try #require(g["label"] as? String)
            #expect(out[label] == nil, "one group per label: \(label)")
            out[label] = try #require(g["tallies"] as? [[String: Any]]).map { [$0["count"] as! Int, $0["memsize"] as! Int] }
        }
        return out
    }

    /// The identity `retention` matches objects by: address and generation, or where a dump
    /// did not trace an object, its type and class.
    struct Identity: Hashable { var address: UInt64; var generation: Int?; var type: String?; var classAddress: UInt64? }
    static func identity(_ o: DumpRecords.Record, _ d: DumpRecords) -> Identity {
        if let g = o.generation { return Identity(address: o.address, generation: g) }
        let c = (o.type == "IMEMO" || o.type == "NODE") ? nil : o.classAddress.flatMap { d.byAddress[$0] != nil ? $0 : nil }
        return Identity(address: o.address, type: o.type, classAddress: c)
    }

    @Test("diff: every group's count and memsize in every dump, and new and freed, are JSONSerialization's",
          arguments: ["type", "class", "gem"])
    func diffCounts(_ by: String) throws {
        for dumps in try Self.dumpSets() {
            let report = try Self.run(["diff", "--by", by, "--top", "1000000"] + dumps)
            let records = try dumps.map { try DumpRecords(path: $0) }
            let label: (DumpRecords, DumpRecords.Record) -> String = { d, o in
                switch by {
                case "type": return o.type
                case "class": return d.classLabel(o)
                default: return DumpRecords.gemLabel(o.file)
                }
            }
            let got = try Self.groups(report)
            let expected = records.map { d in d.tally { label(d, $0) } }
            let labels = Set(expected.flatMap(\.keys))
            #expect(Set(got.keys) == labels, "\(dumps)")
            for l in labels {
                let want = expected.map { [$0[l]?.count ?? 0, $0[l]?.memsize ?? 0] }
                #expect(got[l] == want, "\(l) in \(dumps)")
            }
            #expect(report["group_count"] as? Int == labels.count)
            // New and freed: the first and last dumps are one traced process.
            #expect(report["same_process"] as? Bool == true)
            let first = records[0], last = records[records.count - 1]
            let before = Set(first.objects.map { Self.identity($0, first) })
            let after = Set(last.objects.map { Self.identity($0, last) })
            let new = last.objects.filter { !before.contains(Self.identity($0, last)) }
            let freed = first.objects.filter { !after.contains(Self.identity($0, first)) }
            #expect((report["new"] as? [String: Any])?["count"] as? Int == new.count)
            #expect((report["freed"] as? [String: Any])?["count"] as? Int == freed.count)
            var newByLabel: [String: Int] = [:], freedByLabel: [String: Int] = [:]
            for o in new { newByLabel[label(last, o), default: 0] += 1 }
            for o in freed { freedByLabel[label(first, o), default: 0] += 1 }
            for g in try #require(report["groups"] as? [[String: Any]]) {
                let l = g["label"] as! String
                #expect((g["new"] as? [String: Any])?["count"] as? Int == newByLabel[l] ?? 0, "new \(l)")
                #expect((g["freed"] as? [String: Any])?["count"] as? Int == freedByLabel[l] ?? 0, "freed \(l)")
            }
        }
    }

    @Test("summary, top and leaks --by gem: the gems' counts are JSONSerialization's, and add up")
    func gemCounts() throws {
        for dumps in try Self.dumpSets() where dumps.count == 3 {
            let last = try DumpRecords(path: dumps[2])
            let expected = last.tally { DumpRecords.gemLabel($0.file) }
            let summary = try Self.run(["summary", "--top", "100000", dumps[2]])
            var got: [String: [Int]] = [:]
            for g in try #require(summary["by_gem"] as? [[String: Any]]) {
                let gem = g["gem"] as? [String: Any]
                let label = gem.map { ["ruby": "(ruby)", "app": "(app)"][$0["kind"] as! String] ?? ($0["name"] as! String) } ?? "(no file)"
                got[label] = [g["count"] as! Int, g["memsize"] as! Int]
            }
            #expect(got == expected.mapValues { [$0.count, $0.memsize] }, "\(dumps[2])")

            let top = try Self.run(["top", "--top", "100000", dumps[2]])
            let members = try #require(top["by_gem"] as? [[String: Any]]).reduce(0) { $0 + ($1["members"] as! Int) }
            let unreachable = try #require((top["unreachable"] as? [String: Any])?["count"] as? Int)
            #expect(members + unreachable == last.objects.count)

            let leaks = try Self.run(["leaks", "--by", "gem", "--top", "100000", "--include-runtime"] + dumps)
            let groups = try #require(leaks["groups"] as? [[String: Any]])
            #expect(groups.reduce(0) { $0 + ($1["count"] as! Int) } == (leaks["total"] as? [String: Any])?["count"] as? Int)
            #expect(Set(groups.map { $0["label"] as! String }).count == groups.count)
        }
    }

    @Test("waste: duplicate values, extra copies, bytes, strings without a value and tiny collections are JSONSerialization's")
    func wasteCounts() throws {
        for dumps in try Self.dumpSets() {
            let dump = dumps[dumps.count - 1]
            let records = try DumpRecords(path: dump)
            let expected = records.duplicates()
            let report = try Self.run(["waste", "--top", "5", dump])
            let totals = try #require(report["duplicate_totals"] as? [String: Any])
            #expect(totals["values"] as? Int == expected.values, "\(dump)")
            #expect(totals["extra_copies"] as? Int == expected.extra)
            #expect(totals["wasted"] as? Int == expected.wasted)
            let strings = try #require(report["strings"] as? [String: Any])
            let without = ["shared_without_value", "other_without_value"].reduce(0) { $0 + ((strings[$1] as? [String: Any])?["count"] as! Int) }
            #expect(without == expected.withoutValue)
            let top = try #require(report["duplicates"] as? [[String: Any]])
            // Ranked by bytes wasted, then copies (values that tie may come in either order).
            #expect(top.map { [$0["wasted"] as! Int, $0["copies"] as! Int] } == Array(expected.ranked.prefix(5)))
            for d in top where d["value_truncated"] as? Bool == false {
                let value = try #require(d["value"] as? String)
                #expect(expected.byValue[value] == [d["copies"] as! Int, d["wasted"] as! Int], "\(value)")
            }
            let collections = try #require(report["collections"] as? [String: Any])
            for (kind, count) in records.tinyCollections() {
                #expect((collections[kind] as? [String: Any])?["count"] as? Int == count, "\(kind)")
            }
        }
    }
}

/// What `diff` and `waste` do with bad input: cut dumps, dumps of two processes or out of
/// order, too few dumps, and hostile strings.
@Suite("diff and waste on bad input")
struct CompareBadInputTests {
    @Test("Dumps of different processes are compared by counts only, and the report says so")
    func differentProcesses() throws {
        let r = try Retention.run(["diff", Repo.example(1), Retention.fixture("todo-3.3.8-heap1"), "--format", "json"])
        #expect(r.status == 0, "\(r)")
        let report = try jsonObject(r.stdout)
        #expect(report["same_process"] as? Bool == false)
        #expect(report["new"] is NSNull && report["freed"] is NSNull && report["identity"] is NSNull)
        #expect((report["groups"] as? [[String: Any]])?.allSatisfy { $0["new"] is NSNull } == true)
        #expect(r.stderr.contains("different processes"))
        let text = try Retention.run(["diff", Repo.example(1), Retention.fixture("todo-3.3.8-heap1"), "-q"])
        #expect(text.stdout.contains("compared by counts only") && !text.stdout.contains("NEW"))
    }

    @Test("Dumps of one process out of order are refused; one dump is a usage error")
    func order() throws {
        let r = try Retention.run(["diff", Repo.example(3), Repo.example(1)])
        #expect(r.status == 1 && r.stdout.isEmpty && r.stderr.contains("out of order"), "\(r)")
        let one = try Retention.run(["diff", Repo.example(1)])
        #expect(one.status == 64, "\(one)")
    }

    @Test("A cut dump: exit 3, the result for what was read")
    func truncated() throws {
        let lines = try HeapText.lines(Repo.example(1))
        let cut = lines.prefix(lines.count / 2).joined(separator: "\n") + "\n" + String(lines[lines.count / 2].prefix(30))
        let path = Retention.temporaryPath(".json")
        try cut.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for args in [["diff", path, Repo.example(3)], ["waste", path]] {
            let r = try Retention.run(args + ["--format", "json"])
            #expect(r.status == 3, "\(r)")
            #expect(try jsonObject(r.stdout)["incomplete"] as? Bool == true)
        }
        let garbage = Retention.temporaryPath(".json")
        try Data([0, 1, 2, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: garbage))
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        for args in [["diff", garbage, Repo.example(3)], ["waste", garbage]] {
            let r = try Retention.run(args)
            #expect(r.status == 1 && r.stdout.isEmpty, "\(r)")
        }
    }

    @Test("Control characters in values and file names are escaped in text, kept in JSON")
    func hostileStrings() throws {
        let evil = "a\u{1B}[31mred\u{7}\nline"
        var lines: [String] = []
        for k in 0 ..< 3 {
            lines.append("{\"address\":\"0x\(String(0x1000 + k * 40, radix: 16))\", \"type\":\"STRING\", \"bytesize\":14, \"value\":\(jsonString(evil)), \"encoding\":\"UTF-8\", \"file\":\(jsonString("/app/gems/x\u{1B}-1.0/\(evil).rb")), \"line\":3, \"generation\":5, \"memsize\":40}")
        }
        lines.append("{\"address\":\"0x2000\", \"type\":\"HASH\", \"size\":0, \"file\":\(jsonString(evil)), \"line\":1, \"generation\":5, \"memsize\":160}")
        try withDump(lines) { path in
            for command in [["waste"], ["waste", "--by", "gem"], ["diff", "--by", "gem", path], ["diff", "--by", "site", path]] {
                let r = try Retention.run(command + [path])
                #expect(r.status == 0, "\(r)")
                #expect(!r.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }, "\(command)")
            }
            let json = try jsonObject(try Retention.run(["waste", path, "--format", "json"]).stdout)
            let top = try #require((json["duplicates"] as? [[String: Any]])?.first)
            #expect(top["value"] as? String == evil && top["copies"] as? Int == 3 && top["wasted"] as? Int == 80)
        }
    }
}

/// The README's `diff` and `waste` examples print what the README shows.
@Suite("The README's diff and waste examples")
struct CompareReadmeTests {
    /// Each ```sh block holding one `retention diff|waste` command, and the block after it.
    static func examples() throws -> [(arguments: [String], output: String)] {
        let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        var out: [(arguments: [String], output: String)] = []
        for (k, block) in blocks.enumerated() where block.hasPrefix("sh\nretention diff") || block.hasPrefix("sh\nretention waste") {
            let command = block.dropFirst(3).split(separator: "\n")[0]
            out.append((command.split(separator: " ").dropFirst().map(String.init), String(blocks[k + 1].dropFirst())))
        }
        return out
    }

    @Test("Each example's output is the README's, exactly")
    func outputs() throws {
        let examples = try Self.examples()
        #expect(examples.count == 3)
        let executable = try #require(Retention.executable)
        for e in examples {
            let r = try Subprocess.run(executable.path, e.arguments, in: Repo.root)
            #expect(r.status == 0)
            #expect(r.stdout == e.output, "retention \(e.arguments.joined(separator: " "))")
        }
    }
}
