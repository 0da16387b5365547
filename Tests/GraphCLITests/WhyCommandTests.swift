import Foundation
import Testing
import TestSupport

@Suite("retention why")
struct WhyCommandTests {
    /// An example address of the Listener group, taken from `leaks --format json` (shop-heap3).
    static func listenerAddress() throws -> String {
        let examples = try #require(try ExampleLeaks.group(ofClass: "Listener")["examples"] as? [String])
        return try #require(examples.first)
    }

    static var heap3: String { Repo.example(3) }

    @Test("Text: exit 0, the path starts at ROOT vm and ends at the STRUCT Listener; the dominators include the accumulation Array")
    func text() throws {
        let address = try Self.listenerAddress()
        let b = try #require(try ShopDumpFacts(example: 3).accumulationPoints["B"])
        let r = try Retention.run(["why", address, Self.heap3])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let lines = r.stdoutLines.map { $0.trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex { $0.hasPrefix("Shortest path from a GC root") }, "\(r.stdout)")
        let end = try #require(lines[start...].firstIndex { $0.hasPrefix("Dominators") }, "\(r.stdout)")
        let path = lines[(start + 1) ..< end].filter { !$0.isEmpty }
        #expect(path.first == "ROOT vm", "\(path)")
        let last = try #require(path.last)
        #expect(last.hasPrefix("→ STRUCT Listener \(address)"), "\(last)")
        // The hops between are the facts' chain.
        #expect(path.map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
            == ["ROOT vm", "→ CLASS Object", "→ CLASS EventBus", "→ ARRAY Array", "→ STRUCT Listener"], "\(path)")
        let dominators = lines[(end + 1)...].filter { !$0.isEmpty }
        let bHex = "0x" + String(b.address, radix: 16)
        #expect(dominators.contains { $0.hasPrefix("ARRAY") && $0.contains(bHex) }, "\(dominators)")
    }

    @Test("JSON: paths[0] runs from a root to the object, hop by hop along references of the dump, and is shortest")
    func json() throws {
        let address = try Self.listenerAddress()
        let target = try #require(hexAddress(address))
        let r = try Retention.run(["why", "--format", "json", address, Self.heap3])
        #expect(r.status == 0, "\(r)")
        let report = try jsonObject(r.stdout)
        #expect(report["command"] as? String == "why")
        #expect(report["reachable"] as? Bool == true)
        #expect(((report["object"] as? [String: Any])?["address"] as? String).flatMap(hexAddress) == target)
        let paths = try #require(report["paths"] as? [[[String: Any]]])
        let first = try #require(paths.first)
        #expect(first.first?["root"] as? String != nil, "starts with a root")
        #expect((first.last?["address"] as? String).flatMap(hexAddress) == target, "ends at the object")

        let heap = try ExampleHeaps.heaps()[2]
        try expectRealPath(first, in: heap)
        let targetIndex = try #require(heap.index[target])
        let distance = try #require(heap.distances()[targetIndex], "a root reaches it")
        #expect(first.count - 1 == distance, "a shortest path: \(distance) objects from a root record")

        let dominators = try #require(report["dominators"] as? [[String: Any]])
        #expect(!dominators.isEmpty)
        // Each dominator is one the object cannot be reached without.
        for d in dominators {
            let a = try #require((d["address"] as? String).flatMap(hexAddress))
            let i = try #require(heap.index[a])
            #expect(heap.distances(avoiding: [i])[targetIndex] == nil, "\(d["address"] ?? "") dominates the object")
        }
        let b = try #require(try ShopDumpFacts(example: 3).accumulationPoints["B"])
        #expect(dominators.contains { ($0["address"] as? String).flatMap(hexAddress) == b.address })
    }

    @Test("--paths 3: different paths, each from a root along references of the dump to the object")
    func severalPaths() throws {
        let address = try Self.listenerAddress()
        let target = try #require(hexAddress(address))
        let r = try Retention.run(["why", "--paths", "3", "--format", "json", address, Self.heap3])
        #expect(r.status == 0, "\(r)")
        let paths = try #require(try jsonObject(r.stdout)["paths"] as? [[[String: Any]]])
        #expect(paths.count >= 2 && paths.count <= 3, "\(paths.count) paths")
        let heap = try ExampleHeaps.heaps()[2]
        var seen = Set<[String]>()
        for path in paths {
            #expect(path.first?["root"] as? String != nil)
            #expect((path.last?["address"] as? String).flatMap(hexAddress) == target)
            try expectRealPath(path, in: heap)
            let hops = path.map { ($0["address"] as? String) ?? "ROOT " + ($0["root"] as? String ?? "") }
            #expect(seen.insert(hops).inserted, "path repeated: \(hops)")
        }

        let text = try Retention.run(["why", "--paths", "3", address, Self.heap3])
        #expect(text.status == 0)
        #expect(text.stdoutLines.filter { $0.hasPrefix("Path ") }.count == paths.count, "\(text.stdout)")
    }

    @Test("An address that is not in the dump: exit 4 (not 1, which says the dump could not be read), nothing on stdout, the message names the dump")
    func missingAddress() throws {
        let heap = try ExampleHeaps.heaps()[2]
        var address: UInt64 = 0x7efe_0000_0008
        while heap.index[address] != nil { address += 8 }
        for format in ["text", "json"] {
            let r = try Retention.run(["why", "--format", format, "0x" + String(address, radix: 16), Self.heap3])
            #expect(r.status == 4, "\(r)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.hasPrefix("Error: "))
            #expect(r.stderr.contains(Self.heap3), "\(r.stderr)")
            #expect(r.stderr.contains(String(address, radix: 16)))
        }
    }

    @Test("A malformed address: exit 64 before reading the dump", arguments: ["xyz", "0x", "", "0x12g4", "0x1234567890abcdef0"])
    func malformedAddress(_ text: String) throws {
        let r = try Retention.run(["why", text, Self.heap3])
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.contains { $0.hasPrefix("Usage: retention why") })
    }

    static let unreachableDump = [
        #"{"type":"ROOT", "root":"vm", "references":["0x1000"]}"#,
        #"{"address":"0x1000", "type":"OBJECT", "memsize":40}"#,
        #"{"address":"0x2000", "type":"STRING", "value":"lonely", "bytesize":6, "memsize":40}"#,
    ]

    @Test("An object no root reaches: exit 0, the text says no root reaches it; JSON: not reachable, no paths")
    func unreachable() throws {
        try withDump(Self.unreachableDump) { path in
            let r = try Retention.run(["why", "0x2000", path])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains("No root reaches it"), "\(r.stdout)")
            #expect(!r.stdout.contains("Shortest path"))

            let j = try Retention.run(["why", "--format", "json", "0x2000", path])
            #expect(j.status == 0, "\(j)")
            let report = try jsonObject(j.stdout)
            #expect(report["reachable"] as? Bool == false)
            #expect((report["paths"] as? [Any])?.isEmpty == true)

            // The reachable object of the same dump gets its path of one hop.
            let reached = try Retention.run(["why", "0x1000", path])
            #expect(reached.status == 0)
            #expect(reached.stdout.contains("ROOT vm"))
        }
    }

    @Test("The text report ends with a newline, like every other report",
          .bug(id: "why-text-no-final-newline", "WhyCommand.swift:86: with no path the report's last line has no newline (the joined lines are printed with terminator \"\")"),
          arguments: ["0x1000", "0x2000"])
    func endsWithNewline(_ address: String) throws {
        try withDump(Self.unreachableDump) { path in
            let r = try Retention.run(["why", address, path])
            #expect(r.status == 0)
            #expect(r.stdout.hasSuffix("\n"), "\(r.stdout.suffix(80).debugDescription)")
        }
    }
}

/// Requires `path` (a `why` JSON path) to be a chain of the dump: the first object is a target
/// of a ROOT record of the named category, and each next object a reference (or the class) of
/// the one before.
func expectRealPath(_ path: [[String: Any]], in heap: HeapText, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let category = try #require(path.first?["root"] as? String, sourceLocation: sourceLocation)
    let indices = try path.dropFirst().map { step in
        try #require((step["address"] as? String).flatMap(hexAddress).flatMap { heap.index[$0] }, "\(step)", sourceLocation: sourceLocation)
    }
    let first = try #require(indices.first, sourceLocation: sourceLocation)
    #expect(heap.roots.contains { $0.category == category && $0.targets.contains(first) }, "ROOT \(category) holds the first hop",
            sourceLocation: sourceLocation)
    for (a, b) in zip(indices, indices.dropFirst()) {
        #expect(heap.edges[a].contains(b), "\(String(heap.objects[a].address, radix: 16)) → \(String(heap.objects[b].address, radix: 16)) is a reference",
                sourceLocation: sourceLocation)
    }
}
