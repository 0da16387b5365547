import Foundation
import Testing
import TestSupport

/// `retention leaks` runs on the committed example dumps, each made once and shared.
enum ExampleLeaks {
    static let json: Result<CommandRun, any Error> = Result { try Retention.run(["leaks", "--format", "json"] + Repo.examples) }
    static let text: Result<CommandRun, any Error> = Result { try Retention.run(["leaks"] + Repo.examples) }
    static let seed: Result<CommandRun, any Error> = Result { try Retention.run(["leaks", "--format", "seed"] + Repo.examples) }

    /// The JSON report, required to be a clean success.
    static func report(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try json.get()
        try #require(r.status == 0, "\(r)", sourceLocation: sourceLocation)
        return try jsonObject(r.stdout, sourceLocation: sourceLocation)
    }

    static func groups(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try #require(try report(sourceLocation: sourceLocation)["groups"] as? [[String: Any]], sourceLocation: sourceLocation)
    }

    /// A group's (type, class, file, line).
    static func row(_ g: [String: Any]) throws -> SiteRow {
        let key = try #require(g["key"] as? [String: Any])
        let site = try #require(key["site"] as? [String: Any])
        return SiteRow(type: try #require(key["type"] as? String), className: try #require(g["class"] as? String),
                       file: try #require(site["file"] as? String), line: try #require(site["line"] as? Int))
    }

    /// The group whose class is `name`.
    static func group(ofClass name: String) throws -> [String: Any] {
        try #require(try groups().first { $0["class"] as? String == name }, "no group of class \(name)")
    }

    /// The leak set of the example dumps as the oracle finds it, in dump 3.
    static let oracle: Result<(heap: HeapText, leaked: [Int]), any Error> = Result {
        let heaps = try ExampleHeaps.heaps()
        let facts1 = try ShopDumpFacts(example: 1)
        return (heaps[2], heaps[2].leaked(since: facts1.gcCount, alsoIn: [heaps[1]]))
    }
}

/// A root path of a JSON report as the facts write chains: `ROOT vm`, `CLASS Object`, `ARRAY`.
func chain(_ path: [[String: Any]]) -> [String] {
    path.map { step in
        if let root = step["root"] as? String { return "ROOT " + root }
        let type = step["type"] as? String ?? "?"
        if type == "CLASS" || type == "MODULE" { return type + " " + (step["detail"] as? String ?? "?") }
        return type
    }
}

@Suite("retention leaks on the example dumps")
struct LeaksCommandTests {
    @Test("Exit 0; the JSON total and the groups by (type, class, file, line) are the facts' expected_three_snapshot")
    func groupsMatchFacts() throws {
        let facts = try ShopDumpFacts(example: 3)
        let expected = try #require(facts.expectedThreeSnapshot)
        let report = try ExampleLeaks.report()
        #expect(report["schema"] as? String == "retention")
        #expect(report["command"] as? String == "leaks")
        #expect(report["approximate"] as? Bool == false)
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["count"] as? Int == facts.expectedTotal)
        #expect(facts.expectedTotal == 3200, "README: 3,200 leaked objects")

        var found: [SiteRow: Int] = [:]
        for g in try ExampleLeaks.groups() {
            #expect(g["other_classes"] as? Int == 0, "one class per group: \(g["label"] ?? "")")
            found[try ExampleLeaks.row(g), default: 0] += try #require(g["count"] as? Int)
        }
        #expect(found == expected)
        #expect(total["groups"] as? Int == expected.count)
    }

    @Test("The oracle's own diff of the three dumps finds the facts' leak set (so it can judge sizes)")
    func oracleAgreesWithFacts() throws {
        let (heap, leaked) = try ExampleLeaks.oracle.get()
        let expected = try #require(try ShopDumpFacts(example: 3).expectedThreeSnapshot)
        var rows: [SiteRow: Int] = [:]
        for i in leaked {
            let o = heap.objects[i]
            let row = SiteRow(type: o.type, className: heap.className(of: o) ?? "?", file: o.file ?? "?", line: o.line ?? 0)
            rows[row, default: 0] += 1
        }
        #expect(rows == expected)
    }

