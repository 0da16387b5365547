import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// Random graphs, written as dumps: objects 0..<n at addresses 0x1000 + 40 i, some held by
/// ROOT records, random references (self-edges and cycles included).
struct RandomGraph {
    var n: Int
    var edges: [[Int]]
    var roots: [[Int]]  // per ROOT record
    var memsize: [Int]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let count = 1 + Int(rng.next() % 40)
        let density = 1 + Int(rng.next() % 3)
        var sizes: [Int] = [], references: [[Int]] = [], records: [[Int]] = []
        for _ in 0 ..< count { sizes.append(40 + Int(rng.next() % 200)) }
        for _ in 0 ..< count {
            var out: [Int] = []
            for _ in 0 ..< Int(rng.next() % UInt64(density * 2 + 1)) { out.append(Int(rng.next() % UInt64(count))) }
            references.append(out)
        }
        for _ in 0 ..< 1 + Int(rng.next() % 3) {
            var held: [Int] = []
            for _ in 0 ..< 1 + Int(rng.next() % 3) { held.append(Int(rng.next() % UInt64(count))) }
            records.append(held)
        }
        n = count
        memsize = sizes
        edges = references
        roots = records
    }

    static func address(_ i: Int) -> String { "\"0x\(String(0x1000 + 40 * i, radix: 16))\"" }

    var dump: String {
        var lines: [String] = []
        for (k, r) in roots.enumerated() {
            lines.append(#"{"type":"ROOT", "root":"\#(["vm", "global_tbl", "machine_context"][k % 3])", "references":[\#(r.map(Self.address).joined(separator: ", "))]}"#)
        }
        for i in 0 ..< n {
            let refs = edges[i].isEmpty ? "" : #", "references":[\#(edges[i].map(Self.address).joined(separator: ", "))]"#
            lines.append(#"{"address":\#(Self.address(i)), "type":"OBJECT"\#(refs), "memsize":\#(memsize[i])}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Dominator sets by the plain fixed point: Dom(root) = {root}, Dom(v) = {v} ∪ ⋂ Dom(p)
    /// over v's reachable predecessors p. Node n is the super-root. Returns each node's
    /// immediate dominator (n for the super-root's, -1 unreachable) and retained size.
    func naive() -> (idom: [Int], retained: [Int]) {
        var preds = [[Int]](repeating: [], count: n)
        for v in 0 ..< n { for t in Set(edges[v]) { preds[t].append(v) } }
        for t in Set(roots.flatMap { $0 }) { preds[t].append(n) }
        // Reachability.
        var reach = Set<Int>()
        var work = Array(Set(roots.flatMap { $0 }))
        while let v = work.popLast() {
            if reach.insert(v).inserted { work += edges[v] }
        }
        let all = Set(0 ... n)
        var dom = [Set<Int>](repeating: all, count: n + 1)
        dom[n] = [n]
        var changed = true
        while changed {
            changed = false
            for v in 0 ..< n where reach.contains(v) {
                var d = all
                for p in preds[v] where p == n || reach.contains(p) { d.formIntersection(dom[p]) }
                d.insert(v)
                if d != dom[v] { dom[v] = d; changed = true }
            }
        }
        var idom = [Int](repeating: -1, count: n)
        var retained = [Int](repeating: 0, count: n)
        for v in 0 ..< n where reach.contains(v) {
            // The strict dominator with the largest dominator set is the nearest one.
            idom[v] = dom[v].subtracting([v]).max { dom[$0].count < dom[$1].count }!
            for w in 0 ..< n where reach.contains(w) && dom[w].contains(v) { retained[v] += memsize[w] }
        }
        return (idom, retained)
    }
}

@Suite("Dominator tree and retained sizes")
struct DominatorTests {
    @Test("Semi-NCA agrees with the plain fixed-point computation on 2,000 seeded random graphs (500 under a sanitizer)")
    func randomGraphsAgreeWithNaive() throws {
        for seed in TestScale.seeds(2000) {
            let random = RandomGraph(seed: seed)
            let graph = try Dumps.withFiles([random.dump]) { try DumpLoader.load($0[0]) }
            let tree = DominatorTree(graph)
            graph.checkInvariants()
            tree.checkInvariants(graph)
            let (idom, retained) = random.naive()
            for v in 0 ..< random.n {
                let node = try #require(graph.index(ofAddress: UInt64(0x1000 + 40 * v)))
                let expected = idom[v] == -1 ? UInt32.max : idom[v] == random.n ? tree.superRoot
                    : graph.index(ofAddress: UInt64(0x1000 + 40 * idom[v]))!.rawValue
                #expect(tree.idom[node.int] == expected, "seed \(seed), object \(v)")
                #expect(tree.retainedSize[node.int] == UInt64(retained[v]), "seed \(seed), object \(v)")
                if tree.idom[node.int] != expected { return }
            }
            let unreachableMemsize = (0 ..< random.n).filter { idom[$0] == -1 }.map { random.memsize[$0] }.reduce(0, +)
            #expect(tree.unreachable.memsize == UInt64(unreachableMemsize))
        }
    }

    @Test("A linked list a million objects deep: no recursion, every link dominates the rest")
    func millionDeepChain() throws {
        let n = 1_000_000
        let text = Dumps.linkedList(n, type: "OBJECT")
        let graph = try Dumps.withFiles([text]) { try DumpLoader.load($0[0]) }
        let tree = DominatorTree(graph)
        let head = try #require(graph.index(ofAddress: 0x10))
        let tail = try #require(graph.index(ofAddress: UInt64(0x10 + 40 * (n - 1))))
        #expect(tree.retainedSize[head.int] == UInt64(40 * n))
        #expect(tree.retainedCount[head.int] == UInt32(n))
        #expect(tree.retainedSize[tail.int] == 40)
        #expect(tree.dominatorChain(of: tail).count == n - 1)
        let paths = RootPaths(graph)
        #expect(paths.shortestPath(to: tail)?.count == n + 1)
    }

    @Test("The example dump: the leak containers retain their leaked objects")
    func exampleRetains() throws {
        let graph = try DumpLoader.load(Dumps.example(3))
        let tree = DominatorTree(graph)
        let facts = try ShopFacts(3)
        let points = try #require(facts.json["accumulation_points"] as? [[String: Any]])
        #expect(points.count == 2)
        for point in points {
            let address = try #require(UInt64((point["address"] as! String).dropFirst(2), radix: 16))
            let node = try #require(graph.index(ofAddress: address))
            // 1,900 requests, each leaving 6 (A) or 2 (B) objects in the container.
            #expect(tree.retainedCount[node.int] >= 1900 * 2)
            #expect(tree.isReachable(node))
        }
        // Every reachable object is dominated, through its chain, by the super-root alone.
        #expect(tree.preorder.count + Int(tree.unreachable.count) == graph.count)
    }
}
