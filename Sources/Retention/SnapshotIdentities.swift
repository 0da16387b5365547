import GraphModel

/// How the objects of two dumps are matched.
public enum IdentityBasis: String, Sendable {
    /// Same address and same allocation generation (`GC.count` at allocation): exact, since a
    /// reused slot holds an object allocated in a later generation.
    case addressAndGeneration = "address+generation"
    /// Same address, type and class: the fallback for dumps without allocation tracing. A
    /// slot reused by an object of the same type and class is taken for the same object.
    case addressTypeAndClass = "address+type+class"
}

/// What a diff keeps of an earlier dump: each object's address and identity tag, and a
/// lookup by address. About 24 bytes an object, against some 80 for the full graph.
public struct SnapshotIdentities: Sendable {
    public let source: String
    private let index: AddressIndex
    private let tags: [UInt64]
    /// The newest allocation generation in the dump: a lower bound of `GC.count` when it was
    /// taken; `nil` without allocation tracing.
    public let newestGeneration: UInt32?
    /// Objects that carry a generation.
    public let tracedCount: Int
    public var count: Int { tags.count }
    /// Up to 4,096 of the dump's addresses, evenly spread: enough to tell whether a later
    /// dump comes from the same process.
    public let sampleAddresses: [UInt64]

    static func sample(_ addresses: [UInt64]) -> [UInt64] {
        let step = max(1, addresses.count / 4096)
        return stride(from: 0, to: addresses.count, by: step).map { addresses[$0] }
    }

    /// Keeps the identities of `graph`'s objects.
    ///
    /// - Complexity: O(V).
    public init(_ graph: HeapGraph) {
        source = graph.diagnostics.source
        index = graph.addressIndex
        tags = graph.indices.map { IdentityTag.of(graph, $0) }
        var newest: UInt32? = nil
        var traced = 0
        for g in graph.generation where g != .max {
            traced += 1
            newest = max(newest ?? 0, g)
        }
        newestGeneration = newest
        tracedCount = traced
        sampleAddresses = Self.sample(graph.address)
    }

    private init(source: String, addresses: [UInt64], tags: [UInt64], newest: UInt32?, traced: Int,
                 sample: [UInt64]) {
        self.source = source
        sampleAddresses = sample
        index = AddressIndex(addresses)
        self.tags = tags
        newestGeneration = newest
        tracedCount = traced
    }

    /// Only the objects of the newest generation: all a diff needs of DUMP1 once the dumps'
    /// generations are known, since an object of a later generation cannot be in DUMP1 and
    /// one of an earlier generation cannot be new.
    public func newestGenerationOnly() -> SnapshotIdentities {
        guard let newest = newestGeneration else { return self }
        let tag = IdentityTag.traced | UInt64(newest)
        var addresses: [UInt64] = []
        for (p, t) in tags.enumerated() where t == tag { addresses.append(index.addresses[p]) }
        return SnapshotIdentities(source: source, addresses: addresses,
                                  tags: [UInt64](repeating: tag, count: addresses.count),
                                  newest: newest, traced: tracedCount, sample: sampleAddresses)
    }

    /// Whether the dump holds the object with this address and tag.
    ///
    /// - Complexity: O(1) expected.
    public func contains(address: UInt64, tag: UInt64) -> Bool {
        guard let p = index.position(of: address) else { return false }
        return tags[p] == tag
    }
}

/// The identity tag of an object: its generation where the dump traced its allocation,
/// otherwise its type and class. Two objects at one address are the same object when their
/// tags are equal.
enum IdentityTag {
    static let traced: UInt64 = 1 << 63

    @inline(__always)
    static func of(_ graph: HeapGraph, _ i: Int) -> UInt64 {
        let g = graph.generation[i]
        if g != .max { return traced | UInt64(g) }
        let c = graph.classIndex[i]
        let classAddress = c == .max ? 0 : graph.address[Int(c)]
        // The type's raw value is below 128, so bit 63 stays clear: never equal to a traced tag.
        return UInt64(graph.type[i].rawValue) << 56 | (classAddress & 0x00FF_FFFF_FFFF_FFFF)
    }
}
