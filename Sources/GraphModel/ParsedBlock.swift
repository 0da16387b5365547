/// What one block of a dump parses into, before it joins the graph: the block's objects in
/// columns, their references still as addresses, and strings interned in a table of the
/// block's own (so that blocks parse in parallel without sharing anything).
struct ParsedBlock {
    var address: [UInt64] = []
    var type: [ObjectType] = []
    /// The `class` field as an address; 0 where there is none (or the type's class is not a class).
    var classAddress: [UInt64] = []
    var memsize: [UInt64] = []
    var bytesize: [UInt64] = []
    var generation: [UInt32] = []
    /// Index into `sites`, or `UInt32.max`.
    var site: [UInt32] = []
    /// Per-type detail (see ``ObjectDetail``); string IDs and value offsets are the block's own.
    var detail: [UInt32] = []
    var flags: [ObjectFlags] = []
    /// Object i's references are `references[referenceEnd[i-1] ..< referenceEnd[i]]`.
    var referenceEnd: [UInt32] = []
    var references: [UInt64] = []
    /// String value prefixes: a length byte, then up to ``ParsedBlock/valuePrefixLimit`` bytes.
    var values: [UInt8] = []

    /// IMEMO `fields` objects (Ruby 4.0+): their index in the block, and their `class`, which
    /// is the owner object's address (0 when there is none). See ``FieldsFold``.
    var fieldsNodes: [UInt32] = []
    var fieldsOwners: [UInt64] = []

    var strings = StringTable()
    var sites: [AllocationSite] = []
    var siteIndex: [AllocationSite: UInt32] = [:]

    /// ROOT records: category and the end of its targets in `rootTargets`.
    var rootCategory: [StringID] = []
    var rootEnd: [UInt32] = []
    var rootTargets: [UInt64] = []

    var counts = LoadCounts()
    /// Physical lines in this block.
    var lineCount = 0
    /// Problems, with line numbers counted from the block's first line (1-based).
    var issues: [LineIssue] = []
    /// The block's last record, when the dump ends in it without a newline.
    var cutOff: LineIssue? = nil

    /// The bytes of a string value kept per object: enough to recognise it in a report.
    static let valuePrefixLimit = 48
    /// A value prefix's length byte: the length in the low 7 bits, and this bit set when the
    /// value was longer than the prefix.
    static let valueTruncatedBit: UInt8 = 0x80
    static let valueLengthMask: UInt8 = 0x7F
    /// An entry of `values` is: the length byte, the prefix, then (when the value was longer)
    /// 8 bytes of ``valueHash(_:)`` of the whole value, then a byte with the length of the
    /// `encoding` name (0: the dump wrote none) and the name, cut to this many bytes; or, for
    /// the encodings nearly every string has, one byte: ``commonEncodingBit`` and the index
    /// of the name in ``commonEncodings``.
    static let encodingLimit = 64
    static let commonEncodingBit: UInt8 = 0x80
    static let commonEncodings = ["UTF-8", "US-ASCII"]

    /// The index of `name` in ``commonEncodings``.
    static func encodingCode(_ name: UnsafeBufferPointer<UInt8>) -> UInt8? {
        if BlockParser.equals(name, "UTF-8") { return 0 }
        if BlockParser.equals(name, "US-ASCII") { return 1 }
        return nil
    }

    /// A 64-bit hash of a value's escaped text, 8 bytes at a time: with the prefix and the
    /// length it tells two values apart (unequal values that share a 48-byte prefix collide
    /// with chance about 2⁻⁶⁴).
    static func valueHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while i + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        while i < bytes.count {
            tail = tail << 8 | UInt64(bytes[i])
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }

    init(expectedBytes: Int) {
        let objects = expectedBytes / 200
        address.reserveCapacity(objects)
        type.reserveCapacity(objects)
        classAddress.reserveCapacity(objects)
        memsize.reserveCapacity(objects)
        bytesize.reserveCapacity(objects)
        generation.reserveCapacity(objects)
        site.reserveCapacity(objects)
        detail.reserveCapacity(objects)
        flags.reserveCapacity(objects)
        referenceEnd.reserveCapacity(objects)
        references.reserveCapacity(objects * 2)
    }

    /// Empties the block for the next batch, keeping its capacity (so that its arrays are
    /// not allocated, and their pages not faulted in, again for every batch).
    mutating func reset() {
        address.removeAll(keepingCapacity: true)
        type.removeAll(keepingCapacity: true)
        classAddress.removeAll(keepingCapacity: true)
        memsize.removeAll(keepingCapacity: true)
        bytesize.removeAll(keepingCapacity: true)
        generation.removeAll(keepingCapacity: true)
        site.removeAll(keepingCapacity: true)
        detail.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        referenceEnd.removeAll(keepingCapacity: true)
        references.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        fieldsNodes.removeAll(keepingCapacity: true)
        fieldsOwners.removeAll(keepingCapacity: true)
        strings = StringTable()
        sites.removeAll(keepingCapacity: true)
        siteIndex.removeAll(keepingCapacity: true)
        rootCategory.removeAll()
        rootEnd.removeAll()
        rootTargets.removeAll()
        counts = LoadCounts()
        lineCount = 0
        issues.removeAll()
        cutOff = nil
    }

    mutating func internSite(_ site: AllocationSite) -> UInt32 {
        if let found = siteIndex[site] { return found }
        let id = UInt32(sites.count)
        sites.append(site)
        siteIndex[site] = id
        return id
    }

    mutating func report(_ issue: LineIssue) {
        if issue.recovered { counts.recoveredLines += 1 } else { counts.skippedLines += 1 }
        if issues.count < LoadDiagnostics.keptIssueLimit { issues.append(issue) }
    }
}

/// Facts about one object that are not columns of their own.
public struct ObjectFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let frozen = ObjectFlags(rawValue: 1 << 0)
    /// A STRING or ARRAY that shares its buffer with another.
    public static let shared = ObjectFlags(rawValue: 1 << 1)
    /// A singleton class.
    public static let singleton = ObjectFlags(rawValue: 1 << 2)
    /// The GC had promoted it to the old generation when the dump was written.
    public static let old = ObjectFlags(rawValue: 1 << 3)
    public static let fstring = ObjectFlags(rawValue: 1 << 4)
    /// The line was not valid JSON and was recovered: some fields may be missing.
    public static let recovered = ObjectFlags(rawValue: 1 << 5)
}

/// What the `detail` column holds for each type.
enum ObjectDetail {
    /// STRING, SYMBOL, FLOAT: an offset into the value prefixes, or `UInt32.max`.
    case valueOffset
    /// CLASS and MODULE (name), DATA (struct name), IMEMO (imemo type): a string ID.
    case string
    /// HASH (size), ARRAY (length), OBJECT (ivars), STRUCT: a number.
    case number

    static func kind(of type: ObjectType) -> ObjectDetail {
        switch type {
        case .string, .symbol, .float: return .valueOffset
        case .class, .module, .data, .imemo: return .string
        default: return .number
        }
    }
}
