import GraphModel
import Retention

/// `retention why ADDRESS DUMP`: the retention chain from a root to one object.
enum WhyCommand {
    static let spec = CommandSpec(
        name: "why",
        abstract: "Show why an object is alive: its shortest path from a GC root, and the objects whose freeing would free it.",
        usage: "retention why [--paths <n>] [--format <text|json>] <address> <dump>",
        discussion: """
          Each hop shows the object's type, class, address, a short detail (a String's value, a
          Hash's size, an Array's length), where it was allocated and what it retains. The
          dominators are the objects every path from the roots goes through: freeing any one of
          them frees the object.
        """,
        arguments: [("address", "The object's address, as the dump writes it (0x7f…)."),
                    CommandSpec.dumpArgument],
        options: [OptionSpec(names: ["--paths"], valueName: "n", help: "Show up to n different shortest paths, each avoiding a hop of the ones before (default: 1)."),
                  OptionSpec(names: ["--dot"], valueName: "file", help: "Also write the paths as Graphviz DOT (-: standard output, instead of the report)."),
                  OptionSpec(names: ["--max-nodes"], valueName: "n", help: "Draw at most n nodes in the DOT file (default: \(DotWriter.defaultMaxNodes)).")]
            + CommandSpec.common
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let count = try args.integer("--paths", default: 1, range: 1 ... 100)
        let format = try args.choice("--format", ["text", "json"], default: "text")
        let maxNodes = try args.integer("--max-nodes", default: DotWriter.defaultMaxNodes, range: 2 ... 100_000)
        guard args.positionals.count == 2 else {
            throw UsageError(message: "Expected an address and a dump, got \(args.positionals.count) arguments")
        }
        guard let address = ObjectText.parseAddress(args.positionals[0]) else {
            throw UsageError(message: "'\(args.positionals[0])' is not an address (expected hex, such as 0x7f4d6f91bd38)")
        }
        let graph = try LoadDump.load(args.positionals[1], strict: args.has("--strict"), quiet: args.has("--quiet"))
        let done: ExitCode = graph.diagnostics.isIncomplete ? .incompleteInput : .success
        // A Ruby 4.0+ fields object was folded into its owner: answer for the owner.
        let foldedOwner = graph.index(ofAddress: address) == nil ? graph.owner(ofFoldedFieldsAt: address) : nil
        guard let object = graph.index(ofAddressOrFoldedInto: address) else {
            Terminal.error("\(graph.diagnostics.source) has no object at 0x\(String(address, radix: 16)). Take the address from this dump (addresses change between dumps), e.g. from `retention leaks --format json` (examples) or `retention top`.")
            return .failure
        }
        let tree = DominatorTree(graph)
        let paths = RootPaths.paths(to: object, in: graph, limit: count)
        let facts = ObjectFacts(graph, object, tree: tree)
        let dominators = tree.dominatorChain(of: object)
        if let dotPath = args.values["--dot"] {
            let merged = MergedPaths(graph, paths: paths.isEmpty ? [(object, nil)] : paths.map { (object, $0) }, tree: tree)
            var marks = DotWriter.Marks()
            marks.targets = [object.rawValue]
            let title = "retention why 0x\(String(address, radix: 16)): \(paths.count) shortest path\(paths.count == 1 ? "" : "s") from the GC roots in \(graph.diagnostics.source)"
            try DotWriter.write(DotWriter.render(merged, graph, marks: marks, title: title, maxNodes: maxNodes), to: dotPath)
            // With --dot -, standard output is the picture alone (so it pipes into dot).
            if dotPath == "-" { return done }
        }
        if format == "json" {
            print(JSON.object(JSONReport.header(command: "why") + [
                ("dump", JSONReport.dump(graph)),
                ("object", ObjectText.json(facts, graph)),
                ("reachable", .bool(tree.isReachable(object))),
                ("paths", .array(paths.map { ObjectText.pathJSON($0, graph, tree) })),
                ("dominators", .array(dominators.map { ObjectText.json(ObjectFacts(graph, $0, tree: tree), graph) })),
                ("notes", JSONReport.notes(DumpNotes.notes(for: graph))),
            ]).text)
            return done
        }
        var out = ["Why is 0x\(String(address, radix: 16)) alive?", "  " + ObjectText.line(facts), ""]
        if foldedOwner != nil {
            out.insert("  (0x\(String(address, radix: 16)) is the IMEMO fields object that holds its ivars, folded into it: Ruby 4.0+)", at: 2)
        }
        if paths.isEmpty { out.append(noRootText(graph)) }
        for (k, path) in paths.enumerated() {
            let hops = path.count - 1
            out.append(paths.count > 1
                ? "Path \(k + 1) of \(paths.count) from a GC root (\(hops) hop\(hops == 1 ? "" : "s")):"
                : "Shortest path from a GC root (\(hops) hop\(hops == 1 ? "" : "s")):")
            out += ObjectText.pathLines(path, graph, tree)
            out.append("")
        }
        if !paths.isEmpty {
            if dominators.isEmpty {
                out.append("No single object dominates it: it is held by the roots directly, or along several paths that meet only at the roots.")
            } else {
                out.append("Dominators, nearest first (freeing any one of them frees it):")
                for d in dominators.prefix(20) { out.append("  " + ObjectText.line(ObjectFacts(graph, d, tree: tree))) }
                if dominators.count > 20 { out.append("  … and \(Format.count(dominators.count - 20)) more up to the roots (--format json lists all)") }
            }
            out.append("")
        }
        print(out.joined(separator: "\n").trimmingTrailingNewlines)
        return done
    }
}

extension WhyCommand {
    /// Why no path is shown: garbage only where the dump lists (or lets us infer) every root.
    static func noRootText(_ graph: HeapGraph) -> String {
        let garbage = "it is garbage that the next GC frees (the dump was taken between a GC's mark and sweep, or without a GC.start before it)."
        switch FinalizerRoots.status(of: graph) {
        case .noRoots:
            return "The dump has no ROOT records (a since: dump?), so no path from a root can be shown. Take a full ObjectSpace.dump_all."
        case .listed:
            return "No root reaches it: " + garbage
        case .inferred:
            return "No root reaches it, not even the finalizer table (which Ruby 3.4+ leaves out of the roots; retention infers it): " + garbage
        case .unknown:
            return "No root reaches it in the dump. It may be garbage that the next GC frees, or held by a finalizer: Ruby 3.4+ writes no finalizers ROOT (nor global_list or object_id), and this dump does not show which Ruby wrote it."
        }
    }
}

extension String {
    /// The text without the newlines at its end (printing adds exactly one).
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.hasSuffix("\n") { s = s.dropLast() }
        return String(s)
    }
}
