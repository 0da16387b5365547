/// The position of an object in a ``HeapGraph``'s columns: a node index, never an address
/// or an edge offset.
public struct ObjectIndex: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ index: Int) { self.rawValue = UInt32(index) }
    /// The index as an `Int`, for subscripting the graph's columns.
    @inlinable public var int: Int { Int(rawValue) }
    public static func < (a: ObjectIndex, b: ObjectIndex) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// An interned string (class name, file name, method name, root category) in a ``StringTable``.
public struct StringID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// No string: the field was absent.
    public static let none = StringID(rawValue: .max)
    public var isNone: Bool { rawValue == .max }
}

/// An interned allocation site (`file:line` and method) in a ``HeapGraph``.
public struct SiteID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The object carries no allocation information.
    public static let none = SiteID(rawValue: .max)
    public var isNone: Bool { rawValue == .max }
}

/// Where an object was allocated, as `ObjectSpace.trace_object_allocations` records it.
public struct AllocationSite: Hashable, Sendable {
    public var file: StringID
    public var line: UInt32
    public var method: StringID
    public init(file: StringID, line: UInt32, method: StringID) {
        self.file = file
        self.line = line
        self.method = method
    }
}
