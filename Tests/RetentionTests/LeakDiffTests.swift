import Foundation
import GraphModel
import Retention
import Testing

@Suite("Three-snapshot diff")
struct LeakDiffTests {
    static func key(_ g: LeakGroup) -> String {
        "\(g.key.typeName ?? "") \(g.classLabel ?? "") \(g.key.file ?? ""):\(g.key.line ?? 0)"
    }

    @Test("The example shop's planted leaks are found with the counts the program knows, and nothing else")
    func exampleLeaksMatchFacts() throws {
        let report = try LeakDiff.run(paths: [1, 2, 3].map(Dumps.example), grouping: .siteAndType, load: Dumps.load)
        let facts = try ShopFacts(3)
        let expected = facts.expectedLeaks
        #expect(!expected.isEmpty)
        var found: [String: Int] = [:]
        for g in report.groups { found[Self.key(g), default: 0] += g.tally.count }
        #expect(found == expected)
        #expect(report.basis == .addressAndGeneration)
        #expect(report.total.count == expected.values.reduce(0, +))
        // The bounded cache and the sessions come and go: none of their sites is a leak group.
        let bounded = facts.boundedLines
        #expect(!bounded.isEmpty)
        for g in report.groups { #expect(!bounded.contains(Int(g.key.line ?? 0)), "\(Self.key(g)) is bounded, not a leak") }
        // Ranked by memsize, largest first.
        #expect(report.groups.map(\.tally.memsize) == report.groups.map(\.tally.memsize).sorted(by: >))
    }

    @Test("Address reuse in the example dumps: leaks in reused slots are found, new tenants of freed slots are not")
    func addressReuseInExamples() throws {
        let report = try LeakDiff.run(paths: [1, 2, 3].map(Dumps.example), grouping: .siteAndType, load: Dumps.load)
        let dump1 = try DumpLoader.load(Dumps.example(1))
        let dump2 = try DumpLoader.load(Dumps.example(2))
        let graph = report.graph
        let leaked = Set(report.groups.flatMap(\.members).map { graph.address[$0.int] })
        // (i) leaked objects at addresses that held another object at dump 1.
        let reused = leaked.filter { a in
            guard let i = dump1.index(ofAddress: a), let j = graph.index(ofAddress: a) else { return false }
            return dump1.generation[i.int] != graph.generation[j.int]
        }
        #expect(reused.count > 0, "the example should hold leaked objects in slots reused since dump 1")
        // (ii) objects of dump 3 at the address of a dump 2 object freed in between: not leaks.
        var newTenants = 0
        for i in graph.indices {
            guard let j = dump2.index(ofAddress: graph.address[i]) else { continue }
            if dump2.generation[j.int] != graph.generation[i], graph.generation[i] != .max {
                newTenants += 1
                #expect(!leaked.contains(graph.address[i]))
            }
        }
        #expect(newTenants > 0, "the example should hold new objects in slots freed since dump 2")
    }

    @Test("A plain reference diff, keyed on address and generation, agrees on every fixture set",
          arguments: [
              [1, 2, 3].map(Dumps.example),
              ["todo-2.7.4-heap1", "todo-2.7.4-heap2", "todo-2.7.4-heap3"].map(Dumps.fixture),
              ["todo-3.1.2-heap1", "todo-3.1.2-heap2", "todo-3.1.2-heap3"].map(Dumps.fixture),
              ["todo-3.3.8-heap1", "todo-3.3.8-heap2", "todo-3.3.8-heap3"].map(Dumps.fixture),
          ])
    func oracleAgrees(paths: [String]) throws {
        let report = try LeakDiff.run(paths: paths, grouping: .siteAndType, load: Dumps.load)
        var fast: [String: Int] = [:]
        for g in report.groups { fast["\(g.key.typeName ?? "") \(g.key.file ?? ""):\(g.key.line ?? 0)", default: 0] += g.tally.count }
        let oracle = try ReferenceDiff.run(paths)
        #expect(fast == oracle)
        #expect(!oracle.isEmpty)
    }

    @Test("A leaked object in a slot that held another object at dump 1 is found; a new tenant of a freed slot is not")
    func handMadeAddressReuse() throws {
        var d1 = DumpText(), d2 = DumpText(), d3 = DumpText()
        d1.object(0x1000, generation: 1)            // freed after dump 1
        d2.object(0x1000, line: 7, generation: 3)   // reuses the slot, and leaks
        d3.object(0x1000, line: 7, generation: 3)
        d2.object(0x2000, line: 8, generation: 3)   // freed after dump 2
        d3.object(0x2000, line: 9, generation: 5)   // a new tenant of its slot
        d1.object(0x3000, generation: 1)            // old and alive: not new
        d2.object(0x3000, generation: 1)
        d3.object(0x3000, generation: 1)
        let report = try Dumps.withFiles([d1.text, d2.text, d3.text]) {
            try LeakDiff.run(paths: $0, grouping: .siteAndType, load: Dumps.load)
        }
        let leaked = report.groups.flatMap(\.members).map { report.graph.address[$0.int] }
        #expect(leaked == [0x1000])
        #expect(report.groups.first?.key.line == 7)
    }

    @Test("Without allocation tracing, objects are matched by address, type and class, and the report says it is approximate")
    func untracedFallback() throws {
        var d1 = DumpText(), d2 = DumpText(), d3 = DumpText()
        d1.object(0x1000, generation: nil)                              // old, alive throughout
        d2.object(0x1000, generation: nil); d3.object(0x1000, generation: nil)
        d2.object(0x2000, generation: nil); d3.object(0x2000, generation: nil)   // new, survives
        d1.object(0x3000, generation: nil)                              // the slot is reused by an ARRAY
        d2.object(0x3000, "ARRAY", classAddress: 0x120, generation: nil)
        d3.object(0x3000, "ARRAY", classAddress: 0x120, generation: nil)
        let report = try Dumps.withFiles([d1.text, d2.text, d3.text]) {
            try LeakDiff.run(paths: $0, grouping: .type, load: Dumps.load)
        }
        #expect(report.basis == .addressTypeAndClass)
        #expect(report.warnings.contains { if case .untraced = $0 { true } else { false } })
        #expect(Set(report.groups.flatMap(\.members).map { report.graph.address[$0.int] }) == [0x2000, 0x3000])
    }

    @Test("Dumps given out of order are refused, naming both")
    func outOfOrder() throws {
        var d1 = DumpText(), d2 = DumpText(), d3 = DumpText()
        d1.object(0x1000, generation: 9)
        d2.object(0x1000, generation: 9); d2.object(0x2000, generation: 12)
        d3.object(0x1000, generation: 9); d3.object(0x2000, generation: 12); d3.object(0x3000, generation: 15)
        try Dumps.withFiles([d3.text, d2.text, d1.text]) { paths in
            #expect {
                try LeakDiff.run(paths: paths, grouping: .siteAndType, load: Dumps.load)
            } throws: { error in
                guard let e = error as? LeakDiffError, case .outOfOrder = e else { return false }
                return "\(e)".contains(paths[0]) && "\(e)".contains(paths[1]) && "\(e)".contains("oldest first")
            }
        }
    }

