import Foundation
import GraphModel
import Retention

/// `retention report`: one self-contained HTML page. The findings go in as one JSON document
/// (the same renderers as `--format json`, plus the icicle's and the retainer tree's data) in
/// a `<script type="application/json">` block; the page's own script builds the view from it
/// with DOM text nodes only, so nothing from a dump is ever parsed as markup. The
/// Content-Security-Policy allows no network access and no script or style but the page's
/// own, by hash.
enum HTMLReport {
    /// How much of the dominator tree the icicle keeps: subtrees of less than this share of
    /// the heap, and children beyond this many per node, are folded into one frame.
    static let icicleShare = 0.001
    static let icicleChildren = 12
    static let icicleDepth = 32
    static let topObjects = 25

    /// What goes into the page, rendered as JSON.
    struct Content {
        var dumps: [String]
        var showValues: Bool
        var leaks: JSON? = nil
        var diff: JSON? = nil
        var waste: JSON? = nil
        var top: JSON? = nil
        var flame: JSON? = nil
        var retainers: JSON? = nil
        var dump: JSON? = nil
        var notes: JSON? = nil
        var rootless = false

        init(dumps: [String], showValues: Bool) {
            self.dumps = dumps
            self.showValues = showValues
        }

        /// The last dump's parts: the icicle (four views), the top retainers, and the retainer
        /// tree from `starts` (leak holders, group examples) and the top objects.
        mutating func add(graph: HeapGraph, reusing analysis: (DominatorTree, RootPaths)?,
                          starts: [(ObjectIndex, String)]) {
            dump = JSONReport.dump(graph)
            let notes = DumpNotes.notes(for: graph)
            self.notes = JSONReport.notes(notes)
            guard graph.diagnostics.hasRoots else {
                rootless = true
                return
            }
            var clock = PhaseClock()
            let (tree, paths) = analysis ?? DominatorTree.withRootPaths(graph)
            clock.lap("report: dominator tree and root paths")
            // The four views on all cores (each is one pass over the dominator tree).
            let views = FlameView.allCases, workers = min(processorCount, views.count)
            let trees = parallelMap(count: workers) { w in
                stride(from: w, to: views.count, by: workers).map { k in
                    (k, FlameTree(graph, tree, view: views[k], maxDepth: icicleDepth,
                                  minimumShare: icicleShare, maximumChildren: icicleChildren))
                }
            }.joined().sorted { $0.0 < $1.0 }
            flame = .object(trees.map { ($0.1.view.rawValue, HTMLReport.flame($0.1)) })
            clock.lap("report: icicle")
            let result = TopRetainers(graph, tree, top: topObjects)
            top = TopReport.json(result, graph, tree, notes)
            clock.lap("report: top retainers")
            let all = starts + result.objects.enumerated().map { ($0.element, "top object \($0.offset + 1)") }
            let retainerGraph = RetainerGraph(graph, paths: paths, from: all.map(\.0))
            retainers = HTMLReport.retainers(retainerGraph, starts: all, graph, tree)
            clock.lap("report: retainers")
        }
    }

    /// One view of the icicle: frames (each with its fields and a label) and nodes in
    /// preorder as `[parent, frame, self size, total size, total count]`.
    static func flame(_ f: FlameTree) -> JSON {
        let frames: [JSON] = f.frames.map { frame in
            var pairs: [(String, JSON)] = []
            switch frame {
            case let .objects(type, className, site, gem):
                pairs = [("kind", .string("objects")), ("type", type.map { .string($0.name) } ?? .null),
                         ("class", className.map { .string(Names.className($0)) } ?? .null),
                         ("site", site.map { .string(Names.site($0)) } ?? .null), ("gem", gem.map { .string(Names.gem($0)) } ?? .null)]
            case .deeper: pairs = [("kind", .string("deeper"))]
            case .other: pairs = [("kind", .string("other"))]
            }
            pairs.append(("label", .string(FoldedStacks.frameName(frame, view: f.view))))
            return .object(pairs)
        }
        let nodes: [JSON] = (0 ..< f.count).map { v in
            .array([.int(v == 0 ? -1 : Int(f.parent[v])), .int(v == 0 ? -1 : Int(f.frame[v])), .uint(f.selfSize[v]),
                    .uint(f.totalSize[v]), .uint(f.totalCount[v])])
        }
        return .object([
            ("view", .string(f.view.rawValue)), ("max_depth", .int(f.maxDepth)),
            ("folded_paths", .int(f.folded.paths)), ("folded_size", .uint(f.folded.size)),
            ("cut_count", .uint(f.cut.count)), ("cut_size", .uint(f.cut.size)),
            ("frames", .array(frames)), ("nodes", .array(nodes)),
        ])
    }

