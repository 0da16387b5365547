import Foundation
import Testing

/// `leaks`, `why` and `summary` end to end on the dumps of Ruby 3.4.5, 4.0.0 and 4.1.0-dev.
@Suite("retention on Ruby 3.4 to 4.1-dev")
struct NewerRubyCommandTests {
    @Test("leaks finds the 528 AuditEvent Structs and their 1,056 Strings, held by TodoService's Array, no IMEMO on the path",
          arguments: ["todo-3.4.5", "todo-4.0.0", "todo-4.1.0dev"])
    func auditLeak(_ prefix: String) throws {
        let dumps = (1 ... 3).map { Retention.fixture("\(prefix)-heap\($0)") }
        let r = try Retention.run(["leaks", "--format", "json", "--quiet"] + dumps)
        #expect(r.status == 0, "\(r)")
        let groups = try #require(try jsonObject(r.stdout)["groups"] as? [[String: Any]])
        func group(_ type: String) throws -> [String: Any] {
            try #require(groups.first { g in
                let key = g["key"] as? [String: Any]
                let site = key?["site"] as? [String: Any]
                return key?["type"] as? String == type && site?["file"] as? String == "todo_app.rb" && site?["line"] as? Int == 74
            }, "\(prefix): no \(type) group at todo_app.rb:74")
        }
        let structs = try group("STRUCT"), strings = try group("STRING")
        #expect(structs["count"] as? Int == 528)
        #expect(structs["class"] as? String == "AuditEvent")
        #expect(strings["count"] as? Int == 1056)
        for g in [structs, strings] {
            let point = try #require(g["accumulation_point"] as? [String: Any])
            let path = try #require(point["root_path"] as? [[String: Any]])
            let steps = chain(path)
            #expect(!steps.contains("IMEMO"), "\(prefix): \(steps)")
            let service = try #require(steps.firstIndex(of: "CLASS TodoService"), "\(prefix): \(steps)")
            #expect(steps.dropFirst(service + 1).first == "ARRAY")
            #expect((point["object"] as? [String: Any])?["type"] as? String == "ARRAY")
        }
    }

    @Test("why on what a finalizer captures: the inferred finalizer root, not garbage",
          arguments: [("probe-3.4.5", "0x7f3d9594a0f0"), ("probe-4.0.0", "0x7fb6fb0f3070"), ("probe-4.1.0dev", "0x7fd3a2c8a0c0")])
    func finalizerCapture(_ name: String, _ address: String) throws {
        let r = try Retention.run(["why", "--quiet", address, Retention.fixture(name)])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("ROOT finalizers (inferred: Ruby 3.4+ does not list them)"), "\(r.stdout)")
        #expect(!r.stdout.contains("No root reaches it"))
        #expect(!r.stdout.contains("garbage"))
    }

    @Test("why on a folded fields object's address answers with its owner and says so")
    func foldedAddress() throws {
        let r = try Retention.run(["why", "--quiet", "0x7fb6fb0bac98", Retention.fixture("probe-4.0.0")])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("0x7fb6fb0bac98 is the IMEMO fields object"), "\(r.stdout)")
        #expect(r.stdout.contains("0x7fb6fb0bace8"), "the owner")
        #expect(r.stdout.contains("Shortest path"))
        let json = try jsonObject(try Retention.run(["why", "--quiet", "--format", "json", "0x7fb6fb0bac98", Retention.fixture("probe-4.0.0")]).stdout)
        #expect(json["folded_fields_address"] as? String == "0x7fb6fb0bac98")
        #expect((json["object"] as? [String: Any])?["address"] as? String == "0x7fb6fb0bace8", "the answer is the owner")
    }

    static let lonely = #"{"address":"0x2000", "type":"STRING", "value":"lonely", "bytesize":6, "memsize":40}"#

    @Test("An unreached object is called garbage only where the dump shows every root")
    func garbageWording() throws {
        // No version evidence: say what 3.4+ leaves out.
        try withDump([#"{"type":"ROOT", "root":"vm", "references":["0x1000"]}"#, #"{"address":"0x1000", "type":"OBJECT"}"#, Self.lonely]) { path in
            let r = try Retention.run(["why", "0x2000", path])
            #expect(r.stdout.contains("No root reaches it"))
            #expect(r.stdout.contains("Ruby 3.4+ writes no finalizers ROOT"), "\(r.stdout)")
            #expect(!r.stdout.contains("it is garbage"))
        }
        // A finalizers ROOT (Ruby 3.3 and earlier): garbage.
        try withDump([#"{"type":"ROOT", "root":"finalizers", "references":["0x1000"]}"#, #"{"address":"0x1000", "type":"OBJECT"}"#, Self.lonely]) { path in
            let r = try Retention.run(["why", "0x2000", path])
            #expect(r.stdout.contains("No root reaches it: it is garbage"), "\(r.stdout)")
        }
        // A 3.4 dump, whose finalizer table was looked at: garbage, saying so.
        try withDump([#"{"type":"ROOT", "root":"vm", "references":["0x1000"]}"#, #"{"address":"0x1000", "type":"OBJECT"}"#,
                      #"{"address":"0x3000", "type":"STRING", "chilled":true}"#, Self.lonely]) { path in
            let r = try Retention.run(["why", "0x2000", path])
            #expect(r.stdout.contains("not even the finalizer table"), "\(r.stdout)")
            #expect(r.stdout.contains("it is garbage"))
        }
    }

    @Test("summary names the Ruby versions and the folded fields objects, in text and JSON")
    func summaryVersions() throws {
        let text = try Retention.run(["summary", "--quiet", Retention.fixture("todo-4.0.0-heap3")])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("Ruby: Ruby 4.0 or later: fields objects, global_symbols root"), "\(text.stdout)")
        #expect(text.stdout.contains("Fields objects (Ruby 4.0+): 126 folded into their owners, 0 without an owner"))
        #expect(text.stdout.contains("Objects: 11,419 "))
        let json = try jsonObject(try Retention.run(["summary", "--format", "json", "--quiet", Retention.fixture("todo-4.0.0-heap3")]).stdout)
        let versions = try #require(json["ruby_versions"] as? [String: Any])
        #expect(versions["lowest"] as? String == "4.0")
        #expect(versions["highest"] is NSNull)
        #expect((versions["evidence"] as? [String])?.contains("fields objects") == true)
        #expect((json["fields_objects"] as? [String: Any])?["folded"] as? Int == 126)
        let notes = try #require(json["notes"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
        #expect(notes.contains("fields_folded"))

        let old = try Retention.run(["summary", "--quiet", Retention.fixture("todo-3.3.8-heap1")])
        #expect(old.stdout.contains("Ruby: Ruby 3.3: "), "\(old.stdout)")
        #expect(!old.stdout.contains("Fields objects"))
        let probe = try Retention.run(["summary", "--format", "json", "--quiet", Retention.fixture("probe-3.4.5")])
        let probeNotes = try #require(try jsonObject(probe.stdout)["notes"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
        #expect(probeNotes.contains("inferred_finalizers"))
    }
}
