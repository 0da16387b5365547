import Foundation
import GraphModel
import Testing
import TestSupport

/// The fold of Ruby 4.0's IMEMO `fields` objects on hand-made and random dumps, bad ones
/// included, checked against the oracle's fold of the same text (``RawDump/foldedEdges(of:_:)``).
@Suite("Fields fold")
struct FieldsFoldTests {
    static func fields(_ address: String, owner: String?, _ refs: [String], memsize: Int = 40) -> String {
        Rec.object(address, "IMEMO", (owner.map { ["\"class\":\"\($0)\""] } ?? [])
            + ["\"imemo_type\":\"fields\"", Rec.refs(refs), "\"memsize\":\(memsize)"])
    }

    /// Owners of every kind, and fields objects whose `class` is missing, not in the dump,
    /// a fields object, themselves, or each other.
    static let badDump = Rec.dump([
        Rec.root("vm", ["0x100", "0x300", "0x20"]),
        Rec.root("machine_context", ["0x200", "0x100"]),
        Rec.object("0x10", "CLASS", "\"name\":\"String\"", "\"memsize\":100"),
        Rec.object("0x20", "CLASS", "\"name\":\"Holder\"", Rec.refs(["0xa00"]), "\"memsize\":100"),
        Rec.object("0x100", "STRING", "\"class\":\"0x10\"", Rec.refs(["0x200"]), "\"memsize\":40"),
        fields("0x200", owner: "0x100", ["0x110", "0x100"]),
        Rec.object("0x110", "STRING", "\"class\":\"0x10\"", "\"value\":\"ivar\"", "\"memsize\":40"),
        fields("0xa00", owner: "0x20", ["0x130", "0x200"], memsize: 24),
        Rec.object("0x130", "STRING", "\"class\":\"0x10\"", "\"value\":\"class ivar\"", "\"memsize\":40"),
        fields("0x300", owner: nil, ["0x120"]),
        Rec.object("0x120", "STRING", "\"class\":\"0x10\"", "\"memsize\":40"),
        fields("0x400", owner: "0x999", []),
        fields("0x500", owner: "0x200", ["0x110"]),
        fields("0x600", owner: "0x600", []),
        fields("0x700", owner: "0x800", ["0x800"]),
        fields("0x800", owner: "0x700", ["0x700"]),
        Rec.object("0x900", "ARRAY", Rec.refs(["0x200", "0x100", "0x900"]), "\"memsize\":40"),
    ])

    @Test("Bad owners stay nodes, counted; good ones fold: edges spliced or redirected, memsize moved, address kept")
    func badOwners() throws {
        let graph = try TestDumps.graph(Self.badDump)
        GraphInvariantTests.check(graph)
        let d = graph.diagnostics
        #expect(d.foldedFields == 2)
        #expect(d.fieldsWithoutOwner == 6)
        #expect(graph.count == 15 - 2)
        let owner = try graph.node(0x100)
        // The owner's edge to its fields object became the ivar (its edge back to the owner is a self-edge).
        #expect(Set(graph.referencedAddresses(of: owner)) == [0x110, 0x10, 0x100])
        #expect(graph.memsize[owner.int] == 80)
        // The class's fields object also named the string's: that edge goes to the string.
        #expect(Set(graph.referencedAddresses(of: try graph.node(0x20))) == [0x130, 0x100])
        #expect(graph.memsize[try graph.node(0x20).int] == 124)
        // Other edges to a folded fields object go to its owner, once.
        #expect(Set(graph.referencedAddresses(of: try graph.node(0x900))) == [0x100, 0x900])
        // ROOT references too.
        let machine = graph.rootTargets(ofRecord: 1).map { graph.address[Int($0)] }
        #expect(machine == [0x100])
        // A fields object of a fields object stays, and its edge to the folded one goes to that one's owner.
        #expect(Set(graph.referencedAddresses(of: try graph.node(0x500))) == [0x110])
        for kept: UInt64 in [0x300, 0x400, 0x500, 0x600, 0x700, 0x800] {
            #expect(graph.kindName(of: try graph.node(kept)) == "fields")
        }
        #expect(graph.index(ofAddress: 0x200) == nil)
        #expect(graph.owner(ofFoldedFieldsAt: 0x200) == owner)
        #expect(graph.owner(ofFoldedFieldsAt: 0xa00) == (try graph.node(0x20)))
        #expect(graph.owner(ofFoldedFieldsAt: 0x300) == nil)
        let total: UInt64 = 100 + 100 + 40 * 12 + 24
        #expect(graph.memsize.reduce(0, +) == total)
        #expect(RubyVersionRange(graph).evidence.contains(.fieldsObjects))
    }

