import GraphModel
import Retention

/// `retention why` as text, JSON and DOT.
enum WhyReport {
    /// - Parameter folded: the address asked about, when it was a Ruby 4.0+ fields object
    ///   folded into the object answered for.
    static func text(_ a: WhyAnswer, askedAbout folded: UInt64? = nil) -> String {
        let graph = a.graph, tree = a.tree
        var out = ["Why is \(Names.address(folded ?? graph.address[a.object.int])) alive?", "  " + ObjectText.line(a.facts), ""]
        if let folded {
            out.insert("  (\(Names.address(folded)) is the IMEMO fields object that holds its ivars, folded into it: Ruby 4.0+)", at: 2)
        }
        if a.paths.isEmpty { out.append(noRootText(graph)) }
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

    /// Why no path is shown: garbage only where the dump lists (or lets us infer) every root.
    static func noRootText(_ graph: HeapGraph) -> String {
        let garbage = "it is garbage that the next GC frees (the dump was taken between a GC's mark and sweep, or without a GC.start before it)."
        switch FinalizerRoots.status(of: graph) {
        case .noRoots:
            return "The dump has no ROOT records (a since: dump?), so no path from a root can be shown. Take a full ObjectSpace.dump_all."
        case .listed:
            return "No root reaches it: " + garbage
        case .inferred:
            return "No root reaches it, not even the finalizer table (which Ruby 3.4+ leaves out of the roots; retention infers it): " + garbage
        case .unknown:
            return "No root reaches it in the dump. It may be garbage that the next GC frees, or held by a finalizer: Ruby 3.4+ writes no finalizers ROOT (nor global_list or object_id), and this dump does not show which Ruby wrote it."
        }
    }

    static func json(_ a: WhyAnswer, askedAbout folded: UInt64? = nil) -> JSON {
        .object(JSONReport.header(command: "why") + [
            ("dump", JSONReport.dump(a.graph)),
            ("object", ObjectText.json(a.facts)),
            ("folded_fields_address", folded.map(JSONReport.address) ?? .null),
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
