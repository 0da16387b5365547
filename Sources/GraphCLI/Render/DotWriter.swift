#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GraphModel
import Retention

/// Graphviz DOT of merged retention chains: roots at the top, holder above held.
enum DotWriter {
    /// What a picture marks, besides the chains themselves.
    struct Marks {
        /// Objects the picture is about (the leaked objects, the object asked about).
        var targets: Set<UInt32> = []
        /// Accumulation points.
        var holders: Set<UInt32> = []
        /// A first line for a holder's node: the leak it is the holder of.
        var holderLabels: [UInt32: String] = [:]
    }

    static let defaultMaxNodes = 60

    /// The DOT text for `merged`, with at most `maxNodes` object and root nodes.
    static func render(_ merged: MergedPaths, _ graph: HeapGraph, marks: Marks, title: String, maxNodes: Int) -> String {
        let kept = merged.kept(limit: maxNodes)
        let keptSet = Set(kept)
        var out = "digraph retention {\n"
        out += "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, label=\"\(escape(title))\", labelloc=t];\n"
        out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];\n"
        out += "  edge [color=\"#555555\", arrowsize=0.7];\n"
        for i in kept {
            let node = merged.nodes[i]
            out += "  n\(i) [" + attributes(node, graph, marks) + "];\n"
        }
        for i in kept {
            for c in merged.nodes[i].children where keptSet.contains(c) {
                out += "  n\(i) -> n\(c);\n"
            }
        }
        // What was not drawn: every node left out, and the target paths through the highest
        // of them (a dropped root, or a dropped child of a drawn node), counted once.
        let cutNodes = merged.nodes.count - kept.count
        var cut = 0
        for (i, node) in merged.nodes.enumerated() where !keptSet.contains(i) {
            if node.parent.map({ keptSet.contains($0) }) ?? true { cut += node.targetsThrough }
        }
        if cutNodes > 0 {
            out += "  cut [shape=note, fillcolor=\"#eeeeee\", label=\"\(cutNodes) more node\(cutNodes == 1 ? "" : "s") not drawn (--max-nodes \(maxNodes)):\\n\(Format.count(cut)) more paths end below them\"];\n"
        }
        if merged.unreachableTargets > 0 {
            out += "  unreachable [shape=note, fillcolor=\"#eeeeee\", label=\"\(Format.count(merged.unreachableTargets)) objects no root reaches (not drawn)\"];\n"
        }
        out += legend
        out += "}\n"
        return out
    }

    static let legend = """
      subgraph cluster_legend {
        label="Legend"; fontsize=10; style=rounded; color="#999999";
        legend_root [shape=house, fillcolor="#d9d9d9", label="GC root (category)"];
        legend_holder [fillcolor="#ffb347", penwidth=2, label="accumulation point\\n(long-lived holder)"];
        legend_target [fillcolor="#ff8080", label="leaked / asked-about objects"];
        legend_other [label="objects on the way\\nN × = merged siblings"];
        legend_root -> legend_holder -> legend_target [style=invis];
        legend_holder -> legend_other [style=invis];
      }

    """

    static func attributes(_ node: MergedPaths.Node, _ graph: HeapGraph, _ marks: Marks) -> String {
        switch node.kind {
        case let .root(category):
            let native = category == "machine_context" ? "\\n(native stack slot: maybe a local variable)" : ""
            return "shape=house, fillcolor=\"#d9d9d9\", label=\"ROOT \(escape(category))\(native)\""
        case let .objects(type, classNode, site):
            var lines: [String] = []
            let className = classNode == .max ? nil
                : Names.className(graph.classIdentity(ofClassNode: ObjectIndex(rawValue: classNode)) ?? .anonymous(address: graph.address[Int(classNode)]))
            var head = type.name + (className.map { " " + $0 } ?? "")
            if node.count > 1 { head = "\(Format.count(node.count)) × " + head }
            lines.append(head)
            if node.count == 1, let o = node.examples.first {
                let facts = ObjectFacts(graph, o)
                var second = Names.address(facts.address)
                if let d = facts.detail, type != .class && type != .module { second += " " + Names.detail(d) }
                if type == .class || type == .module, let d = facts.detail { lines[0] = "\(type.name) \(Names.detail(d))" }
                lines.append(second)
            }
            if !site.isNone {
                let s = graph.sourceSite(graph.sites[Int(site.rawValue)])
                lines.append(Names.site(s) + (s.method.map { " in " + $0 } ?? ""))
            }
            if node.retainedSize > 0 { lines.append("retains " + Format.bytes(node.retainedSize)) }
            if node.count == 1, let o = node.examples.first, let leak = marks.holderLabels[o.rawValue] { lines.insert(leak, at: 0) }
            let label = lines.map { escape(Format.label($0, width: 60, keepEnd: false)) }.joined(separator: "\\n")
            let isHolder = node.examples.contains { marks.holders.contains($0.rawValue) }
            let isTarget = node.targets > 0 && node.examples.contains { marks.targets.contains($0.rawValue) }
            let fill = isHolder ? "#ffb347\", penwidth=\"2" : isTarget ? "#ff8080" : "#ffffff"
            return "fillcolor=\"\(fill)\", label=\"\(label)\""
        }
    }

    /// Escapes text for a double-quoted DOT string so that it renders as the literal text:
    /// backslashes and quotes are escaped (a backslash would otherwise start `\n`, `\N`, `\G`
    /// and the like), control characters were already made visible by `Format.label`.
    static func escape(_ s: String) -> String {
        Escaping.replacing(s) { ch in
            switch ch {
            case "\\": return "\\\\"
            case "\"": return "\\\""
            case "\n": return "\\n"
            case "\r": return "\\\\r"
            default: return nil
            }
        }
    }
}
