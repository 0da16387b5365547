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

    /// Adds another tally's objects.
    mutating func add(_ other: Tally) {
        count += other.count
        memsize &+= other.memsize
        bytesize &+= other.bytesize
    }
}

/// What the objects of a summary's or `top`'s group share: one type, one class or one
/// allocation site (`nil` inside: the objects have no class, or no traced site).
public enum ObjectGroupKey: Sendable, Hashable, Comparable {
    case type(ObjectType)
    case `class`(ClassName?)
    case site(SourceSite?)
    /// The gem, Ruby or the application (`nil`: no file; see ``Gem``).
    case gem(Gem?)

    /// Ordered for stable output only.
    public static func < (a: ObjectGroupKey, b: ObjectGroupKey) -> Bool {
        switch (a, b) {
        case let (.type(x), .type(y)): return x.rawValue < y.rawValue
        case let (.class(x), .class(y)): return LeakDiff.before(x, y)
        case let (.site(x), .site(y)):
            switch (x, y) {
            case let (x?, y?): return x < y
            case (nil, _?): return true
            default: return false
            }
        case let (.gem(x), .gem(y)):
            switch (x, y) {
            case let (x?, y?): return x < y
            case (nil, _?): return true
            default: return false
            }
        case (.type, _), (.class, .site), (.class, .gem), (.site, .gem): return true
        default: return false
        }
    }
}

/// A group of objects in a summary: all of one type, one class or one allocation site.
public struct SummaryGroup: Sendable {
    public var key: ObjectGroupKey
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
    public var byGem: [SummaryGroup]
    /// How many groups of each kind there are in all (the lists hold the largest `top`).
    /// Objects no root reaches (garbage not yet swept), or `nil` without ROOT records.
    public var unreachable: Tally?
    public var typeGroups: Int
    public var classGroups: Int
    public var siteGroups: Int
    public var gemGroups: Int

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
        // Each class node's tally: its slot in `classTallies`, by node (the last slot is for
        // objects without a class). An array, not a dictionary: no hash per object.
        var classSlot = [UInt32](repeating: .max, count: graph.count + 1)
        var classNodes: [UInt32] = []
        var classTallies: [Tally] = []
        for i in graph.indices {
            let m = graph.memsize[i], b = graph.bytesize[i]
            total.add(memsize: m, bytesize: b)
            types[Int(graph.type[i].rawValue)].add(memsize: m, bytesize: b)
            let s = graph.site[i]
            sites[s.isNone ? graph.sites.count : Int(s.rawValue)].add(memsize: m, bytesize: b)
            let c = graph.classIndex[i]
            let node = c == .max ? graph.count : Int(c)
            if classSlot[node] == .max {
                classSlot[node] = UInt32(classTallies.count)
                classNodes.append(c)
                classTallies.append(Tally())
            }
            classTallies[Int(classSlot[node])].add(memsize: m, bytesize: b)
        }
        classSlot = []
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
            typeGroups.append(SummaryGroup(key: .type(ObjectType(rawValue: UInt8(raw))!), tally: tally))  // Safe because raw < allCases.count.
        }
        var siteGroups: [SummaryGroup] = []
        for (id, tally) in sites.enumerated() where tally.count > 0 {
            siteGroups.append(SummaryGroup(key: .site(id == graph.sites.count ? nil : graph.sourceSite(graph.sites[id])), tally: tally))
        }
        let gems = SiteGems(graph)
        var gemTallies = [Tally](repeating: Tally(), count: gems.gems.count)
        for (id, tally) in sites.enumerated() where tally.count > 0 {
            let slot = id == graph.sites.count ? gems.slotWithoutSite : gems.slot(ofSite: SiteID(rawValue: UInt32(id)))
            gemTallies[slot].add(tally)
        }
        let gemGroups = gemTallies.indices.filter { gemTallies[$0].count > 0 }.map {
            SummaryGroup(key: .gem(gems.gems[$0]), tally: gemTallies[$0])
        }
        var classGroups: [SummaryGroup] = []
        for (node, tally) in zip(classNodes, classTallies) {
            classGroups.append(SummaryGroup(key: .class(node == .max ? nil : graph.classIdentity(ofClassNode: ObjectIndex(rawValue: node))), tally: tally))
        }
        self.typeGroups = typeGroups.count
        self.classGroups = classGroups.count
        self.siteGroups = siteGroups.count
        self.gemGroups = gemGroups.count
        byGem = Self.largest(gemGroups, top)
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

    /// The `top` largest groups by memsize, then count, then key (so the order is stable).
    static func largest(_ groups: [SummaryGroup], _ top: Int) -> [SummaryGroup] {
        Array(groups.sorted { a, b in
            let x = (a.tally.memsize, a.tally.count), y = (b.tally.memsize, b.tally.count)
            return x != y ? x > y : a.key < b.key
        }.prefix(top))
    }
}
