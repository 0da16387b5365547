import Foundation
import Testing
import TestSupport

// Support for the end-to-end suites: the repository's example dumps and their facts, a dump
// reader written without the program's parser (the oracle), external tools (Graphviz, Ruby),
// and hand-made dumps.

/// Paths in the repository.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Examples/dumps/shop-heapK.json.gz`, as an absolute path.
    static func example(_ k: Int) -> String {
        root.appendingPathComponent("Examples/dumps/shop-heap\(k).json.gz").path
    }

    static var examples: [String] { (1 ... 3).map(example) }

    static func exampleFacts(_ k: Int) -> String {
        root.appendingPathComponent("Examples/dumps/shop-heap\(k).facts.json").path
    }

    static let since = root.appendingPathComponent("Tests/Fixtures/ruby-dumps/todo-3.3.8-since.json.gz").path
}

// MARK: - JSON

/// Parses a command's `--format json` output (one JSON object).
func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text.prefix(300))", sourceLocation: sourceLocation)
}

/// `0x7f…` to its value.
func hexAddress(_ text: String) -> UInt64? {
    var t = Substring(text)
    if t.hasPrefix("0x") { t = t.dropFirst(2) }
    return UInt64(t, radix: 16)
}

// MARK: - Facts files

/// A `{type, class, file, line, count}` row of a facts file.
struct SiteRow: Hashable, Sendable, CustomStringConvertible {
    var type: String
    var className: String
    var file: String
    var line: Int

    var description: String { "\(type) \(className) \(file):\(line)" }
}

/// What `Examples/shop/shop.rb` wrote beside one dump (`shop-heapK.facts.json`).
struct ShopDumpFacts: Sendable {
    struct Accumulation: Sendable {
        var leak: String
        var type: String
        var address: UInt64
        var rootChain: [String]
        var ownerAddress: UInt64?
    }

    var dumpIndex: Int
    var gcCount: Int
    var file: String
    var liveObjects: Int
    /// `count_objects.counts`, `T_…` keys (with TOTAL and FREE).
    var typeCounts: [String: Int]
    var exactTypes: [String]
    /// `leaked_since_dump1`: leaked objects allocated after dump 1 and alive at this dump.
    var leakedSinceDump1: [SiteRow: Int]
    /// `expected_three_snapshot` (the last dump of a run only).
    var expectedThreeSnapshot: [SiteRow: Int]?
    var expectedTotal: Int?
    var accumulationPoints: [String: Accumulation]

    init(path: String) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        dumpIndex = try #require(json["dump_index"] as? Int)
        gcCount = try #require(json["gc_count"] as? Int)
        file = try #require(json["file"] as? String)
        let counts = try #require(json["count_objects"] as? [String: Any])
        liveObjects = try #require(counts["live_objects"] as? Int)
        typeCounts = try #require(counts["counts"] as? [String: Int])
        exactTypes = try #require(counts["exact_types"] as? [String])
        leakedSinceDump1 = try Self.rows(try #require(json["leaked_since_dump1"] as? [[String: Any]]))
        if let expected = json["expected_three_snapshot"] as? [String: Any] {
            expectedThreeSnapshot = try Self.rows(try #require(expected["objects"] as? [[String: Any]]))
            expectedTotal = try #require(expected["total"] as? Int)
        }
        var points: [String: Accumulation] = [:]
        for p in try #require(json["accumulation_points"] as? [[String: Any]]) {
            let leak = try #require(p["leak"] as? String)
            let owner = (p["owner"] as? [String: Any])?["address"] as? String
            points[leak] = Accumulation(leak: leak, type: try #require(p["type"] as? String),
                                        address: try #require((p["address"] as? String).flatMap(hexAddress)),
                                        rootChain: try #require(p["root_chain"] as? [String]),
                                        ownerAddress: owner.flatMap(hexAddress))
        }
        accumulationPoints = points
    }

    init(example k: Int) throws { try self.init(path: Repo.exampleFacts(k)) }

    static func rows(_ list: [[String: Any]]) throws -> [SiteRow: Int] {
        var result: [SiteRow: Int] = [:]
        for row in list {
            let key = SiteRow(type: try #require(row["type"] as? String), className: try #require(row["class"] as? String),
                              file: try #require(row["file"] as? String), line: try #require(row["line"] as? Int))
            result[key, default: 0] += try #require(row["count"] as? Int)
        }
        return result
    }

    /// Rows summed by type, file and line (the classic script's key).
    static func byTypeAndSite(_ rows: [SiteRow: Int]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (row, count) in rows { result["\(row.type) \(row.file):\(row.line)", default: 0] += count }
        return result
    }
}

// MARK: - The oracle: a dump read line by line with JSONSerialization

/// A heap dump as this test suite reads it, independently of the program: every record parsed
/// with JSONSerialization, the graph built from `references`, each object's `class` (except
/// IMEMO's, as the README documents) and the ROOT records.
final class HeapText: Sendable {
    struct Object: Sendable {
        var address: UInt64
        var type: String
        var classAddress: UInt64?
        var references: [UInt64]
        var generation: Int?
        var file: String?
        var line: Int?
        var memsize: Int
        var bytesize: Int
        var name: String?
    }

