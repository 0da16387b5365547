import GraphModel
@testable import Retention
import Testing
import TestSupport

@Suite("Predecessors by preorder number")
struct PredecessorTests {
    /// The rows a serial build gives: for each reached object in object order, its edges'
    /// targets get its number; then the roots' targets get the super-root's, 0.
    static func expectedRows(_ graph: HeapGraph, number: [UInt32], reached: Int) -> [[UInt32]] {
        var rows = [[UInt32]](repeating: [], count: reached)
        for v in 0 ..< graph.count where number[v] != .max {
            for e in Int(graph.edgeStart[v]) ..< Int(graph.edgeStart[v + 1]) {
                rows[Int(number[Int(graph.edges[e])])].append(number[v])
            }
        }
        for t in graph.rootedObjects { rows[Int(number[Int(t)])].append(0) }
        return rows
    }

    @Test("Built in 1 to 5 parts, every row lists its sources in object order, the super-root last",
          arguments: [UInt64(1), 7, 19, 101, 555, 1024])
    func partsAgreeWithSerialRows(seed: UInt64) throws {
        // Small random graphs (empty parts included), and a larger one of many references.
        var dumps = (0 ..< 40).map { RandomGraph(seed: seed &* 1000 &+ $0).dump }
        dumps.append(ManyReferences(seed: seed, objects: 3000).dump)
        for dump in dumps {
            let graph = try Dumps.withFiles([dump]) { try DumpLoader.load($0[0]) }
            let tree = DominatorTree(graph)
            var number = [UInt32](repeating: .max, count: graph.count + 1)
            number[graph.count] = 0
            for (k, v) in tree.preorder.enumerated() { number[Int(v)] = UInt32(k + 1) }
            let reached = tree.preorder.count + 1
            let expected = Self.expectedRows(graph, number: number, reached: reached)
            for parts in 1 ... 5 {
                let preds = Predecessors(numbered: graph, superRoot: graph.rootedObjects, number: number,
                                         reached: reached, parts: parts)
                #expect(preds.start.count == reached + 1)
                let rows = (0 ..< reached).map { Array(preds.sources[Int(preds.start[$0]) ..< Int(preds.start[$0 + 1])]) }
                #expect(rows == expected, "seed \(seed), \(graph.count) objects, \(parts) parts")
            }
        }
    }
}

/// A random graph of many references an object (up to 12), a few objects unreached, some
/// referenced by many: enough edges for every part to hold several objects.
struct ManyReferences {
    var seed: UInt64
    var objects: Int

    var dump: String {
        var rng = SplitMix64(seed: seed)
        var lines = [#"{"type":"ROOT", "root":"vm", "references":[\#(RandomGraph.address(0)), \#(RandomGraph.address(1))]}"#]
        for i in 0 ..< objects {
            let out = (0 ..< Int(rng.next() % 13)).map { _ in
                rng.next() % 4 == 0 ? Int(rng.next() % 16) : Int(rng.next() % UInt64(objects))
            }
            let refs = out.isEmpty ? "" : #", "references":[\#(out.map(RandomGraph.address).joined(separator: ", "))]"#
            lines.append(#"{"address":\#(RandomGraph.address(i)), "type":"OBJECT"\#(refs), "memsize":40}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
