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
    private var fieldsNodes: [UInt32] = []
    private var fieldsOwners: [UInt64] = []
    private var lineBase = 0
    /// Whether references are kept (see ``DumpLoader/Options/edges``).
    private let keepEdges: Bool
    /// Whether string values are kept (see ``DumpLoader/Options/values``).
    private let keepValues: Bool

    init(source: String, expectedBytes: UInt64?, edges: Bool = true, values: Bool? = nil) {
        graph = HeapGraph(source: source)
        graph.hasEdges = edges
        keepEdges = edges
        keepValues = values ?? edges
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

        let nodeBase = UInt32(graph.count)
        for f in block.fieldsNodes { fieldsNodes.append(f + nodeBase) }
        fieldsOwners.append(contentsOf: block.fieldsOwners)

        let valueBase = UInt32(graph.values.count)
        if keepValues { graph.values.append(contentsOf: block.values) }
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
            case .valueOffset: graph.detail.append(keepValues ? d + valueBase : .max)
            case .string: graph.detail.append(stringMap[Int(d)])
            case .number: graph.detail.append(d)
            }
        }
        if keepEdges {
            let referenceBase = UInt32(references.count)
            references.append(contentsOf: block.references)
            for end in block.referenceEnd { referenceEnd.append(end + referenceBase) }
        }

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
        if var cut = block.cutOff {
            cut.line += lineBase
            graph.diagnostics.cutOff = cut
        }
        lineBase += block.lineCount
    }

    /// Resolves every address to a node and builds the edges and roots.
    ///
    /// - Complexity: O(V + E) expected: one hash-table insertion per object and one lookup
    ///   per reference; the references are resolved on all cores.
    mutating func finish(_ clock: inout PhaseClock) -> HeapGraph {
        graph.diagnostics.lineCount = lineBase
        let (table, duplicates) = AddressTable.build(graph.address)
        graph.addressTable = table
        graph.diagnostics.duplicateAddresses = duplicates.count
        clock.lap("address table")
        resolveClasses(table)
        clock.lap("classes")
        if keepEdges {
            resolveEdges(table)
        } else {
            graph.edgeStart = [UInt32](repeating: 0, count: graph.count + 1)
        }
        clock.lap("edges")
        resolveRoots(table)
        graph.values.shrinkToFitIfLarge()
        clock.lap("roots")
        if !fieldsNodes.isEmpty {
            FieldsFold.apply(to: &graph, fields: fieldsNodes, ownerAddresses: fieldsOwners, table: table)
            fieldsNodes = []
            fieldsOwners = []
            clock.lap("fields fold")
        }
        if keepEdges {
            FinalizerRoots.infer(in: &graph)
            clock.lap("finalizer roots")
        }
        #if DEBUG
        graph.checkInvariants()
        #endif
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

    /// Up to this many references, an object's repeats are found by scanning the edges it
    /// already has; past it, by a mark per target node (cheaper than a quadratic scan).
    private static let linearScanLimit = 16

    /// Resolves the references of each object to nodes, drops dangling ones and repeats,
    /// adds the class edge, and lays the result out in CSR form.
    ///
    /// The nodes are split into one part per core with about as many references each. Part k
    /// writes into the final edge array from the most it could need before it (its first
    /// reference's offset plus one class edge per earlier node), so the parts never overlap;
    /// the parts are then moved down to close the gaps. No second copy of the edges is made.
    private mutating func resolveEdges(_ table: AddressTable) {
        let n = graph.count
        let parts = min(processorCount, max(1, n / 100_000 + 1))
        let bounds = balancedCuts(count: n, parts: parts, total: references.count) { referenceEnd[$0] }
        @Sendable func firstReference(_ i: Int, _ ends: [UInt32]) -> Int { i == 0 ? 0 : Int(ends[i - 1]) }
        let capacity = references.count + n
        var degree = [UInt32](repeating: 0, count: n)
        var dangling = 0
        var danglingTargets = Set<UInt64>()
        let addresses = graph.address, refs = references, ends = referenceEnd, classes = graph.classIndex
        graph.edges = [UInt32](unsafeUninitializedCapacity: capacity) { edgeBuffer, initialized in
            // An empty graph (no objects, so no references) has nothing to write.
            guard n > 0, let edgeBase = edgeBuffer.baseAddress else {
                initialized = 0
                return
            }
            // Both buffers are used only inside their closures: the parts are joined before
            // `withUnsafeMutableBufferPointer` returns.
            let results = degree.withUnsafeMutableBufferPointer { degreeBuffer in
                // Safe because `degree` has n > 0 entries (checked above), and a non-empty
                // buffer has a base address.
                let out = SharedEdges(base: edgeBase, degree: degreeBuffer.baseAddress!)
                return parallelMap(count: parts) { k -> (written: Int, dangling: Int, targets: Set<UInt64>) in
                    let lo = bounds[k], hi = bounds[k + 1]
                    let origin = firstReference(lo, ends) + lo
                    var w = origin
                    var dangling = 0
                    var targets = Set<UInt64>()
                    var seen: [UInt32] = []  // for nodes with many references: seen[t] == i + 1
                    table.withLookup(addresses) { lookup in
                        refs.withUnsafeBufferPointer { refs in
                            for i in lo ..< hi {
                                let before = w
                                let first = firstReference(i, ends), last = Int(ends[i])
                                let many = last - first > Self.linearScanLimit
                                if many && seen.isEmpty { seen = [UInt32](repeating: 0, count: n) }
                                let mark = UInt32(i + 1)
                                for j in first ..< last {
                                    let t = lookup(refs[j])
                                    if t == .max {
                                        dangling += 1
                                        targets.insert(refs[j])
                                        continue
                                    }
                                    if many {
                                        if seen[Int(t)] == mark { continue }
                                        seen[Int(t)] = mark
                                    } else if out.contains(t, in: before ..< w) {
                                        continue
                                    }
                                    // Safe because part k writes only below the next part's
                                    // origin: at most one edge per reference and one class edge.
                                    out.base[w] = t
                                    w += 1
                                }
                                let c = classes[i]
                                if c != .max, !(many ? seen[Int(c)] == mark : out.contains(c, in: before ..< w)) {
                                    out.base[w] = c
                                    w += 1
                                }
                                out.degree[i] = UInt32(w - before)
                            }
                        }
                    }
                    return (w - origin, dangling, targets)
                }
            }
            var end = 0
            for (k, r) in results.enumerated() {
                let origin = firstReference(bounds[k], ends) + bounds[k]
                if origin != end, r.written > 0 {
                    // Safe because origin + written <= capacity, and `update(from:count:)`
                    // copies overlapping ranges correctly (the target lies below the source).
                    (edgeBase + end).update(from: edgeBase + origin, count: r.written)
                }
                end += r.written
                dangling += r.dangling
                danglingTargets.formUnion(r.targets)
            }
            initialized = end
        }
        references = []
        referenceEnd = []
        // The edges were placed in node order already: only the starts remain to be summed.
        graph.edgeStart = CSRBuilder.starts(fromCounts: degree)
        graph.diagnostics.danglingReferences = dangling
        graph.diagnostics.danglingTargets = danglingTargets.count
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
        graph.rootKind = graph.rootCategory.map { RootCategory(dumpName: graph.strings[$0]) }
        graph.diagnostics.unknownRootRecords = graph.rootKind.filter(\.isUnknown).count
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

/// The edge array and degree column while the parts of `resolveEdges` fill them.
private struct SharedEdges: @unchecked Sendable {
    // Safe because each part writes only its own range of edges and of degrees, and the
    // arrays are read only after every part has finished.
    let base: UnsafeMutablePointer<UInt32>
    let degree: UnsafeMutablePointer<UInt32>

    @inline(__always)
    func contains(_ t: UInt32, in range: Range<Int>) -> Bool {
        for i in range where base[i] == t { return true }
        return false
    }
}
