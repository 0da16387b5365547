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

extension Predecessors {
    /// The reversed edges among the objects a depth-first search reached, in its numbering:
    /// row `i` holds the numbers of the objects that reference the object numbered `i` (0 for
    /// the super-root), so that a walk in that numbering reads its rows in order, and no
    /// object's number is looked up again. Edges from objects the search did not reach are
    /// left out: no root path uses them, so the dominators ignore them.
    ///
    /// Built on up to four cores: each part takes a run of objects (about as many edges
    /// each) and counts, then places, its own sources with counters of its own, the rows'
    /// slots handed out part after part, so a row lists its sources in object order (and the
    /// super-root last), as a serial build would.
    ///
    /// - Parameters:
    ///   - number: each node's preorder number (`UInt32.max` if not reached), the super-root
    ///     (node `graph.count`) numbered 0.
    ///   - reached: how many nodes the search numbered, the super-root included.
    ///   - parts: how many parts to build in (the tests' choice; by default one per core, up
    ///     to four, and one for fewer than 200,000 edges).
    /// - Complexity: O(V + E) work, two passes over the edges (count, then place), each looking
    ///   up every reached edge's target number: independent reads that the processor
    ///   overlaps, where the dominators' walk would wait on each. While it runs, 4 bytes an
    ///   object per part, the row starts included (two parts: as much as a serial build).
    init(numbered graph: HeapGraph, superRoot roots: [UInt32], number: [UInt32], reached: Int, parts: Int? = nil) {
        let n = graph.count
        let edgeStart = graph.edgeStart, edges = graph.edges
        let parts = max(1, parts ?? min(processorCount, 4, edges.count / 100_000))
        // Object runs of about equal edge counts: cut k is the first object whose edges
        // start at or after k / parts of them.
        let bounds = balancedCuts(count: n, parts: parts, total: edges.count) { edgeStart[$0] }
        var start = [UInt32](repeating: 0, count: reached + 1)
        var sources: [UInt32] = []
        start.withUnsafeMutableBufferPointer { startBuffer in
            // The last part counts into `start[1...]`: after it has placed its sources, its
            // next slot in each row is where the row ends, the next row's start.
            // Safe because `start` has reached + 1 ≥ 1 entries.
            let counters = RowCounters(parts: parts, rows: reached, last: startBuffer.baseAddress! + 1)
            // Each part walks its own objects' edges with its own counters (or next slots).
            @Sendable func walk(_ k: Int, _ visit: (_ source: UInt32, _ row: Int, _ counter: UnsafeMutablePointer<UInt32>) -> Void) {
                let counter = counters.part(k)
                edgeStart.withUnsafeBufferPointer { edgeStart in
                    edges.withUnsafeBufferPointer { edges in
                        number.withUnsafeBufferPointer { number in
                            // Safe because edge and root targets are objects (< n), number has
                            // n + 1 entries and edgeStart n + 1; the row is checked before the
                            // counter is touched.
                            for v in bounds[k] ..< bounds[k + 1] where number[v] != .max {
                                for e in Int(edgeStart[v]) ..< Int(edgeStart[v + 1]) {
                                    let row = Int(number[Int(edges[e])])
                                    precondition(row < reached, "an edge from a reached object to one not reached")
                                    visit(number[v], row, counter)
                                }
                            }
                            if k == bounds.count - 2 {
                                for t in roots {
                                    let row = Int(number[Int(t)])
                                    precondition(row < reached, "a root the search did not reach")
                                    visit(0, row, counter)
                                }
                            }
                        }
                    }
                }
            }
            _ = parallelMap(count: parts) { k in walk(k) { _, row, counter in counter[row] += 1 } }
            // Each part's first slot in every row, part after part: its counts become next slots.
            var total: UInt32 = 0
            for row in 0 ..< reached {
                for k in 0 ..< parts {
                    let counter = counters.part(k)
                    let c = counter[row]
                    counter[row] = total
                    total += c
                }
            }
            sources = [UInt32](unsafeUninitializedCapacity: Int(total)) { buffer, initialized in
                guard let base = buffer.baseAddress else {
                    initialized = 0
                    return
                }
                // Each row takes as many sources as were counted in it, part by part: no
                // slot is handed out twice (and `write` checks it is in the buffer).
                let out = DisjointWrites(UnsafeMutableBufferPointer(start: base, count: Int(total)))
                _ = parallelMap(count: parts) { k in
                    walk(k) { source, row, next in
                        let slot = Int(next[row])
                        out.write(source, at: slot)
                        next[row] = UInt32(slot + 1)
                    }
                }
                initialized = Int(total)
            }
        }
        self.start = start
        self.sources = sources
    }
}

/// Per part, one counter per row, while ``Predecessors/init(numbered:superRoot:number:reached:parts:)``
/// runs: the parts before the last in a buffer of their own, the last in the row starts.
private final class RowCounters: @unchecked Sendable {
    // Safe because part k touches only its own run of counters, the counters are read across
    // parts only between the parallel passes, after their joins, and `last` (the caller's
    // buffer) is used only within the caller's scope, which this object does not outlive.
    private let base: UnsafeMutablePointer<UInt32>
    private let last: UnsafeMutablePointer<UInt32>
    private let rows: Int
    private let parts: Int

    init(parts: Int, rows: Int, last: UnsafeMutablePointer<UInt32>) {
        self.parts = parts
        self.rows = rows
        self.last = last
        base = .allocate(capacity: (parts - 1) * rows)
        base.initialize(repeating: 0, count: (parts - 1) * rows)
    }

    /// Part k's counters, `rows` of them.
    @inline(__always)
    func part(_ k: Int) -> UnsafeMutablePointer<UInt32> {
        k == parts - 1 ? last : base + k * rows
    }

    deinit { base.deallocate() }
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