    let path: String
    let objects: [Object]
    let index: [UInt64: Int]
    let roots: [(category: String, targets: [Int])]
    /// Each object's outgoing edges (indices), references and class.
    let edges: [[Int]]

    init(path: String) throws {
        self.path = path
        var objects: [Object] = []
        var roots: [(String, [UInt64])] = []
        for line in try Self.lines(path) where !line.isEmpty {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line.prefix(200))")
            let type = try #require(record["type"] as? String)
            let references = ((record["references"] as? [String]) ?? []).compactMap(hexAddress)
            if type == "ROOT" {
                roots.append((try #require(record["root"] as? String), references))
                continue
            }
            if type == "SHAPE" { continue }
            objects.append(Object(address: try #require((record["address"] as? String).flatMap(hexAddress), "\(line.prefix(200))"),
                                  type: type, classAddress: (record["class"] as? String).flatMap(hexAddress),
                                  references: references, generation: record["generation"] as? Int,
                                  file: record["file"] as? String, line: record["line"] as? Int,
                                  memsize: record["memsize"] as? Int ?? 0, bytesize: record["bytesize"] as? Int ?? 0,
                                  name: record["name"] as? String))
        }
        var index: [UInt64: Int] = [:]
        for (i, o) in objects.enumerated() where index[o.address] == nil { index[o.address] = i }
        self.objects = objects
        self.index = index
        self.roots = roots.map { r in (r.0, r.1.compactMap { index[$0] }) }
        edges = objects.map { o in
            var out = o.references.compactMap { index[$0] }
            if o.type != "IMEMO", let c = o.classAddress, let k = index[c] { out.append(k) }
            return out
        }
    }

    /// The decompressed lines of a dump (gzip by name).
    static func lines(_ path: String) throws -> [String] {
        let data: Data
        if path.hasSuffix(".gz") {
            let r = try Subprocess.run(Tools.gzip, ["-dc", path])
            try #require(r.status == 0, "gzip -dc \(path): \(r.stderr)")
            data = r.stdoutData
        } else {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    func object(at address: UInt64) -> Object? { index[address].map { objects[$0] } }

    var totalMemsize: Int { objects.reduce(0) { $0 + $1.memsize } }

    /// Breadth-first search from the roots with `avoiding` taken away: for each object its
    /// distance in hops from a ROOT record (1 for a root's direct target), or nil.
    func distances(avoiding: Set<Int> = []) -> [Int?] {
        var distance = [Int?](repeating: nil, count: objects.count)
        var queue: [Int] = []
        for r in roots {
            for t in r.targets where distance[t] == nil && !avoiding.contains(t) {
                distance[t] = 1
                queue.append(t)
            }
        }
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for t in edges[v] where distance[t] == nil && !avoiding.contains(t) {
                distance[t] = distance[v]! + 1
                queue.append(t)
            }
        }
        return distance
    }

    /// Count and memsize of what the roots reach with `avoiding` taken away.
    func reached(avoiding: Set<Int> = []) -> (count: Int, memsize: Int) {
        var count = 0, memsize = 0
        for (i, d) in distances(avoiding: avoiding).enumerated() where d != nil {
            count += 1
            memsize += objects[i].memsize
        }
        return (count, memsize)
    }

    /// What would be freed if `set` were gone: the memsize of the reachable objects that no
    /// root reaches without going through `set` (the objects of `set` included).
    func retained(by set: Set<Int>) -> (count: Int, memsize: Int) {
        let all = reached(), without = reached(avoiding: set)
        return (all.count - without.count, all.memsize - without.memsize)
    }

    /// The objects of this dump (the last of a diff) that a three-snapshot diff must report:
    /// allocated after dump 1 (generation at or above dump 1's GC count) and the same object
    /// (address, type and generation) in `earlier`.
    func leaked(since gcCount: Int, alsoIn earlier: [HeapText]) -> [Int] {
        objects.indices.filter { i in
            let o = objects[i]
            guard let g = o.generation, g >= gcCount else { return false }
            return earlier.allSatisfy { e in
                guard let p = e.object(at: o.address) else { return false }
                return p.generation == g && p.type == o.type
            }
        }
    }

    /// The name of a CLASS or MODULE record at `address`.
    func className(at address: UInt64?) -> String? { address.flatMap { object(at: $0)?.name } }

    /// The class name of an object; none for an IMEMO, whose `class` is not a class on 3.1.
    func className(of o: Object) -> String? { o.type == "IMEMO" ? nil : className(at: o.classAddress) }
}

/// The committed example dumps, each read once by the oracle.
enum ExampleHeaps {
    static let loaded: Result<[HeapText], any Error> = Result { try Repo.examples.map { try HeapText(path: $0) } }

    static func heaps() throws -> [HeapText] { try loaded.get() }
}

// MARK: - Processes and tools

// MARK: - Graphviz

/// Renders DOT with Graphviz and reads the SVG back.
enum Graphviz {
    struct Rendering {
        var status: Int32
        var svg: String
        var stderr: String
    }

    /// One drawn node of an SVG: its DOT name and its label's lines (entities decoded).
    struct Node: CustomStringConvertible {
        var name: String
        var lines: [String]
        /// The first fill colour drawn for it (`#ff8080`), if any.
        var fill: String?
        var description: String { "\(name): \(lines.joined(separator: " | "))" }
    }

    /// `dot -Tsvg FILE`.
    static func render(file: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Rendering {
        let dot = try #require(Tools.dot, "Graphviz (dot) is not installed; CI installs it", sourceLocation: sourceLocation)
        let r = try Subprocess.run(dot, ["-Tsvg", file], timeout: 120)
        return Rendering(status: r.status, svg: r.stdout, stderr: r.stderr)
    }

    static func render(text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Rendering {
        try Retention.withFile(Data(text.utf8), suffix: ".dot") { try render(file: $0, sourceLocation: sourceLocation) }
    }

    /// Renders and requires a clean run: exit 0 and nothing on standard error (no warnings).
    static func cleanSVG(file: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try render(file: file, sourceLocation: sourceLocation)
        #expect(r.status == 0, "dot -Tsvg exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.isEmpty, "dot -Tsvg warned: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.svg.contains("<svg"), sourceLocation: sourceLocation)
        return r.svg
    }

    static func cleanSVG(text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try Retention.withFile(Data(text.utf8), suffix: ".dot") { try cleanSVG(file: $0, sourceLocation: sourceLocation) }
    }

    /// Decodes the XML entities Graphviz writes: `&quot; &lt; &gt; &amp; &apos;` and `&#…;`.
    static func unescape(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            guard let semi = after.firstIndex(of: ";"), after.distance(from: amp, to: semi) <= 10 else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = after[after.index(after: amp) ..< semi]
            var decoded: String? = nil
            switch entity {
            case "quot": decoded = "\""
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "amp": decoded = "&"
            case "apos": decoded = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if entity.hasPrefix("#") {
                    decoded = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                }
            }
            if let decoded {
                out += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        out += rest
        return out
    }

    /// Every `<text>` of the SVG, decoded.
    static func texts(_ svg: String) -> [String] {
        var result: [String] = []
        var rest = Substring(svg)
        while let open = rest.range(of: "<text") {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">"),
                  let close = rest[tagEnd...].range(of: "</text>") else { break }
            result.append(unescape(String(rest[rest.index(after: tagEnd) ..< close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return result
    }

    /// The drawn nodes (`<g … class="node">`), with their names and label lines.
    static func nodes(_ svg: String) -> [Node] {
        var result: [Node] = []
        for chunk in svg.components(separatedBy: "<g id=\"").dropFirst() {
            guard let header = chunk.split(separator: ">", maxSplits: 1).first, header.contains("class=\"node\""),
                  let t0 = chunk.range(of: "<title>"), let t1 = chunk.range(of: "</title>") else { continue }
            let body = chunk.range(of: "</g>").map { String(chunk[..<$0.lowerBound]) } ?? chunk
            var fill: String? = nil
            if let f = body.range(of: "fill=\""), let q = body[f.upperBound...].firstIndex(of: "\"") {
                fill = String(body[f.upperBound ..< q])
            }
            result.append(Node(name: unescape(String(chunk[t0.upperBound ..< t1.lowerBound])), lines: texts(body), fill: fill))
        }
        return result
    }

    /// The nodes that stand for objects or roots (`n0`, `n1`…): not the legend or the notes.
    static func objectNodes(_ svg: String) -> [Node] {
        nodes(svg).filter { $0.name.hasPrefix("n") && Int($0.name.dropFirst()) != nil }
    }
}

// MARK: - Hand-made dumps

/// JSON string literal for `s`, escaped as a JSON encoder would: quote, backslash and control
/// characters always; with `asciiOnly`, every non-ASCII character as `\uXXXX` too.
func jsonString(_ s: String, asciiOnly: Bool = false) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Writes `lines` as a temporary dump, runs `body` with its path, removes it.
func withDump<R>(_ lines: [String], _ body: (String) throws -> R) throws -> R {
    try Retention.withFile(Data((lines.joined(separator: "\n") + "\n").utf8), suffix: ".json", body)
}

/// A temporary directory, removed afterwards.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = URL(fileURLWithPath: Retention.temporaryPath("-dir"))
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
