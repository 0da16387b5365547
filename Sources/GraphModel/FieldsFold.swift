/// Folds Ruby 4.0's IMEMO `fields` objects into the objects that own them.
///
/// Since 4.0 the instance variables of classes, modules, strings, hashes, structs and typed
/// data (and, on 4.1-dev, of large plain objects) live in a separate IMEMO `fields` object
/// whose `class` is its owner. That hop is an implementation detail: without the fold, root
/// paths gain an `IMEMO fields` step, dominator trees a node, and `top` ranks IMEMOs where
/// 3.x ranked their owners. So, for every fields object F whose owner O is in the dump:
/// * O's edge to F becomes edges to F's references (the ivar values);
/// * any other edge to F (a ROOT such as `machine_context`, or another object) goes to O;
/// * F's memsize is added to O's, and F is no node of the graph.
///
/// A fields object with no `class` (Ruby clears it when it replaces one) is garbage waiting
/// for the sweep, and one whose `class` is not in the dump, is itself a fields object or is
/// F itself is bad input: those stay nodes, unfolded, and are counted. The folded objects'
/// addresses still resolve, to their owner (``HeapGraph/owner(ofFoldedFieldsAt:)``).
/// Total memsize is unchanged.
enum FieldsFold {
    /// Folds `fields` (node indices) into their owners (`ownerAddresses`, 0 for none). A dump
    /// without fields objects is not touched.
    ///
    /// - Complexity: O(V + E) time (one pass over the nodes, one over the edges, and the
    ///   address table built again), plus O(F log F) to sort the folded addresses. While it
    ///   runs: 12 bytes an object (owner, new index, seen marks), and the new edge array and
    ///   columns beside the old ones, one at a time.
    static func apply(to graph: inout HeapGraph, fields: [UInt32], ownerAddresses: [UInt64],
                      table: AddressTable) {
        guard !fields.isEmpty else { return }
        let n = graph.count
        let none = UInt32.max
        // owner[i]: the owner (old index) of a folded fields object, `none` for every other node.
        // During this step only, `owner[f] == f` marks f as a fields object not yet resolved.
        var owner = [UInt32](repeating: none, count: n)
        for f in fields { owner[Int(f)] = f }
        var resolved = [UInt32](repeating: none, count: fields.count)
        table.withLookup(graph.address) { lookup in
            for k in fields.indices where ownerAddresses[k] != 0 {
                let o = lookup(ownerAddresses[k])
                // The owner must be an object of the dump that is not a fields object itself.
                if o != none, owner[Int(o)] == none { resolved[k] = o }
            }
        }
        var folded = 0
        for (k, f) in fields.enumerated() {
            owner[Int(f)] = resolved[k]
            if resolved[k] != none { folded += 1 }
        }
        graph.diagnostics.fieldsWithoutOwner = fields.count - folded
        guard folded > 0 else { return }

        // map[i]: the new index of node i, or of its owner when i is folded.
        var map = [UInt32](repeating: none, count: n)
        var kept: UInt32 = 0
        for i in 0 ..< n where owner[i] == none {
            map[i] = kept
            kept += 1
        }
        for f in fields where owner[Int(f)] != none { map[Int(f)] = map[Int(owner[Int(f)])] }

        foldEdges(&graph, owner: owner, map: map, kept: Int(kept))
        foldRoots(&graph, map: map)
        foldColumns(&graph, owner: owner, map: map, kept: Int(kept))

        graph.diagnostics.foldedFields = folded
    }