    @Test("An identity-only load folds too: the same objects, memsizes and folded addresses")
    func identityOnlyLoad() throws {
        var options = DumpLoader.Options()
        options.edges = false
        let bare = try TestDumps.graph(Self.badDump, options: options)
        let full = try TestDumps.graph(Self.badDump)
        #expect(bare.address == full.address)
        #expect(bare.memsize == full.memsize)
        #expect(bare.edgeCount == 0)
        #expect(bare.diagnostics.foldedFields == 2)
        #expect(bare.owner(ofFoldedFieldsAt: 0x200) == full.owner(ofFoldedFieldsAt: 0x200))
    }

    @Test("Seeded random dumps with fields objects: the graph equals the oracle's fold", arguments: 1 ... 12)
    func randomDumps(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = Int.random(in: 5 ... 200, using: &rng)
        func address(_ i: Int) -> String { "0x" + String(0x7f00_0000 + i * 40, radix: 16) }
        var lines = [Rec.root("vm", (0 ..< 3).map { _ in address(Int.random(in: 0 ..< n, using: &rng)) })]
        for i in 0 ..< n {
            let refs = (0 ..< Int.random(in: 0 ... 5, using: &rng)).map { _ in address(Int.random(in: 0 ..< n + 3, using: &rng)) }
            if Int.random(in: 0 ..< 3, using: &rng) == 0 {
                // A fields object: its owner any object, a missing one, itself, or none.
                let owner: String? = Int.random(in: 0 ..< 8, using: &rng) == 0 ? nil : address(Int.random(in: 0 ..< n + 2, using: &rng))
                lines.append(Self.fields(address(i), owner: owner, refs, memsize: Int.random(in: 0 ... 200, using: &rng)))
            } else {
                lines.append(Rec.object(address(i), ["STRING", "HASH", "CLASS", "OBJECT", "ARRAY"][i % 5], Rec.refs(refs),
                                        "\"memsize\":\(Int.random(in: 0 ... 200, using: &rng))"))
            }
        }
        let text = Rec.dump(lines)
        let graph = try TestDumps.graph(text)
        GraphInvariantTests.check(graph)
        let raw = RawDump(Data(text.utf8))
        let owners = raw.fieldsOwners
        let kept = raw.keptAfterFold(owners)
        try #require(graph.count == kept.count)
        #expect(graph.diagnostics.foldedFields == owners.count)
        #expect(graph.diagnostics.fieldsWithoutOwner == raw.objects.indices.filter(raw.isFields).count - owners.count)
        let newIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        let sizes = raw.foldedMemsizes(owners)
        for (k, i) in kept.enumerated() {
            #expect(graph.address[k] == raw.objects[i].address)
            #expect(Set(graph.references(of: ObjectIndex(k)).map(Int.init)) == Set(raw.foldedEdges(of: i, owners).compactMap { newIndex[$0] }))
            #expect(graph.memsize[k] == UInt64(sizes[i] ?? 0))
        }
        #expect(graph.rootTargets(ofRecord: 0).map(Int.init) == raw.foldedRootTargets(of: 0, owners).compactMap { newIndex[$0] })
    }

    @Test("A dump without fields objects is left as it was built")
    func noFields() throws {
        let graph = try TestDumps.graph(Rec.dump([
            Rec.root("vm", ["0x100"]),
            Rec.object("0x100", "IMEMO", "\"class\":\"0x100\"", "\"imemo_type\":\"env\"", Rec.refs(["0x100"])),
        ]))
        #expect(graph.diagnostics.foldedFields == 0)
        #expect(graph.diagnostics.fieldsWithoutOwner == 0)
        #expect(graph.count == 1)
        #expect(graph.owner(ofFoldedFieldsAt: 0x100) == nil)
    }
}
