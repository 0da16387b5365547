import Foundation
import GraphModel
import Testing
import TestSupport

/// The shape every ``HeapGraph`` must have, checked on every real dump.
@Suite("Graph invariants")
struct GraphInvariantTests {
    static func check(_ graph: HeapGraph, sourceLocation: SourceLocation = #_sourceLocation) {
        // The library's own self-check (it stops the run at the first violation), then the
        // same and more as expectations that say what went wrong.
        graph.checkInvariants()
        let n = graph.count
        // Columns all `count` long.
        for (name, length) in [("type", graph.type.count), ("classIndex", graph.classIndex.count), ("memsize", graph.memsize.count),
                               ("bytesize", graph.bytesize.count), ("generation", graph.generation.count), ("site", graph.site.count),
                               ("flags", graph.flags.count)] {
            #expect(length == n, "\(name) has \(length) entries for \(n) nodes", sourceLocation: sourceLocation)
        }
        // CSR: edgeStart has n + 1 entries, starts at 0, never decreases, ends at edges.count.
        #expect(graph.edgeStart.count == n + 1, sourceLocation: sourceLocation)
        #expect(graph.edgeStart.first == 0, sourceLocation: sourceLocation)
        #expect(graph.edgeStart.last.map(Int.init) == graph.edges.count, sourceLocation: sourceLocation)
        #expect(zip(graph.edgeStart, graph.edgeStart.dropFirst()).allSatisfy { $0 <= $1 }, "edgeStart is monotone",
                sourceLocation: sourceLocation)
        #expect(graph.edges.allSatisfy { Int($0) < n }, "every edge names a node", sourceLocation: sourceLocation)

        var repeated = 0, wrongClass = 0, missingClassEdge = 0
        for i in graph.indices {
            let refs = graph.references(of: ObjectIndex(i))
            if Set(refs).count != refs.count { repeated += 1 }
            let c = graph.classIndex[i]
            if c != .max {
                if Int(c) >= n || !graph.type[Int(c)].isClassLike { wrongClass += 1 }
                if !refs.contains(c) { missingClassEdge += 1 }
            }
        }
        #expect(repeated == 0, "nodes with a target twice", sourceLocation: sourceLocation)
        #expect(wrongClass == 0, "classIndex pointing at a node that is not CLASS, MODULE or ICLASS", sourceLocation: sourceLocation)
        #expect(missingClassEdge == 0, "class not among the references", sourceLocation: sourceLocation)
        #expect(graph.type.allSatisfy { $0.isHeapObject }, "no ROOT, SHAPE, NONE or ZOMBIE node", sourceLocation: sourceLocation)

        // Roots: one category per record, targets valid and unique per record.
        #expect(graph.rootStart.count == graph.rootRecordCount + 1, sourceLocation: sourceLocation)
        #expect(graph.rootStart.first == 0, sourceLocation: sourceLocation)
        #expect(graph.rootStart.last.map(Int.init) == graph.rootTargets.count, sourceLocation: sourceLocation)
        #expect(zip(graph.rootStart, graph.rootStart.dropFirst()).allSatisfy { $0 <= $1 }, sourceLocation: sourceLocation)
        #expect(graph.rootTargets.allSatisfy { Int($0) < n }, sourceLocation: sourceLocation)
        for r in 0 ..< graph.rootRecordCount {
            let targets = graph.rootTargets(ofRecord: r)
            #expect(Set(targets).count == targets.count, "root record \(r) repeats a target", sourceLocation: sourceLocation)
            #expect(!graph.strings[graph.rootCategory[r]].isEmpty, sourceLocation: sourceLocation)
        }

