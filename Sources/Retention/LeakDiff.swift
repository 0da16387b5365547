import GraphModel

/// Whether a group kept growing over the dumps (a leak) or stopped (a cache that filled up).
public enum Trend: Sendable {
    case growing
    case flat
}

/// One group of leaked objects.
public struct LeakGroup: Sendable {
    public var key: GroupKey
    public var tally = Tally()
    /// The most common class of the group's objects (`nil`: they have no class in the dump),
    /// and how many other classes there are; `nil` when grouped by class.
    public var mainClass: (name: ClassName?, others: Int)?
    /// Objects of this group allocated after DUMP1 and present in each dump from DUMP2 on
    /// (leaked or not yet freed): what `growing`/`flat` is read from.
    public var series: [Int] = []
    /// With four dumps or more: whether `series` rose at every step.
    public var trend: Trend?
    /// The group's objects, as node indices of the last dump's graph.
    public var members: [ObjectIndex] = []
    /// What would be freed if every object of the group were gone (with ROOT records only).
    public var retainedSize: UInt64?
    public var retainedCount: UInt64?
    /// The long-lived object that holds the group's objects.
    public var accumulation: AccumulationPoint?
    /// The leak it belongs to, as an index into ``LeakReport/clusters``.
    public var cluster: Int?
}

/// What `retention leaks` found.
public struct LeakReport: Sendable {
    public var dumps: [String]
    public var basis: IdentityBasis
    public var grouping: LeakGrouping
    /// Whether `grouping` is the fallback of dumps without allocation tracing (`type-class`,
    /// where no grouping was asked for).
    public var groupingFellBack = false
    /// The newest generation in DUMP1 (about `GC.count` when it was taken), if traced.
    public var firstGeneration: UInt32?
    /// Groups, largest first.
    public var groups: [LeakGroup]
    /// The leaked objects, in groups: Ruby's runtime objects not included (see `runtime`).
    public var total: Tally
    /// Leaked objects that are Ruby's own (``RuntimeObjects``), tallied apart and in no group
    /// unless the diff was asked to include them.
    public var runtime = Tally()
    public var runtimeMembers: [ObjectIndex] = []
    /// Objects allocated before DUMP1 that a later dump (before the last) holds at an address
    /// where DUMP1 has no such object (moved by GC.compact, or missing from DUMP1): never
    /// counted as leaks.
    public var moved = 0
    /// The last dump's graph: later questions (paths, retained sizes) are asked of it.
    public var graph: HeapGraph
    public var warnings: [LeakWarning] = []
    /// For each object of the last dump: whether it was allocated after DUMP1.
    public var isNew: [Bool]
    /// The retention analysis of the last dump; `nil` when it has no ROOT records (a
    /// `since:` dump), and then the groups are ranked by memsize alone.
    public var retention: LeakRetention?
    /// The leaks, largest retained first: groups that accumulate in the same object.
    public var clusters: [LeakCluster] = []
    /// When each dump was taken (seconds since 1970, oldest first), where the caller knows it
    /// (from the dump files' names): growth per hour is read from it.
    public var dumpTimes: [Double]?
}

/// What the leak diff wants its user to know, as data.
public enum LeakWarning: Sendable, Equatable {
    /// DUMP1 has no allocation tracing: objects are matched by address, type and class.
    case untraced(dump: String)
    /// Two consecutive dumps were taken at the same GC count.
    case sameGeneration(earlier: String, later: String, generation: UInt32)
    /// The last dump has no ROOT records: no retained sizes or accumulation points.
    case noRoots(dump: String)
}

/// The retention side of a leak report: the last dump's dominator tree and root paths, and
/// what the leaked objects retain together.
public struct LeakRetention: Sendable {
    public var tree: DominatorTree
    public var paths: RootPaths
    /// What would be freed if every leaked object were gone, in bytes and objects.
    public var totalRetained: UInt64
    public var totalRetainedCount: UInt64 = 0
    /// What the objects of ignored leaks retain together (0 with none ignored).
    public var ignoredRetained: UInt64 = 0
    /// What the leaked objects outside ignored leaks retain: what `--fail-above` compares.
    public var gatedRetained: UInt64 = 0

    public init(tree: DominatorTree, paths: RootPaths, totalRetained: UInt64) {
        self.tree = tree
        self.paths = paths
        self.totalRetained = totalRetained
        gatedRetained = totalRetained
    }
}

/// Why the dumps cannot be diffed.
public enum LeakDiffError: Error, Sendable, CustomStringConvertible {
    case outOfOrder(earlier: String, later: String, earlierGeneration: UInt32, laterGeneration: UInt32)
    case differentProcesses(first: String, other: String, shared: Double)
    case tooFewDumps(Int)

