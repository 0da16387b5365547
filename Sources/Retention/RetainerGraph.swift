import GraphModel

/// A bounded piece of the reversed graph around some objects: who references each, and who
/// references those, towards the roots. The report's retainer tree expands it on a click;
/// what it leaves out, it counts.
public struct RetainerGraph: Sendable {
    public struct Node: Sendable {
        public var object: ObjectIndex
        /// Indices into ``RetainerGraph/nodes`` of objects that reference it: the one on its
        /// shortest root path first, then in the graph's order.
        public var retainers: [Int] = []
        /// Its referrers not in `retainers`: beyond the fan-in, or not looked at (``isExpanded``).
        public var omitted = 0
        /// The categories of the ROOT records that hold it directly, in record order.
        public var roots: [String] = []
        /// Whether its referrers were looked at (the depth or node limit stops the search).
        public var isExpanded = false
    }

    public private(set) var nodes: [Node] = []
    /// Indices into `nodes` of the objects the search started from, each once, in the order given.
    public private(set) var starts: [Int] = []

    /// Breadth first from `starts` over the reversed edges, at most `depth` hops and `fanIn`
    /// referrers per object, `limit` objects in all.
    ///
    /// - Complexity: O(V + E) to reverse the edges, then O(limit × fanIn) for the search
    ///   (plus each expanded object's referrer count).
    public init(_ graph: HeapGraph, paths: RootPaths, from startObjects: [ObjectIndex],
                depth: Int = 10, fanIn: Int = 6, limit: Int = 3000) {
        let preds = Predecessors(graph, superRoot: graph.rootedObjects)
        var nodeOf: [UInt32: Int] = [:]
        var hops: [Int] = []
        var heldBy: [UInt32: [String]] = [:]
        for r in 0 ..< graph.rootRecordCount {
            let category = graph.strings[graph.rootCategory[r]]
            for t in graph.rootTargets(ofRecord: r) where heldBy[t]?.last != category {
                heldBy[t, default: []].append(category)
            }
        }
        func add(_ o: ObjectIndex, hop: Int) -> Int {
            if let k = nodeOf[o.rawValue] { return k }
            nodes.append(Node(object: o, roots: heldBy[o.rawValue] ?? []))
            hops.append(hop)
            nodeOf[o.rawValue] = nodes.count - 1
            return nodes.count - 1
        }
        for o in startObjects where nodeOf[o.rawValue] == nil {
            guard nodes.count < limit else { break }
            starts.append(add(o, hop: 0))
        }
        let superRoot = UInt32(graph.count)
        var next = 0
        while next < nodes.count {
            let k = next
            next += 1
            let o = nodes[k].object
            let all = preds.sources[Int(preds.start[o.int]) ..< Int(preds.start[o.int + 1])].filter { $0 != superRoot }
            guard hops[k] < depth, nodes.count < limit else {
                nodes[k].omitted = all.count
                continue
            }
            var chosen: [UInt32] = []
            if let p = paths.previousObject(of: o), all.contains(p.rawValue) { chosen.append(p.rawValue) }
            for s in all where chosen.count < fanIn && !chosen.contains(s) { chosen.append(s) }
            var kept: [Int] = []
            for s in chosen where nodes.count < limit || nodeOf[s] != nil {
                kept.append(add(ObjectIndex(rawValue: s), hop: hops[k] + 1))
            }
            nodes[k].retainers = kept
            nodes[k].omitted = all.count - kept.count
            nodes[k].isExpanded = true
        }
    }
}
