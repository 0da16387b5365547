import Foundation
import GraphModel
import Retention

/// `retention report DUMP [DUMP ...] -o report.html`: one self-contained HTML page of what
/// the other commands find, for looking at and sharing.
enum ReportCommand {
    static let output = Option.text("-o", "--output", valueName: "file", kind: .file,
        help: "Where to write the page (-: standard output). Default: retention-report.html.")
    static let showValues = Option.flag("--show-values",
        help: "Put string values (duplicate strings, object details) in the page. Off by default: dumps carry the app's secrets.")
    static let top = Option.integer("--top", default: 200, range: 1 ... 10_000,
        help: "Put the n largest leak or diff groups in the page's table.")

    static let declaration = CommandDeclaration(
        name: "report",
        abstract: "Write one self-contained HTML page: the leaks (three dumps or more) or the diff (two), the dominator tree as an icicle, a retainer tree, the top retainers and the waste.",
        discussion: """
          The page has no network access of any kind (its Content-Security-Policy forbids it),
          opens from disk in any current browser, and prints. What it shows is aggregated
          before it is written (the largest objects and groups, dominator subtrees of less
          than 0.1% of the heap folded), so it stays small whatever the dump; the page says
          what was folded. Everything from the dump is shown as text, never as markup.
        """,
        synopsis: "<dump> [<dump> ...]",
        arguments: [ArgumentDeclaration(name: "dump", help: "Dumps written by ObjectSpace.dump_all (plain or .gz), oldest first; the last is the one the icicle, retainers, top and waste describe.")],
        exitCodes: [.success, .failure, .incompleteInput, .usage],
        options: [output.declaration, showValues.declaration, top.declaration] + CommandDeclaration.readingOptions
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let dumps = args.positionals
        guard !dumps.isEmpty else { throw UsageError("Missing expected argument '<dump>'") }
        if dumps.dropLast().contains("-") { throw UsageError("Only the last dump can be standard input (-)") }
        let path = try args[output] ?? "retention-report.html"
        let show = try args[showValues], top = try args[Self.top]
        let strict = try args[CommandDeclaration.strict], quiet = try args[CommandDeclaration.quiet]
        var incomplete = false
        var clock = PhaseClock()
        // Every dump is read once; the last one with its references and values (the waste
        // needs the values; they are forgotten before the page is written, unless asked for).
        var loaded = 0
        var last: HeapGraph? = nil
        let load: LeakDiff.Loader = { dumpPath, edges in
            loaded += 1
            var options = DumpLoader.Options(strict: strict)
            let isLast = loaded == dumps.count
            options.edges = edges || isLast
            options.values = isLast
            let graph = try LoadDump.load(dumpPath, options: options, quiet: quiet)
            incomplete = incomplete || graph.diagnostics.isIncomplete
            if isLast { last = graph }
            return graph
        }
        var content = HTMLReport.Content(dumps: dumps, showValues: show)
        var leaks: LeakReport? = nil
        do {
            if dumps.count >= 3 {
                leaks = try LeakAnalysis.run(paths: dumps, grouping: nil, accumulationLimit: 20, load: load)
                if !quiet { for w in leaks?.warnings ?? [] { Terminal.warning(NotesText.text(w)) } }
            } else if dumps.count == 2 {
                let diff = try HeapDiff.run(paths: dumps, grouping: .class, load: load)
                if !quiet, !diff.sameProcess { Terminal.warning(DiffReport.identityLine(diff)) }
                content.diff = DiffReport.json(diff, top: top)
            } else {
                _ = try load(dumps[0], true)
            }
        } catch let e as LeakDiffError {
            Terminal.error("\(e)")
            return .failure
        }
        clock.lap("dumps and their analysis")
        guard var graph = leaks?.graph ?? last else { return .failure }
        last = nil
        content.waste = WasteReport.json(HeapWaste(graph, grouping: .site), graph, top: 25, showValues: show)
        if !show {
            graph.forgetValues()
            leaks?.graph = graph
        }
        clock.lap("waste")
        if let leaks { content.leaks = LeaksJSON.render(leaks, top: top) }
        var starts: [(ObjectIndex, String)] = []
        if let leaks {
            starts += leaks.clusters.enumerated().map { ($0.element.holder, "holder of leak \($0.offset + 1)") }
            for (k, g) in leaks.groups.prefix(20).enumerated() {
                if let m = g.members.first { starts.append((m, "an object of group \(k + 1)")) }
            }
        }
        content.add(graph: graph, reusing: leaks?.retention.map { ($0.tree, $0.paths) }, starts: starts)
        leaks = nil
        clock.lap("icicle, retainers and top")
        let page = HTMLReport.page(content)
        clock.lap("page")
        do {
            try OutputFile.write(page, to: path)
        } catch {
            Terminal.error("\(error)")
            return .failure
        }
        if !quiet && path != "-" {
            Terminal.progressLine("Wrote \(path) (\(Format.bytes(UInt64(page.utf8.count)))); open it in a browser.")
        }
        return incomplete ? .incompleteInput : .success
    }
}
