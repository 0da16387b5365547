import GraphModel

/// The one breadth-first search of the graph from its roots, shared by the root paths
/// (``RootPaths``), the searches with objects taken away (`Reachability`), and the summary's
/// count of unreachable objects. Iterative, with an explicit queue: a chain of millions of
/// objects needs no deeper stack than a flat graph.
enum BreadthFirstSearch {
    /// Visits every object the roots reach, nearest first: the targets of the ROOT records
    /// in record order, then the objects they reference, and so on (class edges included).
    ///
    /// `discover(object, from)` is called for each root target and each edge the search
    /// follows; `from` is the object the edge leaves, or `graph.count + r` for root record
    /// `r`. It returns whether `object` is new, and then records it (as seen, with its
    /// parent…), so that each object is queued once; returning `false` for an object that
    /// is not seen yet takes it away from the graph.
    ///
    /// With `deferring`, the root records it picks are searched from only once everything
    /// the others reach has been found: an object both kinds reach gets its path from the
    /// others, however long (``RootPaths`` defers the conservative `machine_context` scan).
    /// The set of objects reached is the same either way.
    ///
    /// - Returns: The number of objects discovered.
    /// - Complexity: O(V + E) time, 4 bytes per object reached for the queue.
    @inline(__always)
    static func fromRoots(_ graph: HeapGraph, queueCapacity: Int = 1024, deferring: ((Int) -> Bool)? = nil,
                          discover: (_ object: UInt32, _ from: UInt32) -> Bool) -> Int {
        var queue: [UInt32] = []
        queue.reserveCapacity(queueCapacity)
        let n = graph.count
        var head = 0
        for late in deferring == nil ? [false] : [false, true] {
            for r in 0 ..< graph.rootRecordCount where (deferring?(r) ?? false) == late {
                for t in graph.rootTargets(ofRecord: r) where discover(t, UInt32(n + r)) { queue.append(t) }
            }
            graph.edgeStart.withUnsafeBufferPointer { edgeStart in
                graph.edges.withUnsafeBufferPointer { edges in
                    while head < queue.count {
                        let v = queue[head]
                        head += 1
                        // Safe because v < n (an edge target or root target) and edgeStart has
                        // n + 1 entries, each at most edges.count (HeapGraph.checkInvariants).
                        for e in Int(edgeStart[Int(v)]) ..< Int(edgeStart[Int(v) + 1]) {
                            let t = edges[e]
                            if discover(t, v) { queue.append(t) }
                        }
                    }
                }
            }
        }
        return queue.count
    }
}
