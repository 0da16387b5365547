import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// The oracle: each reachable object's frame path read off its own dominator chain, without
/// the tree's aggregation (gem frames merged where consecutive, the path cut at `maxDepth`),
/// and the memsize of the objects per path.
private func naiveFolded(_ graph: HeapGraph, _ tree: DominatorTree, view: FlameView, maxDepth: Int) -> [[FlameFrame]: UInt64] {
    func frame(_ o: ObjectIndex) -> FlameFrame {
        let site = graph.sourceSite(of: o).map { SourceSite(file: $0.file, line: $0.line, method: nil) }
        let gem = Gem.of(file: site?.file)
        switch view {
        case .object: return .objects(type: graph.type[o.int], className: graph.classIdentity(of: o), site: site, gem: gem)
        case .class: return .objects(type: graph.type[o.int], className: graph.classIdentity(of: o), site: nil, gem: nil)
        case .site: return .objects(type: nil, className: nil, site: site, gem: gem)
        case .gem: return .objects(type: nil, className: nil, site: nil, gem: gem)
        }
    }
    var out: [[FlameFrame]: UInt64] = [:]
    for v in tree.preorder {
        let o = ObjectIndex(rawValue: v)
        var frames = ([o] + tree.dominatorChain(of: o)).reversed().map(frame)
        if view == .gem {
            var merged: [FlameFrame] = []
            for f in frames where merged.last != f { merged.append(f) }
            frames = merged
        }
        if frames.count > maxDepth { frames = Array(frames.prefix(maxDepth)) + [.deeper(than: maxDepth)] }
        out[frames, default: 0] += graph.memsize[Int(v)]
    }
    return out
}

private func folded(_ flame: FlameTree) -> [[FlameFrame]: UInt64] {
    var out: [[FlameFrame]: UInt64] = [:]
    for v in 1 ..< flame.count where flame.selfCount[v] > 0 { out[flame.path(to: v), default: 0] += flame.selfSize[v] }
    return out
}

private func reachableMemsize(_ graph: HeapGraph, _ tree: DominatorTree) -> UInt64 {
    tree.preorder.reduce(0) { $0 + graph.memsize[Int($1)] }
}

/// The layout's promises: preorder, parents first, subtrees contiguous, children largest
/// first (the folded rest last), totals the sums of what lies below, and no two siblings
/// of the same frame (each path once, as the folded lines must be: frames are compared by
/// value, not by id, since two ids of one value would hide from a comparison by value).
private func checkLayout(_ flame: FlameTree, sourceLocation: SourceLocation = #_sourceLocation) {
    var siblings = Set<[FlameFrame]>()
    for v in 1 ..< flame.count {
        #expect(siblings.insert(flame.path(to: v)).inserted, "two nodes of path \(flame.path(to: v))", sourceLocation: sourceLocation)
    }
    var childTotal = [UInt64](repeating: 0, count: flame.count)
    var lastChildTotal = [UInt64](repeating: .max, count: flame.count)
    for v in 1 ..< flame.count {
        let p = Int(flame.parent[v])
        #expect(p < v, sourceLocation: sourceLocation)
        #expect(Int(flame.subtreeEnd[p]) >= Int(flame.subtreeEnd[v]) && Int(flame.subtreeEnd[v]) > v, sourceLocation: sourceLocation)
        if case .other = flame.frames[Int(flame.frame[v])] {
            #expect(Int(flame.subtreeEnd[p]) == v + 1, "the folded rest comes last", sourceLocation: sourceLocation)
        } else {
            #expect(flame.totalSize[v] <= lastChildTotal[p], "children largest first", sourceLocation: sourceLocation)
            lastChildTotal[p] = flame.totalSize[v]
        }
        childTotal[p] += flame.totalSize[v]
    }
    for v in 0 ..< flame.count {
        #expect(flame.totalSize[v] == flame.selfSize[v] + childTotal[v], sourceLocation: sourceLocation)
    }
}

@Suite("Dominator flame tree (top --format folded, the report's icicle)")
struct FlameTreeTests {
    static let dumps = ["shop-heap3"] + ["todo-2.7.4-heap3", "todo-3.1.2-heap3", "todo-3.3.8-heap3", "todo-3.4.5-heap3",
                                         "todo-4.0.0-heap3", "todo-4.1.0dev-heap3", "probe-4.0.0"]

