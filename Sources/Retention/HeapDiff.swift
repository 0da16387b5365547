import GraphModel

/// How `retention diff` groups objects.
public enum DiffGrouping: String, CaseIterable, Sendable {
    case `class`
    case type
    case site
    case siteAndType = "site-type"
    case gem

    /// The leak report's grouping that makes the same keys.
    public var keying: LeakGrouping {
        switch self {
        case .class: return .class
        case .type: return .type
        case .site: return .site
        case .siteAndType: return .siteAndType
        case .gem: return .gem
        }
    }
}

/// How a group's count moved over three dumps or more.
public enum DiffTrend: String, Sendable {
    /// It rose at every step.
    case growing
    /// It fell at every step.
    case shrinking
    /// It stayed the same at every step.
    case flat
    /// Up and down.
    case mixed
}

/// One group of a diff: its objects in every dump.
public struct DiffGroup: Sendable {
    public var key: GroupKey
    /// One per dump, in the order given.
    public var tallies: [Tally]
    /// Objects of the last dump that the first does not hold, and objects of the first that
    /// the last no longer holds; `nil` where identity is not exact (see ``HeapDiffReport``).
    public var new: Tally?
    public var freed: Tally?
    /// With three dumps or more.
    public var trend: DiffTrend?

    /// The last dump's memsize less the first's.
    public var memsizeChange: Int64 { Int64(bitPattern: tallies[tallies.count - 1].memsize &- tallies[0].memsize) }
    public var countChange: Int { tallies[tallies.count - 1].count - tallies[0].count }
}

/// What `retention diff` found: every object of every dump, IMEMO records included, grouped.
public struct HeapDiffReport: Sendable {
    public var dumps: [String]
    public var grouping: DiffGrouping
    /// What each dump's reading found (lines skipped, truncation), in order.
    public var diagnostics: [LoadDiagnostics]
    /// Whether every later dump holds enough of the first dump's addresses to be the same
    /// process. When not (a before/after-deploy comparison), only counts are compared.
    public var sameProcess: Bool
    /// The smallest share of the first dump's (sampled) addresses found in a later dump.
    public var sharedAddresses: Double
    /// Whether objects were matched by address and generation: the first and last dumps are
    /// traced and of one process. Only then are `new` and `freed` given.
    public var exactIdentity: Bool
    /// All groups, the largest growth in memsize first.
    public var groups: [DiffGroup]
    /// Every object, per dump.
    public var totals: [Tally]
    public var new: Tally?
    public var freed: Tally?
}

