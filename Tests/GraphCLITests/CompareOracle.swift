#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import TestSupport

/// The independent count for `diff`, `waste` and `--by gem`: every line of a dump read with
/// JSONSerialization, and the gem of a file found by regular expressions rather than by
/// `Gem.of(file:)`'s segment walk.
struct DumpRecords {
    struct Record {
        var address: UInt64
        var type: String
        var classAddress: UInt64?
        var generation: Int?
        var file: String?
        var memsize: Int
        var value: String?
        var encoding: String?
        var shared: Bool
        var size: Int?
        var length: Int?
        var name: String?
        var singleton: Bool
    }

    let objects: [Record]
    let byAddress: [UInt64: Int]

    init(path: String) throws {
        var objects: [Record] = []
        for line in try HeapText.lines(path) where !line.isEmpty {
            let r = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line.prefix(200))")
            let type = try #require(r["type"] as? String)
            if ["ROOT", "SHAPE", "NONE", "ZOMBIE"].contains(type) { continue }
            objects.append(Record(address: try #require((r["address"] as? String).flatMap(hexAddress)), type: type,
                                  classAddress: (r["class"] as? String).flatMap(hexAddress), generation: r["generation"] as? Int,
                                  file: r["file"] as? String, memsize: r["memsize"] as? Int ?? 0, value: r["value"] as? String,
                                  encoding: r["encoding"] as? String, shared: r["shared"] as? Bool ?? false,
                                  size: r["size"] as? Int, length: r["length"] as? Int,
                                  name: (r["name"] as? String) ?? (r["real_class_name"] as? String), singleton: r["singleton"] as? Bool ?? false))
        }
        var index: [UInt64: Int] = [:]
        for (i, o) in objects.enumerated() where index[o.address] == nil { index[o.address] = i }
        self.objects = objects
        byAddress = index
    }

    /// The class label `retention` prints: the name, `(singleton)`, `#<Class:0x…>`, `(no class)`.
    func classLabel(_ o: Record) -> String {
        guard o.type != "IMEMO", let a = o.classAddress, let k = byAddress[a] else { return "(no class)" }
        let c = objects[k]
        guard c.type == "CLASS" || c.type == "MODULE" else { return "#<Class:0x\(String(a, radix: 16))>" }
        guard let name = c.name else { return "#<Class:0x\(String(a, radix: 16))>" }
        return c.singleton ? name + " (singleton)" : name
    }

    /// The gem label `retention` prints for a file: the gem's name, `(ruby)`, `(app)`, `(no file)`.
    static func gemLabel(_ file: String?) -> String {
        guard let file else { return "(no file)" }
        if file.hasPrefix("<internal:") { return "(ruby)" }
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) + "/" : ""
        var best: (end: Int, name: String)? = nil
        func consider(_ pattern: String) {
            let re = try! NSRegularExpression(pattern: pattern)
            for m in re.matches(in: directory, range: NSRange(directory.startIndex..., in: directory)) {
                let name = (directory as NSString).substring(with: m.range(at: 1))
                if best == nil || m.range.upperBound > best!.end { best = (m.range.upperBound, name) }
            }
        }
        consider("(?<=/bundler/gems/)([^/]+)-[^/-]+/")
        consider("(?<=/gems/)([^/]+?)-[0-9][^/]*/")
        consider("(?<=/extensions/)[^/]+/[^/]+/([^/]+?)-[0-9][^/]*/")
        if let best { return best.name }
        if file.range(of: "/lib/ruby/[0-9]+(\\.[0-9]+)+/", options: .regularExpression) != nil { return "(ruby)" }
        if file.range(of: "/ruby/[0-9]+(\\.[0-9]+)+/.*\\.so$", options: .regularExpression) != nil { return "(ruby)" }
        return "(app)"
    }

    /// Count and memsize per label.
    func tally(_ label: (Record) -> String) -> [String: (count: Int, memsize: Int)] {
        var out: [String: (count: Int, memsize: Int)] = [:]
        for o in objects {
            let k = label(o)
            out[k, default: (0, 0)].count += 1
            out[k, default: (0, 0)].memsize += o.memsize
        }
        return out
    }

    /// Identity as `retention` uses it for traced dumps: address and generation.
    struct Identity: Hashable { var address: UInt64; var generation: Int? }

    /// Duplicate STRING values: the number of values held twice or more, their extra copies,
    /// the bytes all but the largest copy cost, and the strings without a value.
    func duplicates() -> (values: Int, extra: Int, wasted: Int, withoutValue: Int, byValue: [String: [Int]], ranked: [[Int]]) {
        struct Key: Hashable { var value: String; var encoding: String? }
        var groups: [Key: [Int]] = [:]
        var without = 0
        for o in objects where o.type == "STRING" {
            guard let v = o.value else { without += 1; continue }
            groups[Key(value: v, encoding: o.encoding), default: []].append(o.memsize)
        }
        let dup = groups.filter { $0.value.count >= 2 }
        let wasted = dup.values.reduce(0) { $0 + $1.reduce(0, +) - $1.max()! }
        // Per value (of one encoding, where values repeat across encodings: the larger), copies and bytes wasted.
        var byValue: [String: [Int]] = [:]
        for (k, sizes) in dup {
            let x = [sizes.count, sizes.reduce(0, +) - sizes.max()!]
            if byValue[k.value].map({ $0.lexicographicallyPrecedes(x) }) ?? true { byValue[k.value] = x }
        }
        let ranked = dup.values.map { [$0.reduce(0, +) - $0.max()!, $0.count] }.sorted { $0.lexicographicallyPrecedes($1) }.reversed()
        return (dup.count, dup.values.reduce(0) { $0 + $1.count - 1 }, wasted, without, byValue, Array(ranked))
    }

    /// Empty and one-element Hashes and Arrays: counts of each kind.
    func tinyCollections() -> [String: Int] {
        var out: [String: Int] = [:]
        for o in objects {
            if o.type == "HASH", let n = o.size, n <= 1 { out[n == 0 ? "empty_hashes" : "one_element_hashes", default: 0] += 1 }
            if o.type == "ARRAY", let n = o.length, n <= 1 { out[n == 0 ? "empty_arrays" : "one_element_arrays", default: 0] += 1 }
        }
        return out
    }
}

