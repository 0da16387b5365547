// libFuzzer target: arbitrary bytes through the whole reader, the graph builder, the summary,
// root paths, the dominator tree and the top retainers. Built by Fuzz/run.sh.
#if canImport(Glibc)
import Glibc
#endif
import GraphModel
import Retention

@_cdecl("LLVMFuzzerTestOneInput")
public func readerFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzFiles.write(UnsafeBufferPointer(start: data, count: size), index: 0)
    var options = DumpLoader.Options()
    options.pieceSize = 256  // many batches and pieces even for small inputs
    guard let graph = try? DumpLoader.load(path, options: options) else { return 0 }
    _ = HeapSummary(graph, top: 5)
    _ = DumpNotes.notes(for: graph)
    let tree = DominatorTree(graph)
    let paths = RootPaths(graph)
    _ = TopRetainers(graph, tree, top: 5)
    for i in graph.indices.prefix(50) {
        let o = ObjectIndex(i)
        _ = ObjectFacts(graph, o, tree: tree)
        _ = paths.shortestPath(to: o)
        _ = tree.dominatorChain(of: o)
    }
    return 0
}
