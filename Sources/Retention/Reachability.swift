import GraphModel

/// What would be freed if some objects were gone: searches with those objects taken away.
enum Reachability {
    /// For each set: what would be freed if its objects were gone (the memsize and number of
    /// the reachable objects the roots no longer reach without them, the set's own included).
    ///
    /// Only objects dominated by the set's lowest common dominator `d` can be freed
    /// (``DominatorSubtrees``): an object outside `d`'s subtree has a root path that avoids
    /// `d`, and so the set, every member of which is reached only through `d`. When `d` is in
    /// the set, its whole subtree goes: ``DominatorTree/retainedSize``. Otherwise each set is
    /// answered one of two ways:
    /// - **Narrow** (`d` is an object whose subtree holds at most 1/16 of the objects): a
    ///   search from `d` that stays in its subtree and avoids the set (``reachedWithin``); what
    ///   it does not reach is freed. The only edge into the subtree from a reachable object
    ///   outside it ends at `d` (an edge `x → y`, `y ≠ d` inside, would give `y` a root path
    ///   through `x` that avoids `d`), and `d` stays reachable (a root path up to its first
    ///   visit of `d` holds nothing `d` strictly dominates, so no member).
    /// - **Wide** (the rest, `d` the super-root included): bit-parallel searches of the whole
    ///   graph, each answering up to 64 sets (``freed(_:_:_:as:)``), on all cores.
    ///
    /// ``retainedByWholeSearch`` gives the same answers with one plain search per set, and is
    /// the tests' oracle.
    ///
    /// - Complexity: O(V) for the numbering; per set O(|S| + depth) for `d`; a narrow set
    ///   O(|subtree(d)| + the edges leaving its objects); the wide ones about
    ///   O((V + E) × ⌈W / 64⌉) for W of them (see ``freed(_:_:_:as:)`` for the worst case,
    ///   O(W × (V + E))). The narrow searches take 1 byte an object and a queue per core; each
    ///   bit-parallel search 5 bytes an object and its mask (1 to 8 bytes, by the number of
    ///   sets), and a table of the members.
    static func retained(_ graph: HeapGraph, _ tree: DominatorTree, removing sets: [[ObjectIndex]]) -> [(size: UInt64, count: UInt64)] {
        guard !sets.isEmpty else { return [] }
        let subtrees = DominatorSubtrees(tree)
        let reachable = reachableTotals(graph, tree)
        var retained = [(size: UInt64, count: UInt64)](repeating: (0, 0), count: sets.count)
        var narrow: [(set: Int, top: UInt32)] = []
        var wide: [Int] = []
        for k in sets.indices {
            // No member reachable: nothing to free.
            guard let d = subtrees.lowestCommonDominator(of: sets[k], tree) else { continue }
            if d != tree.superRoot, sets[k].contains(ObjectIndex(rawValue: d)) {
                retained[k] = (tree.retainedSize[Int(d)], UInt64(tree.retainedCount[Int(d)]))
            } else if d != tree.superRoot, Int(subtrees.size(d)) <= graph.count / 16 {
                narrow.append((k, d))
            } else {
                wide.append(k)
            }
        }
        // The jobs: the wide sets in as many bit-parallel searches as there are cores (more
        // when they need more than 64 bits each), and the narrow searches, on all cores. With
        // no more wide sets than cores, each is a plain search of its own (a bit-parallel
        // search costs about twice one plain search).
        let plain = wide.count <= processorCount
        let searches = wide.isEmpty ? 0 : max(min(processorCount, wide.count), (wide.count + 63) / 64)
        let chunks = (0 ..< searches).map { c in Array(wide[wide.count * c / searches ..< wide.count * (c + 1) / searches]) }
        let narrowJobs = narrow.isEmpty ? 0 : max(1, processorCount - searches)
        let narrowSets = narrow
        let results = parallelMap(count: searches + narrowJobs) { job -> [(set: Int, size: UInt64, count: UInt64)] in
            if job < searches {
                let chunk = chunks[job]
                if plain {
                    // One set (chunks of one, one per core).
                    let k = chunk[0]
                    var blocked = [Bool](repeating: false, count: graph.count)
                    for m in sets[k] { blocked[m.int] = true }
                    let reached = memsizeReached(graph, avoiding: blocked)
                    return [(k, reachable.size &- reached.size, reachable.count - UInt64(reached.count))]
                }
                let members = chunk.map { sets[$0] }
                // The narrowest mask that holds the chunk: the masks are read at random, so
                // their size is what the search costs.
                let freed = chunk.count <= 8 ? freed(graph, tree, members, as: UInt8.self)
                    : chunk.count <= 16 ? freed(graph, tree, members, as: UInt16.self)
                    : chunk.count <= 32 ? freed(graph, tree, members, as: UInt32.self) : freed(graph, tree, members, as: UInt64.self)
                return zip(chunk, freed).map { ($0, $1.size, $1.count) }
            }
            var blocked = [Bool](repeating: false, count: graph.count)
            var queue: [UInt32] = []
            var out: [(set: Int, size: UInt64, count: UInt64)] = []
            for (k, d) in stride(from: job - searches, to: narrowSets.count, by: narrowJobs).map({ narrowSets[$0] }) {
                for m in sets[k] { blocked[m.int] = true }
                let stays = reachedWithin(graph, subtrees, from: d, blocked: &blocked, queue: &queue)
                out.append((k, tree.retainedSize[Int(d)] &- stays.size, UInt64(tree.retainedCount[Int(d)]) - UInt64(stays.count)))
                for m in sets[k] { blocked[m.int] = false }
            }
            return out
        }
        for (k, size, count) in results.joined() { retained[k] = (size, count) }
        return retained
    }

