import Foundation
import Testing
import TestSupport

/// Three dumps of a Ruby process that never traced allocations, written fresh by Ruby.
enum UntracedRun {
    static let script = """
        require "objspace"
        Item = Struct.new(:name)
        $held = []
        3.times do |k|
          200.times { |i| $held << Item.new("item #{k} #{i}") }
          GC.start
          File.open(File.join(ARGV[0], "heap#{k + 1}.json"), "w") { |f| ObjectSpace.dump_all(output: f) }
        end
        """

    static let dumps: Result<[String], any Error> = Result {
        let ruby = try #require(Tools.ruby, "ruby is not on PATH")
        let directory = Repository.temporaryPath("-untraced")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let r = try Subprocess.run(ruby, ["--disable-gems", "-e", script, directory], timeout: 120)
        try #require(r.status == 0, "ruby: \(r.stderr)")
        return (1 ... 3).map { "\(directory)/heap\($0).json" }
    }
}

@Suite("Dumps written without allocation tracing")
struct UntracedDumpTests {
    @Test("leaks: grouped by type and class, and says so; the Item Structs are one group",
          .enabled(if: Tools.ruby != nil || Tools.isCI))
    func typeAndClass() throws {
        let dumps = try UntracedRun.dumps.get()
        let r = try Retention.run(["leaks", "--format", "json"] + dumps)
        #expect(r.status == 0, "\(r)")
        let report = try jsonObject(r.stdout)
        #expect(report["grouping"] as? String == "type-class")
        #expect(report["grouping_fell_back"] as? Bool == true)
        let groups = try #require(report["groups"] as? [[String: Any]])
        let keys = groups.compactMap { $0["key"] as? [String: Any] }
        #expect(keys.count == groups.count && keys.allSatisfy { $0["site"] == nil && $0["type"] is String })
        let item = try #require(keys.firstIndex { $0["class"] as? String == "Item" }, "the held Structs are a group")
        #expect(groups[item]["count"] as? Int == 200, "the 200 Items made between dump 1 and dump 2, still held in dump 3")
        let text = try Retention.run(["leaks"] + dumps)
        #expect(text.stdout.contains("Grouped by type and class"), "\(text.stdout)")
    }

    @Test("leaks --by site-type --format json: approximate, and every site part is null, not a placeholder",
          .enabled(if: Tools.ruby != nil || Tools.isCI))
    func nullSites() throws {
        let dumps = try UntracedRun.dumps.get()
        let r = try Retention.run(["leaks", "--by", "site-type", "--format", "json"] + dumps)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("warning:") && r.stderr.contains("no allocation tracing"), "\(r.stderr)")
        let report = try jsonObject(r.stdout)
        #expect(report["approximate"] as? Bool == true)
        let groups = try #require(report["groups"] as? [[String: Any]])
        let item = try #require(groups.first { $0["class"] as? String == "Item" }, "the held Structs are a group")
        #expect(item["count"] as? Int == 200, "the 200 Items made between dump 1 and dump 2, still held in dump 3")
        for g in groups {
            let site = try #require((g["key"] as? [String: Any])?["site"] as? [String: Any])
            #expect(site["file"] is NSNull && site["line"] is NSNull && site["method"] is NSNull, "\(g)")
            #expect(!(g["class"] as? String ?? "").hasPrefix("("), "no placeholder in place of a class")
        }
        let text = try Retention.run(["leaks", "--by", "site-type"] + dumps)
        #expect(text.stdout.contains("APPROXIMATE"))
        #expect(text.stdout.contains("(no allocation site)"), "the text words what the JSON leaves null")
    }
}