/// Compares two dumps or more, group by group.
///
/// Only what each dump needs is kept: per dump its tallies per group, and of the first dump
/// each object's address, identity tag and group (when identity can be exact), to tell which
/// objects of the last dump are new and which of the first were freed. Dumps are read
/// without their references.
///
/// - Complexity: O(V) per dump, expected (hash lookups), plus O(G log G) for G groups.
public enum HeapDiff {
    public static func run(paths: [String], grouping: DiffGrouping, load: LeakDiff.Loader) throws -> HeapDiffReport {
        guard paths.count >= 2 else { throw LeakDiffError.tooFewDumps(paths.count) }
        var slots: [GroupKey: Int] = [:]
        var keys: [GroupKey] = []
        var tallies: [[Tally]] = []          // per group, per dump
        var totals: [Tally] = []
        var diagnostics: [LoadDiagnostics] = []
        var first: FirstDump? = nil
        var sameProcess = true
        var shared = 1.0
        var previousNewest: UInt32? = nil
        var outOfOrder: LeakDiffError? = nil
        var newTallies: [Tally]? = nil, freedTallies: [Tally]? = nil

        for (k, path) in paths.enumerated() {
            let graph = try load(path, false)
            diagnostics.append(graph.diagnostics)
            var assigner = GroupAssigner(graph, grouping.keying)
            var local: [Int] = []            // the assigner's group -> the report's group
            var groupOf = [UInt32](repeating: 0, count: graph.count)
            var total = Tally()
            for i in graph.indices {
                let g = assigner.group(of: i)
                while local.count <= g {
                    let key = assigner.keys[local.count]
                    if let s = slots[key] {
                        local.append(s)
                    } else {
                        slots[key] = keys.count
                        local.append(keys.count)
                        keys.append(key)
                        tallies.append([Tally](repeating: Tally(), count: paths.count))
                    }
                }
                let s = local[g]
                groupOf[i] = UInt32(s)
                tallies[s][k].add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
                total.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
            }
            totals.append(total)
            let newest = graph.generation.lazy.filter { $0 != .max }.max()

            if k == 0 {
                first = FirstDump(graph, groupOf)
            } else if let f = first {
                let share = f.sharedShare(graph)
                shared = min(shared, share)
                if share < LeakDiff.sameProcessThreshold { sameProcess = false }
                if let earlier = previousNewest, let later = newest, later < earlier, outOfOrder == nil {
                    outOfOrder = .outOfOrder(earlier: paths[k - 1], later: path, earlierGeneration: earlier, laterGeneration: later)
                }
                if k == paths.count - 1, sameProcess, f.traced, newest != nil {
                    (newTallies, freedTallies) = f.newAndFreed(graph, groupOf, groups: keys.count)
                }
            }
            previousNewest = newest ?? previousNewest
        }
        // Generations say nothing about order across processes.
        if sameProcess, let outOfOrder { throw outOfOrder }

        let exact = newTallies != nil
        var groups: [DiffGroup] = keys.indices.map { s in
            var g = DiffGroup(key: keys[s], tallies: tallies[s])
            if exact {
                g.new = s < newTallies!.count ? newTallies![s] : Tally()      // Safe because exact means both are set.
                g.freed = s < freedTallies!.count ? freedTallies![s] : Tally()
            }
            if paths.count >= 3 {
                let counts = g.tallies.map(\.count)
                let steps = zip(counts, counts.dropFirst())
                g.trend = steps.allSatisfy { $0 < $1 } ? .growing : steps.allSatisfy { $0 > $1 } ? .shrinking
                    : steps.allSatisfy { $0 == $1 } ? .flat : .mixed
            }
            return g
        }
        groups.sort { a, b in
            let x = (a.memsizeChange, a.countChange), y = (b.memsizeChange, b.countChange)
            return x != y ? x > y : a.key < b.key
        }
        func sum(_ t: [Tally]?) -> Tally? {
            t.map { $0.reduce(into: Tally()) { $0.add($1) } }
        }
        return HeapDiffReport(dumps: paths, grouping: grouping, diagnostics: diagnostics, sameProcess: sameProcess,
                              sharedAddresses: shared, exactIdentity: exact, groups: groups, totals: totals,
                              new: sum(newTallies), freed: sum(freedTallies))
    }
}

/// What a diff keeps of its first dump: each object's address, identity tag, group and sizes
/// (about 36 bytes an object), and a sample of its addresses.
private struct FirstDump {
    let index: AddressIndex
    let tags: [UInt64]
    let group: [UInt32]
    let memsize: [UInt64]
    let bytesize: [UInt64]
    let sample: [UInt64]
    /// Whether the dump traced allocations (then tags carry generations: identity is exact).
    let traced: Bool

    init(_ graph: HeapGraph, _ groupOf: [UInt32]) {
        index = graph.addressIndex
        tags = graph.indices.map { IdentityTag.of(graph, $0) }
        group = groupOf
        memsize = graph.memsize
        bytesize = graph.bytesize
        sample = SnapshotIdentities.sample(graph.address)
        traced = graph.generation.contains { $0 != .max }
    }

    /// The share of the sampled addresses that `graph` holds too (as `LeakDiff`'s same-process check).
    func sharedShare(_ graph: HeapGraph) -> Double {
        guard !sample.isEmpty, graph.count > 0 else { return 1 }
        let other = graph.addressIndex
        let found = sample.reduce(0) { $0 + (other.position(of: $1) != nil ? 1 : 0) }
        return Double(found) / Double(sample.count)
    }

    /// Per group: the objects of `last` that this dump does not hold (new), and this dump's
    /// objects that `last` does not hold (freed).
    ///
    /// - Complexity: O(V) expected.
    func newAndFreed(_ last: HeapGraph, _ lastGroup: [UInt32], groups: Int) -> (new: [Tally], freed: [Tally]) {
        var new = [Tally](repeating: Tally(), count: groups)
        var freed = [Tally](repeating: Tally(), count: groups)
        var kept = [Bool](repeating: false, count: tags.count)
        for i in last.indices {
            if let p = index.position(of: last.address[i]), tags[p] == IdentityTag.of(last, i) {
                kept[p] = true
            } else {
                new[Int(lastGroup[i])].add(memsize: last.memsize[i], bytesize: last.bytesize[i])
            }
        }
        for p in kept.indices where !kept[p] {
            freed[Int(group[p])].add(memsize: memsize[p], bytesize: bytesize[p])
        }
        return (new, freed)
    }
}
