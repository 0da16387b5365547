import Foundation

/// An independent reading of a dump's text, to check the loader against: lines are split on
/// `\n`, every line that is valid JSON is read by Foundation's `JSONSerialization`, and the few
/// that are not are read with regular expressions. Nothing here shares code with GraphModel.
struct RawRecord: Sendable {
    var firstLine: Int
    var lineSpan: Int
    var isValidJSON: Bool
    var type: String
    var address: UInt64?
    var classAddress: UInt64?
    var references: [UInt64]
    var root: String?
    var file: String?
    var line: Int?
    var method: String?
    var generation: Int?
    var memsize: Int?
    var value: String?
    var name: String?
    var realClassName: String?
    var imemoType: String? = nil
    /// `size` (HASH), `length` (ARRAY) or `ivars` (OBJECT).
    var count: Int? = nil
    var singleton = false

    /// The name HeapGraph documents for a class node: `name`, else `real_class_name`, and
    /// ` (singleton)` after it for a singleton class.
    var className: String? {
        (name ?? realClassName).map { singleton ? $0 + " (singleton)" : $0 }
    }

    var isObject: Bool { !["ROOT", "SHAPE", "NONE", "ZOMBIE"].contains(type) }
}

struct RawDump: Sendable {
    var physicalLines: Int
    var records: [RawRecord]

    /// Records that are heap objects, in dump order: the graph's nodes.
    let objects: [RawRecord]
    let roots: [RawRecord]
    /// Object index by address (the first record with that address).
    let indexByAddress: [UInt64: Int]

    init(_ data: Data) {
        let bytes = [UInt8](data)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            lines.append(bytes[start ..< i])
            start = i + 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        physicalLines = lines.count

        // A record is a line that starts with `{` and the lines after it that do not.
        var groups: [(first: Int, lines: [ArraySlice<UInt8>])] = []
        for (i, line) in lines.enumerated() {
            if line.first == UInt8(ascii: "{") || groups.isEmpty {
                groups.append((i + 1, [line]))
            } else {
                groups[groups.count - 1].lines.append(line)
            }
        }
        records = groups.map { RawDump.read($0.first, $0.lines) }
        objects = records.filter(\.isObject)
        roots = records.filter { $0.type == "ROOT" }
        var index: [UInt64: Int] = [:]
        for (i, o) in objects.enumerated() {
            if let a = o.address, index[a] == nil { index[a] = i }
        }
        indexByAddress = index
    }

    static func hex(_ s: String) -> UInt64? {
        let digits = s.hasPrefix("0x") || s.hasPrefix("0X") ? s.dropFirst(2) : Substring(s)
        return UInt64(digits, radix: 16)
    }

