import GraphModel

/// The short detail that identifies an object in a report, as data.
public enum ObjectDetail: Sendable, Equatable {
    /// A STRING's, SYMBOL's or FLOAT's value as the dump wrote it (its first bytes), and
    /// whether the value was longer than what is kept.
    case value(String, truncated: Bool)
    /// A STRING that shares another's buffer and has no value of its own in the dump.
    case sharedString
    /// A HASH's size.
    case size(UInt32)
    /// An ARRAY's length.
    case length(UInt32)
    /// A CLASS's or MODULE's own name (never ``ClassName/anonymous``).
    case className(ClassName)
    /// A DATA object's struct name or an IMEMO's kind.
    case kind(String)
}

/// What a report says about one object: enough to recognise it without opening the dump.
public struct ObjectFacts: Sendable {
    public var index: ObjectIndex
    public var address: UInt64
    public var type: ObjectType
    public var className: ClassName?
    public var site: SourceSite?
    public var generation: UInt32?
    public var detail: ObjectDetail?
    public var memsize: UInt64
    /// Filled in when a dominator tree is at hand.
    public var retainedSize: UInt64?
    public var retainedCount: UInt32?

    public init(_ graph: HeapGraph, _ object: ObjectIndex, tree: DominatorTree? = nil) {
        let i = object.int
        index = object
        address = graph.address[i]
        type = graph.type[i]
        className = graph.classIdentity(of: object)
        site = graph.sourceSite(of: object)
        generation = graph.generation[i] == .max ? nil : graph.generation[i]
        memsize = graph.memsize[i]
        switch type {
        case .string, .symbol, .float:
            if let (text, truncated) = graph.valuePrefix(of: object) {
                detail = .value(text, truncated: truncated)
            } else if graph.flags[i].contains(.shared) {
                detail = .sharedString
            }
        case .hash:
            detail = graph.elementCount(of: object).map(ObjectDetail.size)
        case .array:
            detail = graph.elementCount(of: object).map(ObjectDetail.length)
        case .class, .module:
            // Only a name identifies a class here; an anonymous one is known by its address.
            if let name = graph.classIdentity(ofClassNode: object), case .named = name { detail = .className(name) }
        case .data, .imemo:
            detail = graph.kindName(of: object).map(ObjectDetail.kind)
        default:
            detail = nil
        }
        if let tree, tree.isReachable(object) {
            retainedSize = tree.retainedSize[i]
            retainedCount = tree.retainedCount[i]
        }
    }
}
