import Foundation
import GraphModel
@testable import Retention
import Testing
import TestSupport

extension RandomGraph {
    /// A larger graph shaped like a heap: mostly a tree (each object held by one earlier
    /// object, a few by none), with extra references forward, back and across, so that the
    /// dominator tree is deep and edges run between its subtrees.
    init(seed: UInt64, treeLike count: Int) {
        self.init(seed: seed)
        var rng = SplitMix64(seed: seed ^ 0xD1B5_4A32_D192_ED03)
        n = count
        memsize = (0 ..< count).map { _ in 40 + Int(rng.next() % 200) }
        edges = [[Int]](repeating: [], count: count)
        for v in 1 ..< count where rng.next() % 20 != 0 {
            edges[Int(rng.next() % UInt64(v))].append(v)
        }
        let extra = Int(rng.next() % UInt64(count / 2 + 1))
        for _ in 0 ..< extra {
            edges[Int(rng.next() % UInt64(count))].append(Int(rng.next() % UInt64(count)))
        }
        roots = [[0]] + (0 ..< Int(rng.next() % 3)).map { _ in [Int(rng.next() % UInt64(count))] }
    }
}

@Suite("Group retention (confined to dominator subtrees, or bit-parallel) agrees with whole-graph searches")
struct ConfinedRetentionTests {
    /// Sets of objects to take away: none, single objects, random handfuls, the children of
    /// one object in the dominator tree (their common dominator stays), an object with some of
    /// its descendants (it goes too), objects across the whole graph, and every object.
    static func sets(_ graph: HeapGraph, _ tree: DominatorTree, seed: UInt64, count: Int) -> [[ObjectIndex]] {
        var rng = SplitMix64(seed: seed)
        let n = graph.count
        func random() -> ObjectIndex { ObjectIndex(rawValue: UInt32(rng.next() % UInt64(n))) }
        var children = [[ObjectIndex]](repeating: [], count: n)
        for v in 0 ..< n where tree.idom[v] < tree.superRoot { children[Int(tree.idom[v])].append(ObjectIndex(rawValue: UInt32(v))) }
        func descendants(_ d: ObjectIndex) -> [ObjectIndex] {
            var out: [ObjectIndex] = [], stack = [d]
            while let v = stack.popLast() { out.append(v); stack += children[v.int] }
            return out
        }
        var sets: [[ObjectIndex]] = [[], graph.indices.map { ObjectIndex(rawValue: UInt32($0)) }]
        for _ in 0 ..< count {
            switch rng.next() % 5 {
            case 0: sets.append([random()])
            case 1: sets.append((0 ..< 2 + Int(rng.next() % 6)).map { _ in random() })
            case 2:
                let d = random()
                sets.append(children[d.int].filter { _ in rng.next() % 3 != 0 })
            case 3:
                let below = descendants(random())
                sets.append([below[0]] + below.dropFirst().filter { _ in rng.next() % 2 == 0 })
            default:
                let below = descendants(random())
                sets.append(below.filter { _ in rng.next() % 4 == 0 } + [random()].filter { _ in rng.next() % 4 == 0 })
            }
        }
        return sets
    }

    /// Compares the confined and bit-parallel searches with the whole-graph ones on `sets`, and a single
    /// reachable object with its own retained size.
    static func expectAgreement(_ graph: HeapGraph, _ tree: DominatorTree, _ sets: [[ObjectIndex]], _ context: String) {
        let confined = Reachability.retained(graph, tree, removing: sets)
        let whole = Reachability.retainedByWholeSearch(graph, tree, removing: sets)
        for k in sets.indices {
            #expect(confined[k].size == whole[k].size, "\(context), set \(k) of \(sets[k].count) objects: retained size")
            #expect(confined[k].count == whole[k].count, "\(context), set \(k) of \(sets[k].count) objects: retained count")
            if sets[k].count == 1, tree.isReachable(sets[k][0]) {
                #expect(confined[k].size == tree.retainedSize[sets[k][0].int], "\(context), set \(k): one object frees its subtree")
            }
        }
    }

