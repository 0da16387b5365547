import Foundation
import GraphModel
import Retention

/// `retention leaks DUMP1 DUMP2 DUMP3 [DUMP4 …]`: the three-snapshot diff.
enum LeaksCommand {
    static let spec = CommandSpec(
        name: "leaks",
        abstract: "Find what leaked: objects allocated after DUMP1 that are still alive in DUMP2, DUMP3 and later dumps.",
        usage: "retention leaks [--by <grouping>] [--top <n>] [--format <text|json|seed>] [--fail-above <size>] (<dump1> <dump2> <dump3> [<dump> ...] | <directory>)",
        discussion: """
          Take the dumps from one process, oldest first, some minutes apart. Objects are matched by
          address and allocation generation (exact), or by address, type and class where the dump has
          no allocation tracing (approximate; the report says so). With four dumps or more, each group
          shows its count in every dump after the first and is marked growing (it rose every time) or
          flat (it stopped: a cache that filled up, not a leak).

          A directory argument takes the dumps named heap-PID-TIME.json in it (as
          Examples/ruby/retention_dumps.rb writes them), one process's, in time order.

          EXIT CODES: 0 success; 1 a dump could not be read or the dumps cannot be diffed;
          2 --fail-above was exceeded (the report is printed); 3 the report is printed but part
          of a dump could not be read; 64 the command line was wrong.
        """,
        arguments: [("dump", "Three or more files written by ObjectSpace.dump_all (plain or .gz), oldest first; or one directory of them.")],
        options: [
            OptionSpec(names: ["--by"], valueName: "grouping", help: "Group by site-type (default: type, file and line, as the classic script), site, class, type or method."),
            OptionSpec(names: ["--top"], valueName: "n", help: "Show the n largest groups (default: 20)."),
            OptionSpec(names: ["--format"], valueName: "text|json|seed", help: "Output format (default: text). seed prints the lines of the classic three-dump script."),
            OptionSpec(names: ["--dot"], valueName: "file", help: "Also write the merged root paths of the top groups' objects as Graphviz DOT (-: standard output, instead of the report)."),
            OptionSpec(names: ["--max-nodes"], valueName: "n", help: "Draw at most n nodes in the DOT file (default: \(DotWriter.defaultMaxNodes))."),
            OptionSpec(names: ["--fail-above"], valueName: "size", help: "Exit 2 when what leaked retains more than size (10MB, 512kB, 1GiB, or bytes): a CI gate."),
            OptionSpec(names: ["--pid"], valueName: "pid", help: "With a directory: take this process's dumps."),
            OptionSpec(names: ["--all-pids"], valueName: nil, help: "With a directory: take every process's dumps, in time order."),
        ] + CommandSpec.common.filter { $0.names != ["--format"] }
    )

