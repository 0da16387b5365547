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
        (start, sources) = graph.edgeStart.withUnsafeBufferPointer { edgeStart in
            graph.edges.withUnsafeBufferPointer { edges in
                CSRBuilder.build(rows: n + 1, count: { rows in
                    for t in edges { rows.count(Int(t)) }
                    for t in roots { rows.count(Int(t)) }
                }, place: { rows in
                    for v in 0 ..< n {
                        for e in Int(edgeStart[v]) ..< Int(edgeStart[v + 1]) { rows.place(UInt32(v), in: Int(edges[e])) }
                    }
                    for t in roots { rows.place(UInt32(n), in: Int(t)) }
                })
            }
        }
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
