import GraphModel

/// What would be freed if some objects were gone: searches with those objects taken away.
enum Reachability {
    /// For each set: what would be freed if its objects were gone (the memsize and number of
    /// the reachable objects the roots no longer reach without them, the set's own included).
    /// The searches run on all cores.
    ///
    /// Each search is confined to the dominator subtree of the set's lowest common dominator
    /// `d` (``DominatorSubtrees``), for three reasons:
    /// - Only objects `d` dominates can be freed. An object outside the subtree has a root
    ///   path that avoids `d`; that path avoids the set too, since every member is dominated
    ///   by `d` and so is reached only through `d`.
    /// - The only edge into the subtree from a reachable object outside it ends at `d`: an
    ///   edge `x → y` with `x` outside and `y ≠ d` inside would give `y` a root path through
    ///   `x` that avoids `d`, yet `d` dominates `y`. (Root records point only at the
    ///   super-root's children, so none points into a subtree below the top.)
    /// - `d` itself stays reachable when it is not in the set: a root path up to its first
    ///   visit of `d` holds no object `d` strictly dominates (each would need `d` before it),
    ///   so no member.
    ///
    /// So when `d` is in the set, the whole subtree is freed: its ``DominatorTree/retainedSize``
    /// and ``DominatorTree/retainedCount``. Otherwise the subtree's objects that stay are those a
    /// search from `d` reaches without leaving the subtree or entering the set, and the rest of
    /// it is freed. When `d` is the super-root (members that only the roots as a whole hold
    /// together), the search is the whole graph's, from the roots (``retainedByWholeSearch``
    /// gives the same answers that way for every set, and is the tests' oracle).
    ///
    /// - Complexity: O(V) for the numbering, then per set `k` O(|S_k| + depth) to find `d_k`
    ///   and O(|subtree(d_k)| + E_k) to search it, for E_k the edges leaving the objects of
    ///   subtree(d_k): O(Σ (|subtree(d_k)| + E_k)) in all; a set whose `d_k` is the
    ///   super-root costs a whole search, O(V + E), so the worst case is still
    ///   O(S × (V + E)) for S sets. 1 byte an object per core, and the search's queue.
    static func retained(_ graph: HeapGraph, _ tree: DominatorTree, removing sets: [[ObjectIndex]]) -> [(size: UInt64, count: UInt64)] {
        guard !sets.isEmpty else { return [] }
        let subtrees = DominatorSubtrees(tree)
        let reachable = reachableTotals(graph, tree)
        let workers = min(processorCount, sets.count)
        let results = parallelMap(count: workers) { w -> [(index: Int, size: UInt64, count: UInt64)] in
            var blocked = [Bool](repeating: false, count: graph.count)
            var queue: [UInt32] = []
            var out: [(index: Int, size: UInt64, count: UInt64)] = []
            for k in stride(from: w, to: sets.count, by: workers) {
                guard let d = subtrees.lowestCommonDominator(of: sets[k], tree) else {
                    out.append((k, 0, 0))  // no member is reachable: nothing to free
                    continue
                }
                for m in sets[k] { blocked[m.int] = true }
                if d == tree.superRoot {
                    let reached = memsizeReached(graph, avoiding: blocked)
                    out.append((k, reachable.size &- reached.size, reachable.count - UInt64(reached.count)))
                } else if blocked[Int(d)] {
                    out.append((k, tree.retainedSize[Int(d)], UInt64(tree.retainedCount[Int(d)])))
                } else {
                    let stays = reachedWithin(graph, subtrees, from: d, blocked: &blocked, queue: &queue)
                    out.append((k, tree.retainedSize[Int(d)] &- stays.size,
                                UInt64(tree.retainedCount[Int(d)]) - UInt64(stays.count)))
                }
                for m in sets[k] { blocked[m.int] = false }
            }
            return out
        }
        var retained = [(size: UInt64, count: UInt64)](repeating: (0, 0), count: sets.count)
        for (k, size, count) in results.joined() { retained[k] = (size, count) }
        return retained
    }

