import GraphModel
import Retention

/// `retention why` as text, JSON and DOT.
enum WhyReport {
    static func text(_ a: WhyAnswer) -> String {
        let graph = a.graph, tree = a.tree
        var out = ["Why is \(Names.address(graph.address[a.object.int])) alive?", "  " + ObjectText.line(a.facts), ""]
        if a.paths.isEmpty {
            out.append(graph.diagnostics.hasRoots
                ? "No root reaches it: it is garbage that the next GC frees (the dump was taken between a GC's mark and sweep, or without a GC.start before it)."
                : "The dump has no ROOT records (a since: dump?), so no path from a root can be shown. Take a full ObjectSpace.dump_all.")
        }
        for (k, path) in a.paths.enumerated() {
            let hops = path.count - 1
            out.append(a.paths.count > 1
                ? "Path \(k + 1) of \(a.paths.count) from a GC root (\(hops) hop\(hops == 1 ? "" : "s")):"
                : "Shortest path from a GC root (\(hops) hop\(hops == 1 ? "" : "s")):")
            out += ObjectText.pathLines(path, graph, tree)
            out.append("")
        }
        if !a.paths.isEmpty {
            if a.dominators.isEmpty {
                out.append("No single object dominates it: it is held by the roots directly, or along several paths that meet only at the roots.")
            } else {
                out.append("Dominators, nearest first (freeing any one of them frees it):")
                for d in a.dominators.prefix(20) { out.append("  " + ObjectText.line(ObjectFacts(graph, d, tree: tree))) }
                if a.dominators.count > 20 { out.append("  … and \(Format.count(a.dominators.count - 20)) more up to the roots (--format json lists all)") }
            }
            out.append("")
        }
        return out.joined(separator: "\n").trimmingTrailingNewlines
    }

    static func json(_ a: WhyAnswer) -> JSON {
        .object(JSONReport.header(command: "why") + [
            ("dump", JSONReport.dump(a.graph)),
            ("object", ObjectText.json(a.facts)),
            ("reachable", .bool(a.tree.isReachable(a.object))),
            ("paths", .array(a.paths.map { ObjectText.pathJSON($0, a.graph, a.tree) })),
            ("dominators", .array(a.dominators.map { ObjectText.json(ObjectFacts(a.graph, $0, tree: a.tree)) })),
            ("notes", JSONReport.notes(DumpNotes.notes(for: a.graph))),
        ])
    }

    static func dot(_ a: WhyAnswer, maxNodes: Int) -> String {
        let merged = MergedPaths(a.graph, paths: a.paths.isEmpty ? [(a.object, nil)] : a.paths.map { (a.object, $0) }, tree: a.tree)
        var marks = DotWriter.Marks()
        marks.targets = [a.object.rawValue]
        let title = "retention why \(Names.address(a.graph.address[a.object.int])): \(a.paths.count) shortest path\(a.paths.count == 1 ? "" : "s") from the GC roots in \(a.graph.diagnostics.source)"
        return DotWriter.render(merged, a.graph, marks: marks, title: title, maxNodes: maxNodes)
    }
}

extension String {
    /// The text without the newlines at its end (printing adds exactly one).
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.hasSuffix("\n") { s = s.dropLast() }
        return String(s)
    }
}
