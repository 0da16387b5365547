/// The reader, one record at a time: what the graph keeps of each record of a few lines of
/// dump text, without building a graph. For the record fuzz target (`Fuzz/RecordFuzz.swift`)
/// and the tests that compare the scanner with a JSON parser; the load path does not use it.
///
/// Each record is parsed on its own by ``BlockParser`` (the same code the loader runs), so
/// what comes out is exactly what would reach the graph's columns.
package enum RecordReader {
    /// Splits `bytes` into records as the loader does (a line starting with `{` and the
    /// lines after it that do not) and reads each.
    ///
    /// - Complexity: O(n) in the bytes.
    package static func read(_ bytes: UnsafeRawBufferPointer) -> [ReadRecord] {
        let all = bytes.bindMemory(to: UInt8.self)
        return spans(all).map { span in
            let piece = UnsafeBufferPointer(rebasing: all[span])
            let last = span.upperBound == all.count
            var block = ParsedBlock(expectedBytes: 0)
            BlockParser.parse(piece, endsDump: last, into: &block)
            return ReadRecord(span: span, block)
        }
    }

    /// The byte ranges of the records, each with its final newline: the loop of
    /// `BlockParser.parseRecords`, kept apart from it so that the hot path stays as it is
    /// (the fuzz target checks that both split alike).
    package static func spans(_ all: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let newline = UInt8(ascii: "\n")
        var result: [Range<Int>] = []
        var p = 0
        let end = all.count
        func lineEnd(from i: Int) -> Int {
            var j = i
            while j < end, all[j] != newline { j += 1 }
            return j
        }
        while p < end {
            var e = lineEnd(from: p)
            while e < end, e + 1 < end, all[e + 1] != UInt8(ascii: "{") { e = lineEnd(from: e + 1) }
            let next = e < end ? e + 1 : end
            result.append(p ..< next)
            p = next
        }
        return result
    }
}

/// One record as ``RecordReader`` read it.
package struct ReadRecord: Equatable, Sendable {
    /// Where the record is in the input (its final newline included).
    package var span: Range<Int>
    /// Whether the line held a record at all (a blank line does not).
    package var isRecord: Bool
    package var outcome: Outcome
    /// Every issue the reader reported for the record, recovered or not.
    package var issues: [LineIssue]

    package enum Outcome: Equatable, Sendable {
        /// A heap object: a node of the graph.
        case object(ReadObject)
        /// A ROOT record: its category (as escaped text) and targets, in order.
        case root(category: [UInt8], targets: [UInt64])
        /// Counted, not kept: SHAPE, NONE and ZOMBIE records.
        case counted(ObjectType)
        /// Not read; the reason is the issue's.
        case skipped(reason: String)
        /// A blank line.
        case blank
    }

    init(span: Range<Int>, _ b: ParsedBlock) {
        self.span = span
        self.issues = b.issues
        isRecord = b.counts.records > 0
        if b.address.count == 1 {
            outcome = .object(ReadObject(b))
        } else if b.rootCategory.count == 1 {
            outcome = .root(category: Array(b.strings.rawBytes(b.rootCategory[0])), targets: b.rootTargets)
        } else if b.counts.shapeRecords > 0 {
            outcome = .counted(.shape)
        } else if b.counts.emptySlots > 0 {
            outcome = .counted(.none)
        } else if b.counts.zombies > 0 {
            outcome = .counted(.zombie)
        } else if let issue = b.issues.first(where: { !$0.recovered }) {
            outcome = .skipped(reason: issue.reason)
        } else {
            outcome = .blank
        }
    }
}

/// A heap object's fields, as the graph's columns hold them.
package struct ReadObject: Equatable, Sendable {
    package var address: UInt64
    package var type: ObjectType
    /// 0 when absent, and for IMEMO and NODE (whose `class` word is not a class).
    package var classAddress: UInt64
    package var references: [UInt64]
    package var memsize: UInt64
    package var bytesize: UInt64
    /// `UInt32.max` when absent.
    package var generation: UInt32
    package var flags: ObjectFlags
    /// The allocation site, when the record has `file`, `line` or `method`: file and method
    /// as escaped text (`nil` when absent), line 0 when absent.
    package var site: (file: [UInt8]?, line: UInt32, method: [UInt8]?)?
    /// STRING, SYMBOL, FLOAT: the kept prefix of the escaped value, and whether it was cut.
    package var value: (prefix: [UInt8], truncated: Bool)?
    /// CLASS, MODULE (name), DATA (struct), IMEMO (imemo type): escaped text.
    package var detailString: [UInt8]?
    /// HASH size, ARRAY length, OBJECT ivars (other types: 0 or what the record said).
    package var detailNumber: UInt32?
    /// An IMEMO `fields` object's owner (its `class`), 0 when it has none.
    package var fieldsOwner: UInt64?

    /// A record with this address and type and every other field absent (for oracles).
    package init(address: UInt64, type: ObjectType) {
        self.address = address
        self.type = type
        classAddress = 0
        references = []
        memsize = 0
        bytesize = 0
        generation = .max
        flags = []
    }

    init(_ b: ParsedBlock) {
        address = b.address[0]
        type = b.type[0]
        classAddress = b.classAddress[0]
        references = b.references
        memsize = b.memsize[0]
        bytesize = b.bytesize[0]
        generation = b.generation[0]
        flags = b.flags[0]
        if b.site[0] != .max {
            let s = b.sites[Int(b.site[0])]
            site = (s.file.isNone ? nil : Array(b.strings.rawBytes(s.file)), s.line,
                    s.method.isNone ? nil : Array(b.strings.rawBytes(s.method)))
        }
        let detail = b.detail[0]
        switch ObjectDetail.kind(of: type) {
        case .valueOffset:
            if detail != .max {
                let at = Int(detail)
                let length = Int(b.values[at] & ParsedBlock.valueLengthMask)
                value = (Array(b.values[at + 1 ..< at + 1 + length]), b.values[at] & ParsedBlock.valueTruncatedBit != 0)
            }
        case .string:
            if detail != .max { detailString = Array(b.strings.rawBytes(StringID(rawValue: detail))) }
        case .number:
            detailNumber = detail
        }
        fieldsOwner = b.fieldsOwners.first
    }

    package static func == (a: ReadObject, b: ReadObject) -> Bool {
        a.address == b.address && a.type == b.type && a.classAddress == b.classAddress && a.references == b.references
            && a.memsize == b.memsize && a.bytesize == b.bytesize && a.generation == b.generation && a.flags == b.flags
            && a.site?.file == b.site?.file && a.site?.line == b.site?.line && a.site?.method == b.site?.method
            && (a.site == nil) == (b.site == nil)
            && a.value?.prefix == b.value?.prefix && a.value?.truncated == b.value?.truncated
            && a.detailString == b.detailString && a.detailNumber == b.detailNumber && a.fieldsOwner == b.fieldsOwner
    }
}

extension RecordReader {
    /// The counts of reading `bytes` as one block, the way the loader does: for checking that
    /// ``read(_:)`` splits and reads records alike.
    package static func countsTogether(_ bytes: UnsafeRawBufferPointer) -> (records: Int, objects: Int, recovered: Int, skipped: Int) {
        let all = bytes.bindMemory(to: UInt8.self)
        var block = ParsedBlock(expectedBytes: 0)
        BlockParser.parse(all, endsDump: true, into: &block)
        return (block.counts.records, block.address.count, block.counts.recoveredLines, block.counts.skippedLines)
    }
}
