import GraphModel

/// One leak as a user fixes it: the groups whose objects accumulate in the same object.
public struct LeakCluster: Sendable {
    /// The object the groups accumulate in: the line to fix.
    public var holder: ObjectIndex
    /// Its shortest path from a root, root first.
    public var path: [PathStep]?
    /// The groups it holds, as indices into ``LeakReport/groups``, in rank order.
    public var groups: [Int]
    /// The leaked objects of those groups together.
    public var tally = Tally()
    /// What would be freed if all of them were gone.
    public var retainedSize: UInt64 = 0
    public var retainedCount: UInt64 = 0
    /// Its groups' counts added up, per dump from DUMP2 on (see ``LeakGroup/series``).
    public var series: [Int] = []
    /// The first rule of the ignore list that matches it: a retainer the team accepts.
    public var ignoredBy: RetainerRule?

    /// With four dumps or more: the objects it gained per dump, on average, from DUMP2 to
    /// the last dump; `nil` with fewer.
    public var growthPerDump: Double? {
        guard series.count >= 3, let first = series.first, let last = series.last else { return nil }
        return Double(last - first) / Double(series.count - 1)
    }

    /// With the time each dump was taken (seconds, oldest first, one per dump of the report):
    /// the objects it gained per hour from DUMP2 to the last dump; `nil` without times, with
    /// fewer than two counts, or with no time between them.
    public func growthPerHour(dumpTimes times: [Double]) -> Double? {
        guard series.count >= 2, times.count == series.count + 1, let first = series.first, let last = series.last else { return nil }
        let span = times[times.count - 1] - times[1]
        guard span > 0 else { return nil }
        return Double(last - first) / span * 3600
    }
}

extension LeakReport {
    /// Forms the leaks: the groups whose accumulation point is the same object (and held by
    /// it: not ``AccumulationPoint/isDispersed``) make one cluster, ranked by what they retain
    /// together. Matches each cluster against `rules`, and computes what the leaked objects
    /// outside ignored clusters retain.
    ///
    /// - Complexity: the retained sizes of C clusters of several groups, and two more sets
    ///   when a rule matches (`Reachability.retained`: about O(V + E) for up to 64 sets per
    ///   core).
    mutating func addClusters(rules: [RetainerRule]) {
        guard let tree = retention?.tree else { return }
        var clusters: [LeakCluster] = []
        var byHolder: [ObjectIndex: Int] = [:]
        for (k, g) in groups.enumerated() {
            guard let a = g.accumulation, !a.isDispersed else { continue }
            if let c = byHolder[a.object] {
                clusters[c].groups.append(k)
            } else {
                byHolder[a.object] = clusters.count
                clusters.append(LeakCluster(holder: a.object, path: a.path, groups: [k]))
            }
        }
        for c in clusters.indices {
            for k in clusters[c].groups {
                let g = groups[k]
                clusters[c].tally.count += g.tally.count
                clusters[c].tally.memsize &+= g.tally.memsize
                clusters[c].tally.bytesize &+= g.tally.bytesize
                clusters[c].series = clusters[c].series.isEmpty ? g.series : zip(clusters[c].series, g.series).map(+)
            }
            clusters[c].ignoredBy = rules.first { $0.matches(clusters[c], in: self) }
        }
        let ignored = clusters.filter { $0.ignoredBy != nil }.flatMap { $0.groups }
        let ignoredSet = Set(ignored)
        let groups = self.groups
        func members(_ ks: [Int]) -> [ObjectIndex] { ks.flatMap { groups[$0].members } }
        // One search per cluster, but none where the answer is known: a cluster of one group
        // whose retained size is computed, or one that holds every group; and the ignored and
        // gated parts only when something is ignored.
        let all = (size: retention?.totalRetained ?? 0, count: retention?.totalRetainedCount ?? 0)
        var searches: [[ObjectIndex]] = []
        var searchOf: [Int?] = []
        for c in clusters.indices {
            let own = clusters[c].groups
            if own.count == groups.count {
                clusters[c].retainedSize = all.size
                clusters[c].retainedCount = all.count
                searchOf.append(nil)
            } else if own.count == 1, let size = groups[own[0]].retainedSize, let count = groups[own[0]].retainedCount {
                clusters[c].retainedSize = size
                clusters[c].retainedCount = count
                searchOf.append(nil)
            } else {
                searchOf.append(searches.count)
                searches.append(members(own))
            }
        }
        if !ignored.isEmpty {
            searches += [members(ignored), members(groups.indices.filter { !ignoredSet.contains($0) })]
        }
        let retained = Reachability.retained(graph, tree, removing: searches)
        for (c, s) in searchOf.enumerated() {
            guard let s else { continue }
            clusters[c].retainedSize = retained[s].size
            clusters[c].retainedCount = retained[s].count
        }
        if !ignored.isEmpty {
            retention?.ignoredRetained = retained[retained.count - 2].size
            retention?.gatedRetained = retained[retained.count - 1].size
        }
        clusters.sort { a, b in a.retainedSize != b.retainedSize ? a.retainedSize > b.retainedSize : a.groups[0] < b.groups[0] }
        for (c, cluster) in clusters.enumerated() {
            for k in cluster.groups { self.groups[k].cluster = c }
        }
        self.clusters = clusters
    }
}
