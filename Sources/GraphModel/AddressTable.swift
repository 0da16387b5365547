/// Address to node lookup in O(1): ``PagedAddresses`` where the addresses are laid out as Ruby
/// writes them (every real dump), else an open-addressing hash table of node indices, keyed
/// by the address column it is built over.
///
/// The table's slots hold only a node index (4 bytes); the key is read back from the address
/// column, so the table costs 8 bytes or less per object at a load factor of at most one half.
/// Probing is linear. Addresses are slot pointers (multiples of 8 with clustered high bits),
/// so they are mixed with a Fibonacci multiply before the top bits pick the slot.
struct AddressTable: Sendable {
    private let paged: PagedAddresses?
    /// The hash table's slots (none when `paged`).
    private let slots: [UInt32]
    private let shift: UInt64

    /// Builds the index; returns it and the indices of nodes whose address was taken by an
    /// earlier node (those nodes cannot be found by address; addresses that repeat are
    /// never paged).
    ///
    /// - Complexity: O(n) expected.
    static func build(_ addresses: [UInt64]) -> (table: AddressTable, duplicates: [Int]) {
        if let paged = PagedAddresses.build(addresses) {
            return (AddressTable(paged: paged, slots: [], shift: 0), [])
        }
        let (slots, shift, duplicates) = hashSlots(addresses)
        return (AddressTable(paged: nil, slots: slots, shift: shift), duplicates)
    }

    /// The hash table's slots over `keys` (each slot a position in `keys`, `UInt32.max` for
    /// none), the shift that picks a slot, and the positions whose key an earlier one holds.
    /// Also ``PagedAddresses``'s directory of its regions.
    ///
    /// - Complexity: O(n) expected.
    static func hashSlots(_ keys: [UInt64]) -> (slots: [UInt32], shift: UInt64, duplicates: [Int]) {
        var bits = 4
        while (1 << bits) < keys.count * 2 { bits += 1 }
        let shift = UInt64(64 - bits)
        var slots = [UInt32](repeating: .max, count: 1 << bits)
        var duplicates: [Int] = []
        keys.withUnsafeBufferPointer { keys in
            slots.withUnsafeMutableBufferPointer { slots in
                let mask = slots.count - 1
                for (i, key) in keys.enumerated() {
                    var s = AddressTable.slot(key, shift)
                    while true {
                        let found = slots[s]
                        if found == .max {
                            slots[s] = UInt32(i)
                            break
                        }
                        if keys[Int(found)] == key {
                            duplicates.append(i)
                            break
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
        return (slots, shift, duplicates)
    }

    /// Whether the index is paged (for the tests).
    var isPaged: Bool { paged != nil }

    private init(paged: PagedAddresses?, slots: [UInt32], shift: UInt64) {
        self.paged = paged
        self.slots = slots
        self.shift = shift
    }

    @inline(__always)
    private static func slot(_ address: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (address &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The position of `key` in `keys` by the slots ``hashSlots(_:)`` made of them, or `UInt32.max`.
    @inline(__always)
    static func probe(_ key: UInt64, _ keys: UnsafeBufferPointer<UInt64>, _ slots: UnsafeBufferPointer<UInt32>,
                      _ shift: UInt64) -> UInt32 {
        let mask = slots.count - 1
        var s = AddressTable.slot(key, shift)
        while true {
            let found = slots[s]
            if found == .max || keys[Int(found)] == key { return found }
            s = (s + 1) & mask
        }
    }

    /// Runs `body` with a lookup function that reads the index without copying it.
    func withLookup<R>(_ keys: [UInt64], _ body: ((UInt64) -> UInt32) throws -> R) rethrows -> R {
        if let paged { return try paged.withLookup(body) }
        return try keys.withUnsafeBufferPointer { k in
            try slots.withUnsafeBufferPointer { s in
                let shift = self.shift
                return try body { AddressTable.probe($0, k, s, shift) }
            }
        }
    }
}

/// A lookup from address to position in a list of addresses, in O(1): what a diff keeps of an
/// earlier dump (see ``HeapGraph/addressIndex``).
public struct AddressIndex: Sendable {
    public let addresses: [UInt64]
    private let table: AddressTable

    /// Indexes `addresses`; where an address repeats, the first position is found.
    ///
    /// - Complexity: O(n) expected.
    public init(_ addresses: [UInt64]) {
        self.addresses = addresses
        table = AddressTable.build(addresses).table
    }

    init(addresses: [UInt64], table: AddressTable) {
        self.addresses = addresses
        self.table = table
    }

    public var count: Int { addresses.count }

    /// The position of `address`, or `nil`.
    ///
    /// - Complexity: O(1) expected.
    public func position(of address: UInt64) -> Int? {
        let found = table.withLookup(addresses) { $0(address) }
        return found == .max ? nil : Int(found)
    }
}

extension HeapGraph {
    /// The graph's address lookup, to keep on its own once the graph's other columns are gone.
    public var addressIndex: AddressIndex {
        // Safe because a finished graph always has its table (built in GraphBuilder.finish).
        AddressIndex(addresses: address, table: addressTable!)
    }
}
