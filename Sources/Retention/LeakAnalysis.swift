import GraphModel

/// The whole leak analysis in one call: the diff of the dumps, then, where the last dump has
/// ROOT records, its dominator tree and root paths, each group's retained size and the
/// accumulation points of the first groups. What it returns is complete.
public enum LeakAnalysis {
    /// - Parameters:
    ///   - accumulationLimit: how many of the largest groups get an accumulation point.
    /// - Complexity: the diff's O(V + E) per dump, the dominator tree's, and
    ///   the retained sizes of G ≤ 50 groups (about O(V + E) in all, see
    ///   ``LeakReport/addRetention``).
    ///   - grouping: `nil` for the default (``LeakDiff/run(paths:grouping:includeRuntime:load:)``).
    ///   - includeRuntime: whether Ruby's own objects are groups (else one tally apart).
    ///   - rules: retainers the team accepts: the leaks they match are marked and left out of
    ///     ``LeakRetention/gatedRetained``.
    public static func run(paths: [String], grouping: LeakGrouping?, includeRuntime: Bool = false, accumulationLimit: Int,
                           rules: [RetainerRule] = [], load: LeakDiff.Loader) throws -> LeakReport {
        var report = try LeakDiff.run(paths: paths, grouping: grouping, includeRuntime: includeRuntime, load: load)
        guard report.graph.diagnostics.hasRoots else {
            report.warnings.append(.noRoots(dump: paths[paths.count - 1]))
            return report
        }
        var clock = PhaseClock()
        let (tree, rootPaths) = DominatorTree.withRootPaths(report.graph)
        clock.lap("dominator tree and root paths")
        report.addRetention(tree: tree, paths: rootPaths, limit: accumulationLimit)
        clock.lap("group retention")
        report.addClusters(rules: rules)
        clock.lap("leak clusters")
        #if DEBUG
        report.checkInvariants()
        #endif
        return report
    }
}