        // Sites and strings in range.
        #expect(graph.site.allSatisfy { $0.isNone || Int($0.rawValue) < graph.sites.count }, sourceLocation: sourceLocation)
        #expect(graph.sites.allSatisfy { ($0.file.isNone || Int($0.file.rawValue) < graph.strings.count)
                && ($0.method.isNone || Int($0.method.rawValue) < graph.strings.count) }, sourceLocation: sourceLocation)
        #expect(Set(graph.sites).count == graph.sites.count, "each site interned once", sourceLocation: sourceLocation)

        // Lookup by address finds each node (when no address repeats).
        if graph.diagnostics.duplicateAddresses == 0 {
            #expect(Set(graph.address).count == n, sourceLocation: sourceLocation)
            let wrong = graph.indices.filter { graph.index(ofAddress: graph.address[$0])?.int != $0 }.count
            #expect(wrong == 0, "nodes not found at their own address", sourceLocation: sourceLocation)
        } else {
            #expect(Set(graph.address).count == n - graph.diagnostics.duplicateAddresses, sourceLocation: sourceLocation)
        }
        // Value prefixes never exceed 48 bytes of text.
        for i in graph.indices where graph.type[i] == .string || graph.type[i] == .symbol || graph.type[i] == .float {
            if let v = graph.valuePrefix(of: ObjectIndex(i)), !v.truncated {
                #expect(v.text.utf8.count <= 48 * 3, sourceLocation: sourceLocation)
            }
        }
    }

    @Test("Every fixture's graph is well formed", arguments: FixtureFacts.names + NewerDumpFacts.names)
    func fixture(_ name: String) throws {
        let graph = try FixtureCache.shared.graph(name)
        GraphInvariantTests.check(graph)
        // An address that no dump uses is not found.
        #expect(graph.index(ofAddress: 0) == nil)
        #expect(graph.index(ofAddress: 1) == nil)
        #expect(graph.index(ofAddress: .max) == nil)
    }

    @Test("Hand-made dumps with duplicates, self-edges and dangling references are well formed")
    func handMade() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.root("vm", ["0x7f01", "0x7f01", "0x7f99"]),
            Rec.object("0x7f01", "OBJECT", "\"class\":\"0x7fa1\"", Rec.refs(["0x7f01", "0x7f02", "0x7f02", "0x7f98", "0x7fa1"])),
            Rec.object("0x7f02", "OBJECT", "\"class\":\"0x7f01\""),
            Rec.object("0x7f02", "STRING", "\"value\":\"dup\""),
            Rec.object("0x7fa1", "CLASS", "\"class\":\"0x7fa1\"", "\"name\":\"A\""),
        ]))
        GraphInvariantTests.check(graph)
        #expect(graph.diagnostics.duplicateAddresses == 1)
        #expect(graph.diagnostics.unresolvedClasses == 1)
    }

    @Test("Graphs of seeded random dumps are well formed, and their edges equal a naive resolution",
          arguments: 1 ... 20)
    func randomDumps(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = Int(rng.next() % 300) + 1
        let types = ["OBJECT", "STRING", "ARRAY", "HASH", "CLASS", "MODULE", "ICLASS", "IMEMO", "DATA", "NONE", "SHAPE"]
        var addresses: [UInt64] = (0 ..< n).map { _ in 0x7f00_0000_0000 + (rng.next() % 2000) * 8 }
        addresses += (0 ..< 20).map { _ in 0x7e00_0000_0000 + (rng.next() % 20) * 8 }  // never records: dangling
        var lines: [String] = []
        var recordTypes: [String] = []
        for k in 0 ..< n {
            let t = types[Int(rng.next() % UInt64(types.count))]
            recordTypes.append(t)
            var fields: [String] = []
            if rng.next() % 3 != 0 { fields.append("\"class\":\"0x\(String(addresses[Int(rng.next() % UInt64(addresses.count))], radix: 16))\"") }
            let refs = (0 ..< Int(rng.next() % 8)).map { _ in "0x" + String(addresses[Int(rng.next() % UInt64(addresses.count))], radix: 16) }
            fields.append(Rec.refs(refs))
            lines.append(Rec.object("0x" + String(addresses[k], radix: 16), t, fields))
        }
        let roots = (0 ..< 3).map { r in Rec.root(["vm", "machine_context", "global_tbl"][r],
                                                  (0 ..< 10).map { _ in "0x" + String(addresses[Int(rng.next() % UInt64(addresses.count))], radix: 16) }) }
        let text = Rec.dump(roots + lines)
        let (_, result) = TestDumps.load(text)
        let raw = RawDump(Data(text.utf8))
        guard case let .success(graph) = result else {
            // Only a dump with no object at all may fail.
            #expect(raw.objects.isEmpty, "\(result)")
            return
        }
        GraphInvariantTests.check(graph)
        try #require(graph.count == raw.objects.count)
        for i in graph.indices {
            #expect(Set(graph.references(of: ObjectIndex(i)).map(Int.init)) == raw.expectedEdges(of: i), "node \(i)")
        }
        for r in 0 ..< raw.roots.count {
            #expect(graph.rootTargets(ofRecord: r).map(Int.init) == raw.expectedRootTargets(of: r))
        }
        #expect(graph.diagnostics.danglingReferences == raw.danglingReferences)
        #expect(graph.diagnostics.danglingTargets == raw.danglingTargets)
        #expect(graph.diagnostics.danglingRootReferences == raw.danglingRootReferences)
        #expect(graph.diagnostics.unresolvedClasses == raw.unresolvedClasses)
        #expect(graph.diagnostics.duplicateAddresses == raw.objects.count - raw.indexByAddress.count)
    }
}

