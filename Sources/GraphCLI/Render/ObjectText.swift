import GraphModel
import Retention

/// How one object reads in a report, in text and JSON.
enum ObjectText {
    /// `HASH Hash 0x7f… size 1,900 · app.rb:12 in call · retains 1.2 MB (3,801 objects)`
    static func line(_ o: ObjectFacts) -> String {
        var parts = [o.type.name]
        let isClass = o.type == .class || o.type == .module
        if let c = isClass ? o.detail.map(Names.detail) : o.className.map(Names.className) { parts.append(Format.label(c, width: 40)) }
        parts.append(Names.address(o.address))
        if !isClass, let d = o.detail { parts.append(Format.label(Names.detail(d), width: 48)) }
        var text = parts.joined(separator: " ")
        if let site = o.site {
            text += " · " + Format.label(Names.site(site), width: 60, keepEnd: true) + (site.method.map { " in " + Format.label($0, width: 30) } ?? "")
        }
        if let r = o.retainedSize {
            text += " · retains \(Format.bytes(r))" + (o.retainedCount.map { $0 > 1 ? " (\(Format.count(Int($0))) objects)" : "" } ?? "")
        }
        return text
    }

    static func json(_ o: ObjectFacts) -> JSON {
        .object([
            ("address", JSONReport.address(o.address)),
            ("type", .string(o.type.name)),
            ("class", JSONReport.className(o.className)),
            ("site", o.site.map(JSONReport.site) ?? .null),
            ("generation", o.generation.map { .int(Int($0)) } ?? .null),
            ("detail", o.detail.map { .string(Names.detail($0)) } ?? .null),
            ("memsize", .uint(o.memsize)),
            ("retained_size", o.retainedSize.map { .uint($0) } ?? .null),
            ("retained_count", o.retainedCount.map { .int(Int($0)) } ?? .null),
        ])
    }

    /// A root path as text lines: the ROOT category, then one object a line. A path longer
    /// than `limit` hops shows its first and last hops around a line that counts the rest.
    static func pathLines(_ path: [PathStep], _ graph: HeapGraph, _ tree: DominatorTree?, indent: String = "  ",
                          limit: Int = 40) -> [String] {
        func text(_ k: Int) -> String {
            switch path[k] {
            case let .root(record, category):
                return indent + "ROOT \(category)" + (graph.rootKind[record] == .machineContext ? " (held by a native stack slot: maybe a local variable)" : "")
            case let .object(o): return indent + (k == 0 ? "" : "→ ") + line(ObjectFacts(graph, o, tree: tree))
            }
        }
        guard path.count > limit else { return path.indices.map(text) }
        let head = limit / 4, tail = limit - head
        return (0 ..< head).map(text) + [indent + "  … \(Format.count(path.count - limit)) more hops …"]
            + (path.count - tail ..< path.count).map(text)
    }

    static func pathJSON(_ path: [PathStep], _ graph: HeapGraph, _ tree: DominatorTree?) -> JSON {
        .array(path.map { step in
            switch step {
            case let .root(record, category):
                return .object([("root", .string(category)), ("record", .int(record)),
                                ("native_stack", .bool(graph.rootKind[record] == .machineContext))])
            case let .object(o): return json(ObjectFacts(graph, o, tree: tree))
            }
        })
    }
}
