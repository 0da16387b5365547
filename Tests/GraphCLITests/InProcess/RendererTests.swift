import Foundation
import GraphModel
import Retention
import Testing
@testable import GraphCLI

@Suite("Renderers, in-process: one model, text, JSON, seed and DOT")
struct RendererTests {
    @Test("Byte sizes promote where the figure would reach 1000; digits are grouped", arguments: [
        (UInt64(999), "999 B"), (1000, "1.0 kB"), (99_949, "99.9 kB"), (999_499, "999 kB"), (999_600, "1.0 MB"),
        (1_000_000, "1.0 MB"), (1_234_567_890, "1.2 GB"), (UInt64.max, "18.4 EB"),
    ])
    func byteSizes(bytes: UInt64, text: String) {
        #expect(Format.bytes(bytes) == text)
    }

    @Test("Names: classes, sites and group keys, each worded in one place")
    func names() {
        #expect(Names.className(nil) == "(no class)")
        #expect(Names.className(.named("Foo", singleton: true)) == "Foo (singleton)")
        #expect(Names.className(.anonymous(address: 0x7f01)) == "#<Class:0x7f01>")
        #expect(Names.site(nil) == "(no allocation site)")
        #expect(Names.site(SourceSite(file: nil, line: 12, method: nil)) == "(no file):12")
        #expect(Names.site(SourceSite(file: "a.rb", line: nil, method: "m")) == "a.rb")
        #expect(Names.group(GroupKey(site: SourceSite(file: "a.rb", line: nil, method: "run")), .method) == "a.rb in run")
        #expect(Names.group(GroupKey(site: nil), .method) == "(no allocation site) in (no method)")
        #expect(Names.group(GroupKey(type: .string, site: SourceSite(file: "a.rb", line: 3, method: nil)), .siteAndType) == "STRING a.rb:3")
        #expect(Names.detail(.value(String(repeating: "x", count: 45), truncated: false)) == "\"" + String(repeating: "x", count: 40) + "…\"")
        #expect(Names.detail(.size(1900)) == "size 1,900")
    }

    @Test("The leak analysis returns a complete report: retention, ranks and accumulation points")
    func completeReport() throws {
        let r = try InProcess.exampleLeaks.get()
        let retention = try #require(r.retention)
        #expect(retention.totalRetained >= r.total.memsize)
        #expect(r.groups.allSatisfy { $0.retainedSize != nil })
        let sizes = r.groups.map { $0.retainedSize ?? 0 }
        #expect(sizes == sizes.sorted(by: >), "ranked by retained size")
        for (k, g) in r.groups.enumerated() {
            let due = k < LeaksCommand.accumulationLimit || g.tally.memsize * 100 >= r.total.memsize
            #expect((g.accumulation != nil) == due, "group \(k + 1): the first five and every one of 1% or more, no others")
        }
    }

