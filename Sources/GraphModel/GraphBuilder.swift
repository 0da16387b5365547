/// Joins parsed blocks, in dump order, into one ``HeapGraph``: string IDs and sites are
/// re-interned in the graph's tables, then addresses are resolved to node indices.
struct GraphBuilder {
    private(set) var graph: HeapGraph
    private var classAddress: [UInt64] = []
    private var referenceEnd: [UInt32] = []
    private var references: [UInt64] = []
    private var rootTargetAddresses: [UInt64] = []
    private var rootEnd: [UInt32] = []
    private var siteIndex: [AllocationSite: UInt32] = [:]
    private var lineBase = 0

    init(source: String, expectedBytes: UInt64?) {
        graph = HeapGraph(source: source)
        if let bytes = expectedBytes {
            // About 250 bytes of dump per object: reserve so that the columns grow without copies.
            let objects = Int(min(bytes / 250, 1 << 31))
            graph.address.reserveCapacity(objects)
            graph.type.reserveCapacity(objects)
            graph.memsize.reserveCapacity(objects)
            graph.bytesize.reserveCapacity(objects)
            graph.generation.reserveCapacity(objects)
            graph.site.reserveCapacity(objects)
            graph.flags.reserveCapacity(objects)
            graph.detail.reserveCapacity(objects)
            classAddress.reserveCapacity(objects)
            referenceEnd.reserveCapacity(objects)
        }
    }

    /// The number of physical lines appended so far.
    var linesRead: Int { lineBase }

    /// Appends the next block of the dump.
    ///
    /// - Complexity: O(objects + references + strings) of the block.
    mutating func append(_ block: ParsedBlock) throws(DumpError) {
        guard UInt64(references.count) + UInt64(block.references.count) < UInt64(UInt32.max),
              UInt64(graph.count) + UInt64(block.address.count) < UInt64(UInt32.max - 1) else {
            throw .tooLarge(source: graph.diagnostics.source,
                            reason: "the dump holds more than 4 billion objects or references, more than retention can index")
        }
        var stringMap = [UInt32](repeating: .max, count: block.strings.count)
        for i in 0 ..< block.strings.count {
            let bytes = block.strings.rawBytes(StringID(rawValue: UInt32(i)))
            stringMap[i] = bytes.withUnsafeBufferPointer { graph.strings.intern($0) }.rawValue
        }
        func map(_ id: StringID) -> StringID { id.isNone ? .none : StringID(rawValue: stringMap[Int(id.rawValue)]) }
        var siteMap = [SiteID](repeating: .none, count: block.sites.count)
        for (i, s) in block.sites.enumerated() {
            let global = AllocationSite(file: map(s.file), line: s.line, method: map(s.method))
            if let found = siteIndex[global] {
                siteMap[i] = SiteID(rawValue: found)
            } else {
                let id = UInt32(graph.sites.count)
                graph.sites.append(global)
                siteIndex[global] = id
                siteMap[i] = SiteID(rawValue: id)
            }
        }

        let valueBase = UInt32(graph.values.count)
        graph.values.append(contentsOf: block.values)
        graph.address.append(contentsOf: block.address)
        graph.type.append(contentsOf: block.type)
        classAddress.append(contentsOf: block.classAddress)
        graph.memsize.append(contentsOf: block.memsize)
        graph.bytesize.append(contentsOf: block.bytesize)
        graph.generation.append(contentsOf: block.generation)
        graph.flags.append(contentsOf: block.flags)
        for s in block.site { graph.site.append(s == .max ? .none : siteMap[Int(s)]) }
        for (i, d) in block.detail.enumerated() {
            guard d != .max else { graph.detail.append(.max); continue }
            switch ObjectDetail.kind(of: block.type[i]) {
            case .valueOffset: graph.detail.append(d + valueBase)
            case .string: graph.detail.append(stringMap[Int(d)])
            case .number: graph.detail.append(d)
            }
        }
        let referenceBase = UInt32(references.count)
        references.append(contentsOf: block.references)
        for end in block.referenceEnd { referenceEnd.append(end + referenceBase) }

        let rootBase = UInt32(rootTargetAddresses.count)
        rootTargetAddresses.append(contentsOf: block.rootTargets)
        for (category, end) in zip(block.rootCategory, block.rootEnd) {
            graph.rootCategory.append(map(category))
            rootEnd.append(end + rootBase)
        }

        graph.diagnostics.counts.add(block.counts)
        for issue in block.issues where graph.diagnostics.issues.count < LoadDiagnostics.keptIssueLimit {
            var shifted = issue
            shifted.line += lineBase
            graph.diagnostics.issues.append(shifted)
        }
        lineBase += block.lineCount
    }

    /// Resolves every address to a node and builds the edges and roots.
    ///
    /// - Complexity: O(V + E) expected: one hash-table insertion per object and one lookup
    ///   per reference; the references are resolved on all cores.
    mutating func finish() -> HeapGraph {
        graph.diagnostics.lineCount = lineBase
        let (table, duplicates) = AddressTable.build(graph.address)
        graph.addressTable = table
        graph.diagnostics.duplicateAddresses = duplicates.count
        resolveClasses(table)
        resolveEdges(table)
        resolveRoots(table)
        graph.values.shrinkToFitIfLarge()
        return graph
    }

