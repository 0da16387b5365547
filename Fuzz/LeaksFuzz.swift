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
    let r: LeakReport
    do {
        r = try LeakAnalysis.run(paths: paths, grouping: .siteAndType, accumulationLimit: 3) { path, edges in
            var options = DumpLoader.Options()
            options.edges = edges
            options.pieceSize = 512
            return try DumpLoader.load(path, options: options)
        }
    } catch {
        return 0
    }
    _ = LeaksText.render(r, top: 5)
    _ = LeaksJSON.render(r, top: 5).text
    _ = LeaksSeed.render(r)
    _ = LeaksDot.render(r, top: 3, maxNodes: 8)
    if let first = r.groups.first?.members.first {
        let answer = WhyAnswer(r.graph, first, paths: 3)
        _ = WhyReport.text(answer)
        _ = WhyReport.json(answer).text
        _ = WhyReport.dot(answer, maxNodes: 8)
    }
    return 0
}
