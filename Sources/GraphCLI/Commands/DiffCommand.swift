import GraphModel
import Retention

/// `retention diff DUMP_A DUMP_B [DUMP …]`: what grew, group by group. Parses the options, runs
/// ``HeapDiff``, renders.
enum DiffCommand {
    static let by = Option<DiffGrouping>.choice("--by", valueName: "grouping", default: .class,
        help: "Group by class, type, site (file and line), site-type (type, file and line) or gem.")
    static let top = Option.integer("--top", default: 20, help: "Show the n groups that grew the most.")
    static let format = OutputFormat.option

    static let declaration = CommandDeclaration(
        name: "diff",
        abstract: "Compare two dumps or more: what each group of objects holds in each, and what grew.",
        discussion: """
          Every object counts, Ruby's own (IMEMO records) included. Groups are ranked by the growth
          of their memsize from the first dump to the last. Where the dumps come from one process and
          trace allocations, objects are matched by address and generation, and each group says how
          many of its objects are new and how many were freed. Dumps of different processes (before
          and after a deploy) are compared by counts only. With three dumps or more, each group is
          marked growing, shrinking, flat or mixed (by count).
        """,
        synopsis: "<dump1> <dump2> [<dump> ...]",
        arguments: [ArgumentDeclaration(name: "dump", help: "Two or more files written by ObjectSpace.dump_all (plain or .gz), oldest first.")],
        exitCodes: [.success, .failure, .incompleteInput, .usage],
        options: [by.declaration, top.declaration, format.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args[Self.top], format = try args[Self.format], grouping = try args[by]
        let strict = try args[CommandDeclaration.strict], quiet = try args[CommandDeclaration.quiet]
        guard args.positionals.count >= 2 else {
            throw UsageError("Expected two dumps or more, oldest first, got \(args.positionals.count)")
        }
        let report: HeapDiffReport
        do {
            report = try HeapDiff.run(paths: args.positionals, grouping: grouping) { path, edges in
                var options = DumpLoader.Options(strict: strict)
                options.edges = edges
                return try LoadDump.load(path, options: options, quiet: quiet)
            }
        } catch let e as LeakDiffError {
            Terminal.error("\(e)")
            return .failure
        }
        if !quiet, !report.sameProcess { Terminal.warning(DiffReport.identityLine(report)) }
        switch format {
        case .json: print(DiffReport.json(report, top: top).text)
        case .text: print(DiffReport.text(report, top: top), terminator: "")
        }
        return report.diagnostics.contains(where: \.isIncomplete) ? .incompleteInput : .success
    }
}
