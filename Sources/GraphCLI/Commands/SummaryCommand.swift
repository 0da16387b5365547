import GraphModel
import Retention

/// `retention summary DUMP`: what one dump holds.
enum SummaryCommand {
    static let top = Option.integer("--top", default: 10, help: "Show the n largest groups of each kind.")
    static let format = OutputFormat.option

    static let declaration = CommandDeclaration(
        name: "summary",
        abstract: "Show what a heap dump holds: objects, roots, and the largest types, classes and allocation sites.",
        discussion: """
          Also says what the dump lacks (allocation tracing, ROOT records) and which of its lines
          could not be read.
        """,
        synopsis: "<dump>",
        arguments: [CommandDeclaration.dumpArgument],
        exitCodes: [.success, .failure, .incompleteInput, .usage],
        options: [top.declaration, format.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args[Self.top], format = try args[Self.format]
        // String values are not in a summary: the graph is built without them.
        var options = DumpLoader.Options(strict: try args[CommandDeclaration.strict])
        options.values = false
        let graph = try LoadDump.load(try args.singleDump(), options: options, quiet: try args[CommandDeclaration.quiet])
        let summary = HeapSummary(graph, top: top)
        let notes = DumpNotes.notes(for: graph)
        switch format {
        case .json: print(SummaryReport.json(summary, graph, notes).text)
        case .text: print(SummaryReport.text(summary, graph, notes), terminator: "")
        }
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }
}

/// The output formats of the single-dump commands.
enum OutputFormat: String, CaseIterable, Sendable {
    case text, json

    /// `--format text|json`, as `summary`, `diff`, `waste` and `why` declare it.
    static let option = Option<OutputFormat>.choice("--format", default: .text, help: "Output format.")
}