    static func retainers(_ r: RetainerGraph, starts: [(ObjectIndex, String)], _ graph: HeapGraph, _ tree: DominatorTree) -> JSON {
        let nodeOf = Dictionary(uniqueKeysWithValues: r.nodes.enumerated().map { ($0.element.object, $0.offset) })
        var why: [Int: [String]] = [:]
        for (o, label) in starts {
            if let k = nodeOf[o] { why[k, default: []].append(label) }
        }
        let nodes: [JSON] = r.nodes.map { n in
            .object([
                ("object", ObjectText.json(ObjectFacts(graph, n.object, tree: tree))),
                ("retainers", .array(n.retainers.map { .int($0) })), ("omitted", .int(n.omitted)),
                ("expanded", .bool(n.isExpanded)), ("roots", .array(n.roots.map { .string($0) })),
            ])
        }
        let startList: [JSON] = r.starts.map { k in
            .object([("node", .int(k)), ("why", .string((why[k] ?? []).joined(separator: ", ")))])
        }
        return .object([("starts", .array(startList)), ("nodes", .array(nodes))])
    }

    /// A root path is kept to its first and last hops around one step that counts the rest
    /// (`{"elided": n}`): a leak down a linked list a million long has a million-hop path.
    static let pathHops = 40

    /// `json` with every `root_path` array shortened to ``pathHops`` steps. Recursive over
    /// the JSON document (a few levels deep), not the graph.
    static func shorteningPaths(_ json: JSON) -> JSON {
        switch json {
        case let .object(pairs):
            return .object(pairs.map { key, value in
                if key == "root_path", case let .array(steps) = value, steps.count > pathHops {
                    let head = pathHops / 2, tail = pathHops - head - 1
                    return (key, .array(Array(steps.prefix(head)) + [.object([("elided", .int(steps.count - head - tail))])]
                                        + Array(steps.suffix(tail))))
                }
                return (key, shorteningPaths(value))
            })
        case let .array(items): return .array(items.map(shorteningPaths))
        default: return json
        }
    }

    /// The whole page.
    static func page(_ c: Content) -> String {
        let data = JSON.object([
            ("schema", .string("retention-report")), ("version", .int(1)),
            ("dumps", .array(c.dumps.map { .string($0) })), ("show_values", .bool(c.showValues)),
            ("rootless", .bool(c.rootless)),
            ("dump", c.dump ?? .null), ("notes", c.notes ?? .array([])),
            ("leaks", c.leaks.map(shorteningPaths) ?? .null), ("diff", c.diff ?? .null), ("top", c.top ?? .null),
            ("waste", c.waste ?? .null), ("flame", c.flame ?? .null), ("retainers", c.retainers ?? .null),
            ("icicle", .object([("share", .double(icicleShare)), ("children", .int(icicleChildren)), ("depth", .int(icicleDepth))])),
        ])
        let title = "retention report: " + c.dumps.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        let csp = "default-src 'none'; script-src 'sha256-\(SHA256.base64Digest(script))'; style-src 'sha256-\(SHA256.base64Digest(style))'; img-src 'none'; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'"
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(csp)\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(escape(title))</title>\n<style>\(style)</style>\n</head>\n<body>\n"
        out += "<noscript><p>This report is drawn by its own script (inline, no network access): allow scripts for this file to see it.</p></noscript>\n"
        out += "<main id=\"report\"></main>\n"
        out += "<script id=\"retention-data\" type=\"application/json\">" + scriptSafe(data.text) + "</script>\n"
        out += "<script>\(script)</script>\n</body>\n</html>\n"
        return out
    }

    /// Text for an HTML element or attribute.
    static func escape(_ s: String) -> String {
        Escaping.replacing(s) { ch in
            switch ch {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'": return "&#39;"
            default: return nil
            }
        }
    }

    /// JSON text that cannot end the `<script>` block it sits in (nor open a comment or
    /// character reference there): `<`, `>` and `&` only occur inside JSON strings, where
    /// their `\u` escapes read the same. U+2028 and U+2029 likewise.
    static func scriptSafe(_ json: String) -> String {
        Escaping.replacing(json) { ch in
            switch ch {
            case "<": return "\\u003c"
            case ">": return "\\u003e"
            case "&": return "\\u0026"
            case "\u{2028}": return "\\u2028"
            case "\u{2029}": return "\\u2029"
            default: return nil
            }
        }
    }
}
