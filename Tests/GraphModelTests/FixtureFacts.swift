import Testing

/// What Tests/Fixtures/ruby-dumps/README.md says about each real dump of Ruby 2.7 to 3.4 (those
/// with a row in its record-type table), typed in from it. Later dumps: ``NewerDumpFacts``.
struct FixtureFacts: Sendable, CustomTestStringConvertible {
    var name: String
    var physicalLines: Int
    var records: Int
    var roots: Int
    var shapes: Int
    /// Records that are not ROOT or SHAPE (NONE slots included, as the README counts them).
    var slots: Int
    /// Entries of the objects' `references` (duplicates and dangling ones included).
    var referenceEntries: Int
    /// STRUCT records allocated at todo_app.rb:74.
    var structsAtLine74: Int
    /// Dangling reference targets, and the references to them: the README counts the ROOT
    /// references among them (2.7: 4 object references and 5 to 8 ROOT references to the
    /// File); `nil` where the README is silent.
    var danglingTargets: Int?
    var danglingReferences: Int?
    /// Records whose `class` is not in the dump; `nil` where the README is silent.
    var classesNotInDump: Int?
    /// The README's record-type table.
    var types: [String: Int]

    var testDescription: String { name }
    var none: Int { types["NONE"] ?? 0 }
    /// Graph nodes: slots that are not empty.
    var objects: Int { slots - none }

    static let columns = ["STRING", "IMEMO", "STRUCT", "CLASS", "ARRAY", "DATA", "ICLASS", "MODULE", "OBJECT",
                          "HASH", "SYMBOL", "FLOAT", "FILE", "BIGNUM", "COMPLEX", "NONE"]

    static func row(_ counts: [Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(columns, counts))
    }

