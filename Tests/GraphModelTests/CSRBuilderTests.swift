import GraphModel
import Testing
import TestSupport

@Suite("CSR builder")
struct CSRBuilderTests {
    @Test("Rows hold their items in the order placed, as grouping the pairs naively does", arguments: 1 ... 20)
    func againstNaive(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let rows = Int(rng.next() % 50)
        let pairs: [(row: Int, item: UInt32)] = rows == 0 ? [] : (0 ..< Int(rng.next() % 300)).map { _ in
            (Int(rng.next() % UInt64(rows)), UInt32(truncatingIfNeeded: rng.next()))
        }
        let (start, items) = CSRBuilder.build(rows: rows, count: { r in
            for p in pairs { r.count(p.row) }
        }, place: { r in
            for p in pairs { r.place(p.item, in: p.row) }
        })
        #expect(start.count == rows + 1)
        #expect(start.first == 0)
        #expect(start.last.map(Int.init) == pairs.count)
        for r in 0 ..< rows {
            #expect(Array(items[Int(start[r]) ..< Int(start[r + 1])]) == pairs.filter { $0.row == r }.map(\.item), "row \(r)")
        }
        let counts = (0 ..< rows).map { r in UInt32(pairs.filter { $0.row == r }.count) }
        #expect(CSRBuilder.starts(fromCounts: counts) == start)
    }
}
