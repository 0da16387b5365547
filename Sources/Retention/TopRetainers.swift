import GraphModel

/// A group in `retention top`: what the topmost members of one class or allocation site retain.
public struct RetainerGroup: Sendable {
    public var key: ObjectGroupKey
    /// Retained memsize and object count of the group's topmost members (those with no
    /// member of the same group above them in the dominator tree), so nothing counts twice.
    public var retainedSize: UInt64 = 0
    public var retainedCount: UInt64 = 0
    /// Members of the group (all of them), and how many are topmost.
    public var members = 0
    public var topmost = 0
}

/// The objects that retain the most, and the same by class and by allocation site.
public struct TopRetainers: Sendable {
    public var objects: [ObjectIndex]
    public var byClass: [RetainerGroup]
    public var bySite: [RetainerGroup]
    /// By gem (see ``Gem``): what the topmost objects each gem's files allocated retain.
    public var byGem: [RetainerGroup]

    /// - Complexity: O(V log top) for the objects (a bounded heap); O(V + G log G) for G
    ///   groups (one pass over the objects in dominator-tree preorder, keeping per group
    ///   where its last topmost member's subtree ends, then a sort of the groups).
    public init(_ graph: HeapGraph, _ tree: DominatorTree, top: Int) {
        objects = Self.largest(tree, count: graph.count, top: top)
        let subtrees = DominatorSubtrees(tree, keepingOrder: true)
        // Dense keys: class nodes numbered 0..<classes (then one for "no class"); sites as they are.
        var classNumber = [UInt32](repeating: .max, count: graph.count + 1)  // class node (or count) -> key
        var classNodes: [UInt32] = []
        let classKeys = graph.classIndex.map { c -> UInt32 in
            let slot = c == .max ? graph.count : Int(c)
            if classNumber[slot] == .max {
                classNumber[slot] = UInt32(classNodes.count)
                classNodes.append(c)
            }
            return classNumber[slot]
        }
        classNumber = []
        let siteKeys = graph.site.map { $0.isNone ? UInt32(graph.sites.count) : $0.rawValue }
        let gems = SiteGems(graph)
        // A gem's key is its site's, mapped (siteKeys number "no site" as sites.count, as ofSite does).
        let totals = subtrees.topmostTotals([(classKeys, classNodes.count), (siteKeys, graph.sites.count + 1)],
                                            derived: (from: 1, map: gems.ofSite, keyCount: gems.gems.count), tree: tree)
        byClass = totals[0].map { key, group in
            var g = group
            let c = classNodes[Int(key)]
            g.key = .class(c == .max ? nil : graph.classIdentity(ofClassNode: ObjectIndex(rawValue: c)))
            return g
        }
        bySite = totals[1].map { key, group in
            var g = group
            g.key = .site(key == UInt32(graph.sites.count) ? nil : graph.sourceSite(graph.sites[Int(key)]))
            return g
        }
        byGem = totals[2].map { key, group in
            var g = group
            g.key = .gem(gems.gems[Int(key)])
            return g
        }
        let order: (RetainerGroup, RetainerGroup) -> Bool = { a, b in
            let x = (a.retainedSize, a.members), y = (b.retainedSize, b.members)
            return x != y ? x > y : a.key < b.key
        }
        byClass = Array(byClass.sorted(by: order).prefix(top))
        bySite = Array(bySite.sorted(by: order).prefix(top))
        byGem = Array(byGem.sorted(by: order).prefix(top))
    }

    /// The `top` objects of largest retained size, largest first (ties: lower index first).
    ///
    /// The best `top` seen so far are kept in a binary min-heap whose root is the worst of
    /// them (smallest size, ties the higher index); an object enters only when it beats the
    /// root, which it replaces.
    ///
    /// - Complexity: O(V log top) time, O(top) space.
    static func largest(_ tree: DominatorTree, count: Int, top: Int) -> [ObjectIndex] {
        guard top > 0 else { return [] }
        var heap = WorstFirstHeap(capacity: min(top, count))
        for i in 0 ..< count {
            let s = tree.retainedSize[i]
            if heap.count < top {
                heap.insert(Ranked(size: s, index: i))
            } else if s > heap.worst.size {
                // Objects come in index order, so one of equal size ranks below the heap's.
                heap.replaceWorst(with: Ranked(size: s, index: i))
            }
        }
        return heap.elements.sorted { $0.isBetter(than: $1) }.map { ObjectIndex($0.index) }
    }
}