    static func run(_ args: ParsedArguments) throws -> ExitCode {
        let top = try args.integer("--top", default: 20)
        let format = try args.choice("--format", ["text", "json", "seed"], default: "text")
        let byName = try args.choice("--by", LeakGrouping.allCases.map(\.rawValue), default: LeakGrouping.siteAndType.rawValue)
        let grouping = LeakGrouping(rawValue: byName)!  // Safe because choice() accepted only these names.
        var failAbove: UInt64? = nil
        if let text = args.values["--fail-above"] {
            guard let size = ByteSize.parse(text) else {
                throw UsageError(message: "The value '\(text)' is invalid for '--fail-above': expected a size such as 10MB, 512kB, 1GiB or a number of bytes")
            }
            failAbove = size
        }
        let strict = args.has("--strict"), quiet = args.has("--quiet")
        var dumps = args.positionals
        if dumps.count == 1, DumpDirectory.isDirectory(dumps[0]) {
            let pid = try args.values["--pid"].map { text throws(UsageError) -> Int in
                guard let p = Int(text), p > 0 else { throw UsageError(message: "The value '\(text)' is invalid for '--pid': expected a process id") }
                return p
            }
            do {
                dumps = try DumpDirectory.dumps(in: dumps[0], pid: pid, allPIDs: args.has("--all-pids"))
            } catch {
                Terminal.error("\(error)")
                return .failure
            }
            if !quiet { Terminal.errorLine("Dumps, oldest first: " + dumps.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")) }
            guard dumps.count >= 3 else {
                Terminal.error("\(args.positionals[0]) holds \(dumps.count) dump\(dumps.count == 1 ? "" : "s") of that process; a leak diff needs three or more. Take more dumps some minutes apart.")
                return .failure
            }
        }
        guard dumps.count >= 3 else {
            throw UsageError(message: "Expected three dumps or more, oldest first (or a directory of them), got \(dumps.count)")
        }
        let maxNodes = try args.integer("--max-nodes", default: DotWriter.defaultMaxNodes, range: 2 ... 100_000)
        var incomplete = false
        var report: LeakReport
        do {
            report = try LeakDiff.run(paths: dumps, grouping: grouping) { path, edges in
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
        if !quiet {
            for w in report.warnings { Terminal.warning(w) }
        }
        var tree: DominatorTree? = nil
        var rootPaths: RootPaths? = nil
        if report.graph.diagnostics.hasRoots {
            var clock = PhaseClock()
            let (dominators, paths) = DominatorTree.withRootPaths(report.graph)
            clock.lap("dominator tree and root paths")
            report.addRetention(tree: dominators, paths: paths, limit: min(top, accumulationLimit))
            clock.lap("group retention")
            tree = dominators
            rootPaths = paths
        } else if !quiet {
            Terminal.warning("\(report.dumps.last!) has no ROOT records (a since: dump?): groups are ranked by memsize, without retained sizes or accumulation points.")
        }
        if let dotPath = args.values["--dot"] {
            let shown = report.groups.prefix(top)
            let targets = shown.flatMap { $0.members.map { ObjectIndex(rawValue: $0) } }
            let merged = MergedPaths(report.graph, paths: rootPaths ?? RootPaths(report.graph), targets: targets, tree: tree)
            var marks = DotWriter.Marks()
            marks.targets = Set(targets.map(\.rawValue))
            marks.holders = Set(shown.compactMap { $0.accumulation?.object.rawValue })
            let title = "retention leaks: root paths of the top \(shown.count) leak groups (\(Format.count(targets.count)) objects) in \(report.dumps.last!)"
            try DotWriter.write(DotWriter.render(merged, report.graph, marks: marks, title: title, maxNodes: maxNodes), to: dotPath)
        }
        // With --dot -, standard output is the picture alone (so it pipes into dot).
        if args.values["--dot"] != "-" {
            switch format {
            case "json": print(json(report, top: top, tree: tree).text)
            case "seed": print(seed(report), terminator: "")
            default: print(text(report, top: top, tree: tree), terminator: "")
            }
        }
        if let limit = failAbove {
            let leaked = report.totalRetained ?? report.total.memsize
            let what = report.totalRetained == nil ? "leaked memsize (no ROOT records, so no retained size)" : "what leaked retains"
            if leaked > limit {
                Terminal.errorLine("retention: \(what) is \(Format.bytes(leaked)) (\(leaked) bytes), above --fail-above \(Format.bytes(limit)).")
                return .leakAboveLimit
            }
            if !quiet { Terminal.errorLine("retention: \(what) is \(Format.bytes(leaked)), within --fail-above \(Format.bytes(limit)).") }
        }
        return incomplete ? .incompleteInput : .success
    }

    // MARK: Text

    /// Groups that get an accumulation point and its root path in the report.
    static let accumulationLimit = 5

    static func text(_ r: LeakReport, top: Int, tree: DominatorTree?) -> String {
        var out: [String] = []
        let n = r.dumps.count
        let gen = r.firstGeneration.map { " (newest allocation at GC count \($0))" } ?? ""
        out.append("Leak candidates: objects allocated after \(r.dumps[0])\(gen),")
        out.append("present in \(r.dumps[1]) and still alive in \(n > 3 ? "every later dump up to " : "")\(r.dumps[n - 1]).")
        out.append(r.basis == .addressAndGeneration
            ? "Objects matched by address and allocation generation (exact)."
            : "Objects matched by address, type and class: APPROXIMATE, the dumps have no allocation tracing.")
        out.append("")
        if r.groups.isEmpty {
            out.append("Nothing leaked: no object allocated after \(r.dumps[0]) is alive in all later dumps.")
            return out.joined(separator: "\n") + "\n"
        }
        let withSeries = n > 3
        let split = r.grouping == .siteAndType
        let retained = r.retentionComputed
        // With a column per dump, SHARE and BYTESIZE give way (the JSON keeps them).
        var headers = ["#"] + (retained ? ["RETAINED"] : []) + ["COUNT", "MEMSIZE"] + (withSeries ? [] : ["SHARE", "BYTESIZE"])
        if withSeries { headers += (2 ... n).map { "DUMP\($0)" } + ["TREND"] }
        headers += split ? ["TYPE", "CLASS", "SITE"] : [r.grouping == .class ? "CLASS" : "GROUP (class)"]
        let numeric = (retained ? 4 : 3) + (withSeries ? n - 1 : 2)
        var table = TextTable(headers: headers, rightAligned: Set(0 ..< numeric))
        let shown = r.groups.prefix(top)
        for (k, g) in shown.enumerated() {
            var row = [String(k + 1)] + (retained ? [g.retainedSize.map(Format.bytes) ?? "?"] : []) + [Format.count(g.tally.count), Format.bytes(g.tally.memsize)]
            if !withSeries { row += [Format.percent(g.tally.memsize, of: r.total.memsize), Format.bytes(g.tally.bytesize)] }
            if withSeries { row += g.series.map(Format.count) + [g.trend?.rawValue ?? ""] }
            if split {
                let classLabel = (g.className ?? "") + (g.otherClasses > 0 ? " +\(g.otherClasses)" : "")
                var site = g.key.file ?? ""
                if let line = g.key.line, line > 0 { site += ":\(line)" }
                row += [g.key.type ?? "", Format.label(classLabel, width: 24), Format.label(site)]
            } else {
                row.append(Format.label(groupLabel(g)))
            }
            table.rows.append(row)
        }
        out.append(table.render(indent: ""))
        if shown.count < r.groups.count {
            let hidden = r.groups.count - shown.count
            out.append("(\(hidden) smaller group\(hidden == 1 ? "" : "s") not shown; --top \(r.groups.count) shows all)")
        }
        out.append("")
        if retained {
            out.append("RETAINED: what would be freed if all of the group's objects were gone." + (withSeries ? " DUMPn: objects of the group allocated after DUMP1 and alive in dump n." : " SHARE: of the leaked memsize."))
            out.append("")
        }
        // Groups held through the same object are listed under it, in rank order.
        var points: [(point: AccumulationPoint, groups: [Int], holds: Int, lookedAt: Int)] = []
        for (k, g) in r.groups.prefix(top).enumerated() {
            guard let a = g.accumulation else { continue }
            if let p = points.firstIndex(where: { $0.point.object == a.object }) {
                points[p].groups.append(k + 1)
                points[p].holds += a.holds
                points[p].lookedAt += a.lookedAt
            } else {
                points.append((a, [k + 1], a.holds, a.lookedAt))
            }
        }
        if !points.isEmpty {
            out.append("Where they accumulate (the long-lived objects the leaked objects are held through):")
            for p in points {
                out.append("")
                out.append(ObjectText.line(ObjectFacts(r.graph, p.point.object, tree: tree)))
                let share = p.holds == p.lookedAt ? "all \(Format.count(p.lookedAt))" : "\(Format.count(p.holds)) of \(Format.count(p.lookedAt))"
                out.append("  holds group\(p.groups.count == 1 ? "" : "s") \(p.groups.map { "#\($0)" }.joined(separator: ", ")) (\(share) objects looked at)")
                if let path = p.point.path {
                    out.append("  root path:")
                    out += ObjectText.pathLines(path, r.graph, tree, indent: "    ", limit: 12)
                }
            }
            out.append("")
        }
        out.append("Leaked \(Format.count(r.total.count)) objects, \(Format.bytes(r.total.memsize)) (memsize; \(Format.bytes(r.total.bytesize)) bytesize), in \(Format.count(r.groups.count)) groups"
            + (r.totalRetained.map { "; together they retain \(Format.bytes($0))" } ?? ""))
        if r.moved > 0 {
            out.append("(\(Format.count(r.moved)) objects allocated before \(r.dumps[0]) are not at their address in it: moved by GC.compact, or missing from that dump; not counted.)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func groupLabel(_ g: LeakGroup) -> String {
        var label = g.key.label
        if let c = g.className, g.key.className == nil {
            label += " (\(c)\(g.otherClasses > 0 ? " +\(g.otherClasses) more" : ""))"
        }
        return label
    }

    // MARK: Seed

    /// The lines of the classic three-dump script (`Leaked N TYPE objects of size B/M at:
    /// file:line`, by count, then `Total Size: B/M`), over retention's own leak set.
    static func seed(_ r: LeakReport) -> String {
        var seedGroups = r.tallies(by: .siteAndType).map { (key: $0.key, tally: $0.value) }
        seedGroups.sort { ($0.tally.count, $1.key) > ($1.tally.count, $0.key) }
        var out = ""
        for g in seedGroups {
            let file = g.key.file == "(no allocation site)" ? "" : g.key.file ?? ""
            let line = g.key.line.map { $0 == 0 ? "" : String($0) } ?? ""
            out += "Leaked \(g.tally.count) \(g.key.type ?? "") objects of size \(g.tally.bytesize)/\(g.tally.memsize) at: \(file):\(line)\n"
        }
        out += "\n\nTotal Size: \(r.total.bytesize)/\(r.total.memsize)\n"
        return out
    }

    // MARK: JSON

    static func json(_ r: LeakReport, top: Int, tree: DominatorTree?) -> JSON {
        let graph = r.graph
        func key(_ k: GroupKey) -> JSON {
            var pairs: [(String, JSON)] = []
            if let t = k.type { pairs.append(("type", .string(t))) }
            if let c = k.className { pairs.append(("class", .string(c))) }
            if k.file != nil || k.line != nil || k.method != nil {
                pairs.append(("site", .object([
                    ("file", k.file.map { .string($0) } ?? .null),
                    ("line", k.line.map { $0 == 0 ? .null : .int(Int($0)) } ?? .null),
                    ("method", k.method.map { .string($0) } ?? .null),
                ])))
            }
            return .object(pairs)
        }
        let groups: [JSON] = r.groups.prefix(top).map { g in
            let pairs: [(String, JSON)] = [
                ("key", key(g.key)),
                ("label", .string(g.key.label)),
                ("count", .int(g.tally.count)),
                ("memsize", .uint(g.tally.memsize)),
                ("bytesize", .uint(g.tally.bytesize)),
                ("share", .double(r.total.memsize == 0 ? 0 : Double(g.tally.memsize) / Double(r.total.memsize))),
                ("class", g.className.map { .string($0) } ?? .null),
                ("other_classes", .int(g.otherClasses)),
                ("series", .array(g.series.map { .int($0) })),
                ("trend", g.trend.map { .string($0.rawValue) } ?? .null),
                ("examples", .array(g.members.prefix(3).map { JSONReport.address(graph.address[Int($0)]) })),
                ("retained_size", g.retainedSize.map { .uint($0) } ?? .null),
                ("retained_count", g.retainedCount.map { .uint($0) } ?? .null),
                ("accumulation_point", g.accumulation.map { a in
                    .object([
                        ("object", ObjectText.json(ObjectFacts(graph, a.object, tree: tree), graph)),
                        ("holds", .int(a.holds)), ("looked_at", .int(a.lookedAt)),
                        ("root_path", a.path.map { ObjectText.pathJSON($0, graph, tree) } ?? .null),
                    ])
                } ?? .null),
            ]
            return .object(pairs)
        }
        return .object(JSONReport.header(command: "leaks") + [
            ("dumps", .array(r.dumps.map { .string($0) })),
            ("identity", .string(r.basis.rawValue)),
            ("approximate", .bool(r.basis != .addressAndGeneration)),
            ("grouping", .string(r.grouping.rawValue)),
            ("first_generation", r.firstGeneration.map { .int(Int($0)) } ?? .null),
            ("total", .object([("count", .int(r.total.count)), ("memsize", .uint(r.total.memsize)), ("bytesize", .uint(r.total.bytesize)),
                               ("retained_size", r.totalRetained.map { .uint($0) } ?? .null), ("groups", .int(r.groups.count))])),
            ("groups", .array(groups)),
            ("moved", .int(r.moved)),
            ("warnings", .array(r.warnings.map { .string($0) })),
            ("dump", JSONReport.dump(graph)),
            ("notes", JSONReport.notes(DumpNotes.notes(for: graph))),
        ])
    }
}
