import Foundation
import Testing
import TestSupport

/// `retention top --format folded`.
@Suite("retention top --format folded")
struct FoldedTests {
    static let heap3 = Result { try Retention.run(["top", "--format", "folded", Repo.example(3)]) }

    /// `(frames, bytes)` of each line; every line must read `^[^\n]+ [0-9]+$`.
    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [(frames: [Substring], bytes: Int)] {
        #expect(text.hasSuffix("\n"), sourceLocation: sourceLocation)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            guard let space = line.lastIndex(of: " "), let bytes = Int(line[line.index(after: space)...]),
                  line[line.index(after: space)...].allSatisfy(\.isASCII), space > line.startIndex else {
                Issue.record("not `frames bytes`: \(line.debugDescription)", sourceLocation: sourceLocation)
                return nil
            }
            return (line[..<space].split(separator: ";", omittingEmptySubsequences: false), bytes)
        }
    }

    @Test("Every line is `frames BYTES`; the bytes add up to summary's memsize less the unreachable memsize")
    func linesAndTotal() throws {
        let r = try Self.heap3.get()
        #expect(r.status == 0, "\(r)")
        let lines = Self.parse(r.stdout)
        #expect(lines.count > 100)
        for line in r.stdout.split(separator: "\n") {
            #expect(line.wholeMatch(of: /[^\n]+ [0-9]+/) != nil, "\(line)")
        }
        let summary = try jsonObject(try Retention.run(["summary", "--format", "json", Repo.example(3)]).stdout)
        let memsize = try #require(summary["memsize"] as? Int)
        let unreachable = try #require((summary["unreachable"] as? [String: Any])?["memsize"] as? Int)
        #expect(lines.reduce(0) { $0 + $1.bytes } == memsize - unreachable)
        // Distinct paths: no line twice.
        #expect(Set(lines.map { $0.frames.joined(separator: ";") }).count == lines.count)
    }

    @Test("--by gem: frames are gems, the same total", arguments: ["gem", "class", "site"])
    func byGem(_ by: String) throws {
        let r = try Retention.run(["top", "--format", "folded", "--by", by, Repo.example(3)])
        #expect(r.status == 0, "\(r)")
        let lines = Self.parse(r.stdout)
        let all = Self.parse(try Self.heap3.get().stdout)
        #expect(lines.reduce(0) { $0 + $1.bytes } == all.reduce(0) { $0 + $1.bytes })
        if by == "gem" {
            let frames = Set(lines.flatMap(\.frames))
            #expect(frames.isSubset(of: ["(app)", "(ruby)", "(no file)"]), "\(frames)")
            #expect(frames.contains("(app)"))
            // Consecutive dominators of one gem are one frame.
            for l in lines { #expect(zip(l.frames, l.frames.dropFirst()).allSatisfy { $0 != $1 }, "\(l.frames)") }
        }
    }

    @Test("--by or --depth without --format folded: exit 64", arguments: [["--by", "gem"], ["--depth", "3"], ["--format", "json", "--by", "site"]])
    func byNeedsFolded(_ arguments: [String]) throws {
        let r = try Retention.run(["top"] + arguments + [Repo.example(3)])
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first?.hasPrefix("Error: ") == true, "\(r.stderr)")
    }

    @Test("A file name with ; and a newline adds no frame and no line")
    func hostileFileName() throws {
        let lines = [
            #"{"type":"ROOT", "root":"vm", "references":["0x1000"]}"#,
            "{\"address\":\"0x1000\", \"type\":\"HASH\", \"size\":1, \"references\":[\"0x2000\"], \"file\":\(jsonString("a;b\nc;d.rb")), \"line\":1, \"memsize\":100}",
            "{\"address\":\"0x2000\", \"type\":\"STRING\", \"bytesize\":1, \"file\":\(jsonString("x;\ny\r.rb")), \"line\":2, \"memsize\":40}",
        ]
        try withDump(lines) { path in
            for by in ["object", "class", "site", "gem"] {
                let r = try Retention.run(["top", "--format", "folded", "--by", by, path])
                #expect(r.status == 0, "\(r)")
                let parsed = Self.parse(r.stdout)
                #expect(parsed.map(\.bytes) == (by == "gem" ? [140] : [100, 40]), "\(by): \(r.stdout.debugDescription)")
                #expect(parsed.map(\.frames.count) == (by == "gem" ? [1] : [1, 2]), "\(by): \(r.stdout.debugDescription)")
                #expect(!r.stdout.contains("\r"))
            }
        }
    }

    @Test("A chain 10,000 objects deep with --depth 64: no line of more than 65 frames; the last frame says it was cut")
    func deepChain() throws {
        let n = 10_000
        var lines = [#"{"type":"ROOT", "root":"vm", "references":["0x10000"]}"#]
        for k in 0 ..< n {
            let next = k + 1 < n ? "\"0x\(String(0x10000 + (k + 1) * 40, radix: 16))\"" : ""
            lines.append("{\"address\":\"0x\(String(0x10000 + k * 40, radix: 16))\", \"type\":\"ARRAY\", \"length\":1, \"references\":[\(next)], \"file\":\"list.rb\", \"line\":\(k % 7), \"memsize\":40}")
        }
        try withDump(lines) { path in
            let r = try Retention.run(["top", "--format", "folded", "--depth", "64", path])
            #expect(r.status == 0, "\(r)")
            let parsed = Self.parse(r.stdout)
            #expect(parsed.allSatisfy { $0.frames.count <= 65 }, "\(parsed.map(\.frames.count).max() ?? 0) frames")
            let deepest = try #require(parsed.max { $0.frames.count < $1.frames.count })
            #expect(deepest.frames.count == 65)
            #expect(deepest.frames.last?.contains("cut") == true, "\(deepest.frames.last ?? "")")
            #expect(deepest.bytes == (n - 64) * 40, "what lies deeper is one frame")
            #expect(parsed.reduce(0) { $0 + $1.bytes } == n * 40)
            #expect(r.stdout.utf8.count < 200_000, "\(r.stdout.utf8.count) bytes")
        }
    }
}
