@testable import GraphModel
import Testing

/// The findings of the record fuzz target (`Fuzz/RecordFuzz.swift`, which compares the reader
/// with Foundation's JSONSerialization), each as its minimised input, and the reader's
/// one-record entry point itself.
@Suite("Record fuzz regressions")
struct RecordFuzzRegressionTests {
    static func read(_ text: String) -> [ReadRecord] {
        Array(text.utf8).withUnsafeBytes { RecordReader.read($0) }
    }

    static func isSkipped(_ r: ReadRecord) -> Bool {
        if case .skipped = r.outcome { return true }
        return false
    }

    @Test("RecordReader splits records as the loader does and reads each")
    func splitsAsTheLoader() throws {
        let text = #"{"address":"0x10", "type":"STRING", "value":"a", "file":"x"# + "\n" + #"y.rb", "line":3}"#
            + "\n" + #"{"type":"ROOT", "root":"vm", "references":["0x10", "0x10"]}"# + "\n"
        let records = Self.read(text)
        try #require(records.count == 2)
        guard case let .object(o) = records[0].outcome else { Issue.record("\(records[0])"); return }
        #expect(o.address == 0x10 && o.flags.contains(.recovered))
        #expect(o.site?.file == Array("x\\ny.rb".utf8) && o.site?.line == 3)
        #expect(records[1].outcome == .root(category: Array("vm".utf8), targets: [0x10, 0x10]))
        let together = Array(text.utf8).withUnsafeBytes { RecordReader.countsTogether($0) }
        #expect(together.records == 2 && together.objects == 1 && together.recovered == 1 && together.skipped == 0)
    }

    /// Finding 1: a valid line whose `method` (or `file`, or `real_class_name`) is not a
    /// string went to the recovery meant for Ruby's unescaped strings, which reset the
    /// fields after the name: `"method":null` after `memsize` lost the memsize, and the line
    /// was called recovered. It is now skipped as a value of the wrong type.
    @Test("A non-string file, method or real_class_name is no Ruby bug to recover from",
          arguments: [
              #"{"address":"0x7fe1bfe2ff10", "type":"HASH", "size":0, "memsize":256, "method":null}"#,
              #"{"address":"0x7fe1bfe2ff10", "type":"HASH", "memsize":256, "file":5, "line":3}"#,
              #"{"address":"0x7fe1bfe2ff10", "type":"CLASS", "real_class_name":4, "x":"a", "memsize":5}"#,
          ])
    func nonStringRecoveryKeys(line: String) throws {
        let records = Self.read(line + "\n")
        try #require(records.count == 1)
        #expect(Self.isSkipped(records[0]), "\(records[0].outcome)")
    }

    /// A rule of the differential, not a finding: Foundation's JSONSerialization reads a
    /// trailing comma, which RFC 8259 does not allow; the reader skips the record.
    @Test("What Foundation reads beyond RFC 8259 is unreadable",
          arguments: [#"{"address":"0x10", "type":"NIL", "memsize":7, }"#, #"{"address":"0x10", "type":"NIL", "references":["0x1",]}"#])
    func beyondJSON(line: String) throws {
        let records = Self.read(line + "\n")
        try #require(records.count == 1)
        #expect(Self.isSkipped(records[0]), "\(records[0].outcome)")
    }

    /// Finding 2 (after the compare issue made `encoding` a kept field): the oracle still took
    /// it for an unknown key; the reader, rightly by the rules, skips a record whose
    /// `encoding` is not a string. The oracle now holds it to that rule.
    @Test("An encoding that is not a string makes the record unreadable, with a reason")
    func nonStringEncoding() throws {
        let line = #"{"address":"0x7fe1bfea62c8", "type":"IMEMO", "encoding":0, "slot_size":40, "imemo_type":"ment", "references":["0x7fe1bfe2f790"], "memsize":48}"#
        let records = Self.read(line + "\n")
        try #require(records.count == 1)
        guard case let .skipped(reason) = records[0].outcome else { Issue.record("\(records[0])"); return }
        #expect(reason.contains("encoding") && reason.contains("expected a string"), "\(reason)")
        let valid = Self.read(line.replacingOccurrences(of: #""encoding":0"#, with: #""encoding":"UTF-8""#) + "\n")
        guard case .object = valid.first?.outcome else { Issue.record("\(valid)"); return }
    }
}
