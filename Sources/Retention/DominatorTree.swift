import GraphModel

/// The dominator tree of the heap graph under a super-root above all ROOT records, and the
/// retained size of every object.
///
/// Object `d` dominates `v` when every path from the roots to `v` passes through `d`: if `d`
/// were freed, `v` would be too. The retained size of `d` is the memsize of everything it
/// dominates, itself included.
///
/// Computed with the Semi-NCA algorithm: semidominators as in Lengauer and Tarjan, "A fast
/// algorithm for finding dominators in a flowgraph", TOPLAS 1(1), 1979, with simple path
/// compression; then each immediate dominator as the nearest common ancestor of the DFS
/// parent and the semidominator, as in Georgiadis, "Linear-Time Algorithms for Dominators and
/// Related Problems", PhD thesis, Princeton, 2005 (see also Georgiadis, Tarjan and Werneck,
/// "Finding Dominators in Practice", JGAA 10(1), 2006). Every step is iterative: a chain a
/// million objects deep needs no deeper stack than a flat graph.
///
/// - Complexity: O(V²) time in the worst case, from the NCA step: each object's dominator is
///   found by walking up the dominator tree built so far, which can be O(V) long for each of
///   V objects (Georgiadis 2005). The semidominator step is O(E log V) with simple path
///   compression (Lengauer–Tarjan 1979; their balanced linking would make it O(E α(E, V))).
///   On real heaps the walks are short and the whole runs in near-linear time, which is why
///   Georgiadis, Tarjan and Werneck found Semi-NCA the fastest in practice. About 40 bytes
///   an object while it runs, 24 kept (`idom`, `retainedSize`, `retainedCount`, `preorder`,
///   `subtreeNumber`).
public struct DominatorTree: Sendable {
    /// Each object's immediate dominator: an object, ``superRoot`` (only the roots as a whole
    /// hold it), or `UInt32.max` when no root reaches it.
    public private(set) var idom: [UInt32]
    /// The memsize of everything each object dominates, itself included (0 if unreachable).
    public private(set) var retainedSize: [UInt64]
    /// The number of objects each object dominates, itself included.
    public private(set) var retainedCount: [UInt32]
    /// Objects in the order the depth-first search reached them: every object comes after
    /// its immediate dominator. Unreachable objects are not in it.
    public private(set) var preorder: [UInt32]
    /// The super-root's index: one past the last object.
    public let superRoot: UInt32
    /// Each object's number in a preorder of the dominator tree itself, in which every
    /// subtree is a run: the objects `d` dominates are `subtreeNumber[d] ..<
    /// subtreeNumber[d] + retainedCount[d]`. The super-root (index ``superRoot``) is 0;
    /// `UInt32.max` for an object no root reaches. ``DominatorSubtrees`` reads it.
    private(set) var subtreeNumber: [UInt32]

    /// Objects no root reaches, and their memsize: never dropped silently.
    public private(set) var unreachable = Tally()

