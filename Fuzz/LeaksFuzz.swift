// libFuzzer target: arbitrary sets of three small dumps through leaks (with retention and
// accumulation points), why, and DOT output. The input is split in three at the first two
// bytes 0xFF 0xFE (absent: the same bytes serve as each missing dump). Built by Fuzz/run.sh.
import GraphModel
import Retention

@_cdecl("LLVMFuzzerTestOneInput")
public func leaksFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = UnsafeBufferPointer(start: data, count: size)
    var parts: [UnsafeBufferPointer<UInt8>] = []
    var start = 0, i = 0
    while i + 1 < size, parts.count < 2 {
        if all[i] == 0xFF && all[i + 1] == 0xFE {
            parts.append(UnsafeBufferPointer(rebasing: all[start ..< i]))
            start = i + 2
            i += 2
        } else {
            i += 1
        }
    }
    parts.append(UnsafeBufferPointer(rebasing: all[start...]))
    while parts.count < 3 { parts.append(parts[parts.count - 1]) }
    let paths = parts.enumerated().map { FuzzFiles.write($0.element, index: $0.offset) }
    let report: LeakReport
    do {
        report = try LeakDiff.run(paths: paths, grouping: .siteAndType) { path, edges in
            var options = DumpLoader.Options()
            options.edges = edges
            options.pieceSize = 512
            return try DumpLoader.load(path, options: options)
        }
    } catch {
        return 0
    }
    var r = report
    let tree = DominatorTree(r.graph)
    let rootPaths = RootPaths(r.graph)
    r.addRetention(tree: tree, paths: rootPaths, limit: 3)
    _ = LeaksCommand.text(r, top: 5, tree: tree)
    _ = LeaksCommand.json(r, top: 5, tree: tree).text
    _ = LeaksCommand.seed(r)
    let targets = r.groups.prefix(3).flatMap { $0.members.map { ObjectIndex(rawValue: $0) } }
    let merged = MergedPaths(r.graph, paths: rootPaths, targets: targets, tree: tree)
    _ = DotWriter.render(merged, r.graph, marks: DotWriter.Marks(), title: "fuzz \"title\" \\", maxNodes: 8)
    if let first = targets.first {
        for path in RootPaths.paths(to: first, in: r.graph, limit: 3) {
            _ = ObjectText.pathLines(path, r.graph, tree)
        }
    }
    return 0
}
