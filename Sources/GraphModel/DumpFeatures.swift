/// Features of the dump format seen while reading, each a sign of the Ruby versions that
/// write it (see ``RubyVersionRange``). Blocks gather their own and the loader joins them.
public struct DumpFeatures: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// STRING `"chilled":true` (3.4+).
    public static let chilledStrings = DumpFeatures(rawValue: 1 << 0)
    /// SHAPE `"parent_id":4294967295`: the per-heap T_OBJECT shapes of 3.4.
    public static let invalidParentShapes = DumpFeatures(rawValue: 1 << 1)
    /// SHAPE `"shape_type":"OBJ_ID"` (4.0+).
    public static let objectIDShapes = DumpFeatures(rawValue: 1 << 2)
    /// SHAPE types `FROZEN`, `T_OBJECT` or `OBJ_TOO_COMPLEX` (3.3 and 3.4; gone in 4.0).
    public static let legacyShapeTypes = DumpFeatures(rawValue: 1 << 3)
    /// `flags` values that are not `true` (`"age":2`, `"object_id":16`): 4.0+.
    public static let integerFlags = DumpFeatures(rawValue: 1 << 4)
    /// OBJECT `complex_shape` (4.1-dev, renamed from `too_complex_shape`).
    public static let complexShapeKey = DumpFeatures(rawValue: 1 << 5)
    /// OBJECT `too_complex_shape` (3.3 to 4.0).
    public static let tooComplexShapeKey = DumpFeatures(rawValue: 1 << 6)
    /// DATA `free_immediately` (4.1-dev).
    public static let freeImmediately = DumpFeatures(rawValue: 1 << 7)
    /// `slot_size` (3.3+).
    public static let slotSizes = DumpFeatures(rawValue: 1 << 8)
    /// A `slot_size` that is not a multiple of 40 (32, 64, 128…): the heaps of 4.1-dev.
    public static let newSlotSizes = DumpFeatures(rawValue: 1 << 9)
    /// SYMBOL records with `references` (their fstring): 4.0+.
    public static let symbolReferences = DumpFeatures(rawValue: 1 << 10)
    /// IMEMO `fields` objects (4.0+).
    public static let fieldsObjects = DumpFeatures(rawValue: 1 << 11)
    /// IMEMO records other than `fields` with a `class` (the klass word Ruby 3.2 and earlier write).
    public static let imemoClassWords = DumpFeatures(rawValue: 1 << 12)
}
