import Foundation
import Testing
import TestSupport

/// A small JSON Schema (draft 2020-12) checker: the keywords docs/report.schema.json uses.
struct SchemaChecker {
    let root: [String: Any]

    /// Problems found in `value`, each with its JSON path; empty when it conforms.
    func problems(_ value: Any, _ schema: [String: Any]? = nil, at path: String = "$") -> [String] {
        let schema = schema ?? root
        var found: [String] = []
        if let ref = schema["$ref"] as? String {
            let name = String(ref.dropFirst("#/$defs/".count))
            guard let defs = root["$defs"] as? [String: Any], let target = defs[name] as? [String: Any] else {
                return ["\(path): unknown $ref \(ref)"]
            }
            found += problems(value, target, at: path)
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [type as! String]
            if !allowed.contains(where: { Self.matches(value, $0) }) {
                found.append("\(path): \(Self.describe(value)) is not \(allowed.joined(separator: " or "))")
                return found
            }
        }
        if let c = schema["const"], !Self.equal(value, c) { found.append("\(path): expected \(c)") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            found.append("\(path): \(Self.describe(value)) is not one of \(options)")
        }
        if let n = value as? NSNumber, !(value is Bool) {
            if let min = schema["minimum"] as? Double, n.doubleValue < min { found.append("\(path): \(n) < \(min)") }
            if let max = schema["maximum"] as? Double, n.doubleValue > max { found.append("\(path): \(n) > \(max)") }
        }
        if let s = value as? String, let pattern = schema["pattern"] as? String,
           s.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): \"\(s)\" does not match \(pattern)")
        }
        if let object = value as? [String: Any] {
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
                found.append("\(path): missing \"\(key)\"")
            }
            for (key, sub) in (schema["properties"] as? [String: Any]) ?? [:] {
                if let v = object[key], let subSchema = sub as? [String: Any] {
                    found += problems(v, subSchema, at: "\(path).\(key)")
                }
            }
        }
        if let array = value as? [Any] {
            if let min = schema["minItems"] as? Int, array.count < min { found.append("\(path): fewer than \(min) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in array.enumerated() { found += problems(v, items, at: "\(path)[\(i)]") }
            }
        }
        for sub in (schema["allOf"] as? [[String: Any]]) ?? [] {
            if let condition = sub["if"] as? [String: Any] {
                if problems(value, condition, at: path).isEmpty, let then = sub["then"] as? [String: Any] {
                    found += problems(value, then, at: path)
                }
            } else {
                found += problems(value, sub, at: path)
            }
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let passing = options.filter { problems(value, $0, at: path).isEmpty }.count
            if passing != 1 { found.append("\(path): matches \(passing) of the oneOf schemas, not exactly one") }
        }
        return found
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "null": return value is NSNull
        case "boolean": return isBool(value)
        case "integer":
            guard let n = value as? NSNumber, !isBool(value) else { return false }
            let kind = String(cString: n.objCType)
            return kind != "d" && kind != "f"
        case "number": return value is NSNumber && !isBool(value)
        default: return false
        }
    }

    /// JSONSerialization gives booleans as a distinct NSNumber subclass.
    static func isBool(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return type(of: n) == type(of: NSNumber(value: true))
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y && isBool(a) == isBool(b) }
        return false
    }

    static func describe(_ value: Any) -> String {
        let text = "\(value)"
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

@Suite("The JSON report follows docs/report.schema.json")
struct JSONSchemaTests {
    static let root = Repository.root
    static func example(_ k: Int) -> String { Repository.example(k) }

    static func checker() throws -> SchemaChecker {
        let data = try Data(contentsOf: root.appendingPathComponent("docs/report.schema.json"))
        return SchemaChecker(root: try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    static var commands: [[String]] {
        [
            ["summary", example(3)],
            ["summary", Retention.fixture("todo-3.3.8-since")],
            ["summary", Retention.fixture("todo-3.1.2-edge")],
            ["top", "--top", "3", example(3)],
            ["top", Retention.fixture("todo-2.7.4-heap3")],
            ["leaks", example(1), example(2), example(3)],
            ["leaks", "--by", "class", example(1), example(2), example(3)],
            ["leaks", "--by", "gem", example(1), example(2), example(3)],
            ["diff", example(1), example(3)],
            ["diff", "--by", "gem", example(1), example(2), example(3)],
            ["diff", "--by", "site-type", example(1), Retention.fixture("todo-3.3.8-heap1")],
            ["diff", Retention.fixture("todo-2.7.4-heap1"), Retention.fixture("todo-2.7.4-heap3")],
            ["waste", example(3)],
            ["waste", "--by", "gem", Retention.fixture("todo-3.4.5-heap1")],
            ["waste", "--by", "method", Retention.fixture("todo-4.0.0-full")],
        ]
    }

    @Test("Every command's JSON conforms", arguments: commands)
    func conforms(_ arguments: [String]) throws {
        let run = try Retention.run(arguments + ["--format", "json", "-q"])
        #expect(run.status == 0, "\(run)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        let problems = try Self.checker().problems(json)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test("why conforms, for an object several paths reach")
    func whyConforms() throws {
        let leaks = try Retention.run(["leaks", Self.example(1), Self.example(2), Self.example(3), "--format", "json", "-q"])
        let report = try #require(JSONSerialization.jsonObject(with: Data(leaks.stdout.utf8)) as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        let address = try #require((groups.first?["examples"] as? [String])?.first)
        let run = try Retention.run(["why", address, Self.example(3), "--paths", "3", "--format", "json", "-q"])
        #expect(run.status == 0, "\(run)")
        let problems = try Self.checker().problems(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)))
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test("The checker itself rejects what does not conform")
    func checkerRejects() throws {
        let checker = try Self.checker()
        #expect(!checker.problems(["schema": "retention", "version": 2, "command": "summary"] as [String: Any]).isEmpty)
        #expect(!checker.problems(["schema": "retention", "version": 1, "command": "top"] as [String: Any]).isEmpty)
        let run = try Retention.run(["summary", Self.example(3), "--format", "json", "-q"])
        var json = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(checker.problems(json).isEmpty)
        json["memsize"] = "12 MB"
        #expect(!checker.problems(json).isEmpty)
        json["memsize"] = 1.5
        #expect(!checker.problems(json).isEmpty)
    }
}