    /// The same answers as ``retained(_:_:removing:)``, each from a search of the whole graph
    /// from the roots: the plain definition, kept as the oracle its tests compare with.
    ///
    /// - Complexity: O(S × (V + E)) for S sets.
    static func retainedByWholeSearch(_ graph: HeapGraph, _ tree: DominatorTree, removing sets: [[ObjectIndex]]) -> [(size: UInt64, count: UInt64)] {
        guard !sets.isEmpty else { return [] }
        let reachable = reachableTotals(graph, tree)
        let workers = min(processorCount, sets.count)
        let results = parallelMap(count: workers) { w -> [(index: Int, size: UInt64, count: Int)] in
            var mark = [Bool](repeating: false, count: graph.count)
            var out: [(index: Int, size: UInt64, count: Int)] = []
            for k in stride(from: w, to: sets.count, by: workers) {
                for m in sets[k] { mark[m.int] = true }
                let reached = memsizeReached(graph, avoiding: mark)
                out.append((k, reached.size, reached.count))
                for m in sets[k] { mark[m.int] = false }
            }
            return out
        }
        var retained = [(size: UInt64, count: UInt64)](repeating: (0, 0), count: sets.count)
        for (k, size, count) in results.joined() {
            retained[k] = (reachable.size &- size, reachable.count - UInt64(count))
        }
        return retained
    }

    /// The memsize and number of the objects some root reaches.
    private static func reachableTotals(_ graph: HeapGraph, _ tree: DominatorTree) -> (size: UInt64, count: UInt64) {
        var total: UInt64 = 0
        for m in graph.memsize { total &+= m }
        return (total &- tree.unreachable.memsize, UInt64(graph.count - tree.unreachable.count))
    }

    /// The memsize and number of objects the roots reach when the marked objects are absent.
    ///
    /// - Complexity: O(V + E).
    static func memsizeReached(_ graph: HeapGraph, avoiding: [Bool]) -> (size: UInt64, count: Int) {
        var seen = avoiding
        var size: UInt64 = 0
        let count = BreadthFirstSearch.fromRoots(graph) { t, _ in
            guard !seen[Int(t)] else { return false }
            seen[Int(t)] = true
            size &+= graph.memsize[Int(t)]
            return true
        }
        return (size, count)
    }

    /// The memsize and number of the objects a breadth-first search from `top` reaches
    /// without leaving `top`'s dominator subtree or entering a `blocked` object, `top`
    /// included. Marks them in `blocked` while it runs and clears them again, so `blocked`
    /// comes back as it was given; `queue` is scratch space, kept between calls.
    ///
    /// - Complexity: O(|subtree(top)| + the edges leaving its objects).
    private static func reachedWithin(_ graph: HeapGraph, _ subtrees: DominatorSubtrees, from top: UInt32,
                                      blocked: inout [Bool], queue: inout [UInt32]) -> (size: UInt64, count: Int) {
        queue.removeAll(keepingCapacity: true)
        queue.append(top)
        blocked[Int(top)] = true
        let low = subtrees.number[Int(top)], width = subtrees.size(top)
        var size: UInt64 = 0
        subtrees.number.withUnsafeBufferPointer { number in
            graph.edgeStart.withUnsafeBufferPointer { edgeStart in
                graph.edges.withUnsafeBufferPointer { edges in
                    blocked.withUnsafeMutableBufferPointer { blocked in
                        var head = 0
                        while head < queue.count {
                            let v = Int(queue[head])
                            head += 1
                            size &+= graph.memsize[v]
                            // Safe because v and every edge target are objects (< n), edgeStart
                            // has n + 1 entries (HeapGraph.checkInvariants), number n + 1 and
                            // blocked n.
                            for e in Int(edgeStart[v]) ..< Int(edgeStart[v + 1]) {
                                let t = Int(edges[e])
                                // In top's subtree: number[t] - low < width, unsigned (an
                                // unreachable t's number, UInt32.max, is never inside).
                                if !blocked[t], number[t] &- low < width {
                                    blocked[t] = true
                                    queue.append(UInt32(t))
                                }
                            }
                        }
                    }
                }
            }
        }
        for v in queue { blocked[Int(v)] = false }
        return (size, queue.count)
    }
}