    @Test("Group memsize and bytesize are the sums over the group's objects in the last dump")
    func groupSizes() throws {
        let (heap, leaked) = try ExampleLeaks.oracle.get()
        var sums: [String: (count: Int, memsize: Int, bytesize: Int)] = [:]
        for i in leaked {
            let o = heap.objects[i]
            let key = "\(o.type) \(o.file ?? ""):\(o.line ?? 0)"
            sums[key, default: (0, 0, 0)].count += 1
            sums[key]!.memsize += o.memsize
            sums[key]!.bytesize += o.bytesize
        }
        let report = try ExampleLeaks.report()
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["memsize"] as? Int == sums.values.reduce(0) { $0 + $1.memsize })
        #expect(total["bytesize"] as? Int == sums.values.reduce(0) { $0 + $1.bytesize })
        for g in try ExampleLeaks.groups() {
            let row = try ExampleLeaks.row(g)
            let expected = try #require(sums["\(row.type) \(row.file):\(row.line)"], "\(row)")
            #expect(g["count"] as? Int == expected.count, "\(row)")
            #expect(g["memsize"] as? Int == expected.memsize, "\(row)")
            #expect(g["bytesize"] as? Int == expected.bytesize, "\(row)")
        }
    }

    @Test("Groups are ranked by retained_size, largest first, and every group has one")
    func rankedByRetainedSize() throws {
        let groups = try ExampleLeaks.groups()
        #expect(groups.count == 7)
        let sizes = groups.map { $0["retained_size"] as? Int }
        #expect(!sizes.contains(nil), "\(sizes)")
        let known = sizes.compactMap { $0 }
        #expect(known == known.sorted(by: >), "\(known)")
        for g in groups {
            // A group retains at least itself.
            #expect((g["retained_size"] as? Int ?? 0) >= (g["memsize"] as? Int ?? .max), "\(g["label"] ?? "")")
        }
    }

    @Test("A group's retained size is what the roots no longer reach without its objects (oracle search)")
    func retainedSizesAgreeWithOracle() throws {
        let (heap, leaked) = try ExampleLeaks.oracle.get()
        var members: [String: Set<Int>] = [:]
        for i in leaked {
            let o = heap.objects[i]
            members["\(o.type) \(o.file ?? ""):\(o.line ?? 0)", default: []].insert(i)
        }
        for g in try ExampleLeaks.groups() {
            let row = try ExampleLeaks.row(g)
            let set = try #require(members["\(row.type) \(row.file):\(row.line)"])
            let retained = heap.retained(by: set)
            #expect(g["retained_size"] as? Int == retained.memsize, "\(row)")
            #expect(g["retained_count"] as? Int == retained.count, "\(row)")
        }
    }

    @Test("The Metric group accumulates in the facts' point A: the global Hash, held by ROOT global_tbl")
    func accumulationPointA() throws {
        let a = try #require(try ShopDumpFacts(example: 3).accumulationPoints["A"])
        let group = try ExampleLeaks.group(ofClass: "Metric")
        let point = try #require(group["accumulation_point"] as? [String: Any], "the Metric group names its accumulation point")
        let object = try #require(point["object"] as? [String: Any])
        #expect(object["type"] as? String == "HASH")
        #expect((object["address"] as? String).flatMap(hexAddress) == a.address)
        let path = try #require(point["root_path"] as? [[String: Any]])
        #expect((path.first?["root"] as? String) == "global_tbl")
        #expect(chain(path) == a.rootChain)
        #expect((path.last?["address"] as? String).flatMap(hexAddress) == a.address, "the path ends at the point")
        #expect(point["holds"] as? Int == group["count"] as? Int, "every Metric is held through the Hash")
    }

    @Test("The Listener group accumulates in the facts' point B: EventBus's Array, vm → Object → EventBus → ARRAY")
    func accumulationPointB() throws {
        let b = try #require(try ShopDumpFacts(example: 3).accumulationPoints["B"])
        let group = try ExampleLeaks.group(ofClass: "Listener")
        let point = try #require(group["accumulation_point"] as? [String: Any], "the Listener group names its accumulation point")
        let object = try #require(point["object"] as? [String: Any])
        #expect(object["type"] as? String == "ARRAY")
        #expect((object["address"] as? String).flatMap(hexAddress) == b.address)
        let path = try #require(point["root_path"] as? [[String: Any]])
        #expect(chain(path) == b.rootChain)
        #expect(b.rootChain == ["ROOT vm", "CLASS Object", "CLASS EventBus", "ARRAY"])
        if path.count == 4 {
            #expect((path[2]["address"] as? String).flatMap(hexAddress) == b.ownerAddress, "the EventBus class of the facts")
            #expect((path[3]["address"] as? String).flatMap(hexAddress) == b.address)
        }
    }

    @Test("The examples of each group are objects of the last dump of that type, file and line")
    func examplesAreGroupMembers() throws {
        let (heap, leaked) = try ExampleLeaks.oracle.get()
        let leakedAddresses = Set(leaked.map { heap.objects[$0].address })
        for g in try ExampleLeaks.groups() {
            let row = try ExampleLeaks.row(g)
            let examples = try #require(g["examples"] as? [String])
            #expect(!examples.isEmpty)
            for e in examples {
                let address = try #require(hexAddress(e))
                let o = try #require(heap.object(at: address), "\(e) is in shop-heap3")
                #expect(o.type == row.type && o.file == row.file && o.line == row.line, "\(e)")
                #expect(leakedAddresses.contains(address), "\(e) is a leaked object")
            }
        }
    }

    @Test("--format seed: one line per (type, file, line) with the facts' counts and the sizes of its objects, by count, then Total Size")
    func seed() throws {
        let r = try ExampleLeaks.seed.get()
        #expect(r.status == 0, "\(r)")
        // `Leaked N TYPE objects of size B/M at: file:line`
        let seedLine = try Regex(#"Leaked (\d+) ([A-Z_]+) objects of size (\d+)/(\d+) at: (.*):(\d+)"#)
        let expected = ShopDumpFacts.byTypeAndSite(try #require(try ShopDumpFacts(example: 3).expectedThreeSnapshot))
        let (heap, leaked) = try ExampleLeaks.oracle.get()
        var sizes: [String: (bytesize: Int, memsize: Int)] = [:]
        for i in leaked {
            let o = heap.objects[i]
            sizes["\(o.type) \(o.file ?? ""):\(o.line ?? 0)", default: (0, 0)].bytesize += o.bytesize
            sizes["\(o.type) \(o.file ?? ""):\(o.line ?? 0)"]!.memsize += o.memsize
        }

        let parts = r.stdout.components(separatedBy: "\n\n\n")
        try #require(parts.count == 2, "the lines, a blank line pair, the total: \(r.stdout)")
        let lines = parts[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var counts: [String: Int] = [:]
        var order: [Int] = []
        var bytes = 0, mem = 0
        for line in lines {
            let m = try #require(try seedLine.wholeMatch(in: line), "not a seed line: \(line)")
            let n = Int(m.output[1].substring!)!, type = String(m.output[2].substring!)
            let b = Int(m.output[3].substring!)!, s = Int(m.output[4].substring!)!
            let key = "\(type) \(m.output[5].substring!):\(m.output[6].substring!)"
            #expect(counts[key] == nil, "one line per (type, file, line): \(key)")
            counts[key] = n
            order.append(n)
            #expect(b == sizes[key]?.bytesize, "\(key) bytesize")
            #expect(s == sizes[key]?.memsize, "\(key) memsize")
            bytes += b
            mem += s
        }
        #expect(counts == expected)
        #expect(order == order.sorted(by: >), "sorted by count, descending")
        #expect(parts[1] == "Total Size: \(bytes)/\(mem)\n")
    }

    @Test("--by class, type, site and method: exit 0, and the groups add up to the same 3,200 objects, by the facts' counts",
          arguments: ["class", "type", "site", "method", "site-type"])
    func otherGroupings(_ by: String) throws {
        let r = try Retention.run(["leaks", "--by", by, "--format", "json", "--top", "1000"] + Repo.examples)
        #expect(r.status == 0, "\(r)")
        let report = try jsonObject(r.stdout)
        #expect(report["grouping"] as? String == by)
        let groups = try #require(report["groups"] as? [[String: Any]])
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["count"] as? Int == 3200)
        #expect(groups.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 3200)
        #expect(total["groups"] as? Int == groups.count)

        // What each grouping must find, summed from the facts' rows.
        let rows = try #require(try ShopDumpFacts(example: 3).expectedThreeSnapshot)
        var expected: [String: Int] = [:]
        for (row, count) in rows {
            switch by {
            case "class": expected[row.className, default: 0] += count
            case "type": expected[row.type, default: 0] += count
            case "site": expected["\(row.file):\(row.line)", default: 0] += count
            case "site-type": expected["\(row.type) \(row.file):\(row.line)", default: 0] += count
            default: break
            }
        }
        guard by != "method" else {
            // The facts do not name methods; every group is one file's method.
            for g in groups {
                let site = (g["key"] as? [String: Any])?["site"] as? [String: Any]
                #expect(site?["file"] as? String == "Examples/shop/shop.rb")
                #expect(site?["method"] as? String != nil)
            }
            return
        }
        var found: [String: Int] = [:]
        for g in groups {
            let key = try #require(g["key"] as? [String: Any])
            let site = key["site"] as? [String: Any]
            let name: String
            switch by {
            case "class": name = try #require(key["class"] as? String)
            case "type": name = try #require(key["type"] as? String)
            case "site": name = "\(site?["file"] as? String ?? "?"):\(site?["line"] as? Int ?? 0)"
            default: name = "\(key["type"] as? String ?? "?") \(site?["file"] as? String ?? "?"):\(site?["line"] as? Int ?? 0)"
            }
            found[name, default: 0] += try #require(g["count"] as? Int)
        }
        #expect(found == expected)
    }

    @Test("Text: the table lines fit 100 columns, one row per group, and the totals line says 3,200 objects")
    func text() throws {
        let r = try ExampleLeaks.text.get()
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex { $0.hasPrefix("#") && $0.contains("COUNT") && $0.contains("SITE") }, "\(r.stdout)")
        let end = lines[header...].firstIndex { $0.isEmpty } ?? lines.endIndex
        let table = lines[header ..< end]
        #expect(table.count == 1 + 7, "a header and the 7 groups")
        for line in table {
            #expect(line.count <= 100, "\(line.count) columns: \(line)")
        }
        for (k, line) in table.dropFirst().enumerated() {
            #expect(line.hasPrefix("\(k + 1) "), "rank \(k + 1): \(line)")
        }
        #expect(r.stdout.contains("Leaked 3,200 objects"))
        #expect(r.stdout.contains("in 7 groups"))
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test("Text names both accumulation points by address, with the facts' root chains")
    func textAccumulation() throws {
        let r = try ExampleLeaks.text.get()
        let facts = try ShopDumpFacts(example: 3)
        for leak in ["A", "B"] {
            let p = try #require(facts.accumulationPoints[leak])
            let hex = "0x" + String(p.address, radix: 16)
            let line = r.stdoutLines.first { $0.hasPrefix(p.type) && $0.contains(hex) }
            #expect(line != nil, "\(p.type) \(hex) is listed where they accumulate")
            for hop in p.rootChain.dropFirst() {
                #expect(r.stdoutLines.contains { $0.contains("→ " + hop) }, "\(hop)")
            }
            #expect(r.stdoutLines.contains { $0.trimmingCharacters(in: .whitespaces) == p.rootChain[0] }, "\(p.rootChain[0])")
        }
    }

    @Test("Fewer than three dumps: exit 64, nothing on stdout", arguments: [0, 1, 2])
    func tooFewDumps(_ n: Int) throws {
        let r = try Retention.run(["leaks"] + Repo.examples.prefix(n))
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first?.hasPrefix("Error: ") == true, "\(r.stderr)")
        #expect(r.stderrLines.contains { $0.hasPrefix("Usage: retention leaks") })
    }

    @Test("Dumps in reverse order: exit 1, stderr says they are out of order, nothing on stdout")
    func reverseOrder() throws {
        let r = try Retention.run(["leaks"] + Repo.examples.reversed())
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("out of order"), "\(r.stderr)")
        // The message names dumps by their paths.
        #expect(r.stderr.contains(Repo.example(2)))
    }

    @Test("The same dump three times: exit 0, no groups, and a warning on stderr", arguments: ["text", "json"])
    func sameDumpThreeTimes(_ format: String) throws {
        let d = Repo.example(2)
        let r = try Retention.run(["leaks", "--format", format, d, d, d])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("warning:"), "\(r.stderr)")
        if format == "json" {
            let report = try jsonObject(r.stdout)
            #expect((report["groups"] as? [Any])?.isEmpty == true)
            #expect((report["total"] as? [String: Any])?["count"] as? Int == 0)
            #expect((report["warnings"] as? [String])?.isEmpty == false)
        } else {
            #expect(!r.stdout.contains("Leaked "), "no totals of leaked objects")
            #expect(!r.stdoutLines.contains { $0.hasPrefix("#") }, "no table")
        }
    }
}