/// Graphs large enough that the edges are resolved in several parts at once (one per core,
/// past 100,000 objects), checked against the expectations they were generated from.
@Suite("Large graphs")
struct LargeGraphTests {
    @Test("150,000 random objects (110,000 under a sanitizer, still two parts): every node's edges are its references in the dump plus its class")
    func largeRandomGraph() throws {
        var rng = SplitMix64(seed: 42)
        let classes = 100, n = TestScale.sanitized ? 110_000 : 150_000
        func address(_ i: Int) -> UInt64 { 0x7f00_0000_0000 + UInt64(i) * 40 }
        func text(_ a: UInt64) -> String { "\"0x" + String(a, radix: 16) + "\"" }
        var lines: [String] = []
        lines.reserveCapacity(n + 1)
        var expected: [Set<Int>] = []
        expected.reserveCapacity(n)
        var dangling = 0
        var danglingTargets = Set<UInt64>()
        lines.append(Rec.root("vm", (0 ..< 50).map { _ in "0x" + String(address(Int(rng.next() % UInt64(n))), radix: 16) }))
        for i in 0 ..< n {
            let isClass = i < classes
            let isImemo = !isClass && rng.next() % 10 == 0
            var targets = Set<Int>()
            var refs: [String] = []
            let degree = rng.next() % 50 == 0 ? 17 + Int(rng.next() % 40) : Int(rng.next() % 7)
            for _ in 0 ..< degree {
                if rng.next() % 10 == 0 {
                    let a = 0x6000_0000 + (rng.next() % 5000) * 8  // not in the dump
                    refs.append(text(a))
                    dangling += 1
                    danglingTargets.insert(a)
                } else {
                    // Near neighbours repeat often: duplicates within a record.
                    let t = rng.next() % 4 == 0 ? Int(rng.next() % UInt64(n)) : max(0, min(n - 1, i + Int(rng.next() % 5) - 2))
                    refs.append(text(address(t)))
                    targets.insert(t)
                }
            }
            var fields: [String] = []
            let roll = rng.next() % 20
            if roll < 14 {
                let c = Int(rng.next() % UInt64(classes))
                fields.append("\"class\":" + text(address(c)))
                if !isImemo { targets.insert(c) }
            } else if roll == 14 {
                fields.append("\"class\":" + text(address(classes + Int(rng.next() % UInt64(n - classes)))))  // not a class
            }
            fields.append("\"references\":[" + refs.joined(separator: ", ") + "]")
            lines.append(Rec.object("0x" + String(address(i), radix: 16), isClass ? "CLASS" : isImemo ? "IMEMO" : "OBJECT", fields))
            expected.append(targets)
        }
        let graph = try TestDumps.graph(Rec.dump(lines))
        try #require(graph.count == n)
        GraphInvariantTests.check(graph)
        var wrong = 0
        for i in 0 ..< n where Set(graph.references(of: ObjectIndex(i)).map(Int.init)) != expected[i] {
            wrong += 1
            if wrong < 4 { Issue.record("node \(i): \(graph.references(of: ObjectIndex(i)).sorted()) expected \(expected[i].sorted())") }
        }
        #expect(wrong == 0)
        #expect(graph.edgeCount == expected.reduce(0) { $0 + $1.count })
        #expect(graph.diagnostics.danglingReferences == dangling)
        #expect(graph.diagnostics.danglingTargets == danglingTargets.count)
    }

    @Test("Options.edges = false keeps the objects and their identities, and no edges")
    func identitiesOnly() throws {
        for name in ["todo-3.1.2-edge", "todo-3.3.8-full"] {
            let full = try FixtureCache.shared.graph(name)
            var options = DumpLoader.Options()
            options.edges = false
            let lean = try DumpLoader.load(TestDumps.fixturePath(name), options: options)
            #expect(lean.count == full.count)
            #expect(lean.address == full.address)
            #expect(lean.type == full.type)
            #expect(lean.classIndex == full.classIndex)
            #expect(lean.generation == full.generation)
            #expect(lean.memsize == full.memsize)
            #expect(lean.site == full.site)
            #expect(lean.edgeCount == 0)
            #expect(lean.edgeStart.count == lean.count + 1)
            #expect(lean.edgeStart.allSatisfy { $0 == 0 })
            #expect(lean.diagnostics.counts == full.diagnostics.counts)
            #expect(lean.diagnostics.issues == full.diagnostics.issues)
            #expect(lean.index(ofAddress: full.address[100])?.int == 100)
        }
    }
}
