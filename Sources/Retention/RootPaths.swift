import GraphModel

/// One hop of a retention chain: the root record it starts from, or an object.
public enum PathStep: Sendable, Equatable {
    /// A ROOT record: its index and category.
    case root(record: Int, category: String)
    case object(ObjectIndex)
}

/// Shortest paths from the GC roots to every object, by breadth-first search from a
/// super-root above all ROOT records (class edges included).
///
/// `machine_context` roots are Ruby's conservative scan of the native stacks (the thread that
/// wrote the dump included): any word that looks like an object's address. A path is taken
/// from them only where no other root reaches the object: they explain little, and a stale
/// stack word can hold anything.
///
/// - Complexity: O(V + E) time, 4 bytes an object.
public struct RootPaths: Sendable {
    /// For each object: the object before it on a shortest path, `count + r` for root record
    /// `r`, or `UInt32.max` when no root reaches it.
    private var parent: [UInt32]
    private let count: Int
    private let categories: [String]

    /// Searches from all roots; `avoiding` objects are treated as absent.
    public init(_ graph: HeapGraph, avoiding: Set<UInt32> = []) {
        count = graph.count
        categories = (0 ..< graph.rootRecordCount).map { graph.strings[graph.rootCategory[$0]] }
        var parent = [UInt32](repeating: .max, count: graph.count)
        let kinds = graph.rootKind
        _ = BreadthFirstSearch.fromRoots(graph, queueCapacity: graph.count, deferring: { kinds[$0] == .machineContext }) { t, from in
            guard parent[Int(t)] == .max, avoiding.isEmpty || !avoiding.contains(t) else { return false }
            parent[Int(t)] = from
            return true
        }
        self.parent = parent
    }

    /// Whether `path` starts at a `machine_context` root: no other root reaches its object.
    public static func isNativeStackPath(_ path: [PathStep], in graph: HeapGraph) -> Bool {
        guard case let .root(record, _)? = path.first else { return false }
        return graph.rootKind[record] == .machineContext
    }

    /// Whether any root reaches `object`.
    public func isReachable(_ object: ObjectIndex) -> Bool { parent[object.int] != .max }

    /// The object before `object` on its shortest root path; `nil` for an object a root holds
    /// directly or none reaches.
    public func previousObject(of object: ObjectIndex) -> ObjectIndex? {
        let v = parent[object.int]
        return v < UInt32(count) ? ObjectIndex(rawValue: v) : nil
    }

    /// A shortest chain from a root to `object`, root first; `nil` when no root reaches it.
    ///
    /// - Complexity: O(length of the path).
    public func shortestPath(to object: ObjectIndex) -> [PathStep]? {
        guard isReachable(object) else { return nil }
        var steps: [PathStep] = [.object(object)]
        var v = parent[object.int]
        while v < UInt32(count) {
            steps.append(.object(ObjectIndex(rawValue: v)))
            v = parent[Int(v)]
        }
        let record = Int(v) - count
        steps.append(.root(record: record, category: categories[record]))
        return steps.reversed()
    }

    /// Up to `limit` different shortest paths to `object`: each next path is searched with one
    /// more hop of the previous paths taken away (the hop nearest the root that is not the
    /// target itself), so that each shows another way the object is held.
    ///
    /// - Complexity: O(limit × (V + E)).
    public static func paths(to object: ObjectIndex, in graph: HeapGraph, limit: Int, first: RootPaths? = nil) -> [[PathStep]] {
        var result: [[PathStep]] = []
        var avoided = Set<UInt32>()
        var search = first ?? RootPaths(graph)
        while result.count < limit, let path = search.shortestPath(to: object) {
            result.append(path)
            let hops = path.compactMap { step -> UInt32? in
                if case let .object(o) = step, o != object { return o.rawValue }
                return nil
            }
            guard let cut = hops.first(where: { !avoided.contains($0) }) else { break }
            avoided.insert(cut)
            search = RootPaths(graph, avoiding: avoided)
        }
        return result
    }
}