    static func load(_ name: String) throws -> HeapGraph {
        try DumpLoader.load(name == "shop-heap3" ? Dumps.example(3) : Dumps.fixture(name))
    }

    @Test("Every view agrees with the paths read off each object's dominator chain, on real dumps of every Ruby",
          arguments: dumps)
    func agreesWithChains(_ name: String) throws {
        let graph = try Self.load(name)
        let tree = DominatorTree(graph)
        for view in FlameView.allCases {
            for depth in [3, 64] {
                let flame = FlameTree(graph, tree, view: view, maxDepth: depth)
                checkLayout(flame)
                #expect(folded(flame) == naiveFolded(graph, tree, view: view, maxDepth: depth), "\(name), \(view), depth \(depth)")
                #expect(flame.totalSize[0] == reachableMemsize(graph, tree))
                #expect(flame.totalCount[0] == UInt64(tree.preorder.count))
                #expect(flame.folded.paths == 0)
            }
        }
    }

    @Test("Random graphs with cycles: the same, and every reachable object counted once", arguments: 1 ... 300)
    func randomGraphs(_ seed: Int) throws {
        let random = RandomGraph(seed: UInt64(seed))
        let graph = try Dumps.withFiles([random.dump]) { try DumpLoader.load($0[0]) }
        let tree = DominatorTree(graph)
        let flame = FlameTree(graph, tree, view: .object, maxDepth: 2)
        checkLayout(flame)
        #expect(folded(flame) == naiveFolded(graph, tree, view: .object, maxDepth: 2))
        #expect(flame.totalCount[0] == UInt64(tree.preorder.count))
    }

    @Test("Folding for the report: at most the children asked for, an other frame per parent, nothing lost")
    func folding() throws {
        let graph = try Self.load("shop-heap3")
        let tree = DominatorTree(graph)
        let full = FlameTree(graph, tree, view: .object)
        let small = FlameTree(graph, tree, view: .object, minimumShare: 0.01, maximumChildren: 5)
        checkLayout(small)
        #expect(small.count < full.count)
        #expect(small.totalSize[0] == full.totalSize[0])
        #expect(small.selfSize.reduce(0, +) == full.totalSize[0], "every byte is in one node, folded or not")
        #expect(small.folded.paths > 0 && small.folded.size > 0)
        var children = [Int](repeating: 0, count: small.count)
        var others = [Int](repeating: 0, count: small.count)
        for v in 1 ..< small.count {
            let p = Int(small.parent[v])
            if case .other = small.frames[Int(small.frame[v])] {
                others[p] += 1
            } else {
                children[p] += 1
                #expect(small.totalSize[v] * 100 >= small.totalSize[0], "kept: at least 1% of the whole")
            }
        }
        #expect(children.allSatisfy { $0 <= 5 })
        #expect(others.allSatisfy { $0 <= 1 })
        var otherSize: UInt64 = 0
        for v in 1 ..< small.count { if case .other = small.frames[Int(small.frame[v])] { otherSize += small.totalSize[v] } }
        #expect(otherSize == small.folded.size)
    }

    @Test("A linked list 200,000 objects deep is cut at the depth asked, in one frame that says so")
    func deepChain() throws {
        // (The dominator tests take a million; this one runs under the sanitizers in CI too.)
        let n = 200_000
        let text = Dumps.linkedList(n, type: "ARRAY")
        let graph = try Dumps.withFiles([text]) { try DumpLoader.load($0[0]) }
        let tree = DominatorTree(graph)
        let flame = FlameTree(graph, tree, view: .object, maxDepth: 64)
        #expect(flame.count == 64 + 2)  // the roots, 64 frames, the cut
        #expect(flame.path(to: flame.count - 1).last == .deeper(than: 64))
        #expect(flame.cut.count == UInt64(n - 64))
        #expect(flame.cut.size == UInt64(40 * (n - 64)))
        #expect(flame.totalSize[0] == UInt64(40 * n))
        let gems = FlameTree(graph, tree, view: .gem, maxDepth: 64)
        #expect(gems.count == 2, "one origin (no file) for the whole chain: one frame")
    }
}
