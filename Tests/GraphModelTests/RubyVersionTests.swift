import GraphModel
import Testing

/// What FORMAT-3.4-4.0.md lists as new in 3.4, 4.0 and 4.1-dev: read, never fatal, and the
/// Ruby versions each feature implies.
@Suite("Ruby versions and their format features")
struct RubyVersionTests {
    let cache = FixtureCache.shared

    @Test("Each fixture's features imply its own Ruby",
          arguments: [("todo-2.7.4-heap1", nil, RubyVersion(3, 2)), ("todo-3.1.2-heap1", nil, RubyVersion(3, 2)),
                      ("todo-3.3.8-heap1", RubyVersion(3, 3), RubyVersion(3, 3)), ("probe-3.3.8", RubyVersion(3, 3), RubyVersion(3, 3)),
                      ("todo-3.4.5-heap1", RubyVersion(3, 4), RubyVersion(3, 4)), ("todo-3.4.5-since", RubyVersion(3, 4), RubyVersion(3, 4)),
                      ("todo-4.0.0-heap3", RubyVersion(4, 0), nil), ("probe-4.0.0", RubyVersion(4, 0), nil),
                      ("todo-4.1.0dev-heap3", RubyVersion(4, 1), nil)] as [(String, RubyVersion?, RubyVersion?)])
    func fixtureVersions(_ name: String, _ lowest: RubyVersion?, _ highest: RubyVersion?) throws {
        let versions = RubyVersionRange(try cache.graph(name))
        #expect(versions.lowest == lowest, "\(versions)")
        #expect(versions.highest == highest, "\(versions)")
        #expect(!versions.isConflicting)
        #expect(versions.deciding.allSatisfy { versions.evidence.contains($0) })
    }

    @Test("A 4.0 dump says so in words, from its fields objects and global_symbols root")
    func description40() throws {
        let versions = RubyVersionRange(try cache.graph("todo-4.0.0-heap3"))
        #expect(versions.description.hasPrefix("Ruby 4.0 or later: fields objects, global_symbols root"), "\(versions)")
        for e: RubyVersionEvidence in [.fieldsObjects, .globalSymbolsRoot, .integerFlags, .objectIDShapes, .symbolReferences] {
            #expect(versions.evidence.contains(e), "\(e)")
        }
        let dev = RubyVersionRange(try cache.graph("todo-4.1.0dev-heap3"))
        #expect(dev.evidence.contains(.newSlotSizes))
        #expect(dev.versions == "Ruby 4.1-dev or later")
        let old = RubyVersionRange(try cache.graph("todo-3.4.5-heap1"))
        #expect(old.evidence.contains(.chilledStrings) && old.evidence.contains(.invalidParentShapes))
        #expect(old.evidence.contains(.machineContextAfterGlobalTable))
    }

