/// The finalizer table as a root where the dump leaves it out.
///
/// From Ruby 3.4 on, `ObjectSpace.dump_all` lists no `finalizers` ROOT: the table moved into
/// the GC's own `mark_roots`, which the dump does not call. What a finalizer proc captures is
/// alive, yet no root in the dump reaches it, and a finalizer that captures its own object
/// (a classic leak) looks like garbage. The table's entries are still in the dump, as hidden
/// Arrays (no `class`) of callables that nothing references: `ARRAY → DATA proc → IMEMO env
/// → captured objects`. Those Arrays get a root record of their own, of kind
/// ``RootCategory/inferredFinalizers``, named ``RootCategory/inferredFinalizersName``.
public enum FinalizerRoots {
    /// How far a dump lets one see what its finalizers hold.
    public enum Status: Sendable, Hashable {
        /// The dump has ROOT records and a `finalizers` one, or comes from a Ruby (3.3 or
        /// earlier) that writes one whenever a finalizer is defined.
        case listed
        /// Ruby 3.4+ wrote none; this many finalizer Arrays were found and rooted (0: the
        /// dump holds no finalizer entries).
        case inferred(arrays: Int)
        /// The Ruby version is not known to list them, nor known to leave them out: objects
        /// held only by a finalizer may be alive though no root reaches them.
        case unknown
        /// The dump has no ROOT records at all (a `since:` dump).
        case noRoots
    }

    /// What `graph` shows of its finalizers.
    public static func status(of graph: HeapGraph) -> Status {
        guard graph.dumpRootRecordCount > 0 else { return .noRoots }
        if graph.rootKind.contains(.finalizers) { return .listed }
        let versions = RubyVersionRange(graph)
        if versions.omitsFinalizerRoots { return .inferred(arrays: graph.diagnostics.inferredFinalizerArrays) }
        return versions.listsFinalizerRoots ? .listed : .unknown
    }

    /// Adds the inferred root record when the dump is from Ruby 3.4+ and has ROOT records but
    /// no `finalizers` one. A candidate is a hidden ARRAY that no object and no root references
    /// and that holds a DATA `proc` or `method`.
    ///
    /// - Complexity: O(V) to find candidates; when there are any, O(V + E) once more to see
    ///   that nothing references them; V bytes of extra memory.
    static func infer(in graph: inout HeapGraph) {
        guard graph.dumpRootRecordCount > 0, !graph.rootKind.contains(.finalizers),
              RubyVersionRange(graph).omitsFinalizerRoots else { return }
        let n = graph.count
        var candidates: [UInt32] = []
        for i in 0 ..< n where graph.type[i] == .array && graph.classIndex[i] == .max {
            for t in graph.references(of: ObjectIndex(i)) where isCallable(graph, t) {
                candidates.append(UInt32(i))
                break
            }
        }
        guard !candidates.isEmpty else { return }
        var referenced = [Bool](repeating: false, count: n)
        graph.edgeStart.withUnsafeBufferPointer { start in
            graph.edges.withUnsafeBufferPointer { edges in
                for v in 0 ..< n {
                    for e in Int(start[v]) ..< Int(start[v + 1]) where Int(edges[e]) != v { referenced[Int(edges[e])] = true }
                }
            }
        }
        for t in graph.rootTargets { referenced[Int(t)] = true }
        let arrays = candidates.filter { !referenced[Int($0)] }
        guard !arrays.isEmpty else { return }
        graph.rootCategory.append(graph.strings.intern(RootCategory.inferredFinalizersName))
        graph.rootKind.append(.inferredFinalizers)
        graph.rootTargets.append(contentsOf: arrays)
        graph.rootStart.append(UInt32(graph.rootTargets.count))
        graph.diagnostics.inferredFinalizerArrays = arrays.count
    }

    private static func isCallable(_ graph: HeapGraph, _ t: UInt32) -> Bool {
        guard graph.type[Int(t)] == .data, let kind = graph.kindName(of: ObjectIndex(rawValue: t)) else { return false }
        return kind == "proc" || kind == "method"
    }
}