    @Test("Dumps of different processes are refused")
    func differentProcesses() throws {
        var d1 = DumpText(), d2 = DumpText(roots: [0x9100]), d3 = DumpText()
        for k in 0 ..< 50 { d1.object(0x1000 + UInt64(k) * 40, generation: 1) }
        for k in 0 ..< 50 { d2.object(0x900000 + UInt64(k) * 40, classAddress: 0x9110, generation: 2) }
        d2.lines = d2.lines.filter { !$0.contains("\"0x100\"") && !$0.contains("\"0x110\"") && !$0.contains("\"0x120\"") }
        d2.lines.append(#"{"address":"0x9100", "type":"CLASS", "name":"Object"}"#)
        d2.lines.append(#"{"address":"0x9110", "type":"CLASS", "name":"String"}"#)
        for k in 0 ..< 50 { d3.object(0x1000 + UInt64(k) * 40, generation: 1) }
        try Dumps.withFiles([d1.text, d2.text, d3.text]) { paths in
            #expect {
                try LeakDiff.run(paths: paths, grouping: .siteAndType, load: Dumps.load)
            } throws: { error in
                guard let e = error as? LeakDiffError, case .differentProcesses = e else { return false }
                return "\(e)".contains(paths[1])
            }
        }
    }

    @Test("The same dump given twice finds nothing and says why")
    func sameDumpTwice() throws {
        let paths = [Dumps.example(1), Dumps.example(1), Dumps.example(1)]
        let report = try LeakDiff.run(paths: paths, grouping: .siteAndType, load: Dumps.load)
        #expect(report.groups.isEmpty)
        #expect(report.warnings.contains { if case .sameGeneration = $0 { true } else { false } })
    }

    @Test("With four dumps, a group that rose every time is growing and one that stopped is flat")
    func growingAndFlat() throws {
        var dumps = [DumpText(), DumpText(), DumpText(), DumpText()]
        for k in 0 ..< 4 { dumps[k].object(0x10, generation: 1) }
        // Line 5 leaks one more object in each interval; line 6 filled up once, then stayed.
        var next: UInt64 = 0x1000
        for interval in 1 ..< 4 {
            let address = next
            next += 40
            for k in interval ..< 4 { dumps[k].object(address, line: 5, generation: 1 + interval * 2) }
        }
        for k in 1 ..< 4 { dumps[k].object(0x9000, line: 6, generation: 3); dumps[k].object(0x9028, line: 6, generation: 3) }
        let report = try Dumps.withFiles(dumps.map(\.text)) {
            try LeakDiff.run(paths: $0, grouping: .site, load: Dumps.load)
        }
        let byLine = Dictionary(uniqueKeysWithValues: report.groups.map { (Int($0.key.line ?? 0), $0) })
        #expect(byLine[5]?.series == [1, 2, 3])
        #expect(byLine[5]?.trend == .growing)
        #expect(byLine[5]?.tally.count == 1)
        #expect(byLine[6]?.series == [2, 2, 2])
        #expect(byLine[6]?.trend == .flat)
    }

    @Test("Fewer than three dumps is an error")
    func tooFew() {
        #expect(throws: LeakDiffError.self) {
            try LeakDiff.run(paths: [Dumps.example(1), Dumps.example(2)], grouping: .site, load: Dumps.load)
        }
    }
}