    public var description: String {
        switch self {
        case let .outOfOrder(earlier, later, e, l):
            return "the dumps are out of order: \(later) was taken at GC count \(l) or later, before \(earlier) (GC count \(e) or later). Give the dumps in the order they were taken, oldest first."
        case let .differentProcesses(first, other, shared):
            return "\(other) does not look like a later dump of the process that wrote \(first): only \(Int((shared * 100).rounded()))% of the objects of \(first) are at addresses \(other) uses. Take all dumps from one process (same pid), without restarting it in between."
        case let .tooFewDumps(n):
            return "a leak diff needs three dumps or more (got \(n)): one before, two after the suspected growth."
        }
    }
}

/// The three-snapshot diff: objects allocated after DUMP1, present in DUMP2 and still alive
/// in every later dump, grouped.
///
/// Only identities are kept of the dumps before the last: DUMP1's become a lookup, DUMP2's
/// new objects become the candidates, and each later dump keeps only the candidates it still
/// holds. Only the last dump is read into a full graph.
///
/// - Complexity: O(V + E) per dump, expected (hash lookups).
public enum LeakDiff {
    /// Reads a dump; `edges` is false for every dump but the last.
    public typealias Loader = (_ path: String, _ edges: Bool) throws -> HeapGraph

    /// Below this share of DUMP1's objects found at the same address, a dump is taken to
    /// come from another process.
    public static let sameProcessThreshold = 0.05

    /// - Parameters:
    ///   - grouping: `nil` for the default: `site-type`, or `type-class` where DUMP1 has no
    ///     allocation tracing (every site would be unknown).
    ///   - includeRuntime: whether Ruby's own objects (``RuntimeObjects``) are groups too.
    public static func run(paths: [String], grouping asked: LeakGrouping?, includeRuntime: Bool = true,
                           load: Loader) throws -> LeakReport {
        guard paths.count >= 3 else { throw LeakDiffError.tooFewDumps(paths.count) }
        var clock = PhaseClock()
        var first = SnapshotIdentities(try load(paths[0], false))
        clock.lap("identities of \(paths[0])")
        let basis: IdentityBasis = first.tracedCount > 0 ? .addressAndGeneration : .addressTypeAndClass
        let grouping = asked ?? (basis == .addressAndGeneration ? .siteAndType : .typeAndClass)
        var warnings: [LeakWarning] = []
        if basis == .addressTypeAndClass { warnings.append(.untraced(dump: paths[0])) }
        var previousNewest = first.newestGeneration
        var previousPath = paths[0]
        var candidates: (index: AddressIndex, tags: [UInt64])? = nil
        var seriesPerDump: [[GroupKey: Int]] = []
        var moved = 0

        for k in 1 ..< paths.count {
            let isLast = k == paths.count - 1
            if isLast && basis == .addressAndGeneration {
                // Keep only what the last dump needs of DUMP1, so its full graph has the room.
                first = first.newestGenerationOnly()
            }
            let graph = try load(paths[k], isLast)
            let snapshotNewest = graph.generation.lazy.filter { $0 != .max }.max()
            if let earlier = previousNewest, let later = snapshotNewest {
                if later < earlier {
                    throw LeakDiffError.outOfOrder(earlier: previousPath, later: paths[k], earlierGeneration: earlier, laterGeneration: later)
                }
                if later == earlier {
                    warnings.append(.sameGeneration(earlier: previousPath, later: paths[k], generation: later))
                }
            }
            try checkSameProcess(first, graph, paths[0], paths[k])

            // Objects allocated after DUMP1.
            var fresh: [Int] = []
            var movedHere = 0
            for i in graph.indices {
                let tag = IdentityTag.of(graph, i)
                let address = graph.address[i]
                if first.contains(address: address, tag: tag) { continue }
                if basis == .addressAndGeneration {
                    let g = graph.generation[i]
                    // Untraced, or older than DUMP1, yet not in DUMP1: it moved; not new.
                    // (Not counted in the last dump, for which only DUMP1's newest objects
                    // are kept.)
                    if g == .max || (first.newestGeneration.map { g < $0 } ?? false) {
                        if !isLast { movedHere += 1 }
                        continue
                    }
                }
                fresh.append(i)
            }
            // Counted per group index, then keyed: one hash of a key per group, not per object.
            var assigner = GroupAssigner(graph, grouping)
            var perGroup: [Int] = []
            for i in fresh {
                let g = assigner.group(of: i)
                if g == perGroup.count { perGroup.append(0) }
                perGroup[g] += 1
            }
            seriesPerDump.append(Dictionary(uniqueKeysWithValues: zip(assigner.keys, perGroup)))

            if let previous = candidates {
                let surviving = fresh.filter { i in
                    guard let p = previous.index.position(of: graph.address[i]) else { return false }
                    return previous.tags[p] == IdentityTag.of(graph, i)
                }
                if isLast {
                    var isNew = [Bool](repeating: false, count: graph.count)
                    for i in fresh { isNew[i] = true }
                    var r = report(paths, basis, grouping, first.newestGeneration, graph, surviving, seriesPerDump, moved, warnings, isNew,
                                   includeRuntime: includeRuntime)
                    r.groupingFellBack = asked == nil && grouping != .siteAndType
                    return r
                }
                candidates = (AddressIndex(surviving.map { graph.address[$0] }), surviving.map { IdentityTag.of(graph, $0) })
            } else {
                candidates = (AddressIndex(fresh.map { graph.address[$0] }), fresh.map { IdentityTag.of(graph, $0) })
            }
            moved = max(moved, movedHere)
            clock.lap("candidates from \(paths[k])")
            previousNewest = snapshotNewest ?? previousNewest
            previousPath = paths[k]
        }
        fatalError("unreachable: the last dump returns from the loop")
    }

