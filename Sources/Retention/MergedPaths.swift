import GraphModel

/// The shortest root paths of many objects merged into one tree from the roots down, as
/// Eclipse MAT's "merge shortest paths to GC roots" does: objects of the same type, class
/// and allocation site under one parent become one node that counts them, so a chain through
/// 100,000 cache entries is a handful of nodes.
public struct MergedPaths: Sendable {
    /// What a node of the tree stands for.
    public enum Kind: Hashable, Sendable {
        /// A ROOT category.
        case root(String)
        /// Objects of one type, class and allocation site.
        case objects(type: ObjectType, classNode: UInt32, site: SiteID)
    }

    public struct Node: Sendable {
        public var kind: Kind
        /// The parent's index in `nodes`; `nil` for a root category.
        public var parent: Int?
        /// The distinct objects the node stands for (capped in `examples`).
        public var count = 0
        public var examples: [ObjectIndex] = []
        /// Sum of the objects' retained sizes (when a dominator tree was given).
        public var retainedSize: UInt64 = 0
        /// How many of the target objects' paths pass through or end at this node.
        public var targetsThrough = 0
        /// How many of its objects are targets themselves.
        public var targets = 0
        public var children: [Int] = []
    }

    public private(set) var nodes: [Node] = []
    /// Targets no root reaches (not in the tree).
    public private(set) var unreachableTargets = 0

    /// Merges the shortest root paths of `targets` (in order: the tree is deterministic).
    ///
    /// - Complexity: O(total length of the paths).
    public init(_ graph: HeapGraph, paths: RootPaths, targets: [ObjectIndex], tree: DominatorTree?) {
        self.init(graph, paths: targets.lazy.map { ($0, paths.shortestPath(to: $0)) }, tree: tree)
    }

    /// Merges the given paths (each ending at its target; `nil` for a target no root reaches).
    public init<S: Sequence>(_ graph: HeapGraph, paths: S, tree: DominatorTree?) where S.Element == (ObjectIndex, [PathStep]?) {
        var childIndex: [ChildKey: Int] = [:]
        var counted = Set<ObjectKey>()
        var rootIndex: [String: Int] = [:]
        for (target, found) in paths {
            guard let path = found else {
                unreachableTargets += 1
                continue
            }
            var current = -1
            for step in path {
                switch step {
                case let .root(_, category):
                    if let r = rootIndex[category] {
                        current = r
                    } else {
                        current = nodes.count
                        rootIndex[category] = current
                        nodes.append(Node(kind: .root(category), parent: nil))
                    }
                case let .object(o):
                    let kind = Kind.objects(type: graph.type[o.int], classNode: graph.classIndex[o.int], site: graph.site[o.int])
                    let key = ChildKey(parent: current, kind: kind)
                    let next: Int
                    if let found = childIndex[key] {
                        next = found
                    } else {
                        next = nodes.count
                        childIndex[key] = next
                        nodes.append(Node(kind: kind, parent: current))
                        nodes[current].children.append(next)
                    }
                    current = next
                    if counted.insert(ObjectKey(node: current, object: o.rawValue)).inserted {
                        nodes[current].count += 1
                        if nodes[current].examples.count < 3 { nodes[current].examples.append(o) }
                        if let tree { nodes[current].retainedSize &+= tree.retainedSize[o.int] }
                        if o == target { nodes[current].targets += 1 }
                    }
                }
                nodes[current].targetsThrough += 1
            }
        }
    }

    private struct ChildKey: Hashable {
        var parent: Int
        var kind: Kind
    }

    private struct ObjectKey: Hashable {
        var node: Int
        var object: UInt32
    }

    /// The nodes kept when the tree may have at most `limit`: those most target paths pass
    /// through (a parent always has at least as many as its child, so kept nodes form a tree
    /// from the roots). Returns the kept indices in tree order.
    public func kept(limit: Int) -> [Int] {
        guard nodes.count > limit else { return Array(nodes.indices) }
        let order = nodes.indices.sorted {
            (nodes[$0].targetsThrough, -$0) > (nodes[$1].targetsThrough, -$1)
        }
        var keep = Set(order.prefix(limit))
        // A kept node's parent is kept too (ties could break the order's promise).
        for i in Array(keep) {
            var p = nodes[i].parent
            while let q = p, keep.insert(q).inserted { p = nodes[q].parent }
        }
        return nodes.indices.filter { keep.contains($0) }
    }
}
