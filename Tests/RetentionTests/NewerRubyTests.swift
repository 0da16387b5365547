import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// Paths, dominators and retained sizes on Ruby 3.4, 4.0 and 4.1-dev dumps read as on 3.x:
/// no `fields` hop, owners that retain their ivars, and finalizers that hold what they capture.
@Suite("Retention on Ruby 3.4 to 4.1-dev")
struct NewerRubyTests {
    static func graph(_ name: String) throws -> HeapGraph { try Dumps.load(Dumps.fixture(name), true) }

    /// The address of a planted object, from the probe's facts file.
    static func planted(_ probe: String, _ key: String) throws -> UInt64 {
        let url = Repository.fixtures.appendingPathComponent(probe + ".facts.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let text = key == "fin_captured" ? json[key] as? String : (json["objects"] as? [String: Any])?[key] as? String
        return try #require(text.flatMap { UInt64($0.dropFirst(2), radix: 16) }, "\(probe): \(key)")
    }

    /// A record's last `memsize` (the real one: Ruby writes it after every other field but flags).
    static func memsize(_ record: Substring) -> Int? {
        record.matches(of: /"memsize":(\d+)/).last.flatMap { Int($0.1) }
    }

    @Test("The audit log's Structs are held CLASS TodoService → ARRAY, with no IMEMO on the path",
          arguments: ["todo-3.3.8-heap3", "todo-3.4.5-heap3", "todo-4.0.0-heap3", "todo-4.1.0dev-heap3"])
    func auditPath(_ name: String) throws {
        let graph = try Self.graph(name)
        let paths = RootPaths(graph)
        let event = try #require(graph.indices.first { graph.type[$0] == .struct && graph.classIdentity(of: ObjectIndex($0)) == .named("AuditEvent", singleton: false) })
        let path = try #require(paths.shortestPath(to: ObjectIndex(event)))
        let objects = path.compactMap { step -> ObjectIndex? in
            if case let .object(o) = step { return o }
            return nil
        }
        #expect(!objects.contains { graph.type[$0.int] == .imemo }, "\(name)")
        let service = try #require(objects.firstIndex { graph.classIdentity(ofClassNode: $0) == .named("TodoService", singleton: false) })
        #expect(graph.type[objects[service + 1].int] == .array)
        #expect(objects[service + 2] == ObjectIndex(event))
    }

    @Test("An owner's ivar String is dominated by the owner, which retains it, as on 3.4",
          arguments: ["probe-3.4.5", "probe-4.0.0", "probe-4.1.0dev"])
    func ownersRetainTheirIvars(_ name: String) throws {
        let graph = try Self.graph(name)
        let tree = DominatorTree(graph)
        for (key, ivar) in [("str", "str_ivar"), ("hash", "hash_ivar"), ("struct", "struct_ivar")] {
            let owner = try #require(graph.index(ofAddress: try Self.planted(name, key)))
            let value = try #require(graph.references(of: owner).first { graph.valuePrefix(of: ObjectIndex(rawValue: $0))?.text == ivar })
            #expect(tree.immediateDominator(of: ObjectIndex(rawValue: value)) == owner, "\(name) \(key)")
            #expect(tree.retainedSize[owner.int] >= graph.memsize[owner.int] + graph.memsize[Int(value)])
        }
        if name != "probe-3.4.5" {
            // The fields object's memsize went to its owner: the owner's memsize grew by it.
            let raw = try Dumps.lines(Dumps.fixture(name))
            let str = try Self.planted(name, "str")
            let record = try #require(raw.first { $0.hasPrefix("{\"address\":\"0x\(String(str, radix: 16))\"") })
            let written = try #require(Self.memsize(record))
            let owner = try #require(graph.index(ofAddress: str))
            #expect(graph.memsize[owner.int] > UInt64(written))
        }
    }

    @Test("What a finalizer captures is reachable, through the inferred root on 3.4+ and Ruby's on 3.3",
          arguments: ["probe-3.3.8", "probe-3.4.5", "probe-4.0.0", "probe-4.1.0dev"])
    func finalizerCapturesAreAlive(_ name: String) throws {
        let graph = try Self.graph(name)
        let captured = try #require(graph.index(ofAddress: try Self.planted(name, "fin_captured")))
        let (tree, paths) = DominatorTree.withRootPaths(graph)
        #expect(tree.isReachable(captured))
        let path = try #require(paths.shortestPath(to: captured))
        guard case let .root(record, category) = path[0] else { Issue.record("no root first"); return }
        if name == "probe-3.3.8" {
            #expect(graph.rootKind[record] == .finalizers)
            #expect(category == "finalizers")
        } else {
            #expect(graph.rootKind[record] == .inferredFinalizers)
            #expect(category == RootCategory.inferredFinalizersName)
        }
        // ROOT → ARRAY → DATA proc → IMEMO env → STRING, on every version.
        #expect(path.count == 5)
    }

    @Test("Selecting a folded fields object's address picks its owner")
    func selectFoldedAddress() throws {
        let graph = try Self.graph("probe-4.0.0")
        let owner = try #require(graph.index(ofAddress: 0x7fb6fb0bace8))
        #expect(graph.index(ofAddress: 0x7fb6fb0bac98) == nil)
        #expect(ObjectSelection.select(graph, address: 0x7fb6fb0bac98) == [owner])
        #expect(ObjectSelection.select(graph, address: 0x7fb6fb0bace8) == [owner])
        #expect(ObjectSelection.select(graph, address: 0x1).isEmpty)
    }

    @Test("Total memsize is the same folded or not; the summary counts the folded objects as their owners'")
    func summaryTotals() throws {
        let graph = try Self.graph("todo-4.0.0-heap3")
        let summary = HeapSummary(graph, top: 5)
        let raw = try Dumps.lines(Dumps.fixture("todo-4.0.0-heap3"))
        let total = raw.filter { !$0.contains("\"type\":\"ROOT\"") && !$0.contains("\"type\":\"SHAPE\"") }
            .reduce(0) { $0 + (Self.memsize($1) ?? 0) }
        #expect(summary.total.memsize == UInt64(total))
        #expect(summary.objects == 11545 - 126)
        #expect(!summary.byType.contains { $0.label == "IMEMO" && $0.tally.count == 3634 })
    }
}