    @Test("Every ROOT category of 2.7 to 4.1-dev is read as data; an unknown one is counted and kept as a root")
    func rootCategories() throws {
        let names = ["vm", "finalizers", "machine_context", "global_list", "end_proc", "global_tbl", "object_id",
                     "YJIT", "ZJIT", "global_symbols", "a_future_root"]
        let graph = try TestDumps.graph(Rec.dump(names.map { Rec.root($0, ["0x100"]) } + [
            Rec.object("0x100", "OBJECT"),
        ]))
        #expect(graph.rootKind == [.vm, .finalizers, .machineContext, .globalList, .endProc, .globalTable, .objectID,
                                   .yjit, .zjit, .globalSymbols, .other("a_future_root")])
        #expect(graph.diagnostics.unknownRootRecords == 1)
        #expect(graph.rootTargets(ofRecord: 10).map { graph.address[Int($0)] } == [0x100])
        #expect(graph.dumpRootRecordCount == 11)
        // 3.3's finalizers root and 4.0's global_symbols one contradict each other.
        #expect(RubyVersionRange(graph).isConflicting)
        #expect(FinalizerRoots.status(of: graph) == .listed)
    }

    @Test("4.0 flags with integer values, 3.4 and 4.0 shapes, chilled, complex_shape, free_immediately, IMEMO without shape_id")
    func newKeys() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.root("vm", ["0x100"]),
            #"{"address":"0x7f0001", "type":"SHAPE", "id":0, "depth":1, "shape_type":"ROOT", "edges":2, "memsize":60}"#,
            #"{"address":"0x7f0002", "type":"SHAPE", "id":3, "parent_id":4294967295, "depth":1, "shape_type":"T_OBJECT", "edges":0, "memsize":40}"#,
            #"{"address":"0x7f0003", "type":"SHAPE", "id":1, "parent_id":0, "depth":2, "shape_type":"OBJ_ID", "edges":0, "memsize":32}"#,
            Rec.object("0x100", "STRING", "\"shape_id\":0", "\"slot_size\":40", "\"chilled\":true", "\"bytesize\":1", "\"value\":\"a\"",
                       "\"flags\":{\"wb_protected\":true, \"age\":2, \"old\":true, \"object_id\":16, \"shareable\":true}"),
            Rec.object("0x108", "OBJECT", "\"shape_id\":0", "\"slot_size\":64", "\"ivars\":3", "\"complex_shape\":true",
                       "\"too_complex_shape\":true"),
            Rec.object("0x110", "DATA", "\"slot_size\":32", "\"struct\":\"weakmap\"", "\"free_immediately\":false"),
            Rec.object("0x118", "IMEMO", "\"slot_size\":40", "\"imemo_type\":\"cvar_entry\""),
            Rec.object("0x120", "SYMBOL", "\"shape_id\":0", Rec.refs(["0x100"])),
        ]))
        let d = graph.diagnostics
        #expect(d.counts.skippedLines == 0 && d.counts.recoveredLines == 0)
        #expect(graph.count == 5)
        #expect(d.counts.shapeRecords == 3)
        #expect(graph.flags[try graph.node(0x100).int].contains(.old))
        #expect(graph.elementCount(of: try graph.node(0x108)) == 3)
        #expect(graph.kindName(of: try graph.node(0x118)) == "cvar_entry")
        let f = d.counts.features
        for feature: DumpFeatures in [.integerFlags, .chilledStrings, .invalidParentShapes, .objectIDShapes, .legacyShapeTypes,
                                      .complexShapeKey, .tooComplexShapeKey, .freeImmediately, .slotSizes, .newSlotSizes,
                                      .symbolReferences] {
            #expect(f.contains(feature), "\(feature)")
        }
        #expect(!f.contains(.fieldsObjects))
    }

    @Test("Evidence sets the bounds; the description names the deciding features")
    func rangeArithmetic() {
        #expect(RubyVersionRange(evidence: []).versions == "Ruby version unknown")
        let v34 = RubyVersionRange(evidence: [.chilledStrings, .invalidParentShapes, .slotSizes])
        #expect(v34.lowest == RubyVersion(3, 4) && v34.highest == RubyVersion(3, 4))
        #expect(v34.description == "Ruby 3.4: chilled strings, SHAPE parent_id 4294967295")
        #expect(v34.omitsFinalizerRoots && !v34.listsFinalizerRoots)
        let old = RubyVersionRange(evidence: [.globalListRoot, .slotSizes])
        #expect(old.versions == "Ruby 3.3")
        #expect(old.listsFinalizerRoots && !old.omitsFinalizerRoots)
        let later = RubyVersionRange(evidence: [.tooComplexShapeKey, .chilledStrings])
        #expect(later.versions == "Ruby 3.4 to 4.0")
        let conflict = RubyVersionRange(evidence: [.fieldsObjects, .finalizersRoot])
        #expect(conflict.isConflicting && !conflict.omitsFinalizerRoots && !conflict.listsFinalizerRoots)
    }

    @Test("No finalizer root is inferred where Ruby lists them, or where the version is unknown")
    func inferenceOnlyOn34() throws {
        // The finalizer-shaped Array of a dump with no version evidence: not rooted, status unknown.
        let lines = [
            Rec.root("vm", ["0x100"]),
            Rec.object("0x100", "OBJECT"),
            Rec.object("0x200", "ARRAY", "\"length\":1", Rec.refs(["0x300"])),
            Rec.object("0x300", "DATA", "\"struct\":\"proc\"", Rec.refs(["0x400"])),
            Rec.object("0x400", "STRING", "\"value\":\"captured\""),
        ]
        let unknown = try TestDumps.graph(Rec.dump(lines))
        #expect(unknown.rootRecordCount == 1)
        #expect(FinalizerRoots.status(of: unknown) == .unknown)
        // The same with a 3.4 feature: rooted. With a 3.3 root list: not.
        let v34 = try TestDumps.graph(Rec.dump(lines + [Rec.object("0x500", "STRING", "\"chilled\":true")]))
        #expect(v34.rootKind.last == .inferredFinalizers)
        #expect(v34.rootTargets(ofRecord: 1).map { v34.address[Int($0)] } == [0x200])
        #expect(FinalizerRoots.status(of: v34) == .inferred(arrays: 1))
        let v33 = try TestDumps.graph(Rec.dump(lines + [Rec.root("global_list", ["0x100"])]))
        #expect(v33.rootRecordCount == 2 && !v33.rootKind.contains(.inferredFinalizers))
        #expect(FinalizerRoots.status(of: v33) == .listed)
        // A referenced Array, or one with a class, is no finalizer entry.
        let held = try TestDumps.graph(Rec.dump(lines + [Rec.object("0x500", "STRING", "\"chilled\":true"),
                                                         Rec.object("0x600", "OBJECT", Rec.refs(["0x200"]))]))
        #expect(!held.rootKind.contains(.inferredFinalizers))
        #expect(FinalizerRoots.status(of: held) == .inferred(arrays: 0))
    }
}