    /// Orders optional class names, `nil` (no class) first.
    static func before(_ a: ClassName?, _ b: ClassName?) -> Bool {
        switch (a, b) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (a?, b?): return a < b
        }
    }

    /// Throws when `graph` holds almost none of DUMP1's addresses (sampled).
    private static func checkSameProcess(_ first: SnapshotIdentities, _ graph: HeapGraph,
                                         _ firstPath: String, _ path: String) throws {
        let sample = first.sampleAddresses
        guard !sample.isEmpty, graph.count > 0 else { return }
        let index = graph.addressIndex
        let shared = sample.reduce(0) { $0 + (index.position(of: $1) != nil ? 1 : 0) }
        let share = Double(shared) / Double(sample.count)
        if share < sameProcessThreshold {
            throw LeakDiffError.differentProcesses(first: firstPath, other: path, shared: share)
        }
    }

    private static func report(_ paths: [String], _ basis: IdentityBasis, _ grouping: LeakGrouping,
                               _ firstGeneration: UInt32?, _ graph: HeapGraph, _ leaked: [Int],
                               _ series: [[GroupKey: Int]], _ moved: Int, _ warnings: [LeakWarning],
                               _ isNew: [Bool], includeRuntime: Bool) -> LeakReport {
        var assigner = GroupAssigner(graph, grouping)
        var runtime = Tally()
        var runtimeMembers: [ObjectIndex] = []
        var groups: [LeakGroup] = []
        var classCounts: [[ClassName?: Int]] = []
        var total = Tally()
        for i in leaked {
            if !includeRuntime && RuntimeObjects.isRuntime(graph, i) {
                runtime.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
                runtimeMembers.append(ObjectIndex(i))
                continue
            }
            let g = assigner.group(of: i)
            while groups.count <= g {
                groups.append(LeakGroup(key: assigner.keys[groups.count]))
                classCounts.append([:])
            }
            groups[g].tally.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
            groups[g].members.append(ObjectIndex(i))
            total.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
            if !grouping.usesClass {
                classCounts[g][graph.classIdentity(of: ObjectIndex(i)), default: 0] += 1
            }
        }
        for g in groups.indices {
            // The most common class; among equals, the first in name order (no class first).
            if let top = classCounts[g].max(by: { a, b in a.value != b.value ? a.value < b.value : Self.before(b.key, a.key) }) {
                groups[g].mainClass = (top.key, classCounts[g].count - 1)
            }
            groups[g].series = series.map { $0[groups[g].key] ?? 0 }
            if groups[g].series.count >= 3 {
                let s = groups[g].series
                groups[g].trend = zip(s, s.dropFirst()).allSatisfy { $0 < $1 } ? .growing : .flat
            }
        }
        groups.sort { a, b in
            (a.tally.memsize, a.tally.count) != (b.tally.memsize, b.tally.count)
                ? (a.tally.memsize, a.tally.count) > (b.tally.memsize, b.tally.count) : a.key < b.key
        }
        var report = LeakReport(dumps: paths, basis: basis, grouping: grouping, firstGeneration: firstGeneration,
                                groups: groups, total: total, moved: moved, graph: graph, warnings: warnings, isNew: isNew)
        report.runtime = runtime
        report.runtimeMembers = runtimeMembers
        return report
    }
}

extension LeakReport {
    /// The leaked objects, Ruby's runtime objects included, tallied under another grouping
    /// (the seed format always groups by type, file and line, whatever `--by` says).
    ///
    /// - Complexity: O(leaked objects).
    public func tallies(by other: LeakGrouping) -> [GroupKey: Tally] {
        var assigner = GroupAssigner(graph, other)
        var perGroup: [Tally] = []  // by the assigner's group index, keyed at the end
        for members in groups.map(\.members) + [runtimeMembers] {
            for m in members {
                let i = m.int
                let k = assigner.group(of: i)
                if k == perGroup.count { perGroup.append(Tally()) }
                perGroup[k].add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
            }
        }
        return Dictionary(uniqueKeysWithValues: zip(assigner.keys, perGroup))
    }
}
