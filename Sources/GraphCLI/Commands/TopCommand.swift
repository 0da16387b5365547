import GraphModel
import Retention

/// `retention top DUMP`: what retains the most memory.
enum TopCommand {
    static let top = Option.integer("--top", default: 10, help: "Show the n largest of each.")
    static let format = Option<OutputFormat>.choice("--format", default: .text, help: "Output format.")

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
        options: [top.declaration, format.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args[Self.top], format = try args[Self.format]
        let graph = try LoadDump.load(args)
        var clock = PhaseClock()
        let tree = DominatorTree(graph)
        clock.lap("dominator tree")
        let result = TopRetainers(graph, tree, top: top)
        clock.lap("top retainers")
        let notes = DumpNotes.notes(for: graph)
        switch format {
        case .json: print(TopReport.json(result, graph, tree, notes).text)
        case .text: print(TopReport.text(result, graph, tree, notes))
        }
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }
}