    /// What each of at most `Mask.bitWidth` sets frees, from one bit-parallel search of the
    /// whole graph: each object carries a mask of the sets whose search (the roots' search
    /// with that set taken away) has reached it. A root target gets every bit; an edge
    /// `v → t` passes `v`'s bits to `t`, except the bits of the sets `t` belongs to (a member
    /// is never reached in its own set's search, and passes none of its bits on); an object
    /// whose mask grows is searched from again. When no mask grows any more, object `v` is
    /// reached in search `k` exactly when bit `k` is set (each bit on its own is the plain
    /// search of its set), so what set `k` frees is the reachable objects without bit `k`.
    /// Most objects get every bit the first time they are reached, so on a heap this costs
    /// about one search of the graph where one search per set cost S of them.
    ///
    /// - Complexity: O(V + E) when each object's mask is complete when it is first searched
    ///   from; at worst each object is searched from once per bit, O(S × (V + E)), no worse
    ///   than one search per set. `Mask`'s size + 5 bytes an object (mask, queue, flags), and a
    ///   table of the members.
    private static func freed<Mask: FixedWidthInteger & UnsignedInteger>(
        _ graph: HeapGraph, _ tree: DominatorTree, _ sets: [[ObjectIndex]], as _: Mask.Type
    ) -> [(size: UInt64, count: UInt64)] {
        let n = graph.count
        var result = [(size: UInt64, count: UInt64)](repeating: (0, 0), count: sets.count)
        guard n > 0 else { return result }
        precondition(sets.count <= Mask.bitWidth, "at most one set per bit")
        let all: Mask = sets.count == Mask.bitWidth ? .max : (1 << sets.count) - 1
        var mask = [Mask](repeating: 0, count: n)
        // Per object: bit 0 while it is queued, bit 1 when it is a member of some set.
        var flags = [UInt8](repeating: 0, count: n)
        let queuedFlag: UInt8 = 1, memberFlag: UInt8 = 2
        var own = MemberTable<Mask>(capacity: sets.reduce(0) { $0 + $1.count })  // each member: its sets
        for (k, set) in sets.enumerated() {
            for m in set {
                own.insert(m.rawValue, 1 << k)
                flags[m.int] = memberFlag
            }
        }
        // A member's own bits are set from the start, so no search ever adds them; they are
        // taken off again at the end.
        own.forEach { m, bits in mask[Int(m)] = bits }
        var queue = [UInt32](repeating: 0, count: n)  // a ring: each object is in it at most once
        var head = 0, length = 0
        mask.withUnsafeMutableBufferPointer { mask in
            flags.withUnsafeMutableBufferPointer { flags in
                queue.withUnsafeMutableBufferPointer { queue in
                    graph.edgeStart.withUnsafeBufferPointer { edgeStart in
                        graph.edges.withUnsafeBufferPointer { edges in
                            // Safe because every index below is an object (< n): root targets and
                            // edge targets are (HeapGraph.checkInvariants), and so is everything
                            // queued; edgeStart has n + 1 entries.
                            @inline(__always) func reach(_ t: Int, _ bits: Mask) {
                                let new = bits & ~mask[t]
                                guard new != 0 else { return }
                                mask[t] |= new
                                if flags[t] & queuedFlag == 0 {
                                    flags[t] |= queuedFlag
                                    let slot = head + length
                                    queue[slot < n ? slot : slot - n] = UInt32(t)
                                    length += 1
                                }
                            }
                            for t in graph.rootedObjects { reach(Int(t), all) }
                            while length > 0 {
                                let v = Int(queue[head])
                                head = head + 1 == n ? 0 : head + 1
                                length -= 1
                                flags[v] &= ~queuedFlag
                                let bits = flags[v] & memberFlag != 0 ? mask[v] & ~own.bits(of: UInt32(v)) : mask[v]
                                for e in Int(edgeStart[v]) ..< Int(edgeStart[v + 1]) { reach(Int(edges[e]), bits) }
                            }
                        }
                    }
                }
            }
        }
        own.forEach { m, bits in mask[Int(m)] &= ~bits }
        for v in 0 ..< n where mask[v] != all && tree.idom[v] != .max {
            var missing = all & ~mask[v]
            while missing != 0 {
                let k = missing.trailingZeroBitCount
                missing &= missing - 1
                result[k].size &+= graph.memsize[v]
                result[k].count += 1
            }
        }
        return result
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
        let count = seen.withUnsafeMutableBufferPointer { seen in
            // Safe because every object the search gives is < n, and `seen` has n entries.
            BreadthFirstSearch.fromRoots(graph) { t, _ in
                guard !seen[Int(t)] else { return false }
                seen[Int(t)] = true
                return true
            }
        }
        // The sizes are summed in one pass in object order, not one random read per object
        // during the search.
        var size: UInt64 = 0
        for i in graph.indices where seen[i] && !avoiding[i] { size &+= graph.memsize[i] }
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

/// The sets each member belongs to, for ``Reachability``'s bit-parallel search: an
/// open-addressing table of object indices (a Fibonacci multiply picks the slot, probing is
/// linear), at most half full, so a lookup is about one probe with no hashing of bytes.
private struct MemberTable<Mask: FixedWidthInteger & UnsignedInteger> {
    private var keys: [UInt32]
    private var values: [Mask]
    private let shift: UInt32

    init(capacity: Int) {
        var bits: UInt32 = 4
        while (1 << bits) < capacity * 2 { bits += 1 }
        keys = [UInt32](repeating: .max, count: 1 << bits)
        values = [Mask](repeating: 0, count: 1 << bits)
        shift = 32 - bits
    }

    @inline(__always)
    private func slot(_ key: UInt32) -> Int { Int((key &* 0x9E37_79B9) >> shift) }

    mutating func insert(_ key: UInt32, _ bits: Mask) {
        let mask = keys.count - 1
        var s = slot(key)
        while keys[s] != .max && keys[s] != key { s = (s + 1) & mask }
        keys[s] = key
        values[s] |= bits
    }

    /// The bits of `key`, 0 when it is not in the table.
    @inline(__always)
    func bits(of key: UInt32) -> Mask {
        let mask = keys.count - 1
        var s = slot(key)
        while keys[s] != .max {
            if keys[s] == key { return values[s] }
            s = (s + 1) & mask
        }
        return 0
    }

    func forEach(_ body: (UInt32, Mask) -> Void) {
        for s in keys.indices where keys[s] != .max { body(keys[s], values[s]) }
    }
}
