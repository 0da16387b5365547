import Foundation
import GraphModel
import Retention

/// `retention leaks DUMP1 DUMP2 DUMP3 [DUMP4 …]`: the three-snapshot diff. Parses the
/// options, runs ``LeakAnalysis``, renders.
enum LeaksCommand {
    enum OutputFormat: String, CaseIterable, Sendable { case text, json, seed }

    static let by = Option<LeakGrouping>.choice("--by", valueName: "grouping", default: .siteAndType,
        help: "Group by site-type (type, file and line, as the classic script; type-class where the dumps have no allocation tracing), site, class, type, type-class or method.")
    static let includeRuntime = Option.flag("--include-runtime",
        help: "Show Ruby's own objects (IMEMO records, allocation tracing's) as groups, not on one Ruby runtime line.")
    static let top = Option.integer("--top", default: 20, help: "Show the n largest groups.")
    static let format = Option<OutputFormat>.choice("--format", default: .text,
        help: "Output format: text, json, or seed (the lines of the classic three-dump script).")
    static let dot = Option.text("--dot", valueName: "file", kind: .file,
        help: "Also write the merged root paths of the top groups' objects as Graphviz DOT (-: standard output, instead of the report).")
    static let maxNodes = Option.integer("--max-nodes", default: DotWriter.defaultMaxNodes, range: 2 ... 100_000,
        help: "Draw at most n nodes in the DOT file.")
    static let failAbove = Option.text("--fail-above", valueName: "size", kind: .size,
        help: "Exit 2 when what leaked retains more than size (10MB, 512kB, 1GiB, or bytes): a CI gate.")
    static let ignore = Option.text("--ignore", valueName: "file", kind: .file,
        help: "Retainers the team accepts, one a line: site GLOB, class NAME, gem NAME or path CLASS>CLASS (# comments). Leaks they match are listed apart, and --fail-above leaves them out. Default: .retention-ignore in the current directory, if there is one.")
    static let pid = Option.text("--pid", valueName: "pid", help: "With a directory: take this process's dumps.")
    static let allPIDs = Option.flag("--all-pids", help: "With a directory: take every process's dumps, in time order.")

    static let declaration = CommandDeclaration(
        name: "leaks",
        abstract: "Find what leaked: objects allocated after DUMP1 that are still alive in DUMP2, DUMP3 and later dumps.",
        discussion: """
          Take the dumps from one process, oldest first, some minutes apart. Objects are matched by
          address and allocation generation (exact), or by address, type and class where the dump has
          no allocation tracing (approximate; the report says so). With four dumps or more, each group
          shows its count in every dump after the first and is marked growing (it rose every time) or
          flat (it stopped: a cache that filled up, not a leak).

          A directory argument takes the dumps named heap-PID-TIME.json in it (as
          Examples/ruby/retention_dumps.rb writes them), one process's, in time order.
        """,
        synopsis: "(<dump1> <dump2> <dump3> [<dump> ...] | <directory>)",
        arguments: [ArgumentDeclaration(name: "dump", help: "Three or more files written by ObjectSpace.dump_all (plain or .gz), oldest first; or one directory of them.")],
        exitCodes: [.success, .failure, .leakAboveLimit, .incompleteInput, .usage],
        options: [by.declaration, includeRuntime.declaration, top.declaration, format.declaration, dot.declaration, maxNodes.declaration, failAbove.declaration, ignore.declaration, pid.declaration, allPIDs.declaration] + CommandDeclaration.readingOptions
    )

