// libFuzzer target: a few lines of dump text through the record reader (RecordReader, the
// loader's own BlockParser one record at a time), compared with Foundation's JSONSerialization
// on every record that is valid JSON (the rules are in RecordOracle.swift). Any difference
// aborts. Inputs are mutated by libFuzzer's byte mutations and, half the time, by the
// structured mutations of RecordMutator.swift. Built and run by Fuzz/run.sh.
import Foundation
import GraphModel

@_cdecl("LLVMFuzzerTestOneInput")
public func recordFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let records = RecordReader.read(raw)
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    RecordCheck.sameAsTogether(records, RecordReader.countsTogether(raw))
    for r in records { RecordCheck.check(r, Array(bytes[r.span])) }
    return 0
}

enum RecordCheck {
    /// Read one record at a time or all as one block, the loader's counts are the same.
    static func sameAsTogether(_ records: [ReadRecord], _ t: (records: Int, objects: Int, recovered: Int, skipped: Int)) {
        let objects = records.filter { if case .object = $0.outcome { return true } else { return false } }.count
        let issues = records.flatMap(\.issues)
        let mine = (records.filter(\.isRecord).count, objects, issues.filter(\.recovered).count, issues.filter { !$0.recovered }.count)
        if mine != t { Difference.report("one record at a time \(mine), as one block \(t)") }
    }

    /// How many records met each rule, printed at exit when RECORD_FUZZ_STATS is set (to see
    /// that the differential is not vacuous: `-runs=0` over a corpus).
    nonisolated(unsafe) static var tally: [String: Int] = [:]
    static let counting: Bool = {
        guard getenv("RECORD_FUZZ_STATS") != nil else { return false }
        atexit { for (k, v) in RecordCheck.tally.sorted(by: { $0.key < $1.key }) { fputs("\(k): \(v)\n", stderr) } }
        return true
    }()

    static func check(_ r: ReadRecord, _ bytes: [UInt8]) {
        let expected = RecordOracle.expected(bytes)
        if counting {
            let kind: String
            switch expected {
            case let .notCompared(why): kind = "not compared: " + why
            case .unreadable: kind = "unreadable by the rules"
            case .root: kind = "ROOT"
            case .counted: kind = "counted"
            case .object: kind = "object"
            case .beyondJSON: kind = "beyond RFC 8259"
            }
            tally[kind, default: 0] += 1
        }
        guard case .notCompared = expected else { compare(r, bytes, expected); return }
    }

    static func compare(_ r: ReadRecord, _ bytes: [UInt8], _ expected: Expected) {
        let text = String(decoding: bytes, as: UTF8.self).debugDescription
        switch expected {
        case .notCompared:
            return
        case .beyondJSON:
            if case .skipped = r.outcome { return }
            if case let .object(o) = r.outcome, o.flags.contains(.recovered) { return }
            Difference.report("\(text): not RFC 8259 JSON, neither skipped nor recovered: \(r.outcome)")
        case let .unreadable(why):
            if case .skipped = r.outcome { return }
            Difference.report("\(text): Foundation-valid, unreadable by the rules (\(why)); the reader gave \(r.outcome)")
        case let .root(category, targets):
            guard case let .root(c, t) = r.outcome, c == category, t == targets else {
                Difference.report("\(text): expected ROOT \(String(decoding: category, as: UTF8.self)) \(targets); the reader gave \(r.outcome)")
            }
        case let .counted(type):
            guard case let .counted(t) = r.outcome, t == type else {
                Difference.report("\(text): expected a counted \(type.name); the reader gave \(r.outcome)")
            }
        case let .object(e):
            guard case let .object(o) = r.outcome else {
                Difference.report("\(text): expected an object \(e); the reader gave \(r.outcome)")
            }
            var e2 = e
            e2.value = o.value
            if o != e2 { Difference.report("\(text):\n  reader \(o)\n  oracle \(e2)") }
            checkValue(kept: o.value, body: e.value?.prefix, text)
        }
    }

    /// Rule: the graph keeps at most 48 bytes of the escaped body, cutting neither an escape
    /// nor a UTF-8 character, and flags the cut.
    static func checkValue(kept: (prefix: [UInt8], truncated: Bool)?, body: [UInt8]?, _ text: String) {
        guard let body else {
            if kept != nil { Difference.report("\(text): a value kept where there is none") }
            return
        }
        guard let kept else { Difference.report("\(text): the value was not kept") }
        let p = kept.prefix
        guard p.count <= 48, body.starts(with: p), kept.truncated == (p.count < body.count),
              body.count <= 48 ? p.count == body.count : p.count >= 48 - 9
        else { Difference.report("\(text): kept value \(String(decoding: p, as: UTF8.self).debugDescription) truncated \(kept.truncated)") }
        if p.count < body.count, body[p.count] & 0xC0 == 0x80 { Difference.report("\(text): the kept value cuts a UTF-8 character") }
        var i = 0
        while i < p.count {
            if p[i] == UInt8(ascii: "\\") {
                let n = i + 1 < p.count && p[i + 1] == UInt8(ascii: "u") ? 6 : 2
                if i + n > p.count { Difference.report("\(text): the kept value cuts an escape") }
                i += n
            } else {
                i += 1
            }
        }
    }
}
