import GraphModel
import Retention

/// `retention leaks` as text: the group table, where the groups accumulate, the totals.
enum LeaksText {
    static func render(_ r: LeakReport, top: Int) -> String {
        var out: [String] = []
        let n = r.dumps.count
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
        out += leaks(r)
        out.append(table(r, top: top))
        let shown = r.groups.prefix(top)
        if shown.count < r.groups.count {
            let hidden = r.groups.count - shown.count
            out.append("(\(hidden) smaller group\(hidden == 1 ? "" : "s") not shown; --top \(r.groups.count) shows all)")
        }
        out.append("")
        if r.retention != nil {
            out.append("RETAINED: what would be freed if all of the group's objects were gone. LEAK: the leak above the group belongs to."
                + (n > 3 ? " DUMPn: objects of the group allocated after DUMP1 and alive in dump n." : " SHARE: of the leaked memsize."))
            out.append("")
        }
        out += dispersed(r, top: top)
        if let line = runtimeLine(r) { out.append(line) }
        let leaks = r.clusters.filter { $0.ignoredBy == nil }.count, ignored = r.clusters.count - leaks
        out.append("Leaked \(Format.count(r.total.count)) objects, \(Format.bytes(r.total.memsize)) (memsize; \(Format.bytes(r.total.bytesize)) bytesize), in \(Format.count(r.groups.count)) groups"
            + (r.retention != nil ? " and \(leaks) leak\(leaks == 1 ? "" : "s")" + (ignored > 0 ? " (and \(ignored) ignored)" : "") : "")
            + (r.retention.map { "; together they retain \(Format.bytes($0.totalRetained))" } ?? ""))
        if r.moved > 0 {
            out.append("(\(Format.count(r.moved)) objects allocated before \(r.dumps[0]) are not at their address in it: moved by GC.compact, or missing from that dump; not counted.)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The group table.
    static func table(_ r: LeakReport, top: Int) -> String {
        let n = r.dumps.count
        let withSeries = n > 3
        let split = r.grouping == .siteAndType
        let retained = r.retention != nil
        // With a column per dump, MEMSIZE, SHARE and BYTESIZE give way (the JSON keeps them;
        // RETAINED stays), so that the table fits 100 columns.
        var headers = ["#"] + (retained ? ["LEAK", "RETAINED"] : []) + ["COUNT"] + (withSeries ? [] : ["MEMSIZE", "SHARE", "BYTESIZE"])
        if withSeries { headers += (2 ... n).map { "DUMP\($0)" } + ["TREND"] }
        headers += split ? ["TYPE", "CLASS", "SITE"] : [r.grouping == .class ? "CLASS" : r.grouping.usesClass ? "GROUP" : "GROUP (class)"]
        let numeric = (retained ? 4 : 2) + (withSeries ? n - 1 : 3)
        var table = TextTable(headers: headers, rightAligned: Set(0 ..< numeric))
        for (k, g) in r.groups.prefix(top).enumerated() {
            var row = [String(k + 1)] + (retained ? [g.cluster.map { String($0 + 1) } ?? "-", g.retainedSize.map(Format.bytes) ?? "?"] : []) + [Format.count(g.tally.count)]
            if !withSeries { row += [Format.bytes(g.tally.memsize), Format.percent(g.tally.memsize, of: r.total.memsize), Format.bytes(g.tally.bytesize)] }
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

    /// The leaks first: each one's holder, what it holds, and its path from a root; the
    /// ignored ones after, in one line each.
    static func leaks(_ r: LeakReport) -> [String] {
        guard r.retention != nil else { return [] }
        let tree = r.retention?.tree
        let kept = r.clusters.enumerated().filter { $0.element.ignoredBy == nil }
        var out: [String] = []
        if kept.isEmpty {
            out += ["No leak accumulates in one object: see the groups below.", ""]
        } else {
            out += ["\(kept.count) leak\(kept.count == 1 ? "" : "s"): the objects the leaked objects accumulate in, each the line to fix.", ""]
        }
        for (c, cluster) in kept {
            out.append("Leak \(c + 1): " + summary(cluster, dumpTimes: r.dumpTimes) + ", held by")
            out.append(ObjectText.line(ObjectFacts(r.graph, cluster.holder, tree: tree)))
            if let path = cluster.path {
                out.append("  root path:")
                out += ObjectText.pathLines(path, r.graph, tree, indent: "    ", limit: 12)
                if RootPaths.isNativeStackPath(path, in: r.graph) {
                    out.append("  (only a native stack slot holds it: a local variable of a running method, or a stale word the GC's conservative scan found)")
                }
            }
            out.append("")
        }
        let ignored = r.clusters.enumerated().filter { $0.element.ignoredBy != nil }
        if !ignored.isEmpty, let retention = r.retention {
            out.append("Ignored (retainers the ignore list accepts; not counted by --fail-above): \(Format.bytes(retention.ignoredRetained)) retained")
            for (c, cluster) in ignored {
                let rule = cluster.ignoredBy.map { "\($0.file):\($0.line)" } ?? ""
                out.append("  Leak \(c + 1) (\(rule)): " + summary(cluster) + ", held by " + ObjectText.line(ObjectFacts(r.graph, cluster.holder, tree: tree)))
            }
            out.append("")
        }
        return out
    }

    /// `2,400 objects in groups #1, #2, 124 kB memsize, retaining 130 kB, +400 objects per dump`
    static func summary(_ c: LeakCluster, dumpTimes: [Double]? = nil) -> String {
        let groups = "group\(c.groups.count == 1 ? "" : "s") " + c.groups.map { "#\($0 + 1)" }.joined(separator: ", ")
        var text = "\(Format.count(c.tally.count)) objects in \(groups), \(Format.bytes(c.tally.memsize)) memsize, retaining \(Format.bytes(c.retainedSize))"
        if let g = c.growthPerDump { text += ", \(g >= 0 ? "+" : "")\(Format.count(Int(g.rounded()))) objects per dump" }
        if let times = dumpTimes, let g = c.growthPerHour(dumpTimes: times) { text += ", \(g >= 0 ? "+" : "")\(Format.count(Int(g.rounded()))) objects per hour" }
        return text
    }

    /// The groups with a holder that is not theirs alone: no single object holds them.
    static func dispersed(_ r: LeakReport, top: Int) -> [String] {
        let tree = r.retention?.tree
        var out: [String] = []
        for (k, g) in r.groups.prefix(top).enumerated() {
            guard let a = g.accumulation, a.isDispersed else { continue }
            if out.isEmpty { out.append("Groups no single object holds (their objects hang off many holders):") }
            out.append("  #\(k + 1): the most common holder holds \(Format.count(a.holds)) of the \(Format.count(a.lookedAt)) objects looked at (\(Format.percent(UInt64(a.holds), of: UInt64(a.lookedAt)))): "
                + ObjectText.line(ObjectFacts(r.graph, a.object, tree: tree)))
        }
        return out.isEmpty ? [] : out + [""]
    }
}
