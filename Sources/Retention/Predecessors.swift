import GraphModel

/// The graph's edges reversed, in CSR form: who references each object. Node `n` (one past
/// the last object) stands for the super-root above all ROOT records.
struct Predecessors {
    /// `sources[start[v] ..< start[v + 1]]` reference `v`.
    private(set) var start: [UInt32]
    private(set) var sources: [UInt32]

    /// - Complexity: O(V + E), two passes over the edges (count, then place).
    init(_ graph: HeapGraph, superRoot roots: [UInt32]) {
        let n = graph.count
        var start = [UInt32](repeating: 0, count: n + 2)
        graph.edges.withUnsafeBufferPointer { edges in
            for t in edges { start[Int(t) + 1] += 1 }
        }
        for t in roots { start[Int(t) + 1] += 1 }
        for v in 0 ..< n + 1 { start[v + 1] += start[v] }
        var fill = start
        var sources = [UInt32](repeating: 0, count: Int(start[n + 1]))
        graph.edgeStart.withUnsafeBufferPointer { edgeStart in
            graph.edges.withUnsafeBufferPointer { edges in
                for v in 0 ..< n {
                    for e in Int(edgeStart[v]) ..< Int(edgeStart[v + 1]) {
                        let t = Int(edges[e])
                        sources[Int(fill[t])] = UInt32(v)
                        fill[t] += 1
                    }
                }
            }
        }
        for t in roots {
            sources[Int(fill[Int(t)])] = UInt32(n)
            fill[Int(t)] += 1
        }
        self.start = start
        self.sources = sources
    }
}

extension HeapGraph {
    /// The distinct objects that ROOT records hold, in record order: the super-root's children.
    var rootedObjects: [UInt32] {
        var seen = Set<UInt32>()
        var result: [UInt32] = []
        for t in rootTargets where seen.insert(t).inserted { result.append(t) }
        return result
    }
}