    private static func read(_ firstLine: Int, _ lines: [ArraySlice<UInt8>]) -> RawRecord {
        var r = RawRecord(firstLine: firstLine, lineSpan: lines.count, isValidJSON: false, type: "",
                          address: nil, classAddress: nil, references: [], root: nil)
        if lines.count == 1,
           let object = try? JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any] {
            r.isValidJSON = true
            r.type = object["type"] as? String ?? ""
            r.address = (object["address"] as? String).flatMap(hex)
            r.classAddress = (object["class"] as? String).flatMap(hex)
            r.references = (object["references"] as? [String] ?? []).compactMap(hex)
            r.root = object["root"] as? String
            r.file = object["file"] as? String
            r.line = object["line"] as? Int
            r.method = object["method"] as? String
            r.generation = object["generation"] as? Int
            r.memsize = object["memsize"] as? Int
            r.value = object["value"] as? String
            r.name = object["name"] as? String
            r.realClassName = object["real_class_name"] as? String
            r.imemoType = object["imemo_type"] as? String
            r.count = (object["size"] ?? object["length"] ?? object["ivars"]) as? Int
            r.singleton = object["singleton"] as? Bool ?? false
            return r
        }
        // Not JSON: read what Ruby writes before the broken field with patterns.
        let text = String(decoding: Array(lines.joined(separator: [0x0A])), as: UTF8.self)
        func first(_ pattern: String) -> String? {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(m.range(at: 1), in: text) else { return nil }
            return String(text[range])
        }
        func last(_ pattern: String) -> String? {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let m = regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).last,
                  let range = Range(m.range(at: 1), in: text) else { return nil }
            return String(text[range])
        }
        r.type = first(#""type":"([A-Z]+)""#) ?? ""
        r.address = first(#"^\{"address":"(0x[0-9a-f]+)""#).flatMap(hex)
        r.classAddress = first(#""class":"(0x[0-9a-f]+)""#).flatMap(hex)
        if let list = first(#""references":\[([^\]]*)\]"#) {
            r.references = list.split(separator: ",").compactMap {
                hex($0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")))
            }
        }
        r.generation = last(#""generation":([0-9]+)"#).flatMap { Int($0) }
        r.memsize = last(#""memsize":([0-9]+)"#).flatMap { Int($0) }
        return r
    }

    // MARK: What the graph should hold

    static let classLike: Set<String> = ["CLASS", "MODULE", "ICLASS"]

    /// Whether object `i`'s `class` is a class edge: it names a class-like object of the dump,
    /// and the object is not an IMEMO or NODE (whose class word holds other data).
    func classNode(of i: Int) -> Int? {
        let o = objects[i]
        guard o.type != "IMEMO", o.type != "NODE", let c = o.classAddress, c != 0,
              let k = indexByAddress[c], RawDump.classLike.contains(objects[k].type) else { return nil }
        return k
    }

    /// The nodes object `i` should reference: its references that are in the dump, plus its class.
    func expectedEdges(of i: Int) -> Set<Int> {
        var targets = Set(objects[i].references.compactMap { indexByAddress[$0] })
        if let c = classNode(of: i) { targets.insert(c) }
        return targets
    }

    /// Root record `r`'s targets that are in the dump, each once, in order.
    func expectedRootTargets(of r: Int) -> [Int] {
        var seen = Set<Int>()
        return roots[r].references.compactMap { indexByAddress[$0] }.filter { seen.insert($0).inserted }
    }

    /// Entries of the objects' `references` (README's "edges").
    var referenceEntries: Int { objects.reduce(0) { $0 + $1.references.count } }

    var danglingReferences: Int {
        objects.reduce(0) { $0 + $1.references.filter { indexByAddress[$0] == nil }.count }
    }

    var danglingTargets: Int {
        Set(objects.flatMap { $0.references.filter { indexByAddress[$0] == nil } }).count
    }

    var danglingRootReferences: Int {
        roots.reduce(0) { $0 + $1.references.filter { indexByAddress[$0] == nil }.count }
    }

    /// Objects (not IMEMO or NODE) with a `class` that is not a class-like object of the dump.
    var unresolvedClasses: Int {
        objects.indices.filter { i in
            let o = objects[i]
            return o.type != "IMEMO" && o.type != "NODE" && (o.classAddress ?? 0) != 0 && classNode(of: i) == nil
        }.count
    }

    /// Records per `type`, counted from the text.
    var typeCounts: [String: Int] {
        records.reduce(into: [:]) { $0[$1.type, default: 0] += 1 }
    }
}

// MARK: Ruby 4.0's fields objects, folded as FORMAT-3.4-4.0.md §2 says

extension RawDump {
    /// Whether object `i` is an IMEMO `fields` record.
    func isFields(_ i: Int) -> Bool { objects[i].type == "IMEMO" && objects[i].imemoType == "fields" }

    /// Each folded fields object's owner (object indices): its `class`, when that is an object
    /// of the dump other than itself and not a fields object. The others stay objects.
    var fieldsOwners: [Int: Int] {
        var owners: [Int: Int] = [:]
        for i in objects.indices where isFields(i) {
            if let c = objects[i].classAddress, let o = indexByAddress[c], o != i, !isFields(o) { owners[i] = o }
        }
        return owners
    }

    /// The objects that stay nodes after the fold, in dump order.
    func keptAfterFold(_ owners: [Int: Int]) -> [Int] { objects.indices.filter { owners[$0] == nil } }

    /// What object `i` stands for after the fold: its owner if it was folded, else itself.
    func standIn(_ i: Int, _ owners: [Int: Int]) -> Int { owners[i] ?? i }

    /// Kept object `i`'s edges after the fold: its own fields objects replaced by their
    /// references, every other fields object by its owner; its class.
    func foldedEdges(of i: Int, _ owners: [Int: Int]) -> Set<Int> {
        var out = Set<Int>()
        for a in objects[i].references {
            guard let t = indexByAddress[a] else { continue }
            if owners[t] == i {
                for b in objects[t].references { if let u = indexByAddress[b] { out.insert(standIn(u, owners)) } }
            } else {
                out.insert(standIn(t, owners))
            }
        }
        if let c = classNode(of: i) { out.insert(c) }
        return out
    }

    /// Kept object `i`'s memsize after the fold: its own plus its folded fields objects'.
    func foldedMemsizes(_ owners: [Int: Int]) -> [Int: Int] {
        var sizes: [Int: Int] = [:]
        for i in objects.indices { sizes[standIn(i, owners), default: 0] += objects[i].memsize ?? 0 }
        return sizes
    }

    /// Root record `r`'s targets after the fold, each once, in order.
    func foldedRootTargets(of r: Int, _ owners: [Int: Int]) -> [Int] {
        var seen = Set<Int>()
        return expectedRootTargets(of: r).map { standIn($0, owners) }.filter { seen.insert($0).inserted }
    }
}
