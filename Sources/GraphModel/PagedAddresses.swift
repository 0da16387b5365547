/// Address to node lookup for addresses laid out as Ruby writes them: one bit per 8 bytes
/// of the heap's address space, with the rank of a set bit giving the node.
///
/// `ObjectSpace.dump_all` writes the objects in heap-page order (`rb_objspace_each_objects`),
/// each page's slots in address order, and no two of Ruby's pages share a 16 KiB region of
/// the address space: so each region's objects come one after another in the dump,
/// ascending. (Measured, not taken from Ruby's source: it holds on the fixture dumps of every
/// Ruby, 2.7 to 4.1-dev, the example's and the benchmark's; 64 KiB regions do not hold on 3.1
/// or on the benchmark dumps.) Then an object's node is the node of its region's first object
/// plus the number of objects before it in the region, which a bitmap of the region's 8-byte
/// granules and a population count give.
///
/// A region costs 512 bytes (32 words of 64 bits, each with the node of its first set bit):
/// with the directory, 1.65 bytes an object on the 1.16 GB benchmark dump, where the
/// open-addressing table costs 8 to 16. The bitmaps of a gigabyte dump take a few megabytes
/// and its region directory a few hundred kilobytes, so a lookup mostly hits the cache
/// instead of missing it twice (the table's slot, then the address column).
///
/// ``build(_:)`` gives `nil` where the addresses are not laid out so (an address that is
/// not a multiple of 8, one that repeats, is lower than the one before in its region, or
/// returns to a region left earlier), or are so sparse that the regions would cost more
/// than the table: ``AddressTable`` then hashes them.
struct PagedAddresses: Sendable {
    /// 64 granules of 8 bytes, and the node of the first object among them.
    struct Word {
        var bits: UInt64
        var base: UInt32
    }

    /// 16 KiB regions: the largest that hold every dump measured (above).
    static let regionShift: UInt64 = 14
    static let wordsPerRegion = 32  // 16 KiB / 8-byte granules / 64 bits

    private let words: [Word]
    /// The directory from region number to region, by open addressing: keys are region
    /// numbers plus one (0 marks an empty slot), at most half the slots full.
    private let directoryKeys: [UInt64]
    private let directoryRegions: [UInt32]
    private let directoryShift: UInt64

    private init(words: [Word], directoryKeys: [UInt64], directoryRegions: [UInt32], directoryShift: UInt64) {
        self.words = words
        self.directoryKeys = directoryKeys
        self.directoryRegions = directoryRegions
        self.directoryShift = directoryShift
    }

    /// The index of `addresses` (node i at `addresses[i]`), or `nil` where they are not laid
    /// out as Ruby writes them (see the type's documentation).
    ///
    /// - Complexity: O(n) expected: one compare per address, one dictionary lookup per region.
    static func build(_ addresses: [UInt64]) -> PagedAddresses? {
        let n = addresses.count
        guard n > 0, n < Int(UInt32.max) else { return nil }
        // Regions cost 512 bytes each; the table at least 8 an object.
        let regionLimit = n / 64 + 4
        var regionOf: [UInt64: UInt32] = [:]
        var words: [Word] = []
        var current = UInt64.max  // the previous address's region (no region number is this)
        var previous: UInt64 = 0
        var regionStart = 0
        for (i, a) in addresses.enumerated() {
            guard a & 7 == 0 else { return nil }
            let r = a >> regionShift
            if r != current {
                guard regionOf[r] == nil, regionOf.count < regionLimit else { return nil }
                regionOf[r] = UInt32(regionOf.count)
                regionStart = words.count
                words.append(contentsOf: repeatElement(Word(bits: 0, base: UInt32(i)), count: wordsPerRegion))
                current = r
            } else if a <= previous {
                return nil
            }
            let granule = Int(truncatingIfNeeded: (a >> 3) & 0x7FF)
            words[regionStart + granule >> 6].bits |= 1 << UInt64(granule & 63)
            previous = a
        }
        // Each word's base: its region's first node plus the objects in the words before it.
        for start in stride(from: 0, to: words.count, by: wordsPerRegion) {
            var node = words[start].base
            for k in start ..< start + wordsPerRegion {
                words[k].base = node
                node += UInt32(words[k].bits.nonzeroBitCount)
            }
        }
        var bits = 4
        while (1 << bits) < regionOf.count * 2 { bits += 1 }
        var keys = [UInt64](repeating: 0, count: 1 << bits)
        var regions = [UInt32](repeating: 0, count: 1 << bits)
        let shift = UInt64(64 - bits)
        for (r, region) in regionOf {
            var s = slot(r, shift)
            while keys[s] != 0 { s = (s + 1) & (keys.count - 1) }
            keys[s] = r + 1
            regions[s] = region
        }
        return PagedAddresses(words: words, directoryKeys: keys, directoryRegions: regions, directoryShift: shift)
    }

    @inline(__always)
    private static func slot(_ region: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (region &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The node at `address`, or `UInt32.max`.
    @inline(__always)
    private static func lookup(_ address: UInt64, _ words: UnsafeBufferPointer<Word>, _ keys: UnsafeBufferPointer<UInt64>,
                               _ regions: UnsafeBufferPointer<UInt32>, _ shift: UInt64) -> UInt32 {
        guard address & 7 == 0 else { return .max }
        let key = address >> regionShift + 1
        let mask = keys.count - 1
        var s = slot(key - 1, shift)
        while true {
            let found = keys[s]
            if found == key { break }
            if found == 0 { return .max }
            s = (s + 1) & mask
        }
        let granule = Int(truncatingIfNeeded: (address >> 3) & 0x7FF)
        // Safe because every region in the directory has its 32 words in `words`.
        let word = words[Int(regions[s]) * wordsPerRegion + granule >> 6]
        let bit = UInt64(1) << UInt64(granule & 63)
        guard word.bits & bit != 0 else { return .max }
        return word.base + UInt32((word.bits & (bit - 1)).nonzeroBitCount)
    }

    /// Runs `body` with a lookup function that reads the index without copying it.
    @inline(__always)
    func withLookup<R>(_ body: ((UInt64) -> UInt32) throws -> R) rethrows -> R {
        try words.withUnsafeBufferPointer { w in
            try directoryKeys.withUnsafeBufferPointer { k in
                try directoryRegions.withUnsafeBufferPointer { r in
                    let shift = directoryShift
                    return try body { Self.lookup($0, w, k, r, shift) }
                }
            }
        }
    }
}
