import Foundation
import GraphModel
import Testing
import TestSupport

/// Writing hand-made dumps to temporary files, and reading the real ones in Fixtures/.
enum TestDumps {
    /// `Tests/Fixtures/ruby-dumps`, found from this file's path.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ruby-dumps")

    static func fixturePath(_ name: String) -> String {
        fixtures.appendingPathComponent(name + ".json.gz").path
    }

    /// A fresh path in the temporary directory; nothing is written there yet.
    static func temporaryPath(_ suffix: String = ".json") -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("retention-test-\(UUID().uuidString)\(suffix)").path
    }

    /// Writes `bytes` to a temporary file, runs `body` with its path, and deletes it.
    static func withFile<R>(_ bytes: some Sequence<UInt8>, suffix: String = ".json",
                            _ body: (String) throws -> R) rethrows -> R {
        let path = temporaryPath(suffix)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    static func withFile<R>(_ text: String, suffix: String = ".json", _ body: (String) throws -> R) rethrows -> R {
        try withFile(Array(text.utf8), suffix: suffix, body)
    }

    /// Loads `bytes` as a dump from a temporary file: the graph, or the error.
    static func load(_ bytes: some Sequence<UInt8>, options: DumpLoader.Options = .init(),
                     suffix: String = ".json") -> (path: String, result: Result<HeapGraph, DumpError>) {
        withFile(bytes, suffix: suffix) { path in
            (path, Result { () throws(DumpError) -> HeapGraph in try DumpLoader.load(path, options: options) })
        }
    }

    static func load(_ text: String, options: DumpLoader.Options = .init()) -> (path: String, result: Result<HeapGraph, DumpError>) {
        load(Array(text.utf8), options: options)
    }

    /// Loads `text` and requires that it loads.
    static func graph(_ text: String, options: DumpLoader.Options = .init(),
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> HeapGraph {
        let (_, result) = load(text, options: options)
        switch result {
        case let .success(graph): return graph
        case let .failure(error):
            Issue.record("the dump did not load: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// Loads `text` and requires that it fails.
    static func error(_ bytes: some Sequence<UInt8>, options: DumpLoader.Options = .init(), suffix: String = ".json",
                      sourceLocation: SourceLocation = #_sourceLocation) -> (path: String, error: DumpError?) {
        let (path, result) = load(bytes, options: options, suffix: suffix)
        switch result {
        case .success:
            Issue.record("the dump loaded, but an error was expected", sourceLocation: sourceLocation)
            return (path, nil)
        case let .failure(error):
            return (path, error)
        }
    }

    /// Runs gzip with `arguments`, `input` on its standard input.
    static func gzip(_ arguments: [String], input: Data) throws -> Data {
        try Tools.gzip(arguments, input: input)
    }



    static func compress(_ data: Data) throws -> Data { try gzip(["-c", "-n", "-6"], input: data) }

    /// The decompressed bytes of a fixture, through `gzip -dc`.
    static func fixtureBytes(_ name: String) throws -> Data {
        try gzip(["-dc"], input: Data(contentsOf: URL(fileURLWithPath: fixturePath(name))))
    }
}

/// Loaded graphs and raw dumps of the fixtures, shared by the suites: each is made once, even
/// when several tests ask for it at the same time.
final class FixtureCache: @unchecked Sendable {
    // Safe because `lock` guards `entries`, and each entry's own lock guards its value.
    static let shared = FixtureCache()
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var value: Any? = nil
    }

    private func value<T>(_ key: String, _ make: () throws -> T) throws -> T {
        lock.lock()
        let entry = entries[key] ?? Entry()
        entries[key] = entry
        lock.unlock()
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let v = entry.value as? T { return v }
        let v = try make()
        entry.value = v
        return v
    }

    func graph(_ name: String) throws -> HeapGraph {
        try value("graph:" + name) { try DumpLoader.load(TestDumps.fixturePath(name)) }
    }

    /// The fixture's physical lines (index 0 is line 1).
    func lines(_ name: String) throws -> [Substring] {
        try value("lines:" + name) {
            try String(decoding: TestDumps.fixtureBytes(name), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }
    }

    func raw(_ name: String) throws -> RawDump {
        try value("raw:" + name) { try RawDump(TestDumps.fixtureBytes(name)) }
    }
}

/// Builders for hand-made records, in the shape Ruby writes them (`", "` between fields).
enum Rec {
    static func object(_ address: String, _ type: String, _ fields: String...) -> String {
        object(address, type, fields)
    }

    static func object(_ address: String, _ type: String, _ fields: [String]) -> String {
        "{\"address\":\"\(address)\", \"type\":\"\(type)\"" + fields.map { ", " + $0 }.joined() + "}"
    }

    static func refs(_ addresses: [String]) -> String {
        "\"references\":[" + addresses.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    static func root(_ category: String, _ addresses: [String]) -> String {
        "{\"type\":\"ROOT\", \"root\":\"\(category)\", " + refs(addresses) + "}"
    }

    static func dump(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }
}

extension HeapGraph {
    /// The node at `address`, required to exist.
    func node(_ address: UInt64, sourceLocation: SourceLocation = #_sourceLocation) throws -> ObjectIndex {
        try #require(index(ofAddress: address), "no node at 0x\(String(address, radix: 16))", sourceLocation: sourceLocation)
    }

    /// The references of the node at `address`, as addresses.
    func referencedAddresses(of object: ObjectIndex) -> [UInt64] {
        references(of: object).map { address[Int($0)] }
    }
}
