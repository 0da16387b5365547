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
/// with the directory, 1.60 bytes an object on the 1.16 GB benchmark dump, where the
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
    /// Each region's number (its addresses shifted right by ``regionShift``), in the order the
    /// regions come, and the directory from number to region: ``AddressTable``'s hash table
    /// over them.
    private let regionNumbers: [UInt64]
    private let directorySlots: [UInt32]
    private let directoryShift: UInt64

    private init(words: [Word], regionNumbers: [UInt64]) {
        self.words = words
        self.regionNumbers = regionNumbers
        (directorySlots, directoryShift, _) = AddressTable.hashSlots(regionNumbers)
    }

    /// The index of `addresses` (node i at `addresses[i]`), or `nil` where they are not laid
    /// out as Ruby writes them (see the type's documentation).
    ///
    /// - Complexity: O(n) expected: one compare per address, one set insertion per region.
    static func build(_ addresses: [UInt64]) -> PagedAddresses? {
        let n = addresses.count
        guard n > 0, n < Int(UInt32.max) else { return nil }
        // Regions cost 512 bytes each; the table at least 8 an object.
        let regionLimit = n / 64 + 4
        var seen = Set<UInt64>()
        var regionNumbers: [UInt64] = []
        var words: [Word] = []
        var current = UInt64.max  // the previous address's region (no region number is this)
        var previous: UInt64 = 0
        var regionStart = 0
        for (i, a) in addresses.enumerated() {
            guard a & 7 == 0 else { return nil }
            let r = a >> regionShift
            if r != current {
                guard regionNumbers.count < regionLimit, seen.insert(r).inserted else { return nil }
                regionNumbers.append(r)
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
        return PagedAddresses(words: words, regionNumbers: regionNumbers)
    }

    /// The node at `address`, or `UInt32.max`.
    @inline(__always)
    private static func lookup(_ address: UInt64, _ words: UnsafeBufferPointer<Word>, _ numbers: UnsafeBufferPointer<UInt64>,
                               _ slots: UnsafeBufferPointer<UInt32>, _ shift: UInt64) -> UInt32 {
        guard address & 7 == 0 else { return .max }
        let region = AddressTable.probe(address >> regionShift, numbers, slots, shift)
        guard region != .max else { return .max }
        let granule = Int(truncatingIfNeeded: (address >> 3) & 0x7FF)
        // Safe because every region has its 32 words in `words`.
        let word = words[Int(region) * wordsPerRegion + granule >> 6]
        let bit = UInt64(1) << UInt64(granule & 63)
        guard word.bits & bit != 0 else { return .max }
        return word.base + UInt32((word.bits & (bit - 1)).nonzeroBitCount)
    }

    /// Runs `body` with a lookup function that reads the index without copying it.
    @inline(__always)
    func withLookup<R>(_ body: ((UInt64) -> UInt32) throws -> R) rethrows -> R {
        try words.withUnsafeBufferPointer { w in
            try regionNumbers.withUnsafeBufferPointer { numbers in
                try directorySlots.withUnsafeBufferPointer { slots in
                    let shift = directoryShift
                    return try body { Self.lookup($0, w, numbers, slots, shift) }
                }
            }
        }
    }
}