    @Test("Text, JSON and seed are the same report: counts, sizes and groups agree")
    func formatsAgree() throws {
        let r = try InProcess.exampleLeaks.get()
        let retention = try #require(r.retention)
        let json = try InProcess.object(LeaksJSON.render(r, top: 100))
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["count"] as? Int == r.total.count)
        let retained = try #require((total["retained_size"] as? NSNumber)?.uint64Value)
        #expect(retained == retention.totalRetained)
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.count == r.groups.count)
        #expect(groups.map { $0["count"] as? Int ?? -1 }.reduce(0, +) == r.total.count)
        let text = LeaksText.render(r, top: 100)
        #expect(text.contains("Leaked \(Format.count(r.total.count)) objects"))
        for g in groups { #expect(text.contains(try #require(g["class"] as? String))) }
        let seed = LeaksSeed.render(r)
        let seedCounts = seed.split(separator: "\n").filter { $0.hasPrefix("Leaked ") }.map { Int($0.split(separator: " ")[1]) ?? -1 }
        #expect(seedCounts.reduce(0, +) == r.total.count)
        #expect(seed.hasSuffix("Total Size: \(r.total.bytesize)/\(r.total.memsize)\n"))
    }

    @Test("--top cuts the table and says how many groups are not shown")
    func topCuts() throws {
        let r = try InProcess.exampleLeaks.get()
        try #require(r.groups.count > 2)
        let text = LeaksText.render(r, top: 2)
        #expect(text.contains("(\(r.groups.count - 2) smaller groups not shown; --top \(r.groups.count) shows all)"))
        let json = try InProcess.object(LeaksJSON.render(r, top: 2))
        #expect((json["groups"] as? [Any])?.count == 2)
    }

    @Test("DOT of the leak groups: deterministic, every node labelled, the accumulation points coloured")
    func dot() throws {
        let r = try InProcess.exampleLeaks.get()
        let a = LeaksDot.render(r, top: 5, maxNodes: 30), b = LeaksDot.render(r, top: 5, maxNodes: 30)
        #expect(a == b)
        #expect(a.hasPrefix("digraph retention {"))
        #expect(a.contains("#ffb347"), "an accumulation point is drawn")
        let nodes = a.split(separator: "\n").filter { $0.hasPrefix("  n") && !$0.contains("->") }
        #expect(nodes.count <= 30 && !nodes.isEmpty)
    }

    @Test("An untraced dump: JSON says null where the dump has no site, text says so in words")
    func untracedNulls() throws {
        let paths = try ["todo-3.3.8-heap1", "todo-3.3.8-heap2", "todo-3.3.8-heap3"].map(InProcess.untraced)
        defer { for p in paths { try? FileManager.default.removeItem(atPath: p) } }
        let r = try InProcess.leaks(paths, grouping: .siteAndType)
        #expect(r.basis == .addressTypeAndClass)
        #expect(r.warnings.contains(.untraced(dump: paths[0])))
        let json = try InProcess.object(LeaksJSON.render(r, top: 1000))
        let groups = try #require(json["groups"] as? [[String: Any]])
        try #require(!groups.isEmpty)
        for g in groups {
            let site = try #require((g["key"] as? [String: Any])?["site"] as? [String: Any])
            #expect(site["file"] is NSNull && site["line"] is NSNull && site["method"] is NSNull, "\(g)")
            #expect(!(g["label"] as? String ?? "").isEmpty)
        }
        let text = LeaksText.render(r, top: 5)
        #expect(text.contains("APPROXIMATE"))
        #expect(text.contains("(no allocation site)"))
        let byClass = try InProcess.object(LeaksJSON.render(try InProcess.leaks(paths, grouping: .class, includeRuntime: true), top: 1000))
        let classes = try #require(byClass["groups"] as? [[String: Any]]).map { ($0["key"] as? [String: Any])?["class"] }
        #expect(classes.contains { $0 is NSNull }, "IMEMOs have no class: null, not a placeholder")
        #expect(!classes.contains { ($0 as? String)?.hasPrefix("(") == true })
    }

    @Test("Summary and top: objects with no class are null in JSON, '(no class)' in text")
    func summaryNoClass() throws {
        let graph = try InProcess.load(Retention.fixture("todo-3.3.8-heap3"))
        let s = HeapSummary(graph, top: 100)
        let json = try InProcess.object(SummaryReport.json(s, graph, DumpNotes.notes(for: graph)))
        let classes = try #require(json["by_class"] as? [[String: Any]]).map { $0["class"] }
        #expect(classes.contains { $0 is NSNull })
        #expect(SummaryReport.text(s, graph, []).contains("(no class)"))
        let tree = DominatorTree(graph)
        let top = try InProcess.object(TopReport.json(TopRetainers(graph, tree, top: 100), graph, tree, []))
        #expect(try #require(top["by_class"] as? [[String: Any]]).contains { $0["class"] is NSNull })
    }

    @Test("why, rendered: the path starts at a ROOT and ends at the object; JSON agrees")
    func why() throws {
        let r = try InProcess.exampleLeaks.get()
        let object = try #require(r.groups.first?.members.first)
        let answer = WhyAnswer(r.graph, object, paths: 2)
        let text = WhyReport.text(answer)
        #expect(text.hasPrefix("Why is \(Names.address(r.graph.address[object.int])) alive?"))
        #expect(text.contains("ROOT "))
        let json = try InProcess.object(WhyReport.json(answer))
        let paths = try #require(json["paths"] as? [[[String: Any]]])
        #expect(paths.count == answer.paths.count && !paths.isEmpty)
        #expect(paths[0].first?["root"] is String)
        #expect(paths[0].last?["address"] as? String == Names.address(r.graph.address[object.int]))
    }
}
