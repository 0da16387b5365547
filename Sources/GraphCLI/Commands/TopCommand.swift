import GraphModel
import Retention

/// `retention top DUMP`: what retains the most memory.
enum TopCommand {
    static let top = Option.integer("--top", default: 10, help: "Show the n largest of each.")
    enum Format: String, CaseIterable, Sendable { case text, json, folded }
    static let format = Option<Format>.choice("--format", default: .text,
        help: "Output format: text, json, or folded (the dominator tree as folded stacks, one line per path of dominators with its bytes, for flamegraph.pl, speedscope or inferno).")
    static let by = Option<FlameView>.choice("--by", valueName: "frame", default: .object,
        help: "With --format folded: name each dominator by its type, class and site (object), type and class (class), site, or gem (consecutive dominators of one gem are one frame).")
    static let depth = Option.integer("--depth", default: 64, range: 1 ... 10_000,
        help: "With --format folded: cut each path at n dominators; what lies deeper is one frame that says so.")

    static let declaration = CommandDeclaration(
        name: "top",
        abstract: "Show the objects that retain the most memory, and the same by class and by allocation site.",
        discussion: """
          An object's retained size is the memsize of everything it dominates, itself included:
          what a GC would free if the object were gone. A class's or site's total counts only its
          topmost objects (those with no object of the same class or site above them in the
          dominator tree), so nothing is counted twice.
        """,
        synopsis: "<dump>",
        arguments: [CommandDeclaration.dumpArgument],
        exitCodes: [.success, .failure, .incompleteInput, .usage],
        options: [top.declaration, format.declaration, by.declaration, depth.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args[Self.top], format = try args[Self.format], by = try args[Self.by], depth = try args[Self.depth]
        if format != .folded && (args.has(Self.by) || args.has(Self.depth)) {
            throw UsageError("--by and --depth go with --format folded")
        }
        let graph = try LoadDump.load(args)
        var clock = PhaseClock()
        let tree = DominatorTree(graph)
        clock.lap("dominator tree")
        if format == .folded {
            let flame = FlameTree(graph, tree, view: by, maxDepth: depth)
            clock.lap("flame paths")
            var out = ""
            FoldedStacks.write(flame, to: &out)
            print(out, terminator: "")
            return graph.diagnostics.isIncomplete ? .incompleteInput : .success
        }
        let result = TopRetainers(graph, tree, top: top)
        clock.lap("top retainers")
        let notes = DumpNotes.notes(for: graph)
        switch format {
        case .json: print(TopReport.json(result, graph, tree, notes).text)
        case .text, .folded: print(TopReport.text(result, graph, tree, notes))
        }
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }
}
