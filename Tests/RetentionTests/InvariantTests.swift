import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// The self-checks of the graph, the dominator tree and the leak report, run on every real
/// dump of the repository (debug builds also run the first two on every graph and tree the
/// other tests build).
@Suite("Invariants of graphs, dominator trees and leak reports")
struct InvariantTests {
    static let fixtures = [
        "todo-2.7.4-heap1", "todo-2.7.4-heap2", "todo-2.7.4-heap3", "todo-3.1.2-edge", "todo-3.1.2-heap1",
        "todo-3.1.2-heap2", "todo-3.1.2-heap3", "todo-3.3.8-full", "todo-3.3.8-heap1", "todo-3.3.8-heap2",
        "todo-3.3.8-heap3", "todo-3.3.8-since",
    ]
    static let dumps = fixtures.map(Dumps.fixture) + [1, 2, 3].map(Dumps.example)

    @Test("Every real dump's graph and dominator tree pass their checks", arguments: dumps)
    func graphAndTree(_ path: String) throws {
        let graph = try DumpLoader.load(path)
        graph.checkInvariants()
        let tree = DominatorTree(graph)
        tree.checkInvariants(graph)
        // The same graph read without its edges has the same shape.
        var options = DumpLoader.Options()
        options.edges = false
        try DumpLoader.load(path, options: options).checkInvariants()
    }

    @Test("top's objects are the largest retained sizes, largest first, ties lower index first", arguments: dumps)
    func topObjects(_ path: String) throws {
        let graph = try DumpLoader.load(path)
        let tree = DominatorTree(graph)
        let naive = graph.indices.sorted {
            (tree.retainedSize[$0], -$0) > (tree.retainedSize[$1], -$1)
        }
        for top in [1, 2, 10, 50, graph.count + 5] {
            let objects = TopRetainers(graph, tree, top: top).objects.map(\.int)
            #expect(objects == Array(naive.prefix(top)), "top \(top)")
        }
    }

    @Test("Leak reports of the example shop and of each Ruby's fixtures pass their checks, before and after retention",
          arguments: [[1, 2, 3].map(Dumps.example)] + ["2.7.4", "3.1.2", "3.3.8"].map { v in
              [1, 2, 3].map { Dumps.fixture("todo-\(v)-heap\($0)") }
          })
    func leakReports(_ paths: [String]) throws {
        for grouping in [LeakGrouping.siteAndType, .class] {
            let diff = try LeakDiff.run(paths: paths, grouping: grouping, load: Dumps.load)
            diff.checkInvariants()
            for includeRuntime in [false, true] {
                let report = try LeakAnalysis.run(paths: paths, grouping: grouping, includeRuntime: includeRuntime,
                                                  accumulationLimit: 5, load: Dumps.load)
                #expect(report.retention != nil)
                report.checkInvariants()
            }
        }
    }
}
