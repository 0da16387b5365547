import GraphModel

/// How `retention waste` groups allocation sites in its tables.
public enum WasteGrouping: String, CaseIterable, Sendable {
    /// File and line.
    case site
    /// File and method.
    case method
    /// The gem (see ``Gem``).
    case gem

    /// The leak report's grouping that makes the same keys.
    public var keying: LeakGrouping {
        switch self {
        case .site: return .site
        case .method: return .method
        case .gem: return .gem
        }
    }
}

/// The fix that fits a duplicated string, from where its copies were made.
public enum StringFix: Sendable, Equatable {
    /// Every copy comes from one line: a literal there, frozen (`"…".freeze`, or the file's
    /// magic comment), is one object; a string the line builds (interpolation) is shared with
    /// `-str`. (The dump does not say which the line does.)
    case frozenLiteral(SourceSite)
    /// The copies come from several lines of one file: `# frozen_string_literal: true` there.
    case magicComment(file: String)
    /// The copies come from several files, or their sites are unknown: deduplicate them where
    /// they are kept, with `-str` (`String#-@`), which returns the one interned copy.
    case deduplicate
}

/// One value held by two strings or more.
public struct DuplicateString: Sendable {
    /// An example copy (for its value and encoding).
    public var example: ObjectIndex
    /// The strings that hold the value (n ≥ 2).
    public var copies: Int
    /// The memsize of all copies.
    public var memsize: UInt64
    /// The memsize of all copies but the largest: what keeping one copy would save.
    public var wasted: UInt64
    /// Where the copies were made, most copies first (`nil` key: untraced), grouped as asked.
    public var sites: [(key: GroupKey, count: Int)]
    public var fix: StringFix
    /// Copies that are interned already (`fstring`).
    public var interned: Int
}

/// Empty and one-element Hashes and Arrays of one group of sites (or all of them).
public struct CollectionWaste: Sendable {
    public var emptyHashes = Tally()
    public var oneElementHashes = Tally()
    public var emptyArrays = Tally()
    public var oneElementArrays = Tally()

    public init() {}

    /// All four together.
    public var all: Tally {
        var t = Tally()
        for x in [emptyHashes, oneElementHashes, emptyArrays, oneElementArrays] { t.add(x) }
        return t
    }
}

/// What `retention waste` found in one dump: duplicate strings, and empty and tiny collections.
public struct HeapWaste: Sendable {
    public var grouping: WasteGrouping
    /// Duplicated values, the most bytes wasted first (all of them).
    public var duplicates: [DuplicateString]
    /// STRING records with a value, compared.
    public var comparedStrings: Tally
    /// STRING records without a value: shared strings (Ruby writes no value for them before
    /// 3.4) and the rest (not ASCII-only, or binary), which could not be compared.
    public var sharedWithoutValue: Tally
    public var otherWithoutValue: Tally
    /// Totals over `duplicates`.
    public var duplicatedValues: Int { duplicates.count }
    public var extraCopies: Int { duplicates.reduce(0) { $0 + $1.copies - 1 } }
    public var wastedBytes: UInt64 { duplicates.reduce(0) { $0 &+ $1.wasted } }
    /// Empty and one-element Hashes and Arrays (hidden ones included), in all and per group of
    /// sites, the largest memsize first.
    public var collections: CollectionWaste
    public var collectionsBySite: [(key: GroupKey, waste: CollectionWaste)]

