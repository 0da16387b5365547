import GraphModel
import Retention

/// `retention dot DUMP --class NAME | --site FILE:LINE | --address ADDR`: a picture of how a
/// selection of objects is held.
enum DotCommand {
    static let spec = CommandSpec(
        name: "dot",
        abstract: "Draw the merged root paths of a selection of objects as Graphviz DOT.",
        usage: "retention dot (--address <addr> | --class <name> | --site <file:line>) [--output <file>] [--max-nodes <n>] <dump>",
        discussion: """
          Objects of the same type, class and allocation site under one parent are drawn as one
          node with their count. Render with: dot -Tsvg retention.dot -o retention.svg
        """,
        arguments: [CommandSpec.dumpArgument],
        options: [
            OptionSpec(names: ["--address"], valueName: "addr", help: "The object at this address."),
            OptionSpec(names: ["--class"], valueName: "name", help: "Every object of this class."),
            OptionSpec(names: ["--site"], valueName: "file:line", help: "Every object allocated at this file and line."),
            OptionSpec(names: ["-o", "--output"], valueName: "file", help: "Where to write the DOT text (default: - for standard output)."),
            OptionSpec(names: ["--max-nodes"], valueName: "n", help: "Draw at most n nodes (default: \(DotWriter.defaultMaxNodes))."),
            OptionSpec(names: ["--strict"], valueName: nil, help: "Fail on any line that is not valid JSON, even one that could be recovered."),
            OptionSpec(names: ["-q", "--quiet"], valueName: nil, help: "No progress or warnings on standard error."),
            OptionSpec(names: ["-h", "--help"], valueName: nil, help: "Show help information."),
        ]
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let maxNodes = try args.integer("--max-nodes", default: DotWriter.defaultMaxNodes, range: 2 ... 100_000)
        let selections = ["--address", "--class", "--site"].filter { args.values[$0] != nil }
        guard selections.count == 1 else {
            throw UsageError(message: selections.isEmpty ? "Say what to draw: --address, --class or --site" : "Give one of --address, --class and --site, not \(selections.joined(separator: " and "))")
        }
        _ = try args.singleDump()  // a usage error before any option is looked at further
        var address: UInt64? = nil
        if let text = args.values["--address"] {
            guard let a = ObjectText.parseAddress(text) else { throw UsageError(message: "'\(text)' is not an address (expected hex, such as 0x7f4d6f91bd38)") }
            address = a
        }
        var site: (file: String, line: UInt32)? = nil
        if let text = args.values["--site"] {
            guard let colon = text.lastIndex(of: ":"), let line = UInt32(text[text.index(after: colon)...]) else {
                throw UsageError(message: "'\(text)' is not a site (expected file:line, as the reports print it)")
            }
            site = (String(text[..<colon]), line)
        }
        let graph = try LoadDump.load(args)
        let selection = ObjectSelection.select(graph, address: address, className: args.values["--class"], site: site)
        guard !selection.isEmpty else {
            Terminal.error("\(graph.diagnostics.source) has no object \(selections[0] == "--address" ? "at" : "of") \(args.values[selections[0]]!).")
            return .failure
        }
        let tree = DominatorTree(graph)
        let merged = MergedPaths(graph, paths: RootPaths(graph), targets: selection, tree: tree)
        var marks = DotWriter.Marks()
        marks.targets = Set(selection.map(\.rawValue))
        let title = "retention dot \(selections[0]) \(args.values[selections[0]]!): root paths of \(Format.count(selection.count)) object\(selection.count == 1 ? "" : "s") in \(graph.diagnostics.source)"
        try DotWriter.write(DotWriter.render(merged, graph, marks: marks, title: title, maxNodes: maxNodes), to: args.values["--output"] ?? "-")
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }
}
