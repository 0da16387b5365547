extension HeapGraph {
    /// Checks the shape every finished graph has, and stops the program at the first
    /// violation (with `precondition`, in every build).
    ///
    /// - Every node column is `count` long, and every node is a heap object (no ROOT, SHAPE,
    ///   NONE or ZOMBIE).
    /// - The edges are in CSR form (`edgeStart` starts at 0, never decreases, ends at
    ///   `edges.count`); every edge points at a node, and no node has a target twice.
    /// - Every class edge points at a class: `classIndex` names a CLASS, MODULE or ICLASS
    ///   node, which is among the object's edges (when the edges were read).
    /// - Every root record's targets are nodes, each once per record; categories are strings.
    /// - Every site and string ID is in its table, every value prefix in the value bytes.
    /// - Every node's address finds a node with that address, itself unless an earlier node
    ///   took the address (``LoadDiagnostics/duplicateAddresses`` of them).
    ///
    /// The loader runs it on every graph in debug builds (so the tests check every graph
    /// they load); release builds pay nothing unless they call it.
    ///
    /// - Complexity: O(V + E) time, 4 bytes a node.
    public func checkInvariants() {
        let n = count
        precondition(n < Int(UInt32.max), "more nodes than a UInt32 index can name")
        for (name, length) in [("type", type.count), ("classIndex", classIndex.count), ("memsize", memsize.count),
                               ("bytesize", bytesize.count), ("generation", generation.count), ("site", site.count),
                               ("flags", flags.count), ("detail", detail.count)] {
            precondition(length == n, "the \(name) column has \(length) entries for \(n) nodes")
        }

        // Edges in CSR form, each to a node, each target once per node; class edges.
        precondition(edgeStart.count == n + 1, "edgeStart has \(edgeStart.count) entries for \(n) nodes")
        precondition(edgeStart[0] == 0 && Int(edgeStart[n]) == edges.count, "edgeStart does not span the edges")
        precondition(hasEdges || edges.isEmpty, "edges in a graph read without them")
        var mark = [UInt32](repeating: 0, count: n)  // mark[t] == i + 1: t is among node i's edges
        for i in 0 ..< n {
            precondition(type[i].isHeapObject, "node \(i) is a \(type[i].name) record, not an object")
            let lo = Int(edgeStart[i]), hi = Int(edgeStart[i + 1])
            precondition(lo <= hi, "edgeStart decreases at node \(i)")
            let me = UInt32(i + 1)
            for e in lo ..< hi {
                let t = Int(edges[e])
                precondition(t < n, "node \(i) has an edge to \(t), which is no node")
                precondition(mark[t] != me, "node \(i) has node \(t) among its edges twice")
                mark[t] = me
            }
            let c = classIndex[i]
            if c != .max {
                precondition(Int(c) < n && type[Int(c)].isClassLike, "node \(i)'s class is node \(c), which is not a class")
                precondition(!hasEdges || mark[Int(c)] == me, "node \(i)'s class \(c) is not among its edges")
            }
            let s = site[i]
            precondition(s.isNone || Int(s.rawValue) < sites.count, "node \(i) has site \(s.rawValue) of \(sites.count)")
            checkDetail(of: i)
        }

        // Roots.
        for t in 0 ..< n { mark[t] = 0 }  // now mark[t] == r + 1: t is among record r's targets
        precondition(rootStart.count == rootCategory.count + 1, "rootStart has \(rootStart.count) entries for \(rootCategory.count) ROOT records")
        precondition(rootStart[0] == 0 && Int(rootStart[rootCategory.count]) == rootTargets.count, "rootStart does not span the root targets")
        for r in 0 ..< rootCategory.count {
            precondition(!rootCategory[r].isNone && Int(rootCategory[r].rawValue) < strings.count, "root record \(r) has no category")
            let lo = Int(rootStart[r]), hi = Int(rootStart[r + 1])
            precondition(lo <= hi, "rootStart decreases at record \(r)")
            let me = UInt32(r + 1)
            for t in rootTargets[lo ..< hi] {
                precondition(Int(t) < n, "root record \(r) holds \(t), which is no node")
                precondition(mark[Int(t)] != me, "root record \(r) holds node \(t) twice")
                mark[Int(t)] = me
            }
        }

        // Tables.
        for (k, s) in sites.enumerated() {
            precondition((s.file.isNone || Int(s.file.rawValue) < strings.count)
                && (s.method.isNone || Int(s.method.rawValue) < strings.count), "site \(k) names a string not in the table")
        }

        // Lookup by address.
        if let table = addressTable {
            var others = 0
            table.withLookup(address) { lookup in
                for i in 0 ..< n {
                    let found = lookup(address[i])
                    precondition(found != .max && Int(found) <= i && address[Int(found)] == address[i],
                                 "node \(i) is not found at its address")
                    if Int(found) != i { others += 1 }
                }
            }
            precondition(others == diagnostics.duplicateAddresses,
                         "\(others) nodes share an earlier node's address; the diagnostics say \(diagnostics.duplicateAddresses)")
        } else {
            precondition(n == 0, "a graph of \(n) nodes without its address table")
        }
    }

    /// The detail of node `i` is in range for its kind (see ``ObjectDetail``).
    private func checkDetail(of i: Int) {
        let d = detail[i]
        guard d != .max else { return }
        switch ObjectDetail.kind(of: type[i]) {
        case .valueOffset:
            let offset = Int(d)
            precondition(offset < values.count, "node \(i)'s value starts past the value bytes")
            let length = Int(values[offset] & ParsedBlock.valueLengthMask)
            precondition(offset + 1 + length <= values.count, "node \(i)'s value runs past the value bytes")
            let end = HeapGraph.valueEntryEnd(values, offset)
            precondition(end <= values.count, "node \(i)'s value hash or encoding runs past the value bytes")
            let byte = values[end - 1]
            precondition(end - 1 == offset || byte & ParsedBlock.commonEncodingBit == 0
                || Int(byte & ~ParsedBlock.commonEncodingBit) < ParsedBlock.commonEncodings.count, "node \(i)'s encoding code is unknown")
        case .string:
            precondition(Int(d) < strings.count, "node \(i) names string \(d) of \(strings.count)")
        case .number:
            break
        }
    }
}
