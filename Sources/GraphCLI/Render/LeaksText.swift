import GraphModel
import Retention

/// `retention leaks` as text: the group table, where the groups accumulate, the totals.
enum LeaksText {
    static func render(_ r: LeakReport, top: Int) -> String {
        var out: [String] = []
        let n = r.dumps.count
        let tree = r.retention?.tree
        let gen = r.firstGeneration.map { " (newest allocation at GC count \($0))" } ?? ""
        out.append("Leak candidates: objects allocated after \(r.dumps[0])\(gen),")
        out.append("present in \(r.dumps[1]) and still alive in \(n > 3 ? "every later dump up to " : "")\(r.dumps[n - 1]).")
        out.append(r.basis == .addressAndGeneration
            ? "Objects matched by address and allocation generation (exact)."
            : "Objects matched by address, type and class: APPROXIMATE, the dumps have no allocation tracing.")
        if r.groupingFellBack { out.append("Grouped by type and class: without allocation tracing every site is unknown.") }
        out.append("")
        if r.groups.isEmpty {
            out.append("Nothing leaked: no object allocated after \(r.dumps[0]) is alive in all later dumps"
                + (r.runtime.count > 0 ? " but Ruby's own." : "."))
            if let line = runtimeLine(r) { out.append(line) }
            return out.joined(separator: "\n") + "\n"
        }
        out.append(table(r, top: top))
        let shown = r.groups.prefix(top)
        if shown.count < r.groups.count {
            let hidden = r.groups.count - shown.count
            out.append("(\(hidden) smaller group\(hidden == 1 ? "" : "s") not shown; --top \(r.groups.count) shows all)")
        }
        out.append("")
        if r.retention != nil {
            out.append("RETAINED: what would be freed if all of the group's objects were gone." + (n > 3 ? " DUMPn: objects of the group allocated after DUMP1 and alive in dump n." : " SHARE: of the leaked memsize."))
            out.append("")
        }
        let points = accumulationPoints(r, top: top)
        if !points.isEmpty {
            out.append("Where they accumulate (the long-lived objects the leaked objects are held through):")
            for p in points {
                out.append("")
                out.append(ObjectText.line(ObjectFacts(r.graph, p.point.object, tree: tree)))
                let share = p.holds == p.lookedAt ? "all \(Format.count(p.lookedAt))" : "\(Format.count(p.holds)) of \(Format.count(p.lookedAt))"
                let groups = "group\(p.groups.count == 1 ? "" : "s") \(p.groups.map { "#\($0)" }.joined(separator: ", "))"
                if p.holds * 2 < p.lookedAt {
                    out.append("  no single object holds \(groups): this, the most common holder, holds \(share) objects looked at (\(Format.percent(UInt64(p.holds), of: UInt64(p.lookedAt))))")
                } else {
                    out.append("  holds \(groups) (\(share) objects looked at)")
                }
                if let path = p.point.path {
                    out.append("  root path:")
                    out += ObjectText.pathLines(path, r.graph, tree, indent: "    ", limit: 12)
                }
            }
            out.append("")
        }
        if let line = runtimeLine(r) { out.append(line) }
        out.append("Leaked \(Format.count(r.total.count)) objects, \(Format.bytes(r.total.memsize)) (memsize; \(Format.bytes(r.total.bytesize)) bytesize), in \(Format.count(r.groups.count)) groups"
            + (r.retention.map { "; together they retain \(Format.bytes($0.totalRetained))" } ?? ""))
        if r.moved > 0 {
            out.append("(\(Format.count(r.moved)) objects allocated before \(r.dumps[0]) are not at their address in it: moved by GC.compact, or missing from that dump; not counted.)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The group table; with a column per dump, SHARE and BYTESIZE give way (the JSON keeps them).
    static func table(_ r: LeakReport, top: Int) -> String {
        let n = r.dumps.count
        let withSeries = n > 3
        let split = r.grouping == .siteAndType
        let retained = r.retention != nil
        var headers = ["#"] + (retained ? ["RETAINED"] : []) + ["COUNT", "MEMSIZE"] + (withSeries ? [] : ["SHARE", "BYTESIZE"])
        if withSeries { headers += (2 ... n).map { "DUMP\($0)" } + ["TREND"] }
        headers += split ? ["TYPE", "CLASS", "SITE"] : [r.grouping == .class ? "CLASS" : r.grouping.usesClass ? "GROUP" : "GROUP (class)"]
        let numeric = (retained ? 4 : 3) + (withSeries ? n - 1 : 2)
        var table = TextTable(headers: headers, rightAligned: Set(0 ..< numeric))
        for (k, g) in r.groups.prefix(top).enumerated() {
            var row = [String(k + 1)] + (retained ? [g.retainedSize.map(Format.bytes) ?? "?"] : []) + [Format.count(g.tally.count), Format.bytes(g.tally.memsize)]
            if !withSeries { row += [Format.percent(g.tally.memsize, of: r.total.memsize), Format.bytes(g.tally.bytesize)] }
            if withSeries { row += g.series.map(Format.count) + [g.trend.map(trendWord) ?? ""] }
            if split {
                let classLabel = g.mainClass.map { Names.className($0.name) + ($0.others > 0 ? " +\($0.others)" : "") } ?? ""
                row += [g.key.type?.name ?? "", Format.label(classLabel, width: 24), Format.label(Names.site(g.key.site))]
            } else {
                row.append(Format.label(groupLabel(g, r.grouping)))
            }
            table.rows.append(row)
        }
        return table.render(indent: "")
    }

    /// The one line that tallies Ruby's own objects, when they were not shown as groups.
    static func runtimeLine(_ r: LeakReport) -> String? {
        guard r.runtime.count > 0 else { return nil }
        return "Ruby runtime: \(Format.count(r.runtime.count)) objects, \(Format.bytes(r.runtime.memsize)) (IMEMO records: inline and call caches, method entries, instruction sequences; and allocation tracing's own objects), not counted above; --include-runtime shows them as groups."
    }

    static func trendWord(_ t: Trend) -> String {
        switch t {
        case .growing: return "growing"
        case .flat: return "flat"
        }
    }

    /// A group's key, with its main class where the key has none: `STRING app.rb:12 (String +2 more)`.
    static func groupLabel(_ g: LeakGroup, _ grouping: LeakGrouping) -> String {
        var label = Names.group(g.key, grouping)
        if let c = g.mainClass {
            label += " (\(Names.className(c.name))\(c.others > 0 ? " +\(c.others) more" : ""))"
        }
        return label
    }

    /// Groups held through the same object, under it, in rank order.
    static func accumulationPoints(_ r: LeakReport, top: Int) -> [(point: AccumulationPoint, groups: [Int], holds: Int, lookedAt: Int)] {
        var points: [(point: AccumulationPoint, groups: [Int], holds: Int, lookedAt: Int)] = []
        for (k, g) in r.groups.prefix(top).enumerated() {
            guard let a = g.accumulation else { continue }
            if let p = points.firstIndex(where: { $0.point.object == a.object }) {
                points[p].groups.append(k + 1)
                points[p].holds += a.holds
                points[p].lookedAt += a.lookedAt
            } else {
                points.append((a, [k + 1], a.holds, a.lookedAt))
            }
        }
        return points
    }
}
