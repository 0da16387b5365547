import GraphModel
import Retention

/// `retention leaks --dot`: the merged root paths of the top groups' objects.
enum LeaksDot {
    static func render(_ r: LeakReport, top: Int, maxNodes: Int) -> String {
        let shown = r.groups.prefix(top)
        let targets = shown.flatMap(\.members)
        let merged = MergedPaths(r.graph, paths: r.retention?.paths ?? RootPaths(r.graph), targets: targets, tree: r.retention?.tree)
        var marks = DotWriter.Marks()
        marks.targets = Set(targets.map(\.rawValue))
        marks.holders = Set(shown.compactMap { $0.accumulation?.object.rawValue })
        for (k, c) in r.clusters.enumerated() {
            marks.holderLabels[c.holder.rawValue] = "Leak \(k + 1)" + (c.ignoredBy != nil ? " (ignored)" : "") + ": holds \(Format.count(c.tally.count)) leaked objects"
        }
        let title = "retention leaks: root paths of the top \(shown.count) leak groups (\(Format.count(targets.count)) objects) in \(r.dumps[r.dumps.count - 1])"
        return DotWriter.render(merged, r.graph, marks: marks, title: title, maxNodes: maxNodes)
    }
}
