/// One heap dump as a compact object graph: one node per heap object, in flat columns, with
/// the references in compressed sparse row form and the ROOT records as the graph's roots.
///
/// Node `i`'s references are `edges[edgeStart[i] ..< edgeStart[i + 1]]`. They include the
/// edge to the object's class (which the dump leaves out of `references`, but which Ruby's
/// GC marks), drop references to addresses that are not in the dump, and hold each target
/// once per object.
public struct HeapGraph: Sendable {
    // Node columns, all `count` long.
    public internal(set) var address: [UInt64] = []
    public internal(set) var type: [ObjectType] = []
    /// The node of the object's class, or `UInt32.max` (no class, not in the dump, IMEMO).
    public internal(set) var classIndex: [UInt32] = []
    public internal(set) var memsize: [UInt64] = []
    public internal(set) var bytesize: [UInt64] = []
    /// `GC.count` when the object was allocated, or `UInt32.max` without allocation tracing.
    public internal(set) var generation: [UInt32] = []
    public internal(set) var site: [SiteID] = []
    public internal(set) var flags: [ObjectFlags] = []
    /// Per type: a value offset, a string ID or a number (see ``detail(of:)``).
    var detail: [UInt32] = []

    // Edges.
    public internal(set) var edgeStart: [UInt32] = [0]
    public internal(set) var edges: [UInt32] = []

    // Roots: root record r's targets are `rootTargets[rootStart[r] ..< rootStart[r + 1]]`.
    public internal(set) var rootCategory: [StringID] = []
    /// What each root record's category is, as data (inferred roots come last).
    public internal(set) var rootKind: [RootCategory] = []
    public internal(set) var rootStart: [UInt32] = [0]
    public internal(set) var rootTargets: [UInt32] = []

    public internal(set) var strings = StringTable()
    public internal(set) var sites: [AllocationSite] = []
    var values: [UInt8] = []
    var addressTable: AddressTable? = nil
    /// The addresses of the fields objects ``FieldsFold`` folded, sorted, and the node of
    /// each one's owner.
    var foldedFieldsAddress: [UInt64] = []
    var foldedFieldsOwner: [UInt32] = []
    /// Whether the references were read (see ``DumpLoader/Options/edges``); without them
    /// `edges` is empty and `edgeStart` all zeros.
    var hasEdges = true

    /// What the reader noticed: counts, skipped lines, dangling references, truncation.
    public internal(set) var diagnostics: LoadDiagnostics

    init(source: String) { diagnostics = LoadDiagnostics(source: source) }

    /// The number of objects (nodes).
    public var count: Int { address.count }
    public var edgeCount: Int { edges.count }
    public var indices: Range<Int> { 0 ..< count }

    /// The node of the object at `address`, or `nil` when the dump has no such object.
    ///
    /// - Complexity: O(1) expected.
    public func index(ofAddress address: UInt64) -> ObjectIndex? {
        guard let table = addressTable else { return nil }
        let found = table.withLookup(self.address) { $0(address) }
        return found == .max ? nil : ObjectIndex(rawValue: found)
    }

    /// The owner of the Ruby 4.0+ IMEMO `fields` object that was at `address` and was folded
    /// into it (see ``DumpLoader``); `nil` when no folded fields object had that address.
    ///
    /// - Complexity: O(log F) for F folded objects.
    public func owner(ofFoldedFieldsAt address: UInt64) -> ObjectIndex? {
        var lo = 0, hi = foldedFieldsAddress.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if foldedFieldsAddress[mid] < address { lo = mid + 1 } else { hi = mid }
        }
        guard lo < foldedFieldsAddress.count, foldedFieldsAddress[lo] == address else { return nil }
        return ObjectIndex(rawValue: foldedFieldsOwner[lo])
    }

    /// The node at `address`, or, for a Ruby 4.0+ fields object that was folded, its owner.
    ///
    /// - Complexity: O(log F) for F folded objects.
    public func index(ofAddressOrFoldedInto address: UInt64) -> ObjectIndex? {
        index(ofAddress: address) ?? owner(ofFoldedFieldsAt: address)
    }

    /// The objects `object` references, its class included.
    @inlinable
    public func references(of object: ObjectIndex) -> ArraySlice<UInt32> {
        edges[Int(edgeStart[object.int]) ..< Int(edgeStart[object.int + 1])]
    }

    /// The number of root records: the dump's ROOT records, then any retention inferred.
    public var rootRecordCount: Int { rootCategory.count }

    /// The number of root records the dump wrote (without the inferred ones).
    public var dumpRootRecordCount: Int { rootKind.lazy.filter { !$0.isInferred }.count }

    /// The objects root record `r` holds, each once.
    public func rootTargets(ofRecord r: Int) -> ArraySlice<UInt32> {
        rootTargets[Int(rootStart[r]) ..< Int(rootStart[r + 1])]
    }

    /// The node of `object`'s class, if it is in the dump.
    public func classOf(_ object: ObjectIndex) -> ObjectIndex? {
        let c = classIndex[object.int]
        return c == .max ? nil : ObjectIndex(rawValue: c)
    }

    /// A class's or module's name as the dump gives it (`name`, else `real_class_name`), with
    /// no mark for a singleton class (its `flags` say so); `nil` when the node is not a class
    /// or module, or the dump names it nowhere.
    public func rawClassName(ofClassNode node: ObjectIndex) -> String? {
        guard type[node.int] == .class || type[node.int] == .module else { return nil }
        let id = detail[node.int]
        return id == .max ? nil : strings[StringID(rawValue: id)]
    }

    /// The start of a STRING's, SYMBOL's or FLOAT's value (at most 48 bytes of it, as the
    /// dump wrote it), and whether it was longer; `nil` when the dump wrote no value.
    public func valuePrefix(of object: ObjectIndex) -> (text: String, truncated: Bool)? {
        guard ObjectDetail.kind(of: type[object.int]) == .valueOffset else { return nil }
        let offset = Int(detail[object.int])
        guard offset != Int(UInt32.max) else { return nil }
        let header = values[offset]
        let length = Int(header & ParsedBlock.valueLengthMask)
        return (JSONText.decode(values[offset + 1 ..< offset + 1 + length]), header & ParsedBlock.valueTruncatedBit != 0)
    }

    /// A HASH's size, an ARRAY's length, an OBJECT's ivar count; `nil` for other types.
    public func elementCount(of object: ObjectIndex) -> UInt32? {
        switch type[object.int] {
        case .hash, .array, .object: return detail[object.int]
        default: return nil
        }
    }

    /// A DATA object's struct name or an IMEMO's kind.
    public func kindName(of object: ObjectIndex) -> String? {
        switch type[object.int] {
        case .data, .imemo:
            let id = detail[object.int]
            return id == .max ? nil : strings[StringID(rawValue: id)]
        default: return nil
        }
    }

    /// Where `object` was allocated, if the dump traced it.
    public func allocationSite(of object: ObjectIndex) -> AllocationSite? {
        let s = site[object.int]
        return s.isNone ? nil : sites[Int(s.rawValue)]
    }

    /// The allocating method of a site; `nil` where the dump names none.
    public func methodName(_ site: AllocationSite) -> String? {
        site.method.isNone ? nil : strings[site.method]
    }
}
