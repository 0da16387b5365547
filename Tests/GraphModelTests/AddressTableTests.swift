@testable import GraphModel
import Testing
import TestSupport

/// The address index against a dictionary: the paged form where addresses lie as Ruby writes
/// them, the hash table everywhere else, and the same answers from both.
@Suite("Address index")
struct AddressTableTests {
    /// Addresses laid out like a heap Ruby dumps: regions of 16 KiB (some far apart), each
    /// with slots of one size (40 to 640 bytes) from some start, a random share of them live,
    /// regions in a random order, each region's objects ascending.
    static func rubyLike(seed: UInt64) -> [UInt64] {
        var rng = SplitMix64(seed: seed)
        let regionCount = 1 + Int(rng.next() % 40)
        var bases: [UInt64] = []
        var base: UInt64 = 0x7f00_0000_0000 + (rng.next() % 0x1000) << 14
        for _ in 0 ..< regionCount {
            base += (1 + rng.next() % (rng.next() % 4 == 0 ? 50_000 : 3)) << 14
            bases.append(base)
        }
        bases.shuffle(using: &rng)
        var out: [UInt64] = []
        for b in bases {
            let slot = UInt64([40, 40, 80, 160, 320, 640][Int(rng.next() % 6)])
            var a = b + 8 * (rng.next() % 8)
            let live = rng.next() % 101
            while a < b + (1 << 14) {
                if rng.next() % 100 < live { out.append(a) }
                a += slot
            }
        }
        return out
    }

    /// Every address at its node; addresses near them, unaligned, and in other regions nowhere.
    static func expectAnswers(_ addresses: [UInt64], _ table: AddressTable, seed: UInt64, _ context: String) {
        var first: [UInt64: UInt32] = [:]
        for (i, a) in addresses.enumerated() where first[a] == nil { first[a] = UInt32(i) }
        var probes = addresses
        var rng = SplitMix64(seed: seed ^ 0x5555)
        for a in addresses.prefix(2000) {
            probes += [a &+ 8, a &- 8, a &+ 1, a &+ 4, a &+ (1 << 14), a &- (1 << 14), a ^ (1 << 40)]
        }
        probes += (0 ..< 500).map { _ in rng.next() } + [0, 8, .max, .max - 7]
        var wrong = 0
        table.withLookup(addresses) { lookup in
            for p in probes where lookup(p) != first[p] ?? .max {
                wrong += 1
            }
        }
        #expect(wrong == 0, "\(context): \(wrong) of \(probes.count) lookups wrong")
    }

    @Test("Heaps laid out as Ruby writes them are paged, and every lookup agrees with a dictionary")
    func rubyLikeHeaps() {
        for seed in TestScale.seeds(400) {
            let addresses = Self.rubyLike(seed: seed)
            let (table, duplicates) = AddressTable.build(addresses)
            #expect(duplicates.isEmpty)
            // Sparse layouts (few live slots in many regions) may cost more paged than hashed.
            let regions = Set(addresses.map { $0 >> 14 }).count
            if !addresses.isEmpty, regions <= addresses.count / 64 + 4 {
                #expect(table.isPaged, "seed \(seed): \(addresses.count) objects in \(regions) regions")
            }
            Self.expectAnswers(addresses, table, seed: seed, "seed \(seed)")
        }
    }

    @Test("Any other layout is hashed, with the same answers", arguments: [
        "unaligned", "repeated", "descending in a region", "a region left and entered again", "sparse", "shuffled",
    ])
    func otherLayouts(_ kind: String) {
        for seed in TestScale.seeds(100) {
            var addresses = Self.rubyLike(seed: seed)
            guard addresses.count >= 4 else { continue }
            var rng = SplitMix64(seed: seed)
            let k = 1 + Int(rng.next() % UInt64(addresses.count - 2))
            switch kind {
            case "unaligned": addresses[k] |= 4
            case "repeated": addresses.insert(addresses[k], at: k + 1)
            case "descending in a region":
                addresses.insert(addresses[k] - 8, at: k + 1)
            case "a region left and entered again":
                let r = addresses[k] >> 14
                guard let other = addresses.firstIndex(where: { $0 >> 14 != r }) else { continue }
                addresses.append(addresses[other] + 8 * 2047 - (addresses[other] & 0x3FF8))
                addresses.append(addresses[other] & ~0x3FFF)
            case "sparse": addresses = (0 ..< 300).map { _ in rng.next() & ~7 }
            default: addresses.shuffle(using: &rng)
            }
            let (table, duplicates) = AddressTable.build(addresses)
            if kind == "repeated" { #expect(duplicates == [k + 1]) }
            if kind != "shuffled" || Set(addresses.map { $0 >> 14 }).count > 1 {
                #expect(!table.isPaged, "seed \(seed), \(kind)")
            }
            Self.expectAnswers(addresses, table, seed: seed, "seed \(seed), \(kind)")
        }
    }

    @Test("The edge of a region, the last granule, and the empty column")
    func edges() {
        let base: UInt64 = 0x7f00_0000_0000
        let addresses = [base, base + 8, base + (1 << 14) - 8, base + (1 << 14), base + 3 * (1 << 14) - 8]
        let (table, _) = AddressTable.build(addresses)
        #expect(table.isPaged)
        Self.expectAnswers(addresses, table, seed: 1, "region edges")
        let (empty, duplicates) = AddressTable.build([])
        #expect(duplicates.isEmpty)
        Self.expectAnswers([], empty, seed: 2, "empty")
    }

    @Test("Every real dump of every Ruby is paged", arguments: FixtureFacts.names + NewerDumpFacts.names)
    func realDumps(_ name: String) throws {
        let graph = try DumpLoader.load(TestDumps.fixturePath(name))
        let table = try #require(graph.addressTable)
        #expect(table.isPaged)
        Self.expectAnswers(graph.address, table, seed: 3, name)
    }
}

extension AddressTableTests {
    @Test("The example shop's three dumps (Ruby 3.1) are paged", arguments: 1 ... 3)
    func exampleDumps(_ k: Int) throws {
        let graph = try DumpLoader.load(Repository.example(k))
        let table = try #require(graph.addressTable)
        #expect(table.isPaged)
        Self.expectAnswers(graph.address, table, seed: 4, "shop-heap\(k)")
    }
}
