import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// Leaks as clusters of groups, the ignore list and the gate, and the roots that explain.
@Suite("Leak clusters, known retainers, and machine_context roots")
struct LeakClusterTests {
    static func analysis(_ paths: [String], rules: [RetainerRule] = []) throws -> LeakReport {
        try LeakAnalysis.run(paths: paths, grouping: nil, accumulationLimit: 5, rules: rules, load: Dumps.load)
    }

    /// Two old containers, a Hash 0x200 and an Array 0x300, both held by the vm root. After
    /// dump 1 the Hash gains Structs 0x1000… (each holding a String 0x5000…), the Array gains
    /// Objects 0x2000…, and Strings 0x3000… are held by both containers (shared children).
    static func dumps() -> [String] {
        func dump(_ new: Int) -> String {
            var d = DumpText(roots: [0x100, 0x200, 0x300])
            d.lines.append(#"{"address":"0x130", "type":"CLASS", "name":"Entry"}"#)
            d.lines.append(#"{"address":"0x140", "type":"CLASS", "name":"Item"}"#)
            d.lines.append(#"{"address":"0x150", "type":"CLASS", "name":"Hash"}"#)
            let entries = (0 ..< new).map { UInt64(0x1000 + $0 * 0x10) }
            let items = (0 ..< new).map { UInt64(0x2000 + $0 * 0x10) }
            let shared = (0 ..< new).map { UInt64(0x3000 + $0 * 0x10) }
            d.object(0x200, "HASH", classAddress: 0x150, generation: 1, memsize: 1000, references: entries + shared)
            d.object(0x300, "ARRAY", classAddress: 0x120, line: 2, generation: 1, memsize: 1000, references: items + shared)
            for (k, e) in entries.enumerated() {
                d.object(e, "STRUCT", classAddress: 0x130, line: 10, generation: 5, memsize: 80, references: [0x5000 + UInt64(k) * 0x10])
                d.object(0x5000 + UInt64(k) * 0x10, line: 11, generation: 5)
            }
            for i in items { d.object(i, "OBJECT", classAddress: 0x140, line: 20, generation: 5, memsize: 60) }
            for s in shared { d.object(s, line: 30, generation: 5, memsize: 40) }
            return d.text
        }
        return [dump(0), dump(20), dump(20)]
    }

    @Test("Groups held through the same container form one leak; every group is in one, and its sizes add up")
    func clustering() throws {
        try Dumps.withFiles(Self.dumps()) { paths in
            let r = try Self.analysis(paths)
            r.checkInvariants()
            #expect(r.clusters.count == 2, "\(r.clusters.map { r.graph.address[$0.holder.int] })")
            let holders = Set(r.clusters.map { r.graph.address[$0.holder.int] })
            #expect(holders == [0x200, 0x300])
            let byLine = Dictionary(uniqueKeysWithValues: r.groups.enumerated().map { (Int($0.element.key.line ?? 0), $0.offset) })
            func holder(ofLine line: Int) throws -> UInt64 {
                let g = try #require(byLine[line])
                let c = try #require(r.groups[g].cluster)
                return r.graph.address[r.clusters[c].holder.int]
            }
            #expect(try holder(ofLine: 10) == 0x200 && holder(ofLine: 11) == 0x200, "the Structs and their Strings: the Hash's")
            #expect(try holder(ofLine: 20) == 0x300, "the Objects: the Array's")
            #expect(try [0x200, 0x300].contains(holder(ofLine: 30)), "the shared Strings: one of the two")
            for c in r.clusters {
                #expect(c.tally.count == c.groups.map { r.groups[$0].tally.count }.reduce(0, +))
                #expect(c.retainedSize >= c.tally.memsize)
                for g in c.groups { #expect(r.groups[g].cluster.map { r.clusters[$0].holder } == c.holder) }
            }
            #expect(Set(r.clusters.flatMap(\.groups)).count == r.groups.count)
        }
    }

    @Test("The ignore list: each kind of rule matches its leak, and the gate leaves ignored leaks out")
    func ignoreRules() throws {
        try Dumps.withFiles(Self.dumps()) { paths in
            let all = try Self.analysis(paths)
            let retention = try #require(all.retention)
            #expect(retention.gatedRetained == retention.totalRetained && retention.ignoredRetained == 0)
            for text in ["class Hash", "site app.rb:1", "site *.rb:1", "path Hash"] {
                let rules = try RetainerRules.parse("# accepted\n\n" + text + "  # the cache\n", file: "ignore")
                #expect(rules.count == 1 && rules[0].line == 3)
                let r = try Self.analysis(paths, rules: rules)
                let ignored = r.clusters.filter { $0.ignoredBy != nil }
                #expect(ignored.map { r.graph.address[$0.holder.int] } == [0x200], "\(text)")
                let rr = try #require(r.retention)
                #expect(rr.ignoredRetained > 0 && rr.gatedRetained < rr.totalRetained, "\(text)")
                #expect(rr.gatedRetained + rr.ignoredRetained >= rr.totalRetained, "what both parts free, each alone, covers the whole")
            }
            let none = try Self.analysis(paths, rules: try RetainerRules.parse("class Nothing\ngem rails\npath Hash>Array\n", file: "f"))
            #expect(none.clusters.allSatisfy { $0.ignoredBy == nil })
            for rules in ["class Hash\nclass Array\n", "gem app\n"] {
                let everything = try Self.analysis(paths, rules: try RetainerRules.parse(rules, file: "f"))
                let gated = try #require(everything.retention).gatedRetained
                #expect(gated == 0, "both holders are the app's (app.rb): \(rules)")
            }
        }
    }

    @Test("A malformed ignore line is an error naming the file and the line", arguments: [
        ("site", 2), ("clas Foo", 2), ("path A>>B", 2), ("gem", 2),
    ])
    func malformed(line: String, number: Int) {
        #expect {
            _ = try RetainerRules.parse("class Ok\n" + line + "\n", file: "team.ignore")
        } throws: { error in
            let e = error as? RetainerRuleError
            return e?.file == "team.ignore" && e?.line == number && e?.description.hasPrefix("team.ignore:\(number): ") == true
        }
    }

    @Test("A path from machine_context is taken only where no other root reaches the object")
    func machineContextLast() throws {
        // machine_context holds 0x400 directly; vm holds it through 0x200 → 0x300 → 0x400.
        // machine_context alone holds 0x500.
        let text = """
            {"type":"ROOT", "root":"machine_context", "references":["0x400", "0x500"]}
            {"type":"ROOT", "root":"vm", "references":["0x200"]}
            {"address":"0x120", "type":"CLASS", "name":"Array"}
            {"address":"0x200", "type":"ARRAY", "class":"0x120", "references":["0x300"], "memsize":40}
            {"address":"0x300", "type":"ARRAY", "class":"0x120", "references":["0x400"], "memsize":40}
            {"address":"0x400", "type":"ARRAY", "class":"0x120", "memsize":40}
            {"address":"0x500", "type":"ARRAY", "class":"0x120", "memsize":40}

            """
        try Dumps.withFiles([text]) { paths in
            let graph = try Dumps.load(paths[0], true)
            let rootPaths = RootPaths(graph)
            let held = try #require(graph.index(ofAddress: 0x400))
            let path = try #require(rootPaths.shortestPath(to: held))
            #expect(path.count == 4, "ROOT vm and three hops, not the one hop from the stack: \(path)")
            if case let .root(_, category)? = path.first { #expect(category == "vm") }
            #expect(!RootPaths.isNativeStackPath(path, in: graph))
            let alone = try #require(graph.index(ofAddress: 0x500))
            let stackOnly = try #require(rootPaths.shortestPath(to: alone))
            #expect(RootPaths.isNativeStackPath(stackOnly, in: graph))
            // The same preference in why's paths and in the dominator tree's view of reachability.
            let why = WhyAnswer(graph, held, paths: 1)
            #expect(why.paths.first?.count == 4)
            #expect(why.tree.isReachable(held))
        }
    }
}
