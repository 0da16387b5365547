import Foundation
import GraphModel
import Retention
import Testing
import TestSupport

/// Paths of the committed dumps, temporary hand-made dumps, and loading them for a diff.
enum Dumps {
    static let examples = Repository.examples
    static func example(_ k: Int) -> String { Repository.example(k) }
    static func fixture(_ name: String) -> String { Repository.fixture(name) }

    /// The loader `LeakDiff.run` is given in the tool, without the terminal parts.
    static func load(_ path: String, _ edges: Bool) throws -> HeapGraph {
        var options = DumpLoader.Options()
        options.edges = edges
        return try DumpLoader.load(path, options: options)
    }

    /// Writes each text to a temporary file, runs `body` with the paths, and removes them.
    static func withFiles<R>(_ texts: [String], _ body: ([String]) throws -> R) throws -> R {
        let paths = texts.map { _ in
            FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString).json").path
        }
        for (path, text) in zip(paths, texts) {
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
        defer { for p in paths { try? FileManager.default.removeItem(atPath: p) } }
        return try body(paths)
    }

    /// A dump of a linked list `n` objects long (at 0x10, 0x38, … 40 bytes apart, 40 bytes
    /// each), its head held by a global.
    static func linkedList(_ n: Int, type: String) -> String {
        var text = #"{"type":"ROOT", "root":"global_tbl", "references":["0x10"]}"# + "\n"
        text.reserveCapacity(n * 80)
        for i in 0 ..< n {
            let next = i + 1 < n ? #", "references":["0x\#(String(0x10 + 40 * (i + 1), radix: 16))"]"# : ""
            text += #"{"address":"0x\#(String(0x10 + 40 * i, radix: 16))", "type":"\#(type)"\#(next), "memsize":40}"# + "\n"
        }
        return text
    }

    /// Reads a dump (gzipped or not) as text lines, for oracles written without the parser.
    static func lines(_ path: String) throws -> [Substring] {
        let data = path.hasSuffix(".gz") ? try Tools.gunzip(path) : try Data(contentsOf: URL(fileURLWithPath: path))
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }
}

/// Builds small dumps line by line: a ROOT, classes, and objects with allocation data.
struct DumpText {
    var lines: [String] = []

    init(roots: [UInt64] = [0x100]) {
        lines.append(#"{"type":"ROOT", "root":"vm", "references":[\#(roots.map { "\"0x\(String($0, radix: 16))\"" }.joined(separator: ", "))]}"#)
        lines.append(#"{"address":"0x100", "type":"CLASS", "name":"Object", "references":["0x110"]}"#)
        lines.append(#"{"address":"0x110", "type":"CLASS", "name":"String"}"#)
        lines.append(#"{"address":"0x120", "type":"CLASS", "name":"Array"}"#)
    }

    /// An object; `generation` nil writes no allocation data at all.
    mutating func object(_ address: UInt64, _ type: String = "STRING", classAddress: UInt64 = 0x110,
                         line: Int = 1, generation: Int?, memsize: Int = 40, references: [UInt64] = []) {
        var fields = [#""address":"0x\#(String(address, radix: 16))""#, #""type":"\#(type)""#,
                      #""class":"0x\#(String(classAddress, radix: 16))""#]
        if !references.isEmpty {
            fields.append(#""references":[\#(references.map { "\"0x\(String($0, radix: 16))\"" }.joined(separator: ", "))]"#)
        }
        if let generation {
            fields.append(#""file":"app.rb", "line":\#(line), "method":"call", "generation":\#(generation)"#)
        }
        fields.append(#""memsize":\#(memsize)"#)
        lines.append("{" + fields.joined(separator: ", ") + "}")
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}

/// The facts `Examples/shop/shop.rb` wrote beside its dumps.
struct ShopFacts {
    let json: [String: Any]

    init(_ k: Int) throws {
        let url = Dumps.examples.appendingPathComponent("shop-heap\(k).facts.json")
        json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// `expected_three_snapshot` rows: type, class, file, line → count.
    var expectedLeaks: [String: Int] {
        var result: [String: Int] = [:]
        let expected = json["expected_three_snapshot"] as? [String: Any]
        for row in (expected?["objects"] as? [[String: Any]]) ?? [] {
            let key = "\(row["type"]!) \(row["class"]!) \(row["file"]!):\(row["line"]!)"
            result[key, default: 0] += row["count"] as! Int
        }
        return result
    }

    /// The allocation lines of the bounded structures (cache and sessions): never leaks.
    var boundedLines: Set<Int> {
        var lines = Set<Int>()
        for (_, value) in (json["bounded"] as? [String: Any]) ?? [:] {
            for row in ((value as? [String: Any])?["sites"] as? [[String: Any]]) ?? [] {
                if let line = row["line"] as? Int { lines.insert(line) }
            }
        }
        return lines
    }
}

// What the suites read of a group's key, by name.
extension GroupKey {
    var file: String? { site?.file }
    var line: UInt32? { site?.line }
    var typeName: String? { type?.name }
}

extension LeakGroup {
    /// The group's main class by name; `(no class)` for objects without one.
    var classLabel: String? {
        mainClass.map { c in
            switch c.name {
            case nil: return "(no class)"
            case let .named(n, singleton)?: return singleton ? n + " (singleton)" : n
            case let .anonymous(a)?: return "#<Class:0x\(String(a, radix: 16))>"
            }
        }
    }
}

extension SummaryGroup {
    /// The type's name, the class's name, or the site's `file:line`.
    var label: String {
        switch key {
        case let .type(t): return t.name
        case let .class(c): return c.map { if case let .named(n, _) = $0 { return n } else { return "?" } } ?? "(no class)"
        case let .site(s): return s.map { ($0.file ?? "(no file)") + ($0.line.map { ":\($0)" } ?? "") } ?? "(no allocation site)"
        case let .gem(g): return g.map { if case let .gem(n) = $0 { return n.name } else { return "\($0)" } } ?? "(no file)"
        }
    }
}