/// A deliberately simple three-dump diff, written without the parser or the graph: each line
/// is read with JSONSerialization; an object is its address and generation; it leaked when
/// the last dump holds it, DUMP2 holds it, DUMP1 does not, and its generation is not older
/// than DUMP1's newest.
enum ReferenceDiff {
    struct Object { var key: String; var group: String; var generation: Int }

    static func objects(_ path: String) throws -> [Object] {
        var result: [Object] = []
        for line in try Dumps.lines(path) {
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let address = json["address"] as? String, let type = json["type"] as? String,
                  !["ROOT", "SHAPE", "NONE", "ZOMBIE"].contains(type) else { continue }
            let value = UInt64(address.dropFirst(2), radix: 16)!
            let generation = json["generation"] as? Int ?? -1
            let group = "\(type) \(json["file"] as? String ?? "(no allocation site)"):\(json["line"] as? Int ?? 0)"
            result.append(Object(key: "\(value)/\(generation)", group: group, generation: generation))
        }
        return result
    }

    static func run(_ paths: [String]) throws -> [String: Int] {
        let first = try objects(paths[0])
        let newest = first.map(\.generation).max() ?? -1
        let inFirst = Set(first.map(\.key))
        var alive = Set(try objects(paths[1]).map(\.key))
        for path in paths.dropFirst(2).dropLast() { alive.formIntersection(try objects(path).map(\.key)) }
        var counts: [String: Int] = [:]
        for o in try objects(paths.last!) where alive.contains(o.key) && !inFirst.contains(o.key) && o.generation >= newest && o.generation >= 0 {
            counts[o.group, default: 0] += 1
        }
        return counts
    }
}
