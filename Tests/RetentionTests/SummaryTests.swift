import Foundation
import GraphModel
import Retention
import Testing

/// `HeapSummary` on the real dumps, against the README's type table and a recount.
@Suite("Summary")
struct SummaryTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ruby-dumps/\(name).json.gz").path
    }

    /// README, "Record types": todo-3.1.2-heap3 and todo-3.3.8-full (NONE slots are not objects).
    static let readmeTypes: [String: [String: Int]] = [
        "todo-3.1.2-heap3": ["STRING": 5240, "IMEMO": 3046, "STRUCT": 1187, "CLASS": 550, "ARRAY": 219, "DATA": 116,
                             "ICLASS": 27, "MODULE": 24, "OBJECT": 10, "HASH": 9, "SYMBOL": 4, "FLOAT": 4, "FILE": 4,
                             "BIGNUM": 1, "COMPLEX": 1],
        "todo-3.3.8-full": ["STRING": 6194, "IMEMO": 3231, "STRUCT": 1187, "CLASS": 563, "ARRAY": 272, "DATA": 121,
                            "ICLASS": 27, "MODULE": 24, "OBJECT": 10, "HASH": 14, "SYMBOL": 3, "FLOAT": 4, "FILE": 4,
                            "BIGNUM": 1, "COMPLEX": 1],
    ]

    @Test("Type groups hold the README's counts; every grouping adds up to the totals",
          arguments: ["todo-3.1.2-heap3", "todo-3.3.8-full"])
    func types(_ name: String) throws {
        let graph = try DumpLoader.load(SummaryTests.fixture(name))
        let summary = HeapSummary(graph, top: 1000)
        let expected = try #require(SummaryTests.readmeTypes[name])
        #expect(summary.objects == expected.values.reduce(0, +))
        #expect(summary.typeGroups == expected.count)
        #expect(Dictionary(uniqueKeysWithValues: summary.byType.map { ($0.label, $0.tally.count) }) == expected)
        #expect(summary.total.memsize == graph.memsize.reduce(0, +))
        #expect(summary.total.bytesize == graph.bytesize.reduce(0, +))
        #expect(summary.edges == graph.edgeCount)
        for groups in [summary.byType, summary.byClass, summary.bySite] {
            #expect(groups.reduce(0) { $0 + $1.tally.count } == summary.objects)
            #expect(groups.reduce(UInt64(0)) { $0 + $1.tally.memsize } == summary.total.memsize)
            #expect(zip(groups, groups.dropFirst()).allSatisfy { $0.tally.memsize >= $1.tally.memsize }, "largest first")
        }
        // A smaller top keeps the largest few and still counts every group.
        let top3 = HeapSummary(graph, top: 3)
        #expect(top3.byType.map(\.label) == summary.byType.prefix(3).map(\.label))
        #expect(top3.typeGroups == summary.typeGroups)
        #expect(top3.classGroups == summary.classGroups)
    }

    @Test("Roots: one entry per category, with its records and the distinct objects they hold")
    func roots() throws {
        let graph = try DumpLoader.load(SummaryTests.fixture("todo-3.3.8-heap1"))
        let summary = HeapSummary(graph, top: 10)
        var objects: [String: Set<UInt32>] = [:], records: [String: Int] = [:]
        for r in 0 ..< graph.rootRecordCount {
            let category = graph.strings[graph.rootCategory[r]]
            records[category, default: 0] += 1
            objects[category, default: []].formUnion(graph.rootTargets(ofRecord: r))
        }
        // FORMAT.md: plain Ruby gives vm, machine_context, global_list and global_tbl.
        #expect(summary.roots.map(\.category) == ["vm", "machine_context", "global_list", "global_tbl"])
        for root in summary.roots {
            #expect(root.records == records[root.category])
            #expect(root.objects == objects[root.category]?.count)
        }
        let since = try DumpLoader.load(SummaryTests.fixture("todo-3.3.8-since"))
        #expect(HeapSummary(since, top: 10).roots.isEmpty)
    }

    @Test("The leak's STRUCTs are one class group, AuditEvent, of the README's count", arguments: [
        ("todo-2.7.4-heap1", 131), ("todo-3.1.2-heap2", 659), ("todo-3.3.8-heap3", 1187),
    ])
    func leakClass(_ name: String, _ structs: Int) throws {
        let summary = HeapSummary(try DumpLoader.load(SummaryTests.fixture(name)), top: 100_000)
        // todo_app.rb:33: AuditEvent = Struct.new(...); README: N STRUCT at line 74.
        #expect(summary.byClass.first { $0.label == "AuditEvent" }?.tally.count == structs)
    }
}
