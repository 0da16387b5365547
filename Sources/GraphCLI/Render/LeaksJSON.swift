import GraphModel
import Retention

/// `retention leaks --format json`: see docs/json-report.md. A part of a group's key that the
/// dump does not have (no allocation tracing, no class) is `null`.
enum LeaksJSON {
    static func key(_ k: GroupKey, _ grouping: LeakGrouping) -> JSON {
        var pairs: [(String, JSON)] = []
        if let t = k.type { pairs.append(("type", .string(t.name))) }
        if grouping.usesClass { pairs.append(("class", JSONReport.className(k.className))) }
        if grouping.usesSite { pairs.append(("site", JSONReport.site(k.site ?? SourceSite(file: nil, line: nil, method: nil)))) }
        if grouping == .gem { pairs.append(("gem", JSONReport.gem(k.gem))) }
        return .object(pairs)
    }

    static func render(_ r: LeakReport, top: Int) -> JSON {
        let graph = r.graph
        let tree = r.retention?.tree
        let groups: [JSON] = r.groups.prefix(top).map { group($0, r, tree) }
        return .object(JSONReport.header(command: "leaks") + [
            ("dumps", .array(r.dumps.map { .string($0) })),
            ("identity", .string(r.basis.rawValue)),
            ("approximate", .bool(r.basis != .addressAndGeneration)),
            ("grouping", .string(r.grouping.rawValue)),
            ("grouping_fell_back", .bool(r.groupingFellBack)),
            ("first_generation", r.firstGeneration.map { .int(Int($0)) } ?? .null),
            ("total", .object(JSONReport.tally(r.total) + [
                ("retained_size", r.retention.map { .uint($0.totalRetained) } ?? .null),
                ("ignored_retained_size", r.retention.map { .uint($0.ignoredRetained) } ?? .null),
                ("gated_retained_size", r.retention.map { .uint($0.gatedRetained) } ?? .null),
                ("groups", .int(r.groups.count)), ("leaks", .int(r.clusters.count))])),
            ("leaks", .array(r.clusters.enumerated().map { leak($0.offset, $0.element, r, tree) })),
            ("groups", .array(groups)),
            ("runtime", .object(JSONReport.tally(r.runtime))),
            ("moved", .int(r.moved)),
            ("warnings", .array(r.warnings.filter { $0 != .noRoots(dump: r.dumps[r.dumps.count - 1]) }.map { .string(NotesText.text($0)) })),
            ("dump", JSONReport.dump(graph)),
            ("notes", JSONReport.notes(DumpNotes.notes(for: graph))),
        ])
    }

    static func group(_ g: LeakGroup, _ r: LeakReport, _ tree: DominatorTree?) -> JSON {
        let graph = r.graph
        let share: Double = r.total.memsize == 0 ? 0 : Double(g.tally.memsize) / Double(r.total.memsize)
        let examples: [JSON] = g.members.prefix(3).map { JSONReport.address(graph.address[$0.int]) }
        let accumulation: JSON = g.accumulation.map { a in
            JSON.object([
                ("object", ObjectText.json(ObjectFacts(graph, a.object, tree: tree))),
                ("holds", .int(a.holds)), ("looked_at", .int(a.lookedAt)), ("dispersed", .bool(a.isDispersed)),
                ("root_path", a.path.map { ObjectText.pathJSON($0, graph, tree) } ?? .null),
            ])
        } ?? .null
        var pairs: [(String, JSON)] = [("key", key(g.key, r.grouping)), ("label", .string(Names.group(g.key, r.grouping)))]
        pairs += [("count", .int(g.tally.count)), ("memsize", .uint(g.tally.memsize)), ("bytesize", .uint(g.tally.bytesize)), ("share", .double(share))]
        pairs += [("class", g.mainClass.map { JSONReport.className($0.name) } ?? .null), ("other_classes", .int(g.mainClass?.others ?? 0))]
        pairs += [("series", .array(g.series.map { .int($0) })), ("trend", g.trend.map { .string(LeaksText.trendWord($0)) } ?? .null)]
        pairs += [("examples", .array(examples)), ("retained_size", g.retainedSize.map { .uint($0) } ?? .null)]
        pairs += [("retained_count", g.retainedCount.map { .uint($0) } ?? .null), ("accumulation_point", accumulation)]
        pairs.append(("leak", g.cluster.map { .int($0 + 1) } ?? .null))
        return .object(pairs)
    }

    /// A leak: its number, holder and path, its groups (by rank), sizes, growth, and the
    /// ignore rule that matched it (`null`: counted by the gate).
    static func leak(_ k: Int, _ c: LeakCluster, _ r: LeakReport, _ tree: DominatorTree?) -> JSON {
        let ignored: JSON = c.ignoredBy.map { rule in
            JSON.object([("file", .string(rule.file)), ("line", .int(rule.line))])
        } ?? .null
        var pairs: [(String, JSON)] = [("leak", .int(k + 1)), ("holder", ObjectText.json(ObjectFacts(r.graph, c.holder, tree: tree)))]
        pairs.append(("root_path", c.path.map { ObjectText.pathJSON($0, r.graph, tree) } ?? .null))
        pairs.append(("native_stack_only", .bool(c.path.map { RootPaths.isNativeStackPath($0, in: r.graph) } ?? false)))
        pairs.append(("groups", .array(c.groups.map { .int($0 + 1) })))
        pairs += JSONReport.tally(c.tally)
        pairs += [("retained_size", .uint(c.retainedSize)), ("retained_count", .uint(c.retainedCount))]
        pairs += [("series", .array(c.series.map { .int($0) })), ("growth_per_dump", c.growthPerDump.map { .double($0) } ?? .null)]
        pairs.append(("growth_per_hour", r.dumpTimes.flatMap { c.growthPerHour(dumpTimes: $0) }.map { .double($0) } ?? .null))
        pairs.append(("ignored", ignored))
        return .object(pairs)
    }
}
