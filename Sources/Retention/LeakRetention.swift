import GraphModel

/// The object through which a leak group's objects are held: the long-lived Hash or Array
/// that keeps gaining entries. This is the line a user needs to fix.
public struct AccumulationPoint: Sendable {
    public var object: ObjectIndex
    /// Of the group's objects looked at, how many are held through it.
    public var holds: Int
    public var lookedAt: Int
    /// Its shortest chain from a root, root first.
    public var path: [PathStep]?

    /// Whether no single object accumulates the group: its objects hang off many holders,
    /// and this, the most common one, holds fewer than half of those looked at.
    public var isDispersed: Bool { holds * 2 < lookedAt }
}

extension LeakReport {
    /// Gives each group its retained size in the last dump (what would be freed if every
    /// object of the group were gone, objects reachable only through the group included),
    /// ranks the groups by it, and finds the accumulation point of the first `limit` groups
    /// and of every group that holds at least 1% of the leaked memsize.
    ///
    /// - Complexity: the retained sizes of G = min(groups, `retentionLimit`) groups and their
    ///   union (``Reachability/retained(_:_:removing:)``): a search confined to the dominator
    ///   subtree of the group's lowest common dominator where that subtree is small, and
    ///   bit-parallel searches of the whole graph for the rest, about O(V + E) for up to 64
    ///   groups per core.
    mutating func addRetention(tree: DominatorTree, paths: RootPaths, limit: Int, retentionLimit: Int = 50) {
        // Each group, and all of them together (the last set), on all cores.
        let sets = groups.prefix(retentionLimit).map(\.members) + [groups.flatMap(\.members)]
        let retained = Reachability.retained(graph, tree, removing: sets)
        for (k, r) in retained.dropLast().enumerated() {
            groups[k].retainedSize = r.size
            groups[k].retainedCount = r.count
        }
        let totalRetained = retained[retained.count - 1].size
        groups.sort { a, b in
            let x = (a.retainedSize ?? 0, a.tally.memsize, a.tally.count), y = (b.retainedSize ?? 0, b.tally.memsize, b.tally.count)
            return x != y ? x > y : a.key < b.key
        }
        for g in groups.indices where g < limit || groups[g].tally.memsize &* 100 >= total.memsize {
            groups[g].accumulation = accumulationPoint(groups[g], tree: tree, paths: paths)
        }
        retention = LeakRetention(tree: tree, paths: paths, totalRetained: totalRetained)
        retention?.totalRetainedCount = retained[retained.count - 1].count
    }

    /// The most common first old object (allocated before DUMP1) above the group's objects:
    /// on each one's dominator chain, or, where only the roots as a whole hold it, on its
    /// shortest root path.
    ///
    /// - Complexity: O(sample × depth).
    func accumulationPoint(_ group: LeakGroup, tree: DominatorTree, paths: RootPaths,
                           sample: Int = 2000) -> AccumulationPoint? {
        var votes: [UInt32: Int] = [:]
        let looked = group.members.prefix(sample)
        for m in looked {
            var found: UInt32? = nil
            var v = m
            while let d = tree.immediateDominator(of: v) {
                if !isNew[d.int] { found = d.rawValue; break }
                v = d
            }
            if found == nil, let path = paths.shortestPath(to: m) {
                for step in path.reversed() {
                    if case let .object(o) = step, o != m, !isNew[o.int] { found = o.rawValue; break }
                }
            }
            if let f = found { votes[f, default: 0] += 1 }
        }
        guard let best = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return nil }
        let object = ObjectIndex(rawValue: best.key)
        return AccumulationPoint(object: object, holds: best.value, lookedAt: looked.count,
                                 path: paths.shortestPath(to: object))
    }
}
