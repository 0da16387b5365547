import GraphModel
import Retention

/// `retention diff` as text and JSON.
enum DiffReport {
    /// How objects were matched, in one sentence.
    static func identityLine(_ r: HeapDiffReport) -> String {
        if !r.sameProcess {
            return "The dumps come from different processes (only \(Format.percentage(r.sharedAddresses)) of the first dump's addresses are in every later one): compared by counts only, no new or freed objects."
        }
        if r.exactIdentity {
            return "Objects matched by address and allocation generation (exact): NEW are in the last dump and not the first, FREED in the first and not the last."
        }
        return "The dumps do not trace allocations: compared by counts only, no new or freed objects."
    }

    static func text(_ r: HeapDiffReport, top: Int) -> String {
        let n = r.dumps.count
        var out: [String] = []
        out.append("Diff of \(n) dumps, grouped by \(r.grouping.rawValue):")
        for (k, d) in r.dumps.enumerated() {
            out.append("  \(k + 1). \(Format.label(d))  \(Format.count(r.totals[k].count)) objects, \(Format.bytes(r.totals[k].memsize))")
        }
        out.append(identityLine(r))
        out.append("")
        let first = r.totals[0], last = r.totals[n - 1]
        var total = "Change: \(Format.signedCount(last.count - first.count)) objects, \(Format.signedBytes(first.memsize, last.memsize))"
        if let new = r.new, let freed = r.freed {
            total += " (\(Format.count(new.count)) new, \(Format.bytes(new.memsize)); \(Format.count(freed.count)) freed, \(Format.bytes(freed.memsize)))"
        }
        out.append(total)
        out.append("")

        let trend = n >= 3
        var headers = ["#", "+MEMSIZE", "+COUNT"]
        for k in 1 ... n { headers += ["COUNT \(k)", "MEMSIZE \(k)"] }
        if r.exactIdentity { headers += ["NEW", "FREED"] }
        if trend { headers.append("TREND") }
        headers.append(r.grouping.rawValue.uppercased())
        var table = TextTable(headers: headers, rightAligned: Set(0 ..< headers.count - (trend ? 2 : 1)))
        table.maxWidth = 100 + 22 * (n - 2)   // a column pair per dump: the names keep their room
        for (k, g) in r.groups.prefix(top).enumerated() {
            var row = [String(k + 1), Format.signedBytes(g.tallies[0].memsize, g.tallies[n - 1].memsize), Format.signedCount(g.countChange)]
            for t in g.tallies { row += [Format.count(t.count), Format.bytes(t.memsize)] }
            if r.exactIdentity { row += [Format.count(g.new?.count ?? 0), Format.count(g.freed?.count ?? 0)] }
            if let t = g.trend { row.append(t.rawValue) }
            row.append(Format.label(Names.group(g.key, r.grouping.keying), width: 70, keepEnd: r.grouping != .class))
            table.rows.append(row)
        }
        let shown = r.groups.count > top ? " (top \(top) of \(Format.count(r.groups.count)))" : ""
        out.append("Groups by growth in memsize, first dump to last\(shown):")
        out.append(table.render())
        out.append("")
        return out.joined(separator: "\n")
    }

    static func json(_ r: HeapDiffReport, top: Int) -> JSON {
        func tally(_ t: Tally?) -> JSON { t.map { .object(JSONReport.tally($0)) } ?? .null }
        func change(_ a: Tally, _ b: Tally) -> JSON {
            .object([("count", .int(b.count - a.count)), ("memsize", .int(Int(clamping: Int64(bitPattern: b.memsize &- a.memsize))))])
        }
        let n = r.dumps.count
        let groups: [JSON] = r.groups.prefix(top).map { g in
            .object([
                ("key", LeaksJSON.key(g.key, r.grouping.keying)),
                ("label", .string(Names.group(g.key, r.grouping.keying))),
                ("tallies", .array(g.tallies.map { .object(JSONReport.tally($0)) })),
                ("change", change(g.tallies[0], g.tallies[n - 1])),
                ("new", tally(g.new)),
                ("freed", tally(g.freed)),
                ("trend", g.trend.map { .string($0.rawValue) } ?? .null),
            ])
        }
        return .object(JSONReport.header(command: "diff") + [
            ("dumps", .array(r.diagnostics.map(JSONReport.dump))),
            ("grouping", .string(r.grouping.rawValue)),
            ("same_process", .bool(r.sameProcess)),
            ("shared_addresses", .double(r.sharedAddresses)),
            ("identity", r.exactIdentity ? .string(IdentityBasis.addressAndGeneration.rawValue) : .null),
            ("identity_text", .string(identityLine(r))),
            ("totals", .array(r.totals.map { .object(JSONReport.tally($0)) })),
            ("change", change(r.totals[0], r.totals[n - 1])),
            ("new", tally(r.new)),
            ("freed", tally(r.freed)),
            ("group_count", .int(r.groups.count)),
            ("groups", .array(groups)),
            ("incomplete", .bool(r.diagnostics.contains(where: \.isIncomplete))),
        ])
    }
}