/// One run of `ruby Examples/rails/rails_dumps.rb DIR 3` (Rails 6.1 from Debian's ruby-rails),
/// made once for all the tests that need it, removed when the test process exits.
enum FreshRailsRun {
    static let railsInstalled: Bool = {
        guard let ruby = Tools.ruby else { return false }
        return (try? Subprocess.run(ruby, ["-e", "require 'rails'; require 'action_controller'"], timeout: 60).status) == 0
    }()

    /// Runs where ruby-rails is installed, and must run on CI (which installs it).
    static var enabled: Bool { railsInstalled || Tools.isCI }

    static let result: Result<[String], any Error> = Result {
        let ruby = try #require(Tools.ruby, "ruby is not on PATH")
        try #require(railsInstalled, "Rails is not installed: CI installs Debian's ruby-rails (.ci/run)")
        let directory = URL(fileURLWithPath: Retention.temporaryPath("-rails"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cleanupDirectory = strdup(directory.path)
        atexit {
            if let p = cleanupDirectory { try? FileManager.default.removeItem(atPath: String(cString: p)) }
        }
        let r = try Subprocess.run(ruby, ["Examples/rails/rails_dumps.rb", directory.path, "3"], in: Repo.root, timeout: 300)
        try #require(!r.timedOut, "rails_dumps.rb did not finish in 300 s")
        try #require(r.status == 0, "rails_dumps.rb exit \(r.status): \(r.stderr)")
        return (1 ... 3).map { directory.appendingPathComponent("rails-heap\($0).json").path }
    }

    nonisolated(unsafe) static var cleanupDirectory: UnsafeMutablePointer<CChar>? = nil
}
