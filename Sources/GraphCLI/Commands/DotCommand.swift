import GraphModel
import Retention

/// `retention dot DUMP --class NAME | --site FILE:LINE | --address ADDR`: a picture of how a
/// selection of objects is held.
enum DotCommand {
    static let address = Option.text("--address", valueName: "addr", help: "The object at this address.")
    static let className = Option.text("--class", valueName: "name", help: "Every object of this class.")
    static let site = Option.text("--site", valueName: "file:line", help: "Every object allocated at this file and line.")
    static let output = Option.text("-o", "--output", valueName: "file", kind: .file, help: "Where to write the DOT text (-: standard output).")
    static let maxNodes = Option.integer("--max-nodes", default: DotWriter.defaultMaxNodes, range: 2 ... 100_000, help: "Draw at most n nodes.")

    static let declaration = CommandDeclaration(
        name: "dot",
        abstract: "Draw the merged root paths of a selection of objects as Graphviz DOT.",
        discussion: """
          Objects of the same type, class and allocation site under one parent are drawn as one
          node with their count. Render with: dot -Tsvg retention.dot -o retention.svg
        """,
        synopsis: "<dump>",
        arguments: [CommandDeclaration.dumpArgument],
        exitCodes: [.success, .failure, .incompleteInput, .notFound, .usage],
        options: [address.declaration, className.declaration, site.declaration, output.declaration, maxNodes.declaration] + CommandDeclaration.readingOptions,
        oneOf: ["--address", "--class", "--site"]
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let maxNodes = try args[Self.maxNodes]
        _ = try args.singleDump()  // a usage error before any option is looked at further
        let addressValue = try args[address].map { text throws(UsageError) in try ParsedArguments.address(text) }
        let siteValue = try args[site].map { text throws(UsageError) -> (file: String, line: UInt32) in
            guard let colon = text.lastIndex(of: ":"), let line = UInt32(text[text.index(after: colon)...]) else {
                throw UsageError("'\(text)' is not a site (expected file:line, as the reports print it)")
            }
            return (String(text[..<colon]), line)
        }
        let (option, given) = [address, className, site].lazy.compactMap { o in args.values[o.declaration.key].map { (o.declaration.key, $0) } }.first!
        // Safe because the parser requires exactly one of the three.
        let graph = try LoadDump.load(args)
        let selection = ObjectSelection.select(graph, address: addressValue, className: try args[className], site: siteValue)
        guard !selection.isEmpty else {
            Terminal.error("\(graph.diagnostics.source) has no object \(option == "--address" ? "at" : "of") \(given).")
            return .notFound
        }
        let tree = DominatorTree(graph)
        let merged = MergedPaths(graph, paths: RootPaths(graph), targets: selection, tree: tree)
        var marks = DotWriter.Marks()
        marks.targets = Set(selection.map(\.rawValue))
        let title = "retention dot \(option) \(given): root paths of \(Format.count(selection.count)) object\(selection.count == 1 ? "" : "s") in \(graph.diagnostics.source)"
        try OutputFile.write(DotWriter.render(merged, graph, marks: marks, title: title, maxNodes: maxNodes), to: try args[output] ?? "-")
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }
}
