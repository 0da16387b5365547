import GraphModel
import Retention

/// `retention top DUMP`: what retains the most memory.
enum TopCommand {
    static let spec = CommandSpec(
        name: "top",
        abstract: "Show the objects that retain the most memory, and the same by class and by allocation site.",
        usage: "retention top [--top <n>] [--format <text|json>] <dump>",
        discussion: """
          An object's retained size is the memsize of everything it dominates, itself included:
          what a GC would free if the object were gone. A class's or site's total counts only its
          topmost objects (those with no object of the same class or site above them in the
          dominator tree), so nothing is counted twice.
        """,
        arguments: [CommandSpec.dumpArgument],
        options: [OptionSpec(names: ["--top"], valueName: "n", help: "Show the n largest of each (default: 10).")]
            + CommandSpec.common
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args.integer("--top", default: 10)
        let format = try args.choice("--format", ["text", "json"], default: "text")
        let graph = try LoadDump.load(args)
        var clock = PhaseClock()
        let tree = DominatorTree(graph)
        clock.lap("dominator tree")
        let result = TopRetainers(graph, tree, top: top)
        clock.lap("top retainers")
        let notes = DumpNotes.notes(for: graph)
        if format == "json" {
            func groups(_ list: [RetainerGroup], _ key: String) -> JSON {
                .array(list.map { g in
                    .object([
                        (key, key == "site" ? (g.site.map { JSONReport.site($0, graph) } ?? .null) : .string(g.label)),
                        ("retained_size", .uint(g.retainedSize)), ("retained_count", .uint(g.retainedCount)),
                        ("members", .int(g.members)), ("topmost", .int(g.topmost)),
                    ])
                })
            }
            print(JSON.object(JSONReport.header(command: "top") + [
                ("dump", JSONReport.dump(graph)),
                ("objects", .array(result.objects.map { ObjectText.json(ObjectFacts(graph, $0, tree: tree), graph) })),
                ("by_class", groups(result.byClass, "class")),
                ("by_site", groups(result.bySite, "site")),
                ("unreachable", graph.diagnostics.hasRoots
                    ? .object([("count", .int(tree.unreachable.count)), ("memsize", .uint(tree.unreachable.memsize))]) : .null),
                ("notes", JSONReport.notes(notes)),
            ]).text)
        } else {
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
            out.append(unreachableLine(tree, graph))
            if !notes.isEmpty {
                out.append("")
                out.append("Notes")
                for n in notes { out.append("  - " + n.text) }
            }
            print(out.joined(separator: "\n"))
        }
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }

    static func section(_ title: String, _ groups: [RetainerGroup], _ first: String) -> String {
        var table = TextTable(headers: ["RETAINED", "OBJECTS", "MEMBERS", first], rightAligned: [0, 1, 2])
        for g in groups {
            table.rows.append([Format.bytes(g.retainedSize), Format.count(Int(clamping: g.retainedCount)), Format.count(g.members),
                               Format.label(g.label, width: 70, keepEnd: first == "SITE")])
        }
        return title + "\n" + table.render() + "\n"
    }

    static func unreachableLine(_ tree: DominatorTree, _ graph: HeapGraph) -> String {
        guard graph.diagnostics.hasRoots else {
            return "Unreachable: unknown (the dump has no ROOT records, so every object looks unreachable)"
        }
        return "Unreachable (no root reaches them; garbage not yet swept): \(Format.count(tree.unreachable.count)) objects, \(Format.bytes(tree.unreachable.memsize))"
    }
}
