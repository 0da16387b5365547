import GraphModel
import Retention

/// `retention summary` as text and JSON.
enum SummaryReport {
    static func text(_ s: HeapSummary, _ graph: HeapGraph, _ notes: [DumpNote]) -> String {
        let d = graph.diagnostics
        var out: [String] = []
        out.append("Dump: \(Format.label(d.source)) (\(Format.bytes(d.byteCount)) of JSON, \(Format.count(d.lineCount)) lines)")
        out.append("Objects: \(Format.count(s.objects))   References: \(Format.count(s.edges))   Memsize: \(Format.bytes(s.total.memsize))   Bytesize: \(Format.bytes(s.total.bytesize))")
        if s.roots.isEmpty {
            out.append("Roots: none (no ROOT records)")
        } else {
            out.append("Roots: " + s.roots.map { "\($0.category) \(Format.count($0.objects))" }.joined(separator: ", ")
                + "  (objects held per category)")
        }
        out.append(NotesText.unreachable(s.unreachable, noRootsWhy: "no ROOT records"))
        let c = d.counts
        out += versionLines(graph)
        out.append("Not objects: \(Format.count(c.shapeRecords)) SHAPE records, \(Format.count(c.emptySlots)) empty slots (NONE), \(Format.count(c.zombies)) ZOMBIE")
        out.append("")
        out.append(section("Largest types", s.byType, s.typeGroups, first: "TYPE", total: s.total, withMethod: false))
        out.append(section("Largest classes", s.byClass, s.classGroups, first: "CLASS", total: s.total, withMethod: false))
        out.append(section("Largest allocation sites", s.bySite, s.siteGroups, first: "SITE", total: s.total, withMethod: true))
        out.append(section("Largest gems (from the allocation sites' files)", s.byGem, s.gemGroups, first: "GEM", total: s.total, withMethod: false))
        let noteLines = NotesText.section(notes)
        if !noteLines.isEmpty { out += noteLines + [""] }
        return out.joined(separator: "\n")
    }

    /// The Ruby versions the dump's features imply, and the Ruby 4.0+ fields objects folded.
    static func versionLines(_ graph: HeapGraph) -> [String] {
        let d = graph.diagnostics
        var lines = ["Ruby: \(RubyVersionRange(graph))"]
        if d.foldedFields > 0 || d.fieldsWithoutOwner > 0 {
            lines.append("Fields objects (Ruby 4.0+): \(Format.count(d.foldedFields)) folded into their owners, \(Format.count(d.fieldsWithoutOwner)) without an owner (kept)")
        }
        return lines
    }

    /// `ruby_versions` and `fields_objects`: the Ruby versions implied, and the fold's counts.
    static func versionJSON(_ graph: HeapGraph) -> [(String, JSON)] {
        let v = RubyVersionRange(graph)
        let d = graph.diagnostics
        return [
            ("ruby_versions", .object([("lowest", v.lowest.map { .string($0.description) } ?? .null),
                                       ("highest", v.highest.map { .string($0.description) } ?? .null),
                                       ("evidence", .array(v.evidence.map { .string($0.text) })),
                                       ("text", .string(v.description))])),
            ("fields_objects", .object([("folded", .int(d.foldedFields)), ("without_owner", .int(d.fieldsWithoutOwner))])),
        ]
    }

    static func section(_ title: String, _ groups: [SummaryGroup], _ all: Int, first: String, total: Tally, withMethod: Bool) -> String {
        var table = TextTable(headers: [first] + (withMethod ? ["METHOD"] : []) + ["COUNT", "MEMSIZE", "SHARE", "BYTESIZE"],
                              rightAligned: withMethod ? [2, 3, 4, 5] : [1, 2, 3, 4])
        for g in groups {
            var row = [Format.label(Names.group(g.key), width: withMethod ? 44 : 60, keepEnd: withMethod)]
            if withMethod {
                var method: String? = nil
                if case let .site(s) = g.key { method = s?.method }
                row.append(Format.label(method ?? "", width: 16))
            }
            row += [Format.count(g.tally.count), Format.bytes(g.tally.memsize), Format.percent(g.tally.memsize, of: total.memsize),
                    Format.bytes(g.tally.bytesize)]
            table.rows.append(row)
        }
        let shown = groups.count < all ? " (top \(groups.count) of \(Format.count(all)), by memsize)" : " (by memsize)"
        return "\(title)\(shown)\n" + table.render() + "\n"
    }

    /// A summary's or `top`'s group key in JSON: `{"type": …}`, `{"class": …}`, `{"site": {…}}`.
    static func key(_ k: ObjectGroupKey) -> (String, JSON) {
        switch k {
        case let .type(t): return ("type", .string(t.name))
        case let .class(c): return ("class", JSONReport.className(c))
        case let .site(s): return ("site", s.map(JSONReport.site) ?? .null)
        case let .gem(g): return ("gem", JSONReport.gem(g))
        }
    }

    static func json(_ s: HeapSummary, _ graph: HeapGraph, _ notes: [DumpNote]) -> JSON {
        func groups(_ list: [SummaryGroup]) -> JSON {
            .array(list.map { g in .object([key(g.key)] + JSONReport.tally(g.tally)) })
        }
        return .object(JSONReport.header(command: "summary") + [
            ("dump", JSONReport.dump(graph)),
            ("objects", .int(s.objects)),
            ("references", .int(s.edges)),
            ("memsize", .uint(s.total.memsize)),
            ("bytesize", .uint(s.total.bytesize)),
            ("unreachable", s.unreachable.map { .object([("count", .int($0.count)), ("memsize", .uint($0.memsize))]) } ?? .null),
            ("roots", .array(s.roots.map { .object([("category", .string($0.category)), ("records", .int($0.records)), ("objects", .int($0.objects))]) })),
            ("by_type", groups(s.byType)),
            ("by_class", groups(s.byClass)),
            ("by_site", groups(s.bySite)),
            ("by_gem", groups(s.byGem)),
            ("groups", .object([("types", .int(s.typeGroups)), ("classes", .int(s.classGroups)), ("sites", .int(s.siteGroups)),
                                ("gems", .int(s.gemGroups))])),
            ("notes", JSONReport.notes(notes)),
            ("incomplete", .bool(graph.diagnostics.isIncomplete)),
        ] + versionJSON(graph))
    }
}
