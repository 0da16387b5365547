import GraphModel
import Retention

/// `retention top` as text and JSON.
enum TopReport {
    /// What no root reaches; `nil` where the dump has no ROOT records to tell.
    static func unreachable(_ tree: DominatorTree, _ graph: HeapGraph) -> Tally? {
        graph.diagnostics.hasRoots ? tree.unreachable : nil
    }

    static func text(_ result: TopRetainers, _ graph: HeapGraph, _ tree: DominatorTree, _ notes: [DumpNote]) -> String {
        var out: [String] = ["Objects that retain the most (\(Format.label(graph.diagnostics.source)))"]
        var table = TextTable(headers: ["#", "RETAINED", "OBJECTS", "OBJECT"], rightAligned: [0, 1, 2])
        table.cutLastColumnAtStart = false
        for (k, o) in result.objects.enumerated() {
            var facts = ObjectFacts(graph, o, tree: tree)
            facts.retainedSize = nil
            table.rows.append([String(k + 1), Format.bytes(tree.retainedSize[o.int]), Format.count(Int(tree.retainedCount[o.int])), ObjectText.line(facts)])
        }
        out.append(table.render())
        out.append("")
        out.append(section("By class (topmost objects of each class)", result.byClass, "CLASS"))
        out.append(section("By allocation site (topmost objects of each site)", result.bySite, "SITE"))
        out.append(section("By gem (topmost objects allocated in each gem's files)", result.byGem, "GEM"))
        out.append(NotesText.unreachable(unreachable(tree, graph), noRootsWhy: "the dump has no ROOT records, so every object looks unreachable"))
        let noteLines = NotesText.section(notes)
        if !noteLines.isEmpty { out += [""] + noteLines }
        return out.joined(separator: "\n")
    }

    static func section(_ title: String, _ groups: [RetainerGroup], _ first: String) -> String {
        var table = TextTable(headers: ["RETAINED", "OBJECTS", "MEMBERS", first], rightAligned: [0, 1, 2])
        for g in groups {
            table.rows.append([Format.bytes(g.retainedSize), Format.count(Int(clamping: g.retainedCount)), Format.count(g.members),
                               Format.label(Names.group(g.key), width: 70, keepEnd: first == "SITE")])
        }
        return title + "\n" + table.render() + "\n"
    }

    static func json(_ result: TopRetainers, _ graph: HeapGraph, _ tree: DominatorTree, _ notes: [DumpNote]) -> JSON {
        func groups(_ list: [RetainerGroup]) -> JSON {
            .array(list.map { g in
                .object([SummaryReport.key(g.key),
                         ("retained_size", .uint(g.retainedSize)), ("retained_count", .uint(g.retainedCount)),
                         ("members", .int(g.members)), ("topmost", .int(g.topmost))])
            })
        }
        return .object(JSONReport.header(command: "top") + [
            ("dump", JSONReport.dump(graph)),
            ("objects", .array(result.objects.map { ObjectText.json(ObjectFacts(graph, $0, tree: tree)) })),
            ("by_class", groups(result.byClass)),
            ("by_site", groups(result.bySite)),
            ("by_gem", groups(result.byGem)),
            ("unreachable", unreachable(tree, graph).map { .object([("count", .int($0.count)), ("memsize", .uint($0.memsize))]) } ?? .null),
            ("notes", JSONReport.notes(notes)),
        ])
    }
}
