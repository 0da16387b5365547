import GraphModel

/// Why one object is alive: its shortest paths from the roots and its dominators, complete.
public struct WhyAnswer: Sendable {
    public let graph: HeapGraph
    public let object: ObjectIndex
    public let tree: DominatorTree
    public let facts: ObjectFacts
    /// Up to the number asked for, each avoiding a hop of the ones before; empty when no
    /// root reaches the object.
    public let paths: [[PathStep]]
    /// Nearest first.
    public let dominators: [ObjectIndex]

    /// The dominator tree and the paths are each a serial walk of the graph, so they run side
    /// by side, on two cores.
    ///
    /// - Complexity: the dominator tree's, plus O(paths × (V + E)).
    public init(_ graph: HeapGraph, _ object: ObjectIndex, paths count: Int) {
        self.graph = graph
        self.object = object
        (tree, paths) = parallelPair({ DominatorTree(graph) }, { RootPaths.paths(to: object, in: graph, limit: count) })
        facts = ObjectFacts(graph, object, tree: tree)
        dominators = tree.dominatorChain(of: object)
    }
}
