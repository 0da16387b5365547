import GraphModel

/// The class of an object as the dump identifies it, without any wording: a name, or, for a
/// class the dump names nowhere, its address. `nil` where an object has no class in the dump.
public enum ClassName: Hashable, Sendable, Comparable {
    /// A class or module name as the dump gives it (`name`, else `real_class_name`);
    /// `singleton` for the singleton class of that class.
    case named(String, singleton: Bool)
    /// A class the dump names nowhere (an anonymous `Class.new`): known by its address.
    case anonymous(address: UInt64)

    /// Ordered for stable output only: named classes by name, then anonymous ones by address.
    public static func < (a: ClassName, b: ClassName) -> Bool {
        switch (a, b) {
        case let (.named(x, xs), .named(y, ys)): return (x, xs ? 1 : 0) < (y, ys ? 1 : 0)
        case (.named, .anonymous): return true
        case (.anonymous, .named): return false
        case let (.anonymous(x), .anonymous(y)): return x < y
        }
    }
}

/// An allocation site with its strings resolved, so that sites of different dumps compare.
/// Each part is `nil` where the dump does not say.
public struct SourceSite: Hashable, Sendable, Comparable {
    public var file: String?
    /// `nil` where the dump writes no line (or line 0).
    public var line: UInt32?
    public var method: String?

    public init(file: String?, line: UInt32?, method: String?) {
        self.file = file
        self.line = line
        self.method = method
    }

    public static func < (a: SourceSite, b: SourceSite) -> Bool {
        ((a.file ?? ""), a.line ?? 0, a.method ?? "") < ((b.file ?? ""), b.line ?? 0, b.method ?? "")
    }
}

extension HeapGraph {
    /// The class node `node` as a ``ClassName``; `nil` when `node` is not a class or module.
    public func classIdentity(ofClassNode node: ObjectIndex) -> ClassName? {
        guard type[node.int] == .class || type[node.int] == .module else { return nil }
        guard let name = rawClassName(ofClassNode: node) else { return .anonymous(address: address[node.int]) }
        return .named(name, singleton: flags[node.int].contains(.singleton))
    }

    /// The class of `object`; `nil` when the dump gives it none, or one that is not a class.
    public func classIdentity(of object: ObjectIndex) -> ClassName? {
        guard let c = classOf(object) else { return nil }
        return classIdentity(ofClassNode: c) ?? .anonymous(address: address[c.int])
    }

    /// `site` with its file and method names resolved.
    public func sourceSite(_ site: AllocationSite) -> SourceSite {
        SourceSite(file: site.file.isNone ? nil : strings[site.file], line: site.line == 0 ? nil : site.line,
                   method: site.method.isNone ? nil : strings[site.method])
    }

    /// Where `object` was allocated, resolved; `nil` when the dump did not trace it.
    public func sourceSite(of object: ObjectIndex) -> SourceSite? {
        allocationSite(of: object).map(sourceSite)
    }
}
