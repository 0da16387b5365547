import Testing

/// What Tests/Fixtures/ruby-dumps/README.md says about each real dump, typed in from it.
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
    ]

    static let names = all.map(\.name)

    static func named(_ name: String) -> FixtureFacts { all.first { $0.name == name }! }
}
