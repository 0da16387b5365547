import GraphModel

/// How leaked objects are grouped in a report.
public enum LeakGrouping: String, CaseIterable, Sendable {
    /// Allocation site and type (`type, file, line`), as the classic three-dump script does.
    case siteAndType = "site-type"
    /// Allocation site (`file:line`), all types together.
    case site
    /// Class name.
    case `class`
    /// Type (`STRING`, `HASH`…).
    case type
    /// Allocating method (`file` and method name).
    case method
}

/// What the objects of one group share, as text, so that groups of different dumps compare.
public struct GroupKey: Hashable, Sendable, Comparable {
    public var type: String?
    public var file: String?
    public var line: UInt32?
    public var method: String?
    public var className: String?

    /// One line for a person: `STRING at app.rb:12`, `Request`, `app.rb in handle`.
    public var label: String {
        var parts: [String] = []
        if let className { parts.append(className) }
        if let type { parts.append(type) }
        if file != nil || line != nil || method != nil {
            var site = file ?? "(no allocation site)"
            if let line, line > 0 { site += ":\(line)" }
            if let method, line == nil { site += " in \(method)" }
            parts.append(site)
        }
        return parts.joined(separator: " ")
    }

    public static func < (a: GroupKey, b: GroupKey) -> Bool { a.label < b.label }
}

/// Assigns objects of one graph to groups, remembering the group of each (site, type, class)
/// combination so that the names are looked up once per combination, not once per object.
struct GroupAssigner {
    let graph: HeapGraph
    let grouping: LeakGrouping
    private var memo: [Combination: Int] = [:]
    private(set) var keys: [GroupKey] = []
    private var slots: [GroupKey: Int] = [:]

    private struct Combination: Hashable {
        var site: UInt32
        var type: UInt8
        var classNode: UInt32
    }

    init(_ graph: HeapGraph, _ grouping: LeakGrouping) {
        self.graph = graph
        self.grouping = grouping
    }

    /// The group of object `i`, as an index into `keys`.
    mutating func group(of i: Int) -> Int {
        let combination = Combination(site: graph.site[i].rawValue, type: graph.type[i].rawValue,
                                      classNode: grouping == .class ? graph.classIndex[i] : 0)
        if let found = memo[combination] { return found }
        let key = makeKey(i)
        let slot: Int
        if let existing = slots[key] {
            slot = existing
        } else {
            slot = keys.count
            keys.append(key)
            slots[key] = slot
        }
        memo[combination] = slot
        return slot
    }

    private func makeKey(_ i: Int) -> GroupKey {
        let site = graph.allocationSite(of: ObjectIndex(i))
        let file = site.map { $0.file.isNone ? "(no file)" : graph.strings[$0.file] }
        var key = GroupKey()
        switch grouping {
        case .siteAndType:
            key.type = graph.type[i].name
            key.file = file ?? "(no allocation site)"
            key.line = site?.line
        case .site:
            key.file = file ?? "(no allocation site)"
            key.line = site?.line
        case .class:
            key.className = graph.className(of: ObjectIndex(i)) ?? "(no class)"
        case .type:
            key.type = graph.type[i].name
        case .method:
            key.file = file ?? "(no allocation site)"
            key.method = site.flatMap { graph.methodName($0) } ?? "(no method)"
        }
        return key
    }
}
