import Foundation
import Testing
import TestSupport

/// The page's size must not follow the dump's: what it shows is aggregated first.
@Suite("retention report: the page stays small whatever the dump")
struct ReportSizeTests {
    /// 40,000 objects, each of its own class and allocation site, 20,000 under one Array and
    /// 20,000 in chains of 200 under another: every one a distinct frame path, so without the
    /// folding the icicle would have 40,000 nodes a view.
    static func wideDump() -> String {
        var lines = [#"{"type":"ROOT", "root":"vm", "references":["0x10", "0x20"]}"#]
        let n = 20_000
        let flat = (0 ..< n).map { "\"0x\(String(0x100000 + 16 * $0, radix: 16))\"" }
        lines.append(#"{"address":"0x10", "type":"ARRAY", "references":[\#(flat.joined(separator: ","))], "memsize":40}"#)
        lines.append(#"{"address":"0x20", "type":"ARRAY", "references":[\#((0 ..< n / 200).map { "\"0x\(String(0x900000 + 16 * 200 * $0, radix: 16))\"" }.joined(separator: ","))], "memsize":40}"#)
        for i in 0 ..< n {
            let cls = 0x5000000 + 16 * i
            lines.append(#"{"address":"0x\#(String(cls, radix: 16))", "type":"CLASS", "name":"C\#(i)", "memsize":500}"#)
            lines.append(#"{"address":"0x\#(String(0x100000 + 16 * i, radix: 16))", "type":"OBJECT", "class":"0x\#(String(cls, radix: 16))", "file":"app/f\#(i).rb", "line":\#(i + 1), "method":"m", "generation":5, "memsize":\#(40 + i % 97)}"#)
            let next = (i + 1) % 200 == 0 ? "" : #", "references":["0x\#(String(0x900000 + 16 * (i + 1), radix: 16))"]"#
            lines.append(#"{"address":"0x\#(String(0x900000 + 16 * i, radix: 16))", "type":"OBJECT", "class":"0x\#(String(cls, radix: 16))", "file":"lib/g\#(i).rb", "line":1, "method":"m", "generation":5, "memsize":40\#(next)}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("40,000 distinct paths: under 1 MB, at most 12 children and one folded cell a node, and the page says what it folded")
    func aggregated() throws {
        let dump = ReportPages.directory.appendingPathComponent("wide.json")
        try Data(Self.wideDump().utf8).write(to: dump)
        let page = try ReportPages.clean(Result { try ReportPages.make("wide.html", [dump.path]) })
        #expect(page.html.utf8.count < 1_000_000, "\(page.html.utf8.count) bytes")
        let flame = try #require(try page.data()["flame"] as? [String: Any])
        var expected = 20_000 * 500 + 2 * 40 + 20_000 * 40  // classes, the two Arrays, the chains
        for i in 0 ..< 20_000 { expected += 40 + i % 97 }    // the flat objects
        for (view, value) in flame {
            let f = try #require(value as? [String: Any])
            let nodes = try #require(f["nodes"] as? [[Any]])
            #expect(nodes.count < 400, "\(view): \(nodes.count) nodes")
            var children: [Int: Int] = [:]
            for n in nodes.dropFirst() { children[(n[0] as! NSNumber).intValue, default: 0] += 1 }
            #expect(children.values.allSatisfy { $0 <= 13 }, "\(view)")
            let folded = try #require(f["folded_paths"] as? Int)
            #expect(folded > 0 || view == "gem", "\(view): one gem (the app), nothing to fold")
            #expect((f["frames"] as? [Any] ?? []).count <= nodes.count, "\(view): only the frames the nodes use")
            // Every byte is still in the page's tree: the roots' total is the dump's memsize.
            let total = (nodes[0][3] as! NSNumber).uint64Value
            #expect(total == UInt64(expected), "\(view)")
        }
    }

    /// Three dumps of one process: an old chain 5,000 objects long whose last link gains 100
    /// new Strings a dump: one leak, whose holder's root path has 5,001 steps.
    static func deepLeak(_ k: Int) -> String {
        var lines = [#"{"type":"ROOT", "root":"global_tbl", "references":["0x10000"]}"#,
                     #"{"address":"0x20", "type":"CLASS", "name":"Link", "memsize":500}"#]
        let n = 5_000
        func link(_ i: Int) -> String { "\"0x\(String(0x10000 + 16 * i, radix: 16))\"" }
        let strings = (0 ..< 100 * (k - 1)).map { "\"0x\(String(0x900000 + 16 * $0, radix: 16))\"" }
        for i in 0 ..< n {
            let refs = i + 1 < n ? [link(i + 1)] : strings
            lines.append(#"{"address":\#(link(i)), "type":"OBJECT", "class":"0x20", "references":[\#(refs.joined(separator: ","))], "file":"chain.rb", "line":3, "method":"add", "generation":1, "memsize":40}"#)
        }
        for j in 0 ..< strings.count {
            lines.append(#"{"address":\#(strings[j]), "type":"STRING", "file":"leak.rb", "line":7, "method":"call", "generation":\#(j < 100 ? 5 : 9), "bytesize":3, "memsize":40}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("A leak at the end of a chain 5,000 long: its root paths in the page are 40 steps, one of them counting the rest")
    func deepPaths() throws {
        let paths = try (1 ... 3).map { k in
            let url = ReportPages.directory.appendingPathComponent("deep-\(k).json")
            try Data(Self.deepLeak(k).utf8).write(to: url)
            return url.path
        }
        let page = try ReportPages.clean(Result { try ReportPages.make("deep.html", paths) })
        #expect(page.html.utf8.count < 500_000, "\(page.html.utf8.count) bytes")
        let leaks = try #require((try page.data()["leaks"] as? [String: Any])?["leaks"] as? [[String: Any]])
        try #require(leaks.count == 1)
        let path = try #require(leaks[0]["root_path"] as? [[String: Any]])
        #expect(path.count == HTMLReportLimits.pathHops)
        let elided = path.compactMap { $0["elided"] as? Int }
        #expect(elided == [5_001 - HTMLReportLimits.pathHops + 1], "root, 5,000 links: \(elided)")
        #expect(path.first?["root"] as? String == "global_tbl")
        #expect(path.last?["address"] as? String == "0x\(String(0x10000 + 16 * 4_999, radix: 16))", "the last link holds the leak")
    }
}

/// The page's bound on a root path (HTMLReport.pathHops), as the tests expect it.
enum HTMLReportLimits {
    static let pathHops = 40
}