    /// Groups that get an accumulation point and its root path in the report.
    static let accumulationLimit = 5

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args[Self.top], format = try args[Self.format]
        let grouping = args.has(by) ? try args[by] : nil
        let maxNodes = try args[Self.maxNodes], dotPath = try args[dot]
        let failAbove = try args[Self.failAbove].map { text throws(UsageError) -> UInt64 in
            guard let size = ByteSize.parse(text) else {
                throw UsageError("The value '\(text)' is invalid for '--fail-above': expected a size such as 10MB, 512kB, 1GiB or a number of bytes")
            }
            return size
        }
        let strict = try args[CommandDeclaration.strict], quiet = try args[CommandDeclaration.quiet]
        try args.require(self.maxNodes, only: dotPath != nil, "applies to the DOT file: give --dot too")
        if dotPath == "-" && args.has(self.format) && format != .text {
            throw UsageError("--dot - writes the picture to standard output, so --format \(format.rawValue) has nowhere to go: give --dot a file")
        }
        let fromDirectory = args.positionals.count == 1 && DumpDirectory.isDirectory(args.positionals[0])
        try args.require(pid, only: fromDirectory, "takes a directory of dumps, not dump files")
        try args.require(allPIDs, only: fromDirectory, "takes a directory of dumps, not dump files")
        if args.has(pid) && args.has(allPIDs) { throw UsageError("Give --pid or --all-pids, not both") }
        var dumps = args.positionals
        if fromDirectory {
            let pid = try args[pid].map { text throws(UsageError) -> Int in
                guard let p = Int(text), p > 0 else { throw UsageError("The value '\(text)' is invalid for '--pid': expected a process id") }
                return p
            }
            do {
                dumps = try DumpDirectory.dumps(in: dumps[0], pid: pid, allPIDs: try args[allPIDs])
            } catch {
                Terminal.error("\(error)")
                return .failure
            }
            if !quiet { Terminal.progressLine("Dumps, oldest first: " + dumps.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")) }
            guard dumps.count >= 3 else {
                Terminal.error("\(args.positionals[0]) holds \(dumps.count) dump\(dumps.count == 1 ? "" : "s") of that process; a leak diff needs three or more. Take more dumps some minutes apart.")
                return .failure
            }
        }
        guard dumps.count >= 3 else {
            throw UsageError("Expected three dumps or more, oldest first (or a directory of them), got \(dumps.count)")
        }
        let rules = try ignoreRules(try args[ignore])
        var incomplete = false
        var report: LeakReport
        do {
            report = try LeakAnalysis.run(paths: dumps, grouping: grouping, includeRuntime: try args[includeRuntime],
                                          accumulationLimit: min(top, accumulationLimit), rules: rules) { path, edges in
                var options = DumpLoader.Options(strict: strict)
                options.edges = edges
                let graph = try LoadDump.load(path, options: options, quiet: quiet)
                incomplete = incomplete || graph.diagnostics.isIncomplete
                return graph
            }
        } catch let e as LeakDiffError {
            Terminal.error("\(e)")
            return .failure
        }
        if fromDirectory {
            let times = dumps.compactMap(DumpDirectory.seconds(ofDump:))
            if times.count == dumps.count { report.dumpTimes = times }
        }
        if !quiet {
            for w in report.warnings { Terminal.warning(NotesText.text(w)) }
        }
        if let dotPath {
            try OutputFile.write(LeaksDot.render(report, top: top, maxNodes: maxNodes), to: dotPath)
        }
        // With --dot -, standard output is the picture alone (so it pipes into dot).
        if dotPath != "-" {
            switch format {
            case .json: print(LeaksJSON.render(report, top: top).text)
            case .seed: print(LeaksSeed.render(report), terminator: "")
            case .text: print(LeaksText.render(report, top: top), terminator: "")
            }
        }
        if let limit = failAbove {
            let gated = report.retention?.gatedRetained ?? report.total.memsize
            let ignored = report.retention.map { $0.ignoredRetained > 0 ? " (\(Format.bytes($0.ignoredRetained)) ignored)" : "" } ?? ""
            let what = report.retention == nil ? "leaked \(Format.bytes(gated)) memsize (no ROOT records, so no retained size)" : "leaked \(Format.bytes(gated)) retained\(ignored)"
            if gated > limit {
                Terminal.error("\(what), limit \(Format.bytes(limit)): above --fail-above (\(gated) > \(limit) bytes).")
                return .leakAboveLimit
            }
            if !quiet { Terminal.progressLine("\(what), limit \(Format.bytes(limit)): within --fail-above.") }
        }
        return incomplete ? .incompleteInput : .success
    }

    /// The rules of `--ignore FILE`, or of `.retention-ignore` in the current directory.
    static func ignoreRules(_ given: String?) throws(UsageError) -> [RetainerRule] {
        let path = given ?? ".retention-ignore"
        guard given != nil || FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw UsageError("cannot read the ignore file \(path)")
        }
        do {
            return try RetainerRules.parse(text, file: path)
        } catch {
            throw UsageError("the ignore file \(error)")
        }
    }
}
