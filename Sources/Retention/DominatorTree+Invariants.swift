import GraphModel

extension DominatorTree {
    /// Checks that the tree is a dominator tree of `graph` with consistent retained sizes,
    /// and stops the program at the first violation (with `precondition`, in every build).
    ///
    /// - `preorder` holds every reachable object once; the others are unreachable: no
    ///   immediate dominator, nothing retained.
    /// - The immediate dominator of every reachable object is ``superRoot`` or a reachable
    ///   object earlier in the DFS order (a smaller preorder number).
    /// - `retainedSize[v]` is `memsize[v]` plus the retained sizes of v's children in the
    ///   dominator tree; `retainedCount[v]` is 1 plus theirs.
    /// - The super-root's retained total (its children's) is the memsize of every reachable
    ///   object, and ``unreachable`` tallies exactly the others.
    /// - ``subtreeNumber`` numbers the reachable objects 1, 2, … once each (the super-root 0,
    ///   the unreachable none), and each object's run lies inside its dominator's, after the
    ///   dominator's own number: with the counts above, every subtree is its run.
    ///
    /// `init` runs it in debug builds (so every tree the tests build is checked); release
    /// builds pay nothing unless they call it. Sizes add with wrapping arithmetic, as `init`
    /// sums them.
    ///
    /// - Complexity: O(V) time, 21 bytes an object.
    public func checkInvariants(_ graph: HeapGraph) {
        let n = graph.count
        precondition(Int(superRoot) == n, "the super-root is \(superRoot) for \(n) objects")
        precondition(idom.count == n && retainedSize.count == n && retainedCount.count == n && subtreeNumber.count == n + 1,
                     "a column of the wrong length for \(n) objects")
        precondition(preorder.count + unreachable.count == n,
                     "\(preorder.count) reachable and \(unreachable.count) unreachable objects for \(n)")

        // Preorder numbers: the super-root is 0, `preorder[k]` is k + 1.
        let none = UInt32.max
        var number = [UInt32](repeating: none, count: n)
        for (k, v) in preorder.enumerated() {
            precondition(Int(v) < n, "preorder holds \(v), which is no object")
            precondition(number[Int(v)] == none, "preorder holds object \(v) twice")
            number[Int(v)] = UInt32(k + 1)
        }
        var childSize = [UInt64](repeating: 0, count: n)
        var childCount = [UInt32](repeating: 0, count: n)
        var superRootSize: UInt64 = 0
        var reachableMemsize: UInt64 = 0
        for v in preorder.reversed() {
            let d = idom[Int(v)]
            if d == superRoot {
                superRootSize &+= retainedSize[Int(v)]
            } else {
                precondition(d != none && Int(d) < n, "reachable object \(v) has no immediate dominator")
                precondition(number[Int(d)] != none, "object \(v)'s immediate dominator \(d) is unreachable")
                precondition(number[Int(d)] < number[Int(v)], "object \(v)'s immediate dominator \(d) comes after it in DFS order")
                childSize[Int(d)] &+= retainedSize[Int(v)]
                childCount[Int(d)] &+= retainedCount[Int(v)]
            }
            reachableMemsize &+= graph.memsize[Int(v)]
        }
        var unreachableTally = Tally()
        for v in 0 ..< n {
            if number[v] == none {
                precondition(idom[v] == none, "unreachable object \(v) has an immediate dominator")
                precondition(retainedSize[v] == 0 && retainedCount[v] == 0, "unreachable object \(v) retains something")
                unreachableTally.add(memsize: graph.memsize[v], bytesize: graph.bytesize[v])
            } else {
                precondition(retainedSize[v] == graph.memsize[v] &+ childSize[v],
                             "object \(v) retains \(retainedSize[v]) bytes, not its memsize plus its children's")
                precondition(retainedCount[v] == 1 &+ childCount[v],
                             "object \(v) retains \(retainedCount[v]) objects, not 1 plus its children's")
            }
        }
        precondition(superRootSize == reachableMemsize,
                     "the roots retain \(superRootSize) bytes; the reachable objects hold \(reachableMemsize)")
        precondition(unreachableTally == unreachable, "the unreachable tally does not match the unreachable objects")

        // Subtree runs: a permutation of 1 ... reachable, each nested in its dominator's.
        precondition(subtreeNumber[n] == 0, "the super-root's subtree number is \(subtreeNumber[n]), not 0")
        var taken = [Bool](repeating: false, count: preorder.count + 1)
        for v in 0 ..< n {
            let k = subtreeNumber[v]
            if number[v] == none {
                precondition(k == none, "unreachable object \(v) has a subtree number")
                continue
            }
            precondition(k >= 1 && Int(k) <= preorder.count && !taken[Int(k)], "object \(v)'s subtree number \(k) is out of range or taken")
            taken[Int(k)] = true
            let d = Int(idom[v])
            let (start, end) = d == n ? (UInt32(0), UInt32(preorder.count + 1)) : (subtreeNumber[d], subtreeNumber[d] + retainedCount[d])
            precondition(start < k && k + retainedCount[v] <= end, "object \(v)'s subtree run is not inside its dominator's")
        }
    }
}