extension DominatorSubtrees {
    /// For each keying (class, site…), per key, the retained totals of the members that have
    /// no member of the same key among their dominators (the topmost), in one pass over the
    /// objects in the numbering's order, for all keyings at once. A `derived` keying maps
    /// another's keys (a site's to its gem's), so that the pass reads no third column per
    /// node: its totals follow the keyings'.
    ///
    /// In this order every object comes after its dominators and each subtree is the run
    /// `number[t] ..< number[t] + size(t)`, so per key it is enough to remember where the
    /// subtree of the last topmost member seen ends: an object is topmost exactly when it
    /// lies past that end. (If a member `a` of the key dominates `v`, the topmost member `t`
    /// at or above `a` came before `v`, and every member between `t` and `v` lies in `t`'s
    /// run, so is not topmost and moved no end: the end is `t`'s, past `v`. If none does,
    /// the end is that of a topmost member before `v` whose run does not hold `v`, so it
    /// ends before `v`.) No stack, and the next object is known before this one's columns
    /// arrive, so the memory reads of many objects overlap.
    ///
    /// The order is cut into parts, one per core, each with tables of its own, added up at
    /// the end. A part starts as if it had seen the objects whose subtree runs into it: those
    /// are exactly the dominators of its first object (a run that starts before the part and
    /// holds a number in it holds the part's first number), so per key its end starts as the
    /// largest end among them of that key, that of the highest, which is topmost.
    ///
    /// - Parameter parts: how many parts to cut the order into (the tests' choice; by default
    ///   one per core, and one for fewer than 65,536 objects).
    /// - Complexity: O(V × keyings) work, plus O(depth × keyings) per part to start it, and
    ///   O(keys × parts) to add the tables; per key and part, five counters.
    func topmostTotals(_ keyings: [(keys: [UInt32], keyCount: Int)], derived: (from: Int, map: [UInt32], keyCount: Int)? = nil,
                       tree: DominatorTree, parts: Int? = nil) -> [[(key: UInt32, group: RetainerGroup)]] {
        precondition(!order.isEmpty || tree.preorder.isEmpty, "topmostTotals needs the order (keepingOrder: true)")
        let derivedMap = derived?.map ?? [], from = derived?.from ?? 0, hasDerived = derived != nil
        let keyCounts = keyings.map(\.keyCount) + (hasDerived ? [derived!.keyCount] : [])
        let parts = max(1, min(parts ?? (order.count < 65_536 ? 1 : processorCount), max(1, order.count)))
        let order = self.order
        let cuts = (0 ... parts).map { order.count * $0 / parts }
        // Object v's key in keying j (the derived one last).
        @Sendable func key(_ j: Int, _ v: Int) -> Int {
            j < keyings.count ? Int(keyings[j].keys[v]) : Int(derivedMap[Int(keyings[from].keys[v])])
        }
        let partTables = parallelMap(count: parts) { k -> [[KeyCounter]] in
            // One table of counters per keying, each key's five counters side by side: one
            // cache line per key met, not five. The tables live in this part only (allocated
            // here, freed by `defer`).
            let tables = keyCounts.map { count -> UnsafeMutableBufferPointer<KeyCounter> in
                let table = UnsafeMutableBufferPointer<KeyCounter>.allocate(capacity: count)
                table.initialize(repeating: KeyCounter())
                return table
            }
            defer { for table in tables { table.deallocate() } }
            if cuts[k] < cuts[k + 1], cuts[k] > 0 {
                var d = tree.idom[Int(order[cuts[k]])]
                while d != superRoot {
                    let end = number[Int(d)] + tree.retainedCount[Int(d)]
                    for j in tables.indices { tables[j].startRun(key(j, Int(d)), end: end) }
                    d = tree.idom[Int(d)]
                }
            }
            for i in cuts[k] ..< cuts[k + 1] {
                let v = Int(order[i])
                let at = UInt32(i + 1), size = tree.retainedSize[v], count = tree.retainedCount[v]
                let end = at + count
                for j in tables.indices { tables[j].enter(key(j, v), at: at, end: end, size, UInt64(count)) }
            }
            return tables.map { Array($0) }
        }
        return keyCounts.indices.map { j in
            (0 ..< keyCounts[j]).compactMap { k -> (key: UInt32, group: RetainerGroup)? in
                var c = KeyCounter()
                for part in partTables { c.add(part[j][k]) }
                guard c.members > 0 else { return nil }
                return (UInt32(k), RetainerGroup(key: .site(nil), retainedSize: c.size, retainedCount: c.count,
                                                 members: c.members, topmost: c.topmost))
            }
        }
    }
}

/// The counters of one key during ``DominatorSubtrees/topmostTotals(_:derived:tree:)``.
struct KeyCounter {
    /// Where the subtree of the last topmost member seen ends, in the numbering (0: none yet).
    var activeEnd: UInt32 = 0
    var size: UInt64 = 0
    var count: UInt64 = 0
    var members = 0
    var topmost = 0

    /// Adds another part's totals (its `activeEnd` is its own).
    mutating func add(_ other: KeyCounter) {
        size &+= other.size
        count &+= other.count
        members += other.members
        topmost += other.topmost
    }
}

extension UnsafeMutableBufferPointer where Element == KeyCounter {
    /// Counts a member of `key` at `number` whose subtree ends before `end`, and its totals
    /// when it is topmost. `key` must be below the table's count (checked).
    @inline(__always)
    func enter(_ key: Int, at number: UInt32, end: UInt32, _ retainedSize: UInt64, _ retainedCount: UInt64) {
        precondition(key >= 0 && key < count, "a key out of its keying's range")
        // Safe because key is within the buffer, checked just above.
        let c = baseAddress! + key
        c.pointee.members += 1
        if c.pointee.activeEnd <= number {
            c.pointee.topmost += 1
            c.pointee.size &+= retainedSize
            c.pointee.count &+= retainedCount
            c.pointee.activeEnd = end
        }
    }

    /// Starts a part as if it had seen a member of `key` whose subtree ends before `end`, one
    /// of the part's first object's dominators (counted in its own part). `key` must be below
    /// the table's count (checked).
    func startRun(_ key: Int, end: UInt32) {
        precondition(key >= 0 && key < count, "a key out of its keying's range")
        // Safe because key is within the buffer, checked just above.
        let c = baseAddress! + key
        c.pointee.activeEnd = Swift.max(c.pointee.activeEnd, end)
    }
}
