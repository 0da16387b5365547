import Foundation
import GraphModel
@testable import Retention
import Testing
import TestSupport

@Suite("Topmost totals in one preorder pass agree with walking each dominator chain")
struct TopmostTotalsTests {
    /// Per key: members, topmost members (no member of the key among their dominators), and
    /// what the topmost retain, by walking every reachable object's dominator chain.
    static func naive(_ tree: DominatorTree, keys: [UInt32], keyCount: Int) -> [(members: Int, topmost: Int, size: UInt64, count: UInt64)] {
        var out = [(members: Int, topmost: Int, size: UInt64, count: UInt64)](repeating: (0, 0, 0, 0), count: keyCount)
        for v in tree.preorder {
            let key = Int(keys[Int(v)])
            out[key].members += 1
            if !tree.dominatorChain(of: ObjectIndex(rawValue: v)).contains(where: { keys[$0.int] == keys[Int(v)] }) {
                out[key].topmost += 1
                out[key].size &+= tree.retainedSize[Int(v)]
                out[key].count &+= UInt64(tree.retainedCount[Int(v)])
            }
        }
        return out
    }

    @Test("300 seeded random graphs (75 under a sanitizer), small and heap-shaped, with random keys and a derived keying, in 1 to 7 parts")
    func randomKeys() throws {
        for seed in TestScale.seeds(300) {
            let random = seed % 2 == 0 ? RandomGraph(seed: seed) : RandomGraph(seed: seed, treeLike: 50 + Int(seed * 7919 % 1500))
            let graph = try Dumps.withFiles([random.dump]) { try DumpLoader.load($0[0]) }
            let tree = DominatorTree(graph)
            var rng = SplitMix64(seed: seed)
            // Few keys, so that members of one key often dominate each other.
            let keyCounts = [1 + Int(rng.next() % 3), 1 + Int(rng.next() % 8)]
            let keys = keyCounts.map { k in (0 ..< graph.count).map { _ in UInt32(rng.next() % UInt64(k)) } }
            let derivedCount = 1 + Int(rng.next() % 3)
            let map = (0 ..< keyCounts[1]).map { _ in UInt32(rng.next() % UInt64(derivedCount)) }
            let subtrees = DominatorSubtrees(tree, keepingOrder: true)
            let expected = [Self.naive(tree, keys: keys[0], keyCount: keyCounts[0]), Self.naive(tree, keys: keys[1], keyCount: keyCounts[1]),
                            Self.naive(tree, keys: keys[1].map { map[Int($0)] }, keyCount: derivedCount)]
            // In one part, and cut into parts that each start inside some subtrees.
            for parts in [1, 2, 3, 7] {
                let totals = subtrees.topmostTotals([(keys[0], keyCounts[0]), (keys[1], keyCounts[1])],
                                                    derived: (from: 1, map: map, keyCount: derivedCount), tree: tree, parts: parts)
                for (j, keying) in totals.enumerated() {
                    #expect(keying.count == expected[j].filter { $0.members > 0 }.count, "seed \(seed), keying \(j), \(parts) parts")
                    for (key, group) in keying {
                        let e = expected[j][Int(key)]
                        #expect(group.members == e.members && group.topmost == e.topmost, "seed \(seed), keying \(j), key \(key), \(parts) parts")
                        #expect(group.retainedSize == e.size && group.retainedCount == e.count, "seed \(seed), keying \(j), key \(key), \(parts) parts")
                    }
                }
            }
        }
    }
}
