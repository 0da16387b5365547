import GraphModel

/// The dominator tree numbered in its own preorder, so that whether `d` dominates `v` is two
/// comparisons: the objects `d` dominates (its subtree, itself included) are exactly the
/// numbers `number[d] ..< number[d] + size(d)`.
///
/// The numbers are the tree's own (``DominatorTree/subtreeNumber``, numbered with its retained
/// sizes); the leak searches (`Reachability.retained`) and `top`'s totals
/// (``topmostTotals(_:derived:tree:parts:)``, with the order) read them through this.
struct DominatorSubtrees: Sendable {
    /// Each object's number in a preorder of the dominator tree, the super-root's (0) last;
    /// `UInt32.max` for an object no root reaches.
    let number: [UInt32]
    /// The tree's subtree sizes (``DominatorTree/retainedCount``), shared, not copied.
    private let retainedCount: [UInt32]
    let superRoot: UInt32
    /// The super-root's subtree size: every reachable object, and itself.
    private let superRootSize: UInt32

    /// The reachable objects in the order of the numbering: `order[k]` has number k + 1
    /// (every object after all of its dominators, each subtree a run); empty unless asked for.
    let order: [UInt32]

    /// - Parameter keepingOrder: whether to keep ``order`` too (4 bytes an object more).
    /// - Complexity: O(1) for the numbers (the tree's, shared, not copied); O(V) for the order.
    init(_ tree: DominatorTree, keepingOrder: Bool = false) {
        superRoot = tree.superRoot
        retainedCount = tree.retainedCount
        superRootSize = UInt32(tree.preorder.count + 1)
        number = tree.subtreeNumber
        var order = [UInt32](repeating: 0, count: keepingOrder ? tree.preorder.count : 0)
        if keepingOrder {
            for v in 0 ..< Int(superRoot) where number[v] != .max { order[Int(number[v]) - 1] = UInt32(v) }
        }
        self.order = order
    }

    /// The number of objects in `d`'s subtree, itself included (the super-root's: every
    /// reachable object, and itself).
    @inline(__always)
    func size(_ d: UInt32) -> UInt32 {
        d == superRoot ? superRootSize : retainedCount[Int(d)]
    }

    /// Whether `d` dominates `v` (or is `v`): `v` is in `d`'s subtree.
    @inline(__always)
    func contains(_ d: UInt32, _ v: UInt32) -> Bool {
        number[Int(v)] &- number[Int(d)] < size(d)
    }

    /// The lowest common dominator of the reachable objects among `objects`: the deepest
    /// object (or the super-root) whose subtree holds them all. `nil` when none is reachable.
    ///
    /// - Complexity: O(|objects| + depth in the dominator tree).
    func lowestCommonDominator(of objects: [ObjectIndex], _ tree: DominatorTree) -> UInt32? {
        var lo = UInt32.max, hi: UInt32 = 0
        var some: UInt32? = nil
        for o in objects where number[o.int] != .max {
            lo = min(lo, number[o.int])
            hi = max(hi, number[o.int])
            some = o.rawValue
        }
        guard var d = some else { return nil }
        // A subtree is an interval: the first on the way up whose interval holds the least
        // and the greatest numbers holds every number between.
        while d != superRoot, !(number[Int(d)] <= lo && hi - number[Int(d)] < size(d)) {
            d = tree.idom[Int(d)]
        }
        return d
    }
}