    public init(_ graph: HeapGraph) {
        let n = graph.count
        superRoot = UInt32(n)
        var clock = PhaseClock()
        let roots = graph.rootedObjects
        let none = UInt32.max

        // 1. Depth-first search from the super-root, iterative: preorder numbers, and the
        //    DFS-tree parent of each, by preorder number.
        var number = [UInt32](repeating: none, count: n + 1)   // node -> preorder number
        var vertex = [UInt32]()                                  // preorder number -> node
        var parent = [UInt32]()                                  // preorder number -> parent's number (DFS tree)
        vertex.reserveCapacity(n + 1)
        parent.reserveCapacity(n + 1)
        number[n] = 0
        vertex.append(UInt32(n))
        parent.append(0)
        // The stack holds a node and the next of its edges to look at. Each object is pushed
        // once, so the stack never holds more than n + 1 entries.
        var stackNodes = [UInt32](repeating: 0, count: n + 1)
        var stackNext = [Int](repeating: 0, count: n + 1)
        number.withUnsafeMutableBufferPointer { number in
            stackNodes.withUnsafeMutableBufferPointer { stackNodes in
                stackNext.withUnsafeMutableBufferPointer { stackNext in
                    graph.edgeStart.withUnsafeBufferPointer { edgeStart in
                        graph.edges.withUnsafeBufferPointer { edges in
                            // Safe because every node is an object (< n) or the super-root (n):
                            // edge and root targets are objects (HeapGraph.checkInvariants),
                            // number has n + 1 entries, edgeStart n + 1, and the stack holds
                            // each node at most once.
                            stackNodes[0] = UInt32(n)
                            var depth = 1
                            while depth > 0 {
                                let v = Int(stackNodes[depth - 1])
                                let first = v == n ? 0 : Int(edgeStart[v])
                                let end = v == n ? roots.count : Int(edgeStart[v + 1])
                                var k = first + stackNext[depth - 1]
                                var pushed = false
                                while k < end {
                                    let t = Int(v == n ? roots[k] : edges[k])
                                    k += 1
                                    if number[t] == none {
                                        number[t] = UInt32(vertex.count)
                                        parent.append(number[v])
                                        vertex.append(UInt32(t))
                                        stackNext[depth - 1] = k - first
                                        stackNodes[depth] = UInt32(t)
                                        stackNext[depth] = 0
                                        depth += 1
                                        pushed = true
                                        break
                                    }
                                }
                                if !pushed { depth -= 1 }
                            }
                        }
                    }
                }
            }
        }
        stackNodes = []
        stackNext = []
        let reached = vertex.count
        clock.lap("dominators: depth-first search")

        // 2. Semidominators, by preorder number, in reverse preorder. `semi[i]` starts as i;
        //    `ancestor` and `label` are the path-compressed forest of Lengauer–Tarjan's
        //    EVAL/LINK, kept during this step only. The predecessor lists are by preorder
        //    number too, so this loop reads them in order and looks no number up: the lookups
        //    happen while the lists are built, where they do not wait on each other.
        var semi = (0 ..< UInt32(reached)).map { $0 }
        var label = semi
        var ancestor = [UInt32](repeating: none, count: reached)
        var path: [UInt32] = []
        let preds = Predecessors(numbered: graph, superRoot: roots, number: number, reached: reached)
        number = []
        clock.lap("dominators: predecessors")
        semi.withUnsafeMutableBufferPointer { semi in
            label.withUnsafeMutableBufferPointer { label in
                ancestor.withUnsafeMutableBufferPointer { ancestor in
                    preds.start.withUnsafeBufferPointer { predStart in
                        preds.sources.withUnsafeBufferPointer { sources in
                            // Safe because preorder numbers are < reached (the size of semi,
                            // label and ancestor; predStart has reached + 1 entries), and
                            // `none` is never used as an index.
                            for i in stride(from: reached - 1, to: 0, by: -1) {
                                var s = semi[i]
                                for p in Int(predStart[i]) ..< Int(predStart[i + 1]) {
                                    // No semidominator is below the super-root's number, 0:
                                    // the rest cannot lower it. (EVAL's path compression only
                                    // shortens later walks; skipping it changes no answer.) A
                                    // class's instances are most of its predecessors, and
                                    // this skips the walk up from each of them.
                                    if s == 0 { break }
                                    let j = sources[p]
                                    // A predecessor numbered before i is not linked yet: EVAL
                                    // gives itself, whose semidominator is still its number.
                                    if j <= UInt32(i) {
                                        if j < s { s = j }
                                        continue
                                    }
                                    // EVAL(j): the label of least semidominator on j's compressed path.
                                    var u = j
                                    if ancestor[Int(j)] != none {
                                        var x = j
                                        while ancestor[Int(ancestor[Int(x)])] != none {
                                            path.append(x)
                                            x = ancestor[Int(x)]
                                        }
                                        while let y = path.popLast() {
                                            let a = ancestor[Int(y)]
                                            if semi[Int(label[Int(a)])] < semi[Int(label[Int(y)])] { label[Int(y)] = label[Int(a)] }
                                            ancestor[Int(y)] = ancestor[Int(a)]
                                        }
                                        u = label[Int(j)]
                                    }
                                    if semi[Int(u)] < s { s = semi[Int(u)] }
                                }
                                semi[i] = s
                                ancestor[i] = parent[i]  // LINK(parent, i)
                            }
                        }
                    }
                }
            }
        }
        label = []
        ancestor = []
        clock.lap("dominators: semidominators")

        // 3. Immediate dominators (Semi-NCA): the nearest ancestor of the DFS parent whose
        //    number is at most the semidominator's, found by walking the dominators
        //    computed so far (all of smaller preorder number). This walk is the O(V²) worst
        //    case. `idomByNumber` starts as the DFS parents and is overwritten in preorder.
        var idomByNumber = parent
        parent = []
        for i in 1 ..< reached {
            var d = idomByNumber[i]
            while d > semi[i] { d = idomByNumber[Int(d)] }
            idomByNumber[i] = d
        }
        semi = []
        clock.lap("dominators: immediate dominators")

        // 4. Back to node indices; retained sizes summed in reverse preorder, each object
        //    into its immediate dominator.
        //    The sums run by preorder number, where each step reads the object's own entry in
        //    order and its dominator's (an ancestor, often near); only the first and the last
        //    pass touch the node-indexed columns, once an object each. The last pass numbers
        //    the subtrees too.
        var sizeByNumber = [UInt64](repeating: 0, count: reached)
        var countByNumber = [UInt32](repeating: 1, count: reached)
        let memsize = graph.memsize
        sizeByNumber.withUnsafeMutableBufferPointer { sizes in
            let out = DisjointWrites(sizes)
            parallelRuns(1 ..< reached) { [vertex] run in
                for i in run { out.write(memsize[Int(vertex[i])], at: i) }
            }
        }
        for i in stride(from: reached - 1, through: 1, by: -1) {
            let d = Int(idomByNumber[i])
            if d != 0 {
                sizeByNumber[d] &+= sizeByNumber[i]
                countByNumber[d] &+= countByNumber[i]
            }
        }
        var idom = [UInt32](repeating: none, count: n)
        var retainedSize = [UInt64](repeating: 0, count: n)
        var retainedCount = [UInt32](repeating: 0, count: n)
        idom.withUnsafeMutableBufferPointer { idom in
            retainedSize.withUnsafeMutableBufferPointer { retainedSize in
                retainedCount.withUnsafeMutableBufferPointer { retainedCount in
                    // Each object is at one preorder number, so each run writes its own objects.
                    let idom = DisjointWrites(idom), size = DisjointWrites(retainedSize), count = DisjointWrites(retainedCount)
                    parallelRuns(1 ..< reached) { [vertex, idomByNumber, sizeByNumber, countByNumber] run in
                        for i in run {
                            let v = Int(vertex[i])
                            idom.write(vertex[Int(idomByNumber[i])], at: v)
                            size.write(sizeByNumber[i], at: v)
                            count.write(countByNumber[i], at: v)
                        }
                    }
                }
            }
        }
        sizeByNumber = []
        // The subtree numbering (see ``subtreeNumber``), by preorder number here too: each
        // object takes the first free number of its dominator's run, and its subtree the
        // `retainedCount` numbers from there. Its dominator has a smaller preorder number, so
        // its run is known. The counts become the runs' next free numbers in place: entry i
        // is read as i's count just before it becomes i's next free number, and only then
        // read as such (the super-root's count, 1, is its first free number).
        var subtreeNumber = [UInt32](repeating: none, count: n + 1)
        subtreeNumber[n] = 0
        var nextFree = countByNumber
        countByNumber = []
        for i in 1 ..< reached {
            let d = Int(idomByNumber[i])
            let k = nextFree[d]
            nextFree[d] = k &+ nextFree[i]
            nextFree[i] = k &+ 1
            subtreeNumber[Int(vertex[i])] = k
        }
        nextFree = []
        var unreachable = Tally()
        for v in 0 ..< n where idom[v] == none {
            unreachable.add(memsize: graph.memsize[v], bytesize: graph.bytesize[v])
        }
        clock.lap("dominators: retained sizes")
        self.idom = idom
        self.retainedSize = retainedSize
        self.retainedCount = retainedCount
        self.subtreeNumber = subtreeNumber
        self.preorder = Array(vertex.dropFirst())
        self.unreachable = unreachable
        #if DEBUG
        checkInvariants(graph)
        #endif
    }

    /// The immediate dominator of `object`: `nil` for an object held only by the roots as a
    /// whole, or that no root reaches.
    public func immediateDominator(of object: ObjectIndex) -> ObjectIndex? {
        let d = idom[object.int]
        return d == .max || d == superRoot ? nil : ObjectIndex(rawValue: d)
    }

    /// Whether any root reaches `object`.
    public func isReachable(_ object: ObjectIndex) -> Bool { idom[object.int] != .max }

    /// The objects whose freeing would free `object`, nearest first, ending below the roots.
    ///
    /// - Complexity: O(depth in the dominator tree).
    public func dominatorChain(of object: ObjectIndex) -> [ObjectIndex] {
        var chain: [ObjectIndex] = []
        var v = object
        while let d = immediateDominator(of: v) {
            chain.append(d)
            v = d
        }
        return chain
    }
}

extension DominatorTree {
    /// The dominator tree and the shortest root paths of `graph`, computed side by side (each
    /// is a serial walk of the graph, so two cores do both in the time of the longer).
    public static func withRootPaths(_ graph: HeapGraph) -> (tree: DominatorTree, paths: RootPaths) {
        parallelPair({ DominatorTree(graph) }, { RootPaths(graph) })
    }
}
