import Foundation
import GraphModel
import Testing

/// The dumps of Ruby 3.4.5 (edge), 4.0.0, 4.1.0-dev and the probes: the README's counts, and
/// the fold of fields objects checked against the oracle's own fold of the raw records.
@Suite("Ruby 3.4 to 4.1-dev dumps")
struct NewerDumpTests {
    let cache = FixtureCache.shared

    @Test("The README's counts hold for the text, and for the graph once fields objects are folded",
          arguments: NewerDumpFacts.all)
    func countsMatchReadme(_ facts: NewerDumpFacts) throws {
        let raw = try cache.raw(facts.name)
        let graph = try cache.graph(facts.name)
        let d = graph.diagnostics
        let fields = raw.objects.indices.filter(raw.isFields).count
        let none = raw.records.filter { $0.type == "NONE" }.count
        if let n = facts.records { #expect(raw.records.count == n); #expect(d.counts.records == n) }
        if let n = facts.roots { #expect(raw.roots.count == n); #expect(d.counts.rootRecords == n); #expect(graph.dumpRootRecordCount == n) }
        if let n = facts.shapes { #expect(d.counts.shapeRecords == n) }
        if let n = facts.objects { #expect(raw.objects.count == n) }
        if let n = facts.referenceEntries { #expect(raw.objects.filter(\.isValidJSON).reduce(0) { $0 + $1.references.count } == n) }
        if let n = facts.fields { #expect(fields == n) }
        if let n = facts.none { #expect(none == n); #expect(d.counts.emptySlots == n) }
        if let n = facts.structsAtLine74 {
            #expect(raw.objects.filter { $0.type == "STRUCT" && $0.file == "todo_app.rb" && $0.line == 74 }.count == n)
        }
        // Nothing skipped; the broken records recovered where the README says.
        #expect(d.counts.skippedLines == 0)
        if let n = facts.recovered { #expect(d.counts.recoveredLines == n) }
        if let lines = facts.recoveredLines { #expect(d.issues.map(\.line) == lines) }
        // Every fields object has its owner in these dumps: all folded, none left as a node.
        #expect(d.foldedFields == fields)
        #expect(d.fieldsWithoutOwner == 0)
        #expect(graph.count == raw.objects.count - fields)
        #expect(!graph.indices.contains { graph.type[$0] == .imemo && graph.kindName(of: ObjectIndex($0)) == "fields" })
        let versions = RubyVersionRange(graph)
        #expect(versions.lowest == RubyVersion(facts.ruby.major, facts.ruby.minor), "\(versions)")
        #expect(!versions.isConflicting)
    }

    @Test("Nodes, edges, memsizes and roots equal the oracle's fold of the raw records",
          arguments: NewerDumpFacts.names.filter { !$0.hasPrefix("todo-3.4") })
    func foldMatchesOracle(_ name: String) throws {
        let raw = try cache.raw(name)
        let graph = try cache.graph(name)
        let owners = raw.fieldsOwners
        let kept = raw.keptAfterFold(owners)
        try #require(graph.count == kept.count)
        let newIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        let sizes = raw.foldedMemsizes(owners)
        var wrongEdges = 0, wrongSizes = 0
        for (k, i) in kept.enumerated() {
            try #require(graph.address[k] == raw.objects[i].address, "node \(k)")
            let expected = Set(raw.foldedEdges(of: i, owners).compactMap { newIndex[$0] })
            let refs = graph.references(of: ObjectIndex(k)).map(Int.init)
            if Set(refs) != expected || refs.count != expected.count {
                wrongEdges += 1
                if wrongEdges <= 3 { Issue.record("line \(raw.objects[i].firstLine): edges \(Set(refs)), expected \(expected)") }
            }
            if graph.memsize[k] != UInt64(sizes[i] ?? 0) { wrongSizes += 1 }
        }
        #expect(wrongEdges == 0)
        #expect(wrongSizes == 0)
        // The fold moves memsize, it does not make or lose any.
        let total = raw.objects.reduce(0) { $0 + ($1.memsize ?? 0) }
        #expect(graph.memsize.reduce(0, +) == UInt64(total))
        try #require(graph.dumpRootRecordCount == raw.roots.count)
        for r in 0 ..< raw.roots.count {
            #expect(graph.rootTargets(ofRecord: r).map(Int.init) == raw.foldedRootTargets(of: r, owners).compactMap { newIndex[$0] })
        }
        // A folded object's address answers with its owner.
        for (f, o) in owners {
            let address = try #require(raw.objects[f].address)
            #expect(graph.index(ofAddress: address) == nil)
            #expect(graph.owner(ofFoldedFieldsAt: address) == newIndex[o].map(ObjectIndex.init))
        }
    }

    @Test("On 4.0+ the probe's String, Hash, Struct and class reference their ivar Strings directly",
          arguments: ["probe-4.0.0", "probe-4.1.0dev", "probe-3.4.5"])
    func ivarsOneHopFromOwner(_ name: String) throws {
        let graph = try cache.graph(name)
        let facts = try ProbeFacts(name)
        for (key, ivar) in [("str", "str_ivar"), ("hash", "hash_ivar"), ("struct", "struct_ivar"), ("klass", "klass_ivar")] {
            let owner = try graph.node(try #require(facts.objects[key]))
            let values = graph.references(of: owner).compactMap { graph.valuePrefix(of: ObjectIndex(rawValue: $0))?.text }
            #expect(values.contains(ivar), "\(name): \(key)")
        }
    }

    @Test("An unescaped real_class_name is recovered: the singleton class keeps its name and its instance its class",
          arguments: ["probe-3.3.8", "probe-3.4.5", "probe-4.0.0", "probe-4.1.0dev"])
    func realClassNameRecovered(_ name: String) throws {
        let graph = try cache.graph(name)
        let raw = try cache.raw(name)
        let facts = try ProbeFacts(name)
        let singleton = try graph.node(try #require(facts.objects["tmp_singleton"]))
        #expect(graph.type[singleton.int] == .class)
        #expect(graph.flags[singleton.int].contains(.recovered))
        #expect(graph.className(ofClassNode: singleton) == #"tmp"cls (singleton)"#)
        let instance = try graph.node(try #require(facts.objects["tmp_instance"]))
        #expect(graph.classOf(instance) == singleton)
        // Address, type and references intact: the oracle's pattern reading of the broken line.
        let i = try #require(raw.objects.firstIndex { $0.address == facts.objects["tmp_singleton"] })
        #expect(!raw.objects[i].isValidJSON)
        #expect(Set(graph.referencedAddresses(of: singleton)) == Set(raw.expectedEdges(of: i).compactMap { raw.objects[$0].address }))
        let issue = try #require(graph.diagnostics.issues.first)
        #expect(issue.recovered)
        #expect(issue.reason.contains("real_class_name"))
        // Its allocation fields, after the broken name, are read too.
        let site = try #require(graph.allocationSite(of: singleton))
        #expect(graph.describe(site) == "probe_app.rb:53")
        #expect(graph.methodName(site) == "singleton_class")
    }

    @Test("Finalizer tables: a finalizers ROOT on 3.3, an inferred root on 3.4+ that reaches what the proc captures",
          arguments: ["probe-3.3.8", "probe-3.4.5", "probe-4.0.0", "probe-4.1.0dev"])
    func finalizerRoots(_ name: String) throws {
        let graph = try cache.graph(name)
        let facts = try ProbeFacts(name)
        let captured = try graph.node(try #require(facts.finCaptured))
        if name == "probe-3.3.8" {
            #expect(graph.rootKind.contains(.finalizers))
            #expect(!graph.rootKind.contains(.inferredFinalizers))
            #expect(FinalizerRoots.status(of: graph) == .listed)
            #expect(graph.rootRecordCount == graph.dumpRootRecordCount)
        } else {
            #expect(!graph.rootKind.contains(.finalizers))
            #expect(graph.rootKind.last == .inferredFinalizers)
            #expect(graph.rootKind.filter(\.isInferred).count == 1)
            #expect(graph.strings[graph.rootCategory.last!] == RootCategory.inferredFinalizersName)
            #expect(graph.diagnostics.inferredFinalizerArrays == 1)
            #expect(FinalizerRoots.status(of: graph) == .inferred(arrays: 1))
            #expect(graph.rootRecordCount == graph.dumpRootRecordCount + 1)
        }
        // The finalizer's record (Ruby's or inferred) holds a hidden Array whose proc's env holds
        // the captured String: ARRAY → DATA proc → IMEMO env → STRING.
        let record = try #require(graph.rootKind.firstIndex { $0 == .finalizers || $0 == .inferredFinalizers })
        let array = try #require(graph.rootTargets(ofRecord: record).first)
        #expect(graph.type[Int(array)] == .array && graph.classIndex[Int(array)] == .max)
        let proc = try #require(graph.references(of: ObjectIndex(rawValue: array)).first { graph.kindName(of: ObjectIndex(rawValue: $0)) == "proc" })
        let env = try #require(graph.references(of: ObjectIndex(rawValue: proc)).first { graph.kindName(of: ObjectIndex(rawValue: $0)) == "env" })
        #expect(graph.references(of: ObjectIndex(rawValue: env)).contains(captured.rawValue))
    }

    @Test("The todo dumps of 3.4+ define no finalizers: no root is inferred, and none is missing",
          arguments: ["todo-3.4.5-heap3", "todo-4.0.0-heap3", "todo-4.1.0dev-heap3"])
    func noFinalizersNoInferredRoot(_ name: String) throws {
        let graph = try cache.graph(name)
        #expect(graph.rootRecordCount == graph.dumpRootRecordCount)
        #expect(FinalizerRoots.status(of: graph) == .inferred(arrays: 0))
    }
}

/// A probe dump's facts file: the addresses of the objects `probe_app.rb` planted.
struct ProbeFacts {
    var objects: [String: UInt64]
    var finCaptured: UInt64?

    init(_ name: String) throws {
        let url = TestDumps.fixtures.appendingPathComponent(name + ".facts.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let objects = try #require(json["objects"] as? [String: Any])
        self.objects = objects.compactMapValues { ($0 as? String).flatMap(RawDump.hex) }
        finCaptured = (json["fin_captured"] as? String).flatMap(RawDump.hex)
    }
}