    /// - Complexity: O(V) expected (one hash lookup per STRING), plus O(D log D) to rank
    ///   the D duplicated values and the groups of sites.
    public init(_ graph: HeapGraph, grouping: WasteGrouping) {
        self.grouping = grouping
        var assigner = GroupAssigner(graph, grouping.keying)
        // Per distinct value: the first copy; then, for values seen again, their copies.
        var firstCopy = ValueTable(capacity: graph.type.reduce(0) { $0 + ($1 == .string ? 1 : 0) })
        var duplicateOf: [Int32: Int] = [:]       // first copy -> slot in `members`
        var members: [[Int32]] = []
        var compared = Tally(), shared = Tally(), other = Tally()
        var collections = CollectionWaste()
        var bySite: [Int: CollectionWaste] = [:]
        for i in graph.indices {
            let type = graph.type[i]
            switch type {
            case .string:
                let object = ObjectIndex(i)
                guard let hash = graph.valueIdentityHash(of: object) else {
                    if graph.flags[i].contains(.shared) {
                        shared.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
                    } else {
                        other.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
                    }
                    continue
                }
                compared.add(memsize: graph.memsize[i], bytesize: graph.bytesize[i])
                if let first = firstCopy.firstWithSameValue(as: object, hash: hash, in: graph) {
                    let f = Int32(first.rawValue)
                    if let slot = duplicateOf[f] {
                        members[slot].append(Int32(i))
                    } else {
                        duplicateOf[f] = members.count
                        members.append([f, Int32(i)])
                    }
                }
            case .hash, .array:
                let n = graph.elementCount(of: ObjectIndex(i)) ?? 0
                guard n <= 1 else { continue }
                let g = assigner.group(of: i)
                let m = graph.memsize[i], b = graph.bytesize[i]
                func add(_ w: inout CollectionWaste) {
                    switch (type, n) {
                    case (.hash, 0): w.emptyHashes.add(memsize: m, bytesize: b)
                    case (.hash, _): w.oneElementHashes.add(memsize: m, bytesize: b)
                    case (_, 0): w.emptyArrays.add(memsize: m, bytesize: b)
                    default: w.oneElementArrays.add(memsize: m, bytesize: b)
                    }
                }
                add(&collections)
                add(&bySite[g, default: CollectionWaste()])
            default:
                continue
            }
        }
        firstCopy = ValueTable(capacity: 0)
        comparedStrings = compared
        sharedWithoutValue = shared
        otherWithoutValue = other
        self.collections = collections

        var duplicates: [DuplicateString] = []
        duplicates.reserveCapacity(members.count)
        for copies in members {
            var memsize: UInt64 = 0, largest: UInt64 = 0, interned = 0
            // Copies per allocation site first (one lookup a copy), then per group of sites.
            var perSite: [SiteID: (count: Int, example: Int32)] = [:]
            for c in copies {
                let i = Int(c)
                memsize &+= graph.memsize[i]
                largest = max(largest, graph.memsize[i])
                if graph.flags[i].contains(.fstring) { interned += 1 }
                perSite[graph.site[i], default: (0, c)].count += 1
            }
            var sites: [Int: Int] = [:]
            for (_, x) in perSite { sites[assigner.group(of: Int(x.example)), default: 0] += x.count }
            let ranked = sites.map { (key: assigner.keys[$0.key], count: $0.value) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
            duplicates.append(DuplicateString(example: ObjectIndex(Int(copies[0])), copies: copies.count, memsize: memsize,
                                              wasted: memsize &- largest, sites: ranked,
                                              fix: Self.fix(graph, Set(perSite.keys)), interned: interned))
        }
        self.duplicates = duplicates.sorted { a, b in
            (a.wasted, a.copies) != (b.wasted, b.copies) ? (a.wasted, a.copies) > (b.wasted, b.copies) : a.example.int < b.example.int
        }
        collectionsBySite = bySite.map { (key: assigner.keys[$0.key], waste: $0.value) }.sorted { a, b in
            let x = (a.waste.all.memsize, a.waste.all.count), y = (b.waste.all.memsize, b.waste.all.count)
            return x != y ? x > y : a.key < b.key
        }
    }

    /// The fix for copies made at these sites. Copies without a site (made before tracing
    /// started, often the interned original) do not choose it.
    static func fix(_ graph: HeapGraph, _ sites: Set<SiteID>) -> StringFix {
        let resolved = sites.filter { !$0.isNone }.map { graph.sourceSite(graph.sites[Int($0.rawValue)]) }
        guard !resolved.isEmpty else { return .deduplicate }
        let files = Set(resolved.map(\.file))
        guard files.count == 1, let file = files.first ?? nil else { return .deduplicate }
        let lines = Set(resolved.map(\.line))
        if lines.count == 1, resolved[0].line != nil { return .frozenLiteral(SourceSite(file: file, line: resolved[0].line, method: nil)) }
        return .magicComment(file: file)
    }
}
