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

    /// Looks a type name up by its bytes; `nil` for a name no Ruby version writes.
    static func named(_ bytes: UnsafeBufferPointer<UInt8>) -> ObjectType? {
        guard bytes.count >= 3, bytes.count <= 8 else { return nil }
        // Fold the name into an integer: at most 8 ASCII bytes, so no two names collide.
        var key: UInt64 = 0
        for b in bytes { key = key << 8 | UInt64(b) }
        return byKey[key]
    }

    private static let byKey: [UInt64: ObjectType] = {
        var table: [UInt64: ObjectType] = [:]
        for type in ObjectType.allCases {
            var key: UInt64 = 0
            for b in type.name.utf8 { key = key << 8 | UInt64(b) }
            table[key] = type
        }
        return table
    }()
}
