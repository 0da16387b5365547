#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The record fields the parser reads. Every other field is skipped.
enum RecordKey: UInt8 {
    case other
    case address, type, `class`, references, root, file, line, method, generation, memsize
    case bytesize, value, name, realClassName, size, length, ivars, `struct`, imemoType
    case frozen, shared, fstring, singleton, flags, encoding
    // Read only as evidence of the Ruby version (see ``DumpFeatures``).
    case chilled, slotSize, parentID, shapeType, complexShape, tooComplexShape, freeImmediately

    /// The field's name, as the dump spells it.
    var name: String {
        switch self {
        case .other: return "?"
        case .realClassName: return "real_class_name"
        case .imemoType: return "imemo_type"
        case .address: return "address"
        case .type: return "type"
        case .class: return "class"
        case .references: return "references"
        case .root: return "root"
        case .file: return "file"
        case .line: return "line"
        case .method: return "method"
        case .generation: return "generation"
        case .memsize: return "memsize"
        case .bytesize: return "bytesize"
        case .value: return "value"
        case .name: return "name"
        case .size: return "size"
        case .length: return "length"
        case .ivars: return "ivars"
        case .struct: return "struct"
        case .frozen: return "frozen"
        case .shared: return "shared"
        case .fstring: return "fstring"
        case .singleton: return "singleton"
        case .flags: return "flags"
        case .encoding: return "encoding"
        case .chilled: return "chilled"
        case .slotSize: return "slot_size"
        case .parentID: return "parent_id"
        case .shapeType: return "shape_type"
        case .complexShape: return "complex_shape"
        case .tooComplexShape: return "too_complex_shape"
        case .freeImmediately: return "free_immediately"
        }
    }

    /// Matches a key by its length, then its bytes.
    @inline(__always)
    static func match(_ key: UnsafeBufferPointer<UInt8>) -> RecordKey {
        guard let p = key.baseAddress else { return .other }
        @inline(__always) func eq(_ s: StaticString) -> Bool { memcmp(p, s.utf8Start, s.utf8CodeUnitCount) == 0 }
        switch key.count {
        case 4:
            if eq("type") { return .type }
            if eq("file") { return .file }
            if eq("line") { return .line }
            if eq("name") { return .name }
            if eq("size") { return .size }
            if eq("root") { return .root }
        case 5:
            if eq("class") { return .class }
            if eq("value") { return .value }
            if eq("flags") { return .flags }
            if eq("ivars") { return .ivars }
        case 6:
            if eq("method") { return .method }
            if eq("length") { return .length }
            if eq("struct") { return .struct }
            if eq("frozen") { return .frozen }
            if eq("shared") { return .shared }
        case 7:
            if eq("address") { return .address }
            if eq("memsize") { return .memsize }
            if eq("fstring") { return .fstring }
            if eq("chilled") { return .chilled }
        case 8:
            if eq("bytesize") { return .bytesize }
            if eq("encoding") { return .encoding }
        case 9:
            if eq("singleton") { return .singleton }
            if eq("slot_size") { return .slotSize }
            if eq("parent_id") { return .parentID }
        case 10:
            if eq("references") { return .references }
            if eq("generation") { return .generation }
            if eq("imemo_type") { return .imemoType }
            if eq("shape_type") { return .shapeType }
        case 13:
            if eq("complex_shape") { return .complexShape }
        case 16:
            if eq("free_immediately") { return .freeImmediately }
        case 17:
            if eq("too_complex_shape") { return .tooComplexShape }
        case 15:
            if eq("real_class_name") { return .realClassName }
        default:
            break
        }
        return .other
    }
}
