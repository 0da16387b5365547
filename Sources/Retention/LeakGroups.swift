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
    /// Type and class: what identifies objects when the dumps have no allocation sites.
    case typeAndClass = "type-class"
    /// Allocating method (`file` and method name).
    case method
    /// The gem (or Ruby, or the application) whose file allocated the objects (see ``Gem``).
    case gem
}

/// What the objects of one group share, so that groups of different dumps compare. Which
/// parts are set depends on the grouping: `type` for `site-type` and `type`; `site` for
/// `site-type`, `site` (file and line) and `method` (file and method); `className` for `class`;
/// `gem` for `gem`.
/// A part the grouping uses is `nil` where the dump does not say (no allocation tracing, no
/// class); inside `site`, each of file, line and method likewise.
public struct GroupKey: Hashable, Sendable, Comparable {
    public var type: ObjectType?
    /// Set, possibly to `nil`, for the groupings by site; see ``LeakGrouping/usesSite``.
    public var site: SourceSite?
    public var className: ClassName?
    /// Set, possibly to `nil` (no file), for the grouping by gem.
    public var gem: Gem?

    public init(type: ObjectType? = nil, site: SourceSite? = nil, className: ClassName? = nil, gem: Gem? = nil) {
        self.type = type
        self.site = site
        self.className = className
        self.gem = gem
    }

    /// Ordered for stable output only.
    public static func < (a: GroupKey, b: GroupKey) -> Bool {
        func rank<T: Comparable>(_ x: T?, _ y: T?) -> Bool? {
            switch (x, y) {
            case (nil, nil): return nil
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x == y ? nil : x < y
            }
        }
        return rank(a.className, b.className) ?? rank(a.type?.name, b.type?.name) ?? rank(a.site, b.site) ?? rank(a.gem, b.gem) ?? false
    }
}

extension LeakGrouping {
    /// Whether keys of this grouping carry an allocation site (`nil` there: untraced).
    public var usesSite: Bool { self == .siteAndType || self == .site || self == .method }
    /// Whether keys of this grouping carry a class (`nil` there: the objects have none).
    public var usesClass: Bool { self == .class || self == .typeAndClass }
}

/// Assigns objects of one graph to groups, remembering the group of each (site, type, class)
/// combination so that the names are looked up once per combination, not once per object.
struct GroupAssigner {
    let graph: HeapGraph
    let grouping: LeakGrouping
    private var memo: [Combination: Int] = [:]
    private(set) var keys: [GroupKey] = []
    private var slots: [GroupKey: Int] = [:]
    /// The last object's combination and group: objects allocated together lie together, so
    /// most lookups are answered here without hashing.
    private var last: (combination: Combination, slot: Int)? = nil

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
                                      classNode: grouping.usesClass ? graph.classIndex[i] : 0)
        if let last, last.combination == combination { return last.slot }
        if let found = memo[combination] {
            last = (combination, found)
            return found
        }
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
        last = (combination, slot)
        return slot
    }

    private func makeKey(_ i: Int) -> GroupKey {
        let object = ObjectIndex(i)
        let site = graph.sourceSite(of: object)
        switch grouping {
        case .siteAndType:
            return GroupKey(type: graph.type[i], site: site.map { SourceSite(file: $0.file, line: $0.line, method: nil) })
        case .site:
            return GroupKey(site: site.map { SourceSite(file: $0.file, line: $0.line, method: nil) })
        case .class:
            return GroupKey(className: graph.classIdentity(of: object))
        case .type:
            return GroupKey(type: graph.type[i])
        case .typeAndClass:
            return GroupKey(type: graph.type[i], className: graph.classIdentity(of: object))
        case .method:
            return GroupKey(site: site.map { SourceSite(file: $0.file, line: nil, method: $0.method) })
        case .gem:
            return GroupKey(gem: Gem.of(file: site?.file))
        }
    }
}