    @Test("2,000 small seeded random graphs (cycles, self-references, unreachable objects; 500 under a sanitizer)")
    func smallRandomGraphs() throws {
        for seed in TestScale.seeds(2000) {
            let random = RandomGraph(seed: seed)
            let graph = try Dumps.withFiles([random.dump]) { try DumpLoader.load($0[0]) }
            let tree = DominatorTree(graph)
            Self.expectAgreement(graph, tree, Self.sets(graph, tree, seed: seed, count: 12), "seed \(seed)")
        }
    }

    @Test("200 seeded random heap-shaped graphs of 50 to 2,000 objects, with deep dominator trees (50 under a sanitizer)")
    func treeLikeRandomGraphs() throws {
        for seed in TestScale.seeds(200) {
            let random = RandomGraph(seed: seed, treeLike: 50 + Int(seed * 7919 % 1950))
            let graph = try Dumps.withFiles([random.dump]) { try DumpLoader.load($0[0]) }
            let tree = DominatorTree(graph)
            Self.expectAgreement(graph, tree, Self.sets(graph, tree, seed: seed, count: 40), "tree-like seed \(seed)")
        }
    }

    @Test("Any number of sets: one or two (a plain search each), and up to 300 (several bit-parallel searches of 64 bits)",
          arguments: [1, 2, 3, 9, 17, 33, 65, 130, 300])
    func setCounts(count: Int) throws {
        for seed in UInt64(1) ... 6 {
            let random = RandomGraph(seed: seed * 31 + UInt64(count), treeLike: 400)
            let graph = try Dumps.withFiles([random.dump]) { try DumpLoader.load($0[0]) }
            let tree = DominatorTree(graph)
            // Wide sets only: handfuls spread over the whole graph, plus the whole graph.
            var rng = SplitMix64(seed: seed)
            let sets = (0 ..< count).map { k in
                k == 0 ? graph.indices.map { ObjectIndex(rawValue: UInt32($0)) }
                    : (0 ..< 1 + Int(rng.next() % 8)).map { _ in ObjectIndex(rawValue: UInt32(rng.next() % UInt64(graph.count))) }
            }
            Self.expectAgreement(graph, tree, sets, "\(count) sets, seed \(seed)")
        }
    }

    @Test("Real dumps of every Ruby version: random sets of their objects",
          arguments: ["todo-2.7.4-heap3", "todo-3.1.2-heap3", "todo-3.3.8-full", "todo-3.4.5-heap3", "todo-4.0.0-heap3",
                      "todo-4.1.0dev-heap3", "probe-3.4.5", "probe-4.0.0"])
    func realDumps(name: String) throws {
        let graph = try DumpLoader.load(Dumps.fixture(name))
        let tree = DominatorTree(graph)
        Self.expectAgreement(graph, tree, Self.sets(graph, tree, seed: 15, count: 30), name)
    }

    @Test("The leak report's groups and leaks of real dumps retain what whole searches say",
          arguments: ["2.7.4", "3.1.2", "3.3.8", "3.4.5", "4.0.0", "4.1.0dev"])
    func leakReports(version: String) throws {
        let report = try LeakAnalysis.run(paths: (1 ... 3).map { Dumps.fixture("todo-\(version)-heap\($0)") }, grouping: nil,
                                          accumulationLimit: 5, load: Dumps.load)
        let tree = try #require(report.retention?.tree)
        let sets = report.groups.map(\.members) + report.clusters.map { $0.groups.flatMap { report.groups[$0].members } }
        let whole = Reachability.retainedByWholeSearch(report.graph, tree, removing: sets)
        // Unwrapped before comparing (Swift Testing's comparison of optionals trips ASan).
        for (k, g) in report.groups.enumerated() {
            guard let size = g.retainedSize, let count = g.retainedCount else { continue }
            #expect(size == whole[k].size, "\(version), group \(k)")
            #expect(count == whole[k].count, "\(version), group \(k)")
        }
        for (c, cluster) in report.clusters.enumerated() {
            #expect(cluster.retainedSize == whole[report.groups.count + c].size, "\(version), leak \(c)")
            #expect(cluster.retainedCount == whole[report.groups.count + c].count, "\(version), leak \(c)")
        }
        #expect(!report.groups.isEmpty)
    }
}
