/// The `type` of a heap-dump record, as CRuby's `objspace_dump.c` writes it.
///
/// Only heap objects become graph nodes; `ROOT` and `SHAPE` records and the empty
/// (`NONE`) and `ZOMBIE` slots of a `full: true` dump are counted apart.
public enum ObjectType: UInt8, CaseIterable, Sendable, Comparable {
    case unknown = 0
    case object, `class`, module, iclass, float, string, regexp, array, hash, `struct`
    case bignum, file, data, match, complex, rational, symbol, imemo, node
    case `nil`, `true`, `false`, fixnum, undef
    // Not heap objects: never graph nodes.
    case none, zombie, root, shape

    /// The name as the dump spells it (`"STRING"`, `"IMEMO"`).
    public var name: String { Self.names[Int(rawValue)] }

    static let names: [String] = [
        "UNKNOWN", "OBJECT", "CLASS", "MODULE", "ICLASS", "FLOAT", "STRING", "REGEXP", "ARRAY",
        "HASH", "STRUCT", "BIGNUM", "FILE", "DATA", "MATCH", "COMPLEX", "RATIONAL", "SYMBOL",
        "IMEMO", "NODE", "NIL", "TRUE", "FALSE", "FIXNUM", "UNDEF", "NONE", "ZOMBIE", "ROOT", "SHAPE",
    ]

    /// A class-like object: what an object's `class` edge may point at.
    public var isClassLike: Bool { self == .class || self == .module || self == .iclass }

    /// Whether a record of this type is a heap object (a node of the graph).
    public var isHeapObject: Bool { self != .none && self != .zombie && self != .root && self != .shape }

    public static func < (a: ObjectType, b: ObjectType) -> Bool { a.rawValue < b.rawValue }

    /// Looks a type name up by its bytes; `nil` for a name no Ruby version writes. The name
    /// is folded into an integer (at most 8 bytes, the first highest) and matched with its
    /// length, so one switch finds it (`ObjectTypeTests` checks each constant against ``name``).
    @inline(__always)
    static func named(_ bytes: UnsafeBufferPointer<UInt8>) -> ObjectType? {
        guard bytes.count >= 3, bytes.count <= 8 else { return nil }
        var key: UInt64 = 0
        for b in bytes { key = key << 8 | UInt64(b) }
        switch (bytes.count, key) {
        case (6, 0x5354_5249_4E47): return .string  // STRING
        case (5, 0x41_5252_4159): return .array  // ARRAY
        case (4, 0x4841_5348): return .hash  // HASH
        case (6, 0x4F42_4A45_4354): return .object  // OBJECT
        case (5, 0x49_4D45_4D4F): return .imemo  // IMEMO
        case (4, 0x4441_5441): return .data  // DATA
        case (5, 0x43_4C41_5353): return .`class`  // CLASS
        case (6, 0x4943_4C41_5353): return .iclass  // ICLASS
        case (6, 0x4D4F_4455_4C45): return .module  // MODULE
        case (6, 0x5354_5255_4354): return .`struct`  // STRUCT
        case (6, 0x5359_4D42_4F4C): return .symbol  // SYMBOL
        case (5, 0x46_4C4F_4154): return .float  // FLOAT
        case (4, 0x524F_4F54): return .root  // ROOT
        case (5, 0x53_4841_5045): return .shape  // SHAPE
        case (4, 0x4E4F_4E45): return ObjectType.none  // NONE (not Optional.none)
        case (6, 0x5A4F_4D42_4945): return .zombie  // ZOMBIE
        case (6, 0x5245_4745_5850): return .regexp  // REGEXP
        case (6, 0x4249_474E_554D): return .bignum  // BIGNUM
        case (4, 0x4649_4C45): return .file  // FILE
        case (5, 0x4D_4154_4348): return .match  // MATCH
        case (7, 0x43_4F4D_504C_4558): return .complex  // COMPLEX
        case (8, 0x5241_5449_4F4E_414C): return .rational  // RATIONAL
        case (4, 0x4E4F_4445): return .node  // NODE
        case (3, 0x4E_494C): return .`nil`  // NIL
        case (4, 0x5452_5545): return .`true`  // TRUE
        case (5, 0x46_414C_5345): return .`false`  // FALSE
        case (6, 0x4649_584E_554D): return .fixnum  // FIXNUM
        case (5, 0x55_4E44_4546): return .undef  // UNDEF
        case (7, 0x55_4E4B_4E4F_574E): return .unknown  // UNKNOWN
        default: return nil
        }
    }
}
