import GraphModel
import Retention

/// `retention why ADDRESS DUMP`: the retention chain from a root to one object.
enum WhyCommand {
    static let paths = Option.integer("--paths", default: 1, range: 1 ... 100,
        help: "Show up to n different shortest paths, each avoiding a hop of the ones before.")
    static let format = OutputFormat.option
    static let dot = Option.text("--dot", valueName: "file", kind: .file,
        help: "Also write the paths as Graphviz DOT (-: standard output, instead of the report).")
    static let maxNodes = Option.integer("--max-nodes", default: DotWriter.defaultMaxNodes, range: 2 ... 100_000,
        help: "Draw at most n nodes in the DOT file.")

    static let declaration = CommandDeclaration(
        name: "why",
        abstract: "Show why an object is alive: its shortest path from a GC root, and the objects whose freeing would free it.",
        discussion: """
          Each hop shows the object's type, class, address, a short detail (a String's value, a
          Hash's size, an Array's length), where it was allocated and what it retains. The
          dominators are the objects every path from the roots goes through: freeing any one of
          them frees the object.
        """,
        synopsis: "<address> <dump>",
        arguments: [ArgumentDeclaration(name: "address", help: "The object's address, as the dump writes it (0x7f…).", isPath: false),
                    CommandDeclaration.dumpArgument],
        exitCodes: [.success, .failure, .incompleteInput, .notFound, .usage],
        options: [paths.declaration, format.declaration, dot.declaration, maxNodes.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let count = try args[paths], format = try args[Self.format], maxNodes = try args[Self.maxNodes]
        let dotPath = try args[dot]
        try args.require(Self.maxNodes, only: dotPath != nil, "applies to the DOT file: give --dot too")
        if dotPath == "-" && args.has(Self.format) && format != .text {
            throw UsageError("--dot - writes the picture to standard output, so --format \(format.rawValue) has nowhere to go: give --dot a file")
        }
        guard args.positionals.count == 2 else {
            throw UsageError("Expected an address and a dump, got \(args.positionals.count) arguments")
        }
        let address = try ParsedArguments.address(args.positionals[0])
        let graph = try LoadDump.load(args.positionals[1], strict: try args[CommandDeclaration.strict], quiet: try args[CommandDeclaration.quiet])
        let done: ExitCode = graph.diagnostics.isIncomplete ? .incompleteInput : .success
        // A Ruby 4.0+ fields object was folded into its owner: answer for the owner.
        let folded = graph.index(ofAddress: address) == nil && graph.owner(ofFoldedFieldsAt: address) != nil
        guard let object = graph.index(ofAddressOrFoldedInto: address) else {
            Terminal.error("\(graph.diagnostics.source) has no object at \(Names.address(address)). Take the address from this dump (addresses change between dumps), e.g. from `retention leaks --format json` (examples) or `retention top`.")
            return .notFound
        }
        let answer = WhyAnswer(graph, object, paths: count)
        if let dotPath {
            try OutputFile.write(WhyReport.dot(answer, maxNodes: maxNodes), to: dotPath)
            // With --dot -, standard output is the picture alone (so it pipes into dot).
            if dotPath == "-" { return done }
        }
        switch format {
        case .json: print(WhyReport.json(answer, askedAbout: folded ? address : nil).text)
        case .text: print(WhyReport.text(answer, askedAbout: folded ? address : nil))
        }
        return done
    }
}
