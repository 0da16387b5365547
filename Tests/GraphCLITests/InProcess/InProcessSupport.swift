import Foundation
import GraphModel
import Retention
import Testing
@testable import GraphCLI

/// Analyses run in the test process, for the renderer and command-line suites (which CI also
/// runs under AddressSanitizer).
enum InProcess {
    static func load(_ path: String) throws -> HeapGraph { try DumpLoader.load(path, options: DumpLoader.Options()) }

    static func leaks(_ paths: [String], grouping: LeakGrouping? = nil, includeRuntime: Bool = false, limit: Int = 5) throws -> LeakReport {
        try LeakAnalysis.run(paths: paths, grouping: grouping, includeRuntime: includeRuntime, accumulationLimit: limit) { path, edges in
            var options = DumpLoader.Options()
            options.edges = edges
            return try DumpLoader.load(path, options: options)
        }
    }

    static let exampleLeaks = Result { try leaks(Repo.examples) }

    /// The JSON text as Foundation reads it.
    static func object(_ json: JSON) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
    }

    /// `fixture` with every allocation field (file, line, method, generation) taken out of
    /// every line, as Ruby writes a dump of a process that did not trace allocations.
    static func untraced(_ fixture: String) throws -> String {
        let text = try Retention.fixtureText(fixture)
        var out = Data()
        for line in text.split(separator: UInt8(ascii: "\n")) {
            var record = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            for key in ["file", "line", "method", "generation"] { record.removeValue(forKey: key) }
            out += try JSONSerialization.data(withJSONObject: record)
            out.append(UInt8(ascii: "\n"))
        }
        let path = Retention.temporaryPath("-\(fixture)-untraced.json")
        try out.write(to: URL(fileURLWithPath: path))
        return path
    }
}
