@testable import GraphCLI
import Foundation
import Testing
import TestSupport

@Suite("retention leaks reads as leaks: clusters first, the ignore list, the gate")
struct LeakClusterCommandTests {
    /// The first screen (24 lines) of the text report names each planted holder exactly once
    /// as a leak, and nothing of Ruby's runtime.
    static func expectFirstScreenNamesLeaks(_ stdout: String, holders: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) {
        let screen = stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix(24)
        #expect(screen.contains { $0.hasPrefix("\(holders.count) leaks:") }, "\(screen.joined(separator: "\n"))", sourceLocation: sourceLocation)
        for h in holders {
            let hex = "0x" + String(h, radix: 16)
            let named = screen.filter { !$0.hasPrefix(" ") && $0.contains(hex) }
            #expect(named.count == 1, "\(hex) is named once as a leak's holder", sourceLocation: sourceLocation)
        }
        #expect(!screen.contains { $0.contains("IMEMO") }, sourceLocation: sourceLocation)
    }

    @Test("The example shop: the first screen names its two leaking objects, once each")
    func exampleFirstScreen() throws {
        let r = try ExampleLeaks.text.get()
        #expect(r.status == 0, "\(r)")
        let facts = try ShopDumpFacts(example: 3)
        let holders = try ["A", "B"].map { try #require(facts.accumulationPoints[$0]).address }
        Self.expectFirstScreenNamesLeaks(r.stdout, holders: holders)
    }

    @Test("Fresh dumps of the shop from Ruby: the same two leaks on the first screen", .enabled(if: FreshShopRun.enabled))
    func freshFirstScreen() throws {
        let run = try FreshShopRun.get()
        let r = try Retention.run(["leaks"] + run.dumps.prefix(3))
        #expect(r.status == 0, "\(r)")
        let facts = run.facts[2]
        let holders = try ["A", "B"].map { try #require(facts.accumulationPoints[$0]).address }
        Self.expectFirstScreenNamesLeaks(r.stdout, holders: holders)
    }

    @Test("JSON: a leaks array beside groups; each group names its leak, each leak its groups")
    func json() throws {
        let report = try ExampleLeaks.report()
        let leaks = try #require(report["leaks"] as? [[String: Any]])
        let groups = try #require(report["groups"] as? [[String: Any]])
        #expect(leaks.count == 2)
        let facts = try ShopDumpFacts(example: 3)
        let planted = Set(try ["A", "B"].map { try #require(facts.accumulationPoints[$0]).address })
        #expect(Set(leaks.compactMap { ($0["holder"] as? [String: Any])?["address"] as? String }.compactMap(hexAddress)) == planted)
        for (k, leak) in leaks.enumerated() {
            let ranks = try #require(leak["groups"] as? [Int])
            #expect(ranks.allSatisfy { groups[$0 - 1]["leak"] as? Int == k + 1 })
            #expect(ranks.map { groups[$0 - 1]["count"] as? Int ?? 0 }.reduce(0, +) == leak["count"] as? Int)
            #expect(leak["ignored"] is NSNull)
        }
    }

    @Test("--ignore: the matching leak is listed apart, and --fail-above compares what is left")
    func ignoreAndGate() throws {
        let ignore = Repository.temporaryPath(".ignore")
        try "# the metrics registry: bounded in production\nsite Examples/shop/shop.rb:127\n".write(toFile: ignore, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: ignore) }
        let all = try jsonObject(try ExampleLeaks.json.get().stdout)
        let total = try #require((all["total"] as? [String: Any])?["retained_size"] as? Int)
        let json = try jsonObject(try Retention.run(["leaks", "--format", "json", "--ignore", ignore] + Repo.examples).stdout)
        let t = try #require(json["total"] as? [String: Any])
        let gated = try #require(t["gated_retained_size"] as? Int), ignored = try #require(t["ignored_retained_size"] as? Int)
        #expect(gated > 0 && ignored > 0 && gated < total && gated + ignored >= total)
        let leaks = try #require(json["leaks"] as? [[String: Any]])
        #expect(leaks.filter { !($0["ignored"] is NSNull) }.count == 1)
        // The gate: above what is left fails with exit 2 and one line saying what it compared;
        // above the whole but not what is left passes.
        let fail = try Retention.run(["leaks", "--ignore", ignore, "--fail-above", String(gated - 1)] + Repo.examples)
        #expect(fail.status == 2, "\(fail)")
        #expect(fail.stderrLines.count == 1 && fail.stderr.hasPrefix("Error: leaked ") && fail.stderr.contains("ignored)"), "\(fail.stderr)")
        let pass = try Retention.run(["leaks", "--ignore", ignore, "--fail-above", String(gated)] + Repo.examples)
        #expect(pass.status == 0, "\(pass)")
        let noIgnore = try Retention.run(["leaks", "--fail-above", String(gated)] + Repo.examples)
        #expect(noIgnore.status == 2, "without the ignore list the same limit fails")
        #expect(fail.stdout.contains("Ignored (retainers the ignore list accepts"))
    }

    @Test("A malformed ignore file is a usage error that names the file and line; .retention-ignore is read by default")
    func ignoreFileErrors() throws {
        let directory = Repository.temporaryPath("-ignore")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "class Hash\nretain everything\n".write(toFile: directory + "/.retention-ignore", atomically: true, encoding: .utf8)
        let r = try Subprocess.run(try #require(Retention.executable).path, ["leaks"] + Repo.examples, in: URL(fileURLWithPath: directory))
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("Error: the ignore file .retention-ignore:2: unknown rule 'retain'"), "\(r.stderr)")
        try "class Hash\n".write(toFile: directory + "/.retention-ignore", atomically: true, encoding: .utf8)
        let ok = try Subprocess.run(try #require(Retention.executable).path, ["leaks"] + Repo.examples, in: URL(fileURLWithPath: directory))
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("Ignored (retainers"), "the default file applies")
    }
}

@Suite("Growth per hour, from the times in the dumps' names")
struct LeakGrowthTests {
    @Test("A dump's name gives the time it was taken", arguments: [
        ("heap-12-20261201T100000.000Z.json", 1_796_119_200.0), ("heap-12-20261201T100130.500Z.json.gz", 1_796_119_290.5),
    ])
    func times(name: String, seconds: Double) {
        #expect(DumpDirectory.seconds(ofDump: "/some/dir/" + name) == seconds)
        #expect(DumpDirectory.seconds(ofDump: "shop-heap1.json") == nil)
    }

    @Test("leaks DIR: each leak's growth per hour is its count's rise from DUMP2 to the last dump over the time between them")
    func perHour() throws {
        let directory = Repository.temporaryPath("-growth")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The example's dumps, 10 minutes apart.
        for (k, minute) in [0, 10, 20].enumerated() {
            try FileManager.default.copyItem(atPath: Repo.example(k + 1), toPath: "\(directory)/heap-77-20261201T10\(minute == 0 ? "00" : String(minute))00.000Z.json.gz")
        }
        let r = try Retention.run(["leaks", "--format", "json", directory])
        #expect(r.status == 0, "\(r)")
        let leaks = try #require(try jsonObject(r.stdout)["leaks"] as? [[String: Any]])
        try #require(!leaks.isEmpty)
        for leak in leaks {
            let series = try #require(leak["series"] as? [Int])
            let expected = Double(series[series.count - 1] - series[0]) / 600 * 3600
            #expect((leak["growth_per_hour"] as? Double).map { abs($0 - expected) < 1e-6 } == true, "\(leak)")
        }
        let text = try Retention.run(["leaks", directory])
        #expect(text.stdout.contains("objects per hour"))
    }
}
