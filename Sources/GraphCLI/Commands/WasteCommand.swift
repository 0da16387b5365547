import GraphModel
import Retention

/// `retention waste DUMP`: memory that holds nothing new: duplicate strings, and empty and
/// one-element Hashes and Arrays.
enum WasteCommand {
    static let by = Option<WasteGrouping>.choice("--by", valueName: "grouping", default: .site,
        help: "Group the allocation sites of the tables by site (file and line), method (file and method) or gem.")
    static let top = Option.integer("--top", default: 10, help: "Show the n values and groups that waste the most.")
    static let format = OutputFormat.option

    static let declaration = CommandDeclaration(
        name: "waste",
        abstract: "Find memory that could be saved: duplicate strings, and empty and one-element Hashes and Arrays.",
        discussion: """
          Duplicate strings are STRING records of the same value and encoding, interned and shared
          ones included (each copy costs a slot). Ruby writes the value of ASCII-only strings
          only (and, before Ruby 3.4, none for shared strings): the others are counted, not
          compared. Each duplicated value shows its copies, the bytes all but the largest copy
          cost, where the copies were made, and the fix that fits: a frozen literal, the file's
          frozen_string_literal comment, or -str (String#-@).
        """,
        synopsis: "<dump>",
        arguments: [CommandDeclaration.dumpArgument],
        exitCodes: [.success, .failure, .incompleteInput, .usage],
        options: [by.declaration, top.declaration, format.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args[Self.top], format = try args[Self.format], grouping = try args[by]
        // Values, but no references: waste follows no edges.
        var options = DumpLoader.Options(strict: try args[CommandDeclaration.strict])
        options.edges = false
        options.values = true
        let graph = try LoadDump.load(try args.singleDump(), options: options, quiet: try args[CommandDeclaration.quiet])
        var clock = PhaseClock()
        let waste = HeapWaste(graph, grouping: grouping)
        clock.lap("waste")
        switch format {
        case .json: print(WasteReport.json(waste, graph, top: top).text)
        case .text: print(WasteReport.text(waste, graph, top: top), terminator: "")
        }
        return graph.diagnostics.isIncomplete ? .incompleteInput : .success
    }
}
