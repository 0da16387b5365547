import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// The leak report as a user reads it: Ruby's runtime apart, every sizeable group explained.
@Suite("Leak report: runtime folded, accumulation points, untraced grouping")
struct LeakReportTests {
    static func analysis(_ paths: [String], grouping: LeakGrouping? = nil, includeRuntime: Bool = false) throws -> LeakReport {
        try LeakAnalysis.run(paths: paths, grouping: grouping, includeRuntime: includeRuntime, accumulationLimit: 5, load: Dumps.load)
    }

    @Test("Real 3.1 and 3.3 dumps: no IMEMO group; the runtime tally is exactly the IMEMO groups of the unfolded report",
          arguments: ["3.1.2", "3.3.8"])
    func runtimeFolded(version: String) throws {
        let paths = (1 ... 3).map { Dumps.fixture("todo-\(version)-heap\($0)") }
        let folded = try Self.analysis(paths)
        let all = try Self.analysis(paths, includeRuntime: true)
        #expect(!folded.groups.contains { $0.key.type == .imemo })
        let imemo = all.groups.filter { $0.key.type == .imemo }
        try #require(!imemo.isEmpty, "the fixture's code run after dump 1 leaves IMEMOs: the test needs them")
        #expect(folded.runtime.count == imemo.reduce(0) { $0 + $1.tally.count })
        #expect(folded.runtime.memsize == imemo.reduce(0) { $0 + $1.tally.memsize })
        #expect(folded.total.count + folded.runtime.count == all.total.count)
        // The leak itself is untouched: the AuditEvent Structs and their Strings, and nothing else.
        #expect(Set(folded.groups.map { $0.key.type }) == [.struct, .string])
        #expect(folded.groups.map(\.tally.count).reduce(0, +) == 528 + 1056)
        // The seed lines keep every group, the runtime's too.
        let seedTotal = folded.tallies(by: .siteAndType).values.reduce(0) { $0 + $1.count }
        #expect(seedTotal == all.total.count)
    }

    @Test("Every group holding 1% of the leaked memsize gets an accumulation point, however low it ranks")
    func onePercentRule() throws {
        let r = try Self.analysis((1 ... 3).map(Dumps.example))
        try #require(r.groups.count > 5, "the example has more groups than the first five")
        for g in r.groups where g.tally.memsize * 100 >= r.total.memsize {
            #expect(g.accumulation != nil, "\(g.key) holds \(g.tally.memsize) of \(r.total.memsize) and names no holder")
        }
        let points = try #require(try ShopFacts(3).json["accumulation_points"] as? [[String: Any]])
        let planted = Set(points.compactMap { ($0["address"] as? String).flatMap { UInt64($0.dropFirst(2), radix: 16) } })
        let holders = Set(r.groups.compactMap { $0.accumulation }.map { r.graph.address[$0.object.int] })
        #expect(holders == planted, "the two planted holders, and only them")
    }

    @Test("A group spread over many holders says so: the most common holds fewer than half")
    func dispersedHolder() throws {
        // 40 old Arrays, each gaining one new String after dump 1: no single holder.
        let holders = (0 ..< 40).map { UInt64(0x1000 + $0 * 0x10) }
        func dump(withNew: Bool) -> String {
            var d = DumpText(roots: [0x100] + holders)
            for (k, h) in holders.enumerated() {
                d.object(h, "ARRAY", classAddress: 0x120, generation: 1, references: withNew ? [0x8000 + UInt64(k) * 0x10] : [])
                if withNew { d.object(0x8000 + UInt64(k) * 0x10, generation: 5) }
            }
            return d.text
        }
        try Dumps.withFiles([dump(withNew: false), dump(withNew: true), dump(withNew: true)]) { paths in
            let r = try Self.analysis(paths)
            let group = try #require(r.groups.first { $0.key.type == .string })
            #expect(group.tally.count == 40)
            let a = try #require(group.accumulation)
            #expect(a.isDispersed)
            #expect(a.holds == 1 && a.lookedAt == 40)
        }
    }

    @Test("Without allocation tracing the default grouping is type and class, and the report says it fell back")
    func untracedGrouping() throws {
        func dump(_ new: [UInt64]) -> String {
            var d = DumpText(roots: [0x100, 0x200])
            d.object(0x200, "ARRAY", classAddress: 0x120, generation: nil, references: new)
            for n in new { d.object(n, generation: nil) }
            return d.text
        }
        try Dumps.withFiles([dump([]), dump([0x300, 0x310]), dump([0x300, 0x310])]) { paths in
            let r = try Self.analysis(paths)
            #expect(r.grouping == .typeAndClass && r.groupingFellBack)
            #expect(r.groups.count == 1)
            #expect(r.groups.allSatisfy { $0.key.site == nil && $0.key.type == .string && $0.key.className == .named("String", singleton: false) })
            let asked = try Self.analysis(paths, grouping: .site)
            #expect(asked.grouping == .site && !asked.groupingFellBack)
        }
    }

    @Test("A leaked Proc's closure environment is runtime, yet what it holds counts in the Proc group's retained size")
    func procEnvironment() throws {
        func dump(_ new: Bool) -> String {
            var d = DumpText(roots: [0x100, 0x200])
            d.lines.append(#"{"address":"0x160", "type":"CLASS", "name":"Proc"}"#)
            d.object(0x200, "ARRAY", classAddress: 0x120, generation: 1, references: new ? [0x300] : [])
            if new {
                d.lines.append(#"{"address":"0x300", "type":"DATA", "class":"0x160", "struct":"proc", "references":["0x400"], "file":"app.rb", "line":5, "method":"call", "generation":5, "memsize":80}"#)
                d.lines.append(#"{"address":"0x400", "type":"IMEMO", "imemo_type":"env", "references":["0x500"], "file":"app.rb", "line":5, "method":"call", "generation":5, "memsize":64}"#)
                d.object(0x500, line: 6, generation: 5, memsize: 1000)
            }
            return d.text
        }
        try Dumps.withFiles([dump(false), dump(true), dump(true)]) { paths in
            let r = try Self.analysis(paths)
            #expect(r.runtime.count == 1 && r.runtime.memsize == 64, "the env is Ruby's")
            let proc = try #require(r.groups.first { $0.key.type == .data })
            // Unwrapped first: Swift Testing's comparison of an optional UInt64 reads past it under ASan.
            let retained = try #require(proc.retainedSize)
            #expect(retained == 80 + 64 + 1000, "the Proc frees its env and the String the env holds")
            #expect(!r.groups.contains { $0.key.type == .imemo })
        }
    }
}
