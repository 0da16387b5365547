import Foundation
import Testing
import TestSupport

// What the report suites share: the pages `retention report` writes (each made once per test
// run and read by both the file tests and the browser tests), the hostile dump, and readers
// for the parts of a page.

/// A page `retention report` wrote, with the run that wrote it.
struct ReportPage: Sendable {
    var run: CommandRun
    var path: String
    var html: String

    /// The `<script id="retention-data" type="application/json">` block's text, as written.
    func dataText(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(Self.between(html, "<script id=\"retention-data\" type=\"application/json\">", "</script>"),
                     "no retention-data block", sourceLocation: sourceLocation)
    }

    /// The data block parsed by Foundation.
    func data(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try jsonObject(try dataText(sourceLocation: sourceLocation), sourceLocation: sourceLocation)
    }

    /// The page's own script: the `<script>` element without attributes.
    func inlineScript(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(Self.between(html, "<script>", "</script>"), "no inline script", sourceLocation: sourceLocation)
    }

    func inlineStyle(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(Self.between(html, "<style>", "</style>"), "no inline style", sourceLocation: sourceLocation)
    }

    /// The Content-Security-Policy meta's `content`.
    func contentSecurityPolicy(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(Self.between(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">"),
                     "no CSP meta", sourceLocation: sourceLocation)
    }

    /// The text between the first `open` and the `close` after it.
    static func between(_ s: String, _ open: String, _ close: String) -> String? {
        guard let a = s.range(of: open), let b = s.range(of: close, range: a.upperBound ..< s.endIndex) else { return nil }
        return String(s[a.upperBound ..< b.lowerBound])
    }
}

enum ReportPages {
    /// Where the pages are written: one directory per test process, left for a look when a
    /// test fails (the system's temporary directory is cleaned by the system).
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("retention-report-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Runs `retention report arguments… -o NAME` in `directory` and reads the page back.
    static func make(_ name: String, _ arguments: [String]) throws -> ReportPage {
        let path = directory.appendingPathComponent(name).path
        let r = try Retention.run(["report"] + arguments + ["-o", path])
        let html = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return ReportPage(run: r, path: path, html: html)
    }

    static let threeDumps = Result { try make("three.html", Repo.examples) }
    static let twoDumps = Result { try make("two.html", [Repo.example(1), Repo.example(3)]) }
    static let oneDump = Result { try make("one.html", [Repo.example(3)]) }
    static let oneDumpWithValues = Result { try make("one-values.html", ["--show-values", Repo.example(3)]) }
    static let hostile = Result { try HostileDump.report(showValues: false) }
    static let hostileWithValues = Result { try HostileDump.report(showValues: true) }

    /// A page that must be a clean success: exit 0, nothing on stderr but the line saying
    /// where it was written.
    static func clean(_ page: Result<ReportPage, any Error>, sourceLocation: SourceLocation = #_sourceLocation) throws -> ReportPage {
        let p = try page.get()
        try #require(p.run.status == 0, "\(p.run)", sourceLocation: sourceLocation)
        try #require(!p.html.isEmpty, "\(p.path) is empty", sourceLocation: sourceLocation)
        return p
    }
}

/// Three dumps of one process whose every string from Ruby is hostile: file names, method
/// names, class names (the `name` of CLASS records) and string values hold markup, a comment
/// opener, a CDATA end, quotes and an ampersand, a raw U+2028 and (as `\n` escapes)
/// newlines. Their own file names hold markup too, which the page's `<title>` shows. A
/// HASH of the class `Evil…` gains 20 objects of that class per dump: one leak, held by it.
enum HostileDump {
    static let markup = "</script><img src=x onerror=alert(1)>"
    /// Every hostile piece at once.
    static let payload = markup + " <!-- ]]> \"'& \u{2028}line\nbreak"

    static let className = "Evil" + payload
    static let file = "/app/" + payload + ".rb"
    static let method = "m" + payload
    /// Two values, each short enough to be kept whole (the first 48 bytes of a value are),
    /// that hold every hostile piece between them.
    static let values = [markup, "<!-- ]]> \"'& \u{2028}line\nbreak"]
    /// File names with markup, an ampersand and quotes (no `/`: they are file names).
    static let dumpNames = (1 ... 3).map { "hostile\($0)<img src=x onerror=alert(1)>&\"'<!--.json" }
    static let title = "retention report: " + dumpNames.joined(separator: ", ")

    /// Dump `k` (1 to 3): a root holds the class `Evil…`, which holds a HASH of its own class
    /// holding two copies of each hostile value (allocated before dump 1) and 20 `Evil…`
    /// objects per dump so far (generations 5, 10, 15: dump 1's newest is 5), all
    /// allocated at the hostile file and method; the String class is named plainly.
    static func lines(dump k: Int) -> [String] {
        let site = "\"file\":\(jsonString(file)), \"method\":\(jsonString(method))"
        let strings = (0 ..< 4).map { "0x" + String(0x3000 + $0 * 0x100, radix: 16) }
        let objects = (0 ..< 20 * k).map { "0x" + String(0x10000 + $0 * 40, radix: 16) }
        let held = (strings + objects).map { "\"\($0)\"" }.joined(separator: ", ")
        var lines = [
            #"{"type":"ROOT", "root":"vm", "references":["0x1000", "0x1100"]}"#,
            "{\"address\":\"0x1000\", \"type\":\"CLASS\", \"name\":\(jsonString(className)), \"references\":[\"0x2000\"], \(site), \"line\":1, \"generation\":1, \"memsize\":4000}",
            #"{"address":"0x1100", "type":"CLASS", "name":"String", "references":[], "memsize":800}"#,
            "{\"address\":\"0x2000\", \"type\":\"HASH\", \"class\":\"0x1000\", \"size\":\(4 + objects.count), \"references\":[\(held)], \(site), \"line\":2, \"generation\":2, \"memsize\":6000}",
        ]
        for (k, v) in [values[0], values[0], values[1], values[1]].enumerated() {
            lines.append("{\"address\":\"\(strings[k])\", \"type\":\"STRING\", \"class\":\"0x1100\", \"bytesize\":\(v.utf8.count), \"value\":\(jsonString(v)), \"encoding\":\"UTF-8\", \(site), \"line\":\(3 + k), \"generation\":3, \"memsize\":3000}")
        }
        for (i, a) in objects.enumerated() {
            lines.append("{\"address\":\"\(a)\", \"type\":\"OBJECT\", \"class\":\"0x1000\", \(site), \"line\":9, \"generation\":\(5 * (1 + i / 20)), \"memsize\":400}")
        }
        return lines
    }

    /// `retention report` of the three hostile dumps, written under their hostile names.
    static func report(showValues: Bool) throws -> ReportPage {
        let dir = ReportPages.directory.appendingPathComponent(showValues ? "hostile-values" : "hostile")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dumps = dumpNames.map { dir.appendingPathComponent($0).path }
        for (k, dump) in dumps.enumerated() {
            try Data((lines(dump: k + 1).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dump))
        }
        return try ReportPages.make(showValues ? "hostile-values.html" : "hostile.html", (showValues ? ["--show-values"] : []) + dumps)
    }

    /// How a text node holding `s` is written in HTML (and how Chromium serialises one).
    static func asText(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Occurrences of `needle` in `haystack`.
func occurrences(of needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
