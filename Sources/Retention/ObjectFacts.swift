import GraphModel

/// What a report says about one object: enough to recognise it without opening the dump.
public struct ObjectFacts: Sendable {
    public var index: ObjectIndex
    public var address: UInt64
    public var type: ObjectType
    public var className: String?
    public var site: AllocationSite?
    /// `file:line`, for display.
    public var siteText: String?
    public var method: String?
    public var generation: UInt32?
    /// A short identifying detail: a String's value (cut to 40 characters), a Hash's size,
    /// an Array's length, a class's name, a DATA object's struct.
    public var detail: String?
    public var memsize: UInt64
    /// Filled in when a dominator tree is at hand.
    public var retainedSize: UInt64?
    public var retainedCount: UInt32?

    public init(_ graph: HeapGraph, _ object: ObjectIndex, tree: DominatorTree? = nil) {
        let i = object.int
        index = object
        address = graph.address[i]
        type = graph.type[i]
        className = graph.className(of: object)
        site = graph.allocationSite(of: object)
        siteText = site.map { graph.describe($0) }
        method = site.flatMap { graph.methodName($0) }
        generation = graph.generation[i] == .max ? nil : graph.generation[i]
        memsize = graph.memsize[i]
        switch type {
        case .string, .symbol, .float:
            if let (text, truncated) = graph.valuePrefix(of: object) {
                let cut = text.count > 40 ? String(text.prefix(40)) : text
                detail = "\"" + cut + (truncated || text.count > 40 ? "…" : "") + "\""
            } else if graph.flags[i].contains(.shared) {
                detail = "(shared)"
            }
        case .hash:
            detail = graph.elementCount(of: object).map { "size \(grouped($0))" }
        case .array:
            detail = graph.elementCount(of: object).map { "length \(grouped($0))" }
        case .class, .module:
            detail = graph.className(ofClassNode: object)
        case .data, .imemo:
            detail = graph.kindName(of: object)
        default:
            detail = nil
        }
        if let tree, tree.isReachable(object) {
            retainedSize = tree.retainedSize[i]
            retainedCount = tree.retainedCount[i]
        }
    }
}

/// `1900` as `1,900`.
func grouped(_ n: UInt32) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return out
}
