import GraphModel

/// The first string seen with each value: an open-addressing table of node indices, each
/// slot holding 32 bits of the value's hash beside the node, so that most probes never read
/// the value bytes.
///
/// - Complexity: O(1) expected per lookup; 8 bytes a slot, at most 0.5 full.
struct ValueTable {
    private var slots: [UInt64]
    private let mask: Int
    private static let empty = UInt64.max

    init(capacity n: Int) {
        var size = 16
        while size < 2 * n { size <<= 1 }
        slots = [UInt64](repeating: Self.empty, count: size)
        mask = size - 1
    }

    /// The first node with `object`'s value; inserts `object` (and returns `nil`) when it is
    /// the first. `hash` is ``HeapGraph/valueIdentityHash(of:)`` of `object`.
    mutating func firstWithSameValue(as object: ObjectIndex, hash: UInt64, in graph: HeapGraph) -> ObjectIndex? {
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[slot]
            if s == Self.empty {
                slots[slot] = tag << 32 | UInt64(object.rawValue)
                return nil
            }
            if s >> 32 == tag {
                let other = ObjectIndex(rawValue: UInt32(truncatingIfNeeded: s))
                if graph.hasSameValue(other, object) { return other }
            }
            slot = (slot + 1) & mask
        }
    }
}