    static let all: [FixtureFacts] = [
        FixtureFacts(name: "todo-2.7.4-heap1", physicalLines: 6353, records: 6353, roots: 4, shapes: 0, slots: 6349,
                     referenceEntries: 8858, structsAtLine74: 131, danglingTargets: 1, danglingReferences: 9, classesNotInDump: nil,
                     types: row([2794, 2586, 131, 518, 124, 113, 26, 23, 11, 9, 4, 4, 3, 2, 1, 0])),
        FixtureFacts(name: "todo-2.7.4-heap2", physicalLines: 7940, records: 7940, roots: 4, shapes: 0, slots: 7936,
                     referenceEntries: 10450, structsAtLine74: 659, danglingTargets: 1, danglingReferences: 12, classesNotInDump: nil,
                     types: row([3850, 2589, 659, 518, 124, 113, 26, 23, 11, 9, 4, 4, 3, 2, 1, 0])),
        FixtureFacts(name: "todo-2.7.4-heap3", physicalLines: 9524, records: 9524, roots: 4, shapes: 0, slots: 9520,
                     referenceEntries: 12034, structsAtLine74: 1187, danglingTargets: 1, danglingReferences: 12, classesNotInDump: nil,
                     types: row([4906, 2589, 1187, 518, 124, 113, 26, 23, 11, 9, 4, 4, 3, 2, 1, 0])),
        FixtureFacts(name: "todo-3.1.2-heap1", physicalLines: 7246, records: 7246, roots: 4, shapes: 0, slots: 7242,
                     referenceEntries: 10451, structsAtLine74: 131, danglingTargets: 0, danglingReferences: 0, classesNotInDump: 67,
                     types: row([3128, 3014, 131, 550, 219, 116, 27, 24, 10, 9, 4, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.1.2-heap2", physicalLines: 8856, records: 8856, roots: 4, shapes: 0, slots: 8852,
                     referenceEntries: 12120, structsAtLine74: 659, danglingTargets: 0, danglingReferences: 0, classesNotInDump: 68,
                     types: row([4184, 3040, 659, 550, 219, 116, 27, 24, 10, 9, 4, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.1.2-heap3", physicalLines: 10446, records: 10446, roots: 4, shapes: 0, slots: 10442,
                     referenceEntries: 13721, structsAtLine74: 1187, danglingTargets: 0, danglingReferences: 0, classesNotInDump: 69,
                     types: row([5240, 3046, 1187, 550, 219, 116, 27, 24, 10, 9, 4, 4, 4, 1, 1, 0])),
        // "13,693 edges in the valid lines": the 4 broken records' references come on top.
        FixtureFacts(name: "todo-3.1.2-edge", physicalLines: 10450, records: 10448, roots: 4, shapes: 0, slots: 10444,
                     referenceEntries: 13693, structsAtLine74: 1187, danglingTargets: nil, danglingReferences: nil, classesNotInDump: 70,
                     types: row([5246, 3038, 1187, 550, 223, 116, 27, 24, 10, 9, 4, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.3.8-heap1", physicalLines: 8487, records: 8487, roots: 4, shapes: 37, slots: 8446,
                     referenceEntries: 16679, structsAtLine74: 131, danglingTargets: 0, danglingReferences: 0, classesNotInDump: 0,
                     types: row([4080, 3193, 131, 563, 272, 121, 27, 24, 10, 12, 3, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.3.8-heap2", physicalLines: 10097, records: 10097, roots: 4, shapes: 37, slots: 10056,
                     referenceEntries: 18337, structsAtLine74: 659, danglingTargets: nil, danglingReferences: nil, classesNotInDump: nil,
                     types: row([5136, 3219, 659, 563, 272, 121, 27, 24, 10, 12, 3, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.3.8-heap3", physicalLines: 11688, records: 11688, roots: 4, shapes: 37, slots: 11647,
                     referenceEntries: 19937, structsAtLine74: 1187, danglingTargets: nil, danglingReferences: nil, classesNotInDump: nil,
                     types: row([6193, 3225, 1187, 563, 272, 121, 27, 24, 10, 12, 3, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.3.8-full", physicalLines: 17535, records: 17535, roots: 4, shapes: 37, slots: 17494,
                     referenceEntries: 19952, structsAtLine74: 1187, danglingTargets: nil, danglingReferences: nil, classesNotInDump: nil,
                     types: row([6194, 3231, 1187, 563, 272, 121, 27, 24, 10, 14, 3, 4, 4, 1, 1, 5838])),
        FixtureFacts(name: "todo-3.3.8-since", physicalLines: 2783, records: 2783, roots: 0, shapes: 37, slots: 2746,
                     referenceEntries: 1443, structsAtLine74: 266, danglingTargets: 38, danglingReferences: 278, classesNotInDump: 2357,
                     types: row([1699, 389, 266, 0, 243, 1, 0, 0, 145, 2, 0, 0, 1, 0, 0, 0])),
        // Ruby 3.4.5: no fields objects yet, so the graph holds every object record.
        FixtureFacts(name: "todo-3.4.5-heap1", physicalLines: 8640, records: 8640, roots: 3, shapes: 29, slots: 8608,
                     referenceEntries: 17220, structsAtLine74: 131, danglingTargets: 0, danglingReferences: 0, classesNotInDump: nil,
                     types: row([4178, 3223, 131, 565, 301, 122, 27, 24, 10, 14, 3, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.4.5-heap2", physicalLines: 10251, records: 10251, roots: 3, shapes: 29, slots: 10219,
                     referenceEntries: 18867, structsAtLine74: 659, danglingTargets: nil, danglingReferences: nil, classesNotInDump: nil,
                     types: row([5234, 3249, 659, 565, 301, 123, 27, 24, 10, 14, 3, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.4.5-heap3", physicalLines: 11842, records: 11842, roots: 3, shapes: 29, slots: 11810,
                     referenceEntries: 20462, structsAtLine74: 1187, danglingTargets: nil, danglingReferences: nil, classesNotInDump: nil,
                     types: row([6291, 3255, 1187, 565, 301, 123, 27, 24, 10, 14, 3, 4, 4, 1, 1, 0])),
        FixtureFacts(name: "todo-3.4.5-full", physicalLines: 17528, records: 17528, roots: 3, shapes: 29, slots: 17496,
                     referenceEntries: 20471, structsAtLine74: 1187, danglingTargets: nil, danglingReferences: nil, classesNotInDump: nil,
                     types: row([6291, 3259, 1187, 565, 301, 123, 27, 24, 10, 16, 3, 4, 4, 1, 1, 5680])),
        FixtureFacts(name: "todo-3.4.5-since", physicalLines: 2774, records: 2774, roots: 0, shapes: 29, slots: 2745,
                     referenceEntries: 1442, structsAtLine74: 266, danglingTargets: 38, danglingReferences: nil, classesNotInDump: nil,
                     types: row([1699, 389, 266, 0, 243, 0, 0, 0, 145, 2, 0, 0, 1, 0, 0, 0])),
    ]

    static let names = all.map(\.name)

    static func named(_ name: String) -> FixtureFacts { all.first { $0.name == name }! }
}

/// What the README says about the dumps of Ruby 4.0, 4.1-dev, the probes and the 3.4.5 edge dump,
/// which have no row in its record-type table: `nil` where it is silent.
struct NewerDumpFacts: Sendable, CustomTestStringConvertible {
    var name: String
    /// The oldest Ruby the dump's features must imply.
    var ruby: (major: Int, minor: Int)
    var records: Int? = nil
    var roots: Int? = nil
    var shapes: Int? = nil
    /// Object records (not ROOT, SHAPE or NONE), fields objects and recovered records included.
    var objects: Int? = nil
    var referenceEntries: Int? = nil
    /// IMEMO `fields` objects (Ruby 4.0+).
    var fields: Int? = nil
    var none: Int? = nil
    /// Records recovered from invalid lines, and the first line of each where the README says.
    var recovered: Int? = 0
    var recoveredLines: [Int]? = nil
    var structsAtLine74: Int? = nil
    var testDescription: String { name }

    static let all: [NewerDumpFacts] = [
        NewerDumpFacts(name: "todo-3.4.5-edge", ruby: (3, 4), records: 11842, roots: 3, shapes: 29, objects: 11810,
                       fields: 0, recovered: 2, recoveredLines: [6390, 9143]),
        NewerDumpFacts(name: "todo-4.0.0-heap1", ruby: (4, 0), objects: 8342),
        NewerDumpFacts(name: "todo-4.0.0-heap2", ruby: (4, 0), objects: 9954),
        NewerDumpFacts(name: "todo-4.0.0-heap3", ruby: (4, 0), records: 11568, roots: 4, shapes: 19, objects: 11545,
                       referenceEntries: 21057, fields: 126, structsAtLine74: 1187),
        NewerDumpFacts(name: "todo-4.0.0-full", ruby: (4, 0), none: 5228),
        NewerDumpFacts(name: "todo-4.0.0-since", ruby: (4, 0), roots: 0, objects: 2748),
        NewerDumpFacts(name: "todo-4.0.0-edge", ruby: (4, 0), objects: 11544, recovered: 2),
        NewerDumpFacts(name: "todo-4.1.0dev-heap1", ruby: (4, 1)),
        NewerDumpFacts(name: "todo-4.1.0dev-heap2", ruby: (4, 1)),
        NewerDumpFacts(name: "todo-4.1.0dev-heap3", ruby: (4, 1), objects: 11235, fields: 35, structsAtLine74: 1187),
        NewerDumpFacts(name: "todo-4.1.0dev-edge", ruby: (4, 1), recovered: nil),
        // "Objects on the valid lines", plus the CLASS on the one invalid line.
        NewerDumpFacts(name: "probe-3.3.8", ruby: (3, 3), roots: 5, objects: 8650, fields: 0, recovered: 1, recoveredLines: [8663]),
        NewerDumpFacts(name: "probe-3.4.5", ruby: (3, 4), roots: 3, objects: 8812, fields: 0, recovered: 1, recoveredLines: [8805]),
        NewerDumpFacts(name: "probe-4.0.0", ruby: (4, 0), objects: 8554, fields: 129, recovered: 1, recoveredLines: [8752]),
        NewerDumpFacts(name: "probe-4.1.0dev", ruby: (4, 1), objects: 8246, fields: 40, recovered: 1, recoveredLines: [8396]),
    ]

    static let names = all.map(\.name)
    static func named(_ name: String) -> NewerDumpFacts { all.first { $0.name == name }! }
}