    private mutating func resolveClasses(_ table: AddressTable) {
        var unresolved = 0
        let types = graph.type
        graph.classIndex = table.withLookup(graph.address) { lookup in
            classAddress.map { a -> UInt32 in
                guard a != 0 else { return .max }
                let c = lookup(a)
                guard c != .max, types[Int(c)].isClassLike else {
                    unresolved += 1
                    return .max
                }
                return c
            }
        }
        classAddress = []
        graph.diagnostics.unresolvedClasses = unresolved
    }

    /// Resolves the references of each object to nodes, drops dangling ones and repeats,
    /// adds the class edge, and lays the result out in CSR form.
    private mutating func resolveEdges(_ table: AddressTable) {
        let n = graph.count
        let parts = min(processorCount, max(1, n / 100_000 + 1))
        // Split the nodes so that each part has about the same number of references.
        var cuts = [0]
        for k in 1 ..< parts {
            let target = UInt32(UInt64(references.count) * UInt64(k) / UInt64(parts))
            var lo = cuts.last!, hi = n
            while lo < hi {
                let mid = (lo + hi) / 2
                if referenceEnd[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            cuts.append(lo)
        }
        cuts.append(n)
        let bounds = cuts
        let addresses = graph.address, refs = references, ends = referenceEnd, classes = graph.classIndex
        let pieces = parallelMap(count: parts) { k -> (edges: [UInt32], degree: [UInt32], dangling: Int, danglingTargets: Set<UInt64>) in
            let lo = bounds[k], hi = bounds[k + 1]
            var edges: [UInt32] = []
            edges.reserveCapacity(Int(ends[max(hi - 1, 0)]) - (lo == 0 ? 0 : Int(ends[lo - 1])) + (hi - lo))
            var degree = [UInt32](repeating: 0, count: hi - lo)
            // seen[t] == i + 1 while node i's references are read: each target kept once.
            var seen = [UInt32](repeating: 0, count: n)
            var dangling = 0
            var danglingTargets = Set<UInt64>()
            table.withLookup(addresses) { lookup in
                refs.withUnsafeBufferPointer { refs in
                    for i in lo ..< hi {
                        let mark = UInt32(i + 1)
                        let before = edges.count
                        let start = i == 0 ? 0 : Int(ends[i - 1])
                        for j in start ..< Int(ends[i]) {
                            let t = lookup(refs[j])
                            if t == .max {
                                dangling += 1
                                danglingTargets.insert(refs[j])
                                continue
                            }
                            if seen[Int(t)] != mark {
                                seen[Int(t)] = mark
                                edges.append(t)
                            }
                        }
                        let c = classes[i]
                        if c != .max, seen[Int(c)] != mark {
                            seen[Int(c)] = mark
                            edges.append(c)
                        }
                        degree[i - lo] = UInt32(edges.count - before)
                    }
                }
            }
            return (edges, degree, dangling, danglingTargets)
        }
        references = []
        referenceEnd = []
        var edgeStart = [UInt32]()
        edgeStart.reserveCapacity(n + 1)
        edgeStart.append(0)
        var total: UInt32 = 0
        var edges = [UInt32]()
        edges.reserveCapacity(pieces.reduce(0) { $0 + $1.edges.count })
        var targets = Set<UInt64>()
        for piece in pieces {
            for d in piece.degree {
                total += d
                edgeStart.append(total)
            }
            edges.append(contentsOf: piece.edges)
            graph.diagnostics.danglingReferences += piece.dangling
            targets.formUnion(piece.danglingTargets)
        }
        graph.diagnostics.danglingTargets = targets.count
        graph.edgeStart = edgeStart
        graph.edges = edges
    }

    private mutating func resolveRoots(_ table: AddressTable) {
        var targets: [UInt32] = []
        var starts: [UInt32] = [0]
        var dangling = 0
        table.withLookup(graph.address) { lookup in
            var start = 0
            for end in rootEnd {
                var seen = Set<UInt32>()
                for a in rootTargetAddresses[start ..< Int(end)] {
                    let t = lookup(a)
                    if t == .max { dangling += 1; continue }
                    if seen.insert(t).inserted { targets.append(t) }
                }
                starts.append(UInt32(targets.count))
                start = Int(end)
            }
        }
        rootTargetAddresses = []
        graph.rootTargets = targets
        graph.rootStart = starts
        graph.diagnostics.danglingRootReferences = dangling
    }
}

extension Array {
    /// Gives back spare capacity when it is large (more than a quarter of the array).
    mutating func shrinkToFitIfLarge() {
        if capacity > count + count / 4 + 1024 { self = Array(self) }
    }
}

extension GraphBuilder {
    mutating func setTruncation(_ reason: String) {
        graph.diagnostics.truncation = reason
    }
}
