import GraphModel

/// The dominator tree numbered in its own preorder, so that whether `d` dominates `v` is two
/// comparisons: the objects `d` dominates (its subtree, itself included) are exactly the
/// numbers `number[d] ..< number[d] + size(d)`.
///
/// Built on demand, by the leak searches (`Reachability.retained`) and `top`'s totals
/// (``topmostTotals(_:derived:tree:)``, with the order), so `why` does not pay its 4 bytes an
/// object, and a tree's users that need neither keep only the tree.
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
    /// - Complexity: O(V) time, 8 bytes an object while it runs, 4 kept (8 with the order).
    init(_ tree: DominatorTree, keepingOrder: Bool = false) {
        let n = Int(tree.superRoot)
        superRoot = tree.superRoot
        retainedCount = tree.retainedCount
        superRootSize = UInt32(tree.preorder.count + 1)
        // Each object is given the first free number of its immediate dominator's interval,
        // and its subtree the `retainedCount` numbers from there: the children of `d` take
        // consecutive, disjoint parts of `number[d] + 1 ..< number[d] + retainedCount[d]`,
        // which they fill, since retainedCount[d] is 1 plus theirs. `tree.preorder` puts
        // every object after its immediate dominator, so the dominator's number is known.
        // During this loop only, `nextFree[d]` holds the next number to hand out in d's
        // interval.
        var number = [UInt32](repeating: .max, count: n + 1)
        var nextFree = [UInt32](repeating: 0, count: n + 1)
        var order = [UInt32](repeating: 0, count: keepingOrder ? tree.preorder.count : 0)
        number[n] = 0
        nextFree[n] = 1
        for v in tree.preorder {
            let d = Int(tree.idom[Int(v)])
            let k = nextFree[d]
            number[Int(v)] = k
            nextFree[d] &+= tree.retainedCount[Int(v)]
            nextFree[Int(v)] = k &+ 1
            if keepingOrder { order[Int(k) - 1] = v }
        }
        self.number = number
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
