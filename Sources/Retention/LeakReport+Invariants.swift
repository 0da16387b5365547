import GraphModel

extension LeakReport {
    /// Checks what holds of every leak report, and stops the program at the first violation
    /// (with `precondition`, in every build).
    ///
    /// - Every member is an object of the last dump's graph, in one group only.
    /// - Each group's tally counts its members and sums their memsize and bytesize; the
    ///   groups' tallies add up to ``total``.
    /// - Runtime objects are in no group, and tally to ``runtime``.
    /// - Once retention is computed (``retention`` is set),
    ///   with R the objects the roots reach: a group's retained size is at least the
    ///   memsize of its members in R (freeing the group frees them) and at most R's memsize,
    ///   its retained count likewise; what all groups together retain is at least what each
    ///   retains (taking more objects away leaves less reachable).
    ///
    /// Reads only the report's public fields, so it holds for any report however it was
    /// made. The tests run it on every report they make.
    ///
    /// - Complexity: O(V + E) time (one search from the roots), one byte an object.
    public func checkInvariants() {
        let n = graph.count
        var group = [Int32](repeating: -1, count: n)
        var sum = Tally()
        for (g, lg) in groups.enumerated() {
            var tally = Tally()
            for m in lg.members {
                precondition(m.int < n, "group \(g) holds \(m), which is no object of the last dump")
                precondition(group[m.int] == -1, "object \(m) is in group \(group[m.int]) and group \(g)")
                group[m.int] = Int32(g)
                tally.add(memsize: graph.memsize[m.int], bytesize: graph.bytesize[m.int])
            }
            precondition(tally == lg.tally, "group \(g)'s tally is not that of its \(lg.members.count) members")
            sum.count += lg.tally.count
            sum.memsize &+= lg.tally.memsize
            sum.bytesize &+= lg.tally.bytesize
        }
        precondition(sum == total, "the groups' tallies do not add up to the total")
        var runtimeTally = Tally()
        for m in runtimeMembers {
            precondition(m.int < n && group[m.int] == -1, "runtime object \(m) is in a group too, or no object")
            runtimeTally.add(memsize: graph.memsize[m.int], bytesize: graph.bytesize[m.int])
        }
        precondition(runtimeTally == runtime, "the runtime tally is not that of its members")

        guard let totalRetained = retention?.totalRetained else { return }
        var reached = [Bool](repeating: false, count: n)
        let reachedCount = BreadthFirstSearch.fromRoots(graph) { t, _ in
            defer { reached[Int(t)] = true }
            return !reached[Int(t)]
        }
        var reachedSize: UInt64 = 0
        for v in 0 ..< n where reached[v] { reachedSize &+= graph.memsize[v] }
        var allReachedSize: UInt64 = 0
        for (g, lg) in groups.enumerated() {
            var size: UInt64 = 0
            var count: UInt64 = 0
            for m in lg.members where reached[m.int] {
                size &+= graph.memsize[m.int]
                count += 1
            }
            allReachedSize &+= size
            if let retained = lg.retainedSize {
                precondition(retained >= size && retained <= reachedSize,
                             "group \(g) retains \(retained) bytes: less than its reachable members' \(size), or more than the roots reach")
                precondition(totalRetained >= retained, "all groups retain \(totalRetained) bytes, less than group \(g) alone (\(retained))")
            }
            if let retained = lg.retainedCount {
                precondition(retained >= count && retained <= UInt64(reachedCount),
                             "group \(g) retains \(retained) objects: fewer than its \(count) reachable members, or more than the roots reach")
            }
        }
        precondition(totalRetained >= allReachedSize && totalRetained <= reachedSize,
                     "all groups retain \(totalRetained) bytes: less than their reachable members' \(allReachedSize), or more than the roots reach")
    }
}
