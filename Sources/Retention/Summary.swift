import GraphModel

/// Count and sizes of a set of objects.
public struct Tally: Sendable, Hashable {
    public var count = 0
    public var memsize: UInt64 = 0
    public var bytesize: UInt64 = 0

    public init() {}

    @inline(__always)
    mutating func add(memsize m: UInt64, bytesize b: UInt64) {
        count += 1
        memsize &+= m
        bytesize &+= b
    }
}

/// A group of objects in a summary: all of one type, one class or one allocation site.
public struct SummaryGroup: Sendable {
    /// The type name, the class name, or `file:line`.
    public var label: String
    /// For a site group: the site (method included); `nil` for the objects with no site.
    public var site: AllocationSite?
    public var tally: Tally
}

/// What `retention summary` reports about one dump.
public struct HeapSummary: Sendable {
    public var objects: Int
    public var edges: Int
    public var total: Tally
    /// Per root category: the ROOT records and the distinct objects they hold.
    public var roots: [(category: String, records: Int, objects: Int)]
    public var byType: [SummaryGroup]
    public var byClass: [SummaryGroup]
    public var bySite: [SummaryGroup]
    /// How many groups of each kind there are in all (the lists hold the largest `top`).
    /// Objects no root reaches (garbage not yet swept), or `nil` without ROOT records.
    public var unreachable: Tally?
    public var typeGroups: Int
    public var classGroups: Int
    public var siteGroups: Int

    /// Tallies the graph by type, class and allocation site, keeping the `top` largest groups
    /// of each by memsize.
    ///
    /// - Complexity: O(V + G log G) for G groups.
    public init(_ graph: HeapGraph, top: Int) {
        objects = graph.count
        edges = graph.edgeCount
        var total = Tally()
        var types = [Tally](repeating: Tally(), count: ObjectType.allCases.count)
        var sites = [Tally](repeating: Tally(), count: graph.sites.count + 1)
        var classes: [UInt32: Tally] = [:]
        for i in graph.indices {
            let m = graph.memsize[i], b = graph.bytesize[i]
            total.add(memsize: m, bytesize: b)
            types[Int(graph.type[i].rawValue)].add(memsize: m, bytesize: b)
            let s = graph.site[i]
            sites[s.isNone ? graph.sites.count : Int(s.rawValue)].add(memsize: m, bytesize: b)
            classes[graph.classIndex[i], default: Tally()].add(memsize: m, bytesize: b)
        }
        self.total = total
        if graph.diagnostics.hasRoots {
            let reached = Reachability.memsizeReached(graph, avoiding: [Bool](repeating: false, count: graph.count))
            var u = Tally()
            u.count = graph.count - reached.count
            u.memsize = total.memsize &- reached.size
            unreachable = u
        }

        var typeGroups: [SummaryGroup] = []
        for (raw, tally) in types.enumerated() where tally.count > 0 {
            typeGroups.append(SummaryGroup(label: ObjectType(rawValue: UInt8(raw))!.name, site: nil, tally: tally))
        }
        var siteGroups: [SummaryGroup] = []
        for (id, tally) in sites.enumerated() where tally.count > 0 {
            if id == graph.sites.count {
                siteGroups.append(SummaryGroup(label: "(no allocation site)", site: nil, tally: tally))
            } else {
                let site = graph.sites[id]
                siteGroups.append(SummaryGroup(label: graph.describe(site), site: site, tally: tally))
            }
        }
        var classGroups: [SummaryGroup] = []
        for (node, tally) in classes {
            let label = node == .max ? "(no class)" : graph.displayName(ofClassNode: ObjectIndex(rawValue: node))
            classGroups.append(SummaryGroup(label: label, site: nil, tally: tally))
        }
        self.typeGroups = typeGroups.count
        self.classGroups = classGroups.count
        self.siteGroups = siteGroups.count
        byType = Self.largest(typeGroups, top)
        byClass = Self.largest(classGroups, top)
        bySite = Self.largest(siteGroups, top)

        var rootCounts: [String: (records: Int, objects: Set<UInt32>)] = [:]
        var order: [String] = []
        for r in 0 ..< graph.rootRecordCount {
            let name = graph.strings[graph.rootCategory[r]]
            if rootCounts[name] == nil { order.append(name) }
            rootCounts[name, default: (0, [])].records += 1
            rootCounts[name]!.objects.formUnion(graph.rootTargets(ofRecord: r))
        }
        roots = order.map { ($0, rootCounts[$0]!.records, rootCounts[$0]!.objects.count) }
    }

    /// The `top` largest groups by memsize, then count, then label (so the order is stable).
    static func largest(_ groups: [SummaryGroup], _ top: Int) -> [SummaryGroup] {
        Array(groups.sorted {
            ($0.tally.memsize, $0.tally.count, $1.label) > ($1.tally.memsize, $1.tally.count, $0.label)
        }.prefix(top))
    }
}