    /// Rewrites the edges in CSR form: an owner's edge to its fields object becomes the
    /// fields object's references, any other edge to it goes to the owner; repeats dropped.
    /// There are never more edges than before: each fields object's references move to one
    /// owner, in place of the owner's edge to it, and it has no edges of its own any more.
    private static func foldEdges(_ graph: inout HeapGraph, owner: [UInt32], map: [UInt32], kept: Int) {
        let n = graph.count
        var edgeStart = [UInt32](repeating: 0, count: kept + 1)
        // seen[t] == v + 1 once new node v has an edge to t.
        var seen = [UInt32](repeating: 0, count: kept)
        // Safe because at most `graph.edges.count` edges are written (see above), and each once.
        let newEdges = [UInt32](unsafeUninitializedCapacity: graph.edges.count) { out, initialized in
            var w = 0
            graph.edgeStart.withUnsafeBufferPointer { start in
                graph.edges.withUnsafeBufferPointer { old in
                    owner.withUnsafeBufferPointer { owner in
                        map.withUnsafeBufferPointer { map in
                            seen.withUnsafeMutableBufferPointer { seen in
                                edgeStart.withUnsafeMutableBufferPointer { edgeStart in
                                    for v in 0 ..< n where owner[v] == .max {
                                        let me = Int(map[v])
                                        let mark = UInt32(me + 1)
                                        for e in Int(start[v]) ..< Int(start[v + 1]) {
                                            let t = Int(old[e])
                                            if owner[t] == UInt32(v) {
                                                // Its own fields object: the ivar values, one hop nearer.
                                                for g in Int(start[t]) ..< Int(start[t + 1]) {
                                                    let u = Int(map[Int(old[g])])
                                                    if seen[u] != mark { seen[u] = mark; out[w] = UInt32(u); w += 1 }
                                                }
                                            } else {
                                                let u = Int(map[t])
                                                if seen[u] != mark { seen[u] = mark; out[w] = UInt32(u); w += 1 }
                                            }
                                        }
                                        edgeStart[me + 1] = UInt32(w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = w
        }
        graph.edges = newEdges
        graph.edgeStart = edgeStart
    }

    /// ROOT targets that are fields objects become their owners, each once per record.
    private static func foldRoots(_ graph: inout HeapGraph, map: [UInt32]) {
        var targets: [UInt32] = []
        targets.reserveCapacity(graph.rootTargets.count)
        var starts: [UInt32] = [0]
        for r in 0 ..< graph.rootRecordCount {
            var seen = Set<UInt32>()
            for t in graph.rootTargets(ofRecord: r) where seen.insert(map[Int(t)]).inserted { targets.append(map[Int(t)]) }
            starts.append(UInt32(targets.count))
        }
        graph.rootTargets = targets
        graph.rootStart = starts
    }

    /// Drops the folded nodes from every column, adds their memsize to their owners', and
    /// builds the address table again over the objects left.
    private static func foldColumns(_ graph: inout HeapGraph, owner: [UInt32], map: [UInt32], kept: Int) {
        var memsize = [UInt64](repeating: 0, count: kept)
        graph.memsize.withUnsafeBufferPointer { old in
            memsize.withUnsafeMutableBufferPointer { memsize in
                for i in 0 ..< old.count { memsize[Int(map[i])] &+= old[i] }
            }
        }
        graph.memsize = memsize
        var foldedAddresses: [(UInt64, UInt32)] = []
        for i in 0 ..< graph.count where owner[i] != .max { foldedAddresses.append((graph.address[i], map[i])) }
        foldedAddresses.sort { $0.0 < $1.0 }
        graph.foldedFieldsAddress = foldedAddresses.map(\.0)
        graph.foldedFieldsOwner = foldedAddresses.map(\.1)

        func keep<T>(_ column: [T]) -> [T] {
            [T](unsafeUninitializedCapacity: kept) { out, initialized in
                var w = 0
                column.withUnsafeBufferPointer { column in
                    owner.withUnsafeBufferPointer { owner in
                        for i in 0 ..< column.count where owner[i] == .max {
                            // Safe because at most `kept` nodes are kept (capacity `kept` > 0 when any is).
                            (out.baseAddress! + w).initialize(to: column[i])
                            w += 1
                        }
                    }
                }
                initialized = w
            }
        }
        graph.address = keep(graph.address)
        graph.type = keep(graph.type)
        graph.classIndex = keep(graph.classIndex).map { $0 == .max ? .max : map[Int($0)] }
        graph.bytesize = keep(graph.bytesize)
        graph.generation = keep(graph.generation)
        graph.site = keep(graph.site)
        graph.flags = keep(graph.flags)
        graph.detail = keep(graph.detail)
        graph.addressTable = AddressTable.build(graph.address).table
    }
}
