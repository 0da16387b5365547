import Foundation
import Testing
import TestSupport

/// `retention report`: the page as a file (no browser; ReportBrowserTests loads it).
@Suite("retention report: the page")
struct ReportCommandTests {
    @Test("Three example dumps: exit 0; the data block parses and holds two leaks, held by the facts' two accumulation points")
    func leaks() throws {
        let page = try ReportPages.clean(ReportPages.threeDumps)
        #expect(page.html.hasPrefix("<!DOCTYPE html>"))
        let data = try page.data()
        #expect(data["schema"] as? String == "retention-report")
        #expect(data["diff"] is NSNull, "three dumps give leaks, not a diff")
        let leaks = try #require((data["leaks"] as? [String: Any])?["leaks"] as? [[String: Any]])
        let holders = Set(leaks.compactMap { (($0["holder"] as? [String: Any])?["address"] as? String).flatMap(hexAddress) })
        let facts = try ShopDumpFacts(example: 3)
        #expect(leaks.count == 2)
        #expect(holders == Set(facts.accumulationPoints.values.map(\.address)), "\(holders)")
        for key in ["flame", "retainers", "top", "waste"] {
            #expect(!(data[key] is NSNull) && data[key] != nil, "\(key)")
        }
    }

    @Test("Two dumps give a diff and no leaks; one dump neither")
    func diffOrNeither() throws {
        let two = try ReportPages.clean(ReportPages.twoDumps).data()
        #expect(two["leaks"] is NSNull)
        let diff = try #require(two["diff"] as? [String: Any])
        #expect((diff["groups"] as? [Any])?.isEmpty == false)
        let one = try ReportPages.clean(ReportPages.oneDump).data()
        #expect(one["leaks"] is NSNull)
        #expect(one["diff"] is NSNull)
        #expect(one["flame"] is [String: Any], "one dump still has the icicle")
    }

    @Test("No network: no http(s) URL but the SVG namespace, no protocol-relative URL, no src= or href= but # fragments",
          arguments: ["three", "two", "one", "hostile"])
    func noNetwork(_ name: String) throws {
        let pages = ["three": ReportPages.threeDumps, "two": ReportPages.twoDumps, "one": ReportPages.oneDump, "hostile": ReportPages.hostile]
        let page = try ReportPages.clean(try #require(pages[name]))
        let html = page.html
        // The SVG namespace is a name passed to createElementNS, never fetched.
        let rest = html.replacingOccurrences(of: "'http://www.w3.org/2000/svg'", with: "")
        #expect(!rest.lowercased().contains("http:"))
        #expect(!rest.lowercased().contains("https:"))
        #expect(rest.range(of: #"["'(=][ \t]*//"#, options: .regularExpression) == nil, "a protocol-relative URL")
        #expect(!rest.contains("url("), "no CSS url()")
        #expect(!rest.contains("@import"))
        // The markup (the page less its script, style and data): every src= or href= of a
        // tag is a fragment; no tag has an event handler attribute.
        var markup = html
        for element in [try page.dataText(), try page.inlineScript(), try page.inlineStyle()] {
            markup = markup.replacingOccurrences(of: element, with: "")
        }
        for tag in markup.matches(of: /<[a-zA-Z][^>]*>/) {
            for attribute in tag.output.matches(of: /\s(src|href)\s*=\s*["']?([^"' >]*)/) {
                #expect(attribute.output.2.hasPrefix("#"), "\(tag.output)")
            }
            #expect(tag.output.firstMatch(of: /\son[a-z]+\s*=/) == nil, "\(tag.output)")
        }
        // The script sets links only to fragments, and no src at all.
        let script = try page.inlineScript()
        for assignment in script.matches(of: /\.(src|href)\s*=([^;]*)/) {
            #expect(assignment.output.2.trimmingCharacters(in: .whitespaces).hasPrefix("'#'"), "\(assignment.output.0)")
        }
        #expect(script.contains("e.href = '#' + props[k]"))
    }

    @Test("The CSP allows no network and exactly the inline script and style, by their SHA-256 (sha256sum, base64)")
    func contentSecurityPolicy() throws {
        let page = try ReportPages.clean(ReportPages.threeDumps)
        let csp = try page.contentSecurityPolicy()
        let directives = Dictionary(csp.split(separator: ";").map { d -> (String, String) in
            let parts = d.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { a, _ in a })
        #expect(directives["default-src"] == "'none'")
        for d in ["img-src", "connect-src", "font-src", "base-uri", "form-action"] {
            #expect(directives[d] == "'none'", "\(d)")
        }
        #expect(directives["script-src"] == "'sha256-\(try Self.sha256Base64(try page.inlineScript()))'")
        #expect(directives["style-src"] == "'sha256-\(try Self.sha256Base64(try page.inlineStyle()))'")
        #expect(occurrences(of: "<script", in: page.html) == 2, "the data block and the script")
        #expect(occurrences(of: "<style", in: page.html) == 1)
        #expect(!page.html.contains(" style=\""), "no inline style attribute (the CSP forbids it)")
    }

    /// The SHA-256 of `text`'s UTF-8 in base64, by coreutils' `sha256sum`.
    static func sha256Base64(_ text: String) throws -> String {
        let tool = try #require(Tools.find("sha256sum", preferred: ["/usr/bin/sha256sum"]), "sha256sum")
        let r = try Subprocess.run(tool, ["-b", "-"], input: Data(text.utf8))
        try #require(r.status == 0, "\(r.stderr)")
        let hex = Array(try #require(r.stdout.split(separator: " ").first).utf8)
        try #require(hex.count == 64, "\(r.stdout)")
        let bytes = stride(from: 0, to: 64, by: 2).map { UInt8(String(decoding: hex[$0 ..< $0 + 2], as: UTF8.self), radix: 16)! }
        return Data(bytes).base64EncodedString()
    }

    @Test("String values stay out of the page unless --show-values (a duplicate string of waste --format json)")
    func values() throws {
        let waste = try Retention.run(["waste", "--format", "json", Repo.example(3)])
        try #require(waste.status == 0, "\(waste)")
        let duplicates = try #require(try jsonObject(waste.stdout)["duplicates"] as? [[String: Any]])
        // Values that are also a name in the dump (a String "String") show as that name.
        let heap = try ExampleHeaps.heaps()[2]
        let names = Set(heap.objects.flatMap { [$0.name, $0.file].compactMap { $0 } })
        let values = duplicates.prefix(10).compactMap { $0["value"] as? String }.filter { !names.contains($0) }
        try #require(values.count >= 8, "the example's top duplicates have values: \(values)")
        let hidden = try ReportPages.clean(ReportPages.oneDump)
        let shown = try ReportPages.clean(ReportPages.oneDumpWithValues)
        #expect(try hidden.data()["show_values"] as? Bool == false)
        #expect(try shown.data()["show_values"] as? Bool == true)
        for v in values {
            #expect(shown.html.contains(v), "\(v) with --show-values")
            #expect(!hidden.html.contains(v), "\(v) without")
            #expect(!Self.strings(in: try hidden.data()).contains { $0.contains(v) }, "\(v) in the data, escaped")
        }
        let shownValues = try #require((try shown.data()["waste"] as? [String: Any])?["duplicates"] as? [[String: Any]])
        #expect(shownValues.first?["value"] as? String == values.first)
    }

    /// Every string of a parsed JSON value.
    static func strings(in value: Any) -> [String] {
        switch value {
        case let s as String: return [s]
        case let a as [Any]: return a.flatMap(strings(in:))
        case let d as [String: Any]: return d.keys.map { $0 } + d.values.flatMap(strings(in:))
        default: return []
        }
    }

    @Test("A truncated dump: exit 3, stderr names the file and says truncated, the page is written and says so")
    func truncated() throws {
        let lines = try HeapText.lines(Repo.example(3))
        let cut = lines.prefix(lines.count / 2).joined(separator: "\n") + "\n" + String(lines[lines.count / 2].prefix(30))
        try withTemporaryDirectory { dir in
            let dump = dir.appendingPathComponent("cut.json").path, out = dir.appendingPathComponent("cut.html").path
            try cut.write(toFile: dump, atomically: true, encoding: .utf8)
            let r = try Retention.run(["report", dump, "-o", out])
            #expect(r.status == 3, "\(r)")
            #expect(r.stderr.contains(dump) && r.stderr.contains("truncated"), "\(r.stderr)")
            let page = ReportPage(run: r, path: out, html: try String(contentsOfFile: out, encoding: .utf8))
            let dumpInfo = try #require(try page.data()["dump"] as? [String: Any])
            #expect(dumpInfo["truncated"] is String, "the page's data says truncated")
        }
    }

    @Test("Bad usage: exit 64, Error: and a usage line on stderr, nothing on stdout",
          arguments: [[], ["--top", "0", "DUMP"], ["--frobnicate", "DUMP"], ["-", "DUMP"], ["-o"]])
    func usage(_ arguments: [String]) throws {
        let r = try Retention.run(["report"] + arguments.map { $0 == "DUMP" ? Repo.example(3) : $0 })
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first?.hasPrefix("Error: ") == true, "\(r.stderr)")
        #expect(r.stderr.contains("retention report"), "\(r.stderr)")
    }

    @Test("-o - writes the page to standard output, the same page as to a file")
    func standardOutput() throws {
        let r = try Retention.run(["report", Repo.example(3), "-o", "-"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(r.stdout.hasSuffix("</html>\n"))
        #expect(r.stdout == (try ReportPages.clean(ReportPages.oneDump).html))
        #expect(!r.stderr.contains("Wrote"), "no line about a file")
    }

    @Test("Every shared Ruby fixture's heap3 gives a page (exit 0) with the icicle and the top",
          arguments: ["2.7.4", "3.1.2", "3.3.8", "3.4.5", "4.0.0", "4.1.0dev"])
    func fixtures(_ version: String) throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("r.html").path
            let r = try Retention.run(["report", "-q", Retention.fixture("todo-\(version)-heap3"), "-o", out])
            #expect(r.status == 0, "\(r)")
            let page = ReportPage(run: r, path: out, html: try String(contentsOfFile: out, encoding: .utf8))
            let data = try page.data()
            #expect(data["flame"] is [String: Any] && data["top"] is [String: Any], "\(version)")
        }
    }

    @Test("Hostile dumps: nothing from them closes the script or opens an element; the title is escaped",
          arguments: [false, true])
    func hostile(_ showValues: Bool) throws {
        let page = try ReportPages.clean(showValues ? ReportPages.hostileWithValues : ReportPages.hostile)
        let lower = page.html.lowercased()
        #expect(occurrences(of: "</script", in: lower) == 2, "the two legit closing tags only")
        #expect(occurrences(of: "</script><img", in: lower) == 0)
        #expect(!lower.contains("<img"))
        #expect(occurrences(of: "<!--", in: page.html) == 0)
        #expect(!page.html.contains("\u{2028}"), "U+2028 is escaped")
        let escapedName = { (k: Int) in "hostile\(k)&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;&lt;!--.json" }
        #expect(page.html.contains("<title>retention report: \(escapedName(1)), \(escapedName(2)), \(escapedName(3))</title>"))
        // The leak, held by the HASH of class Evil…
        let leaks = try #require((try page.data()["leaks"] as? [String: Any])?["leaks"] as? [[String: Any]])
        #expect(leaks.count == 1 && (leaks.first?["holder"] as? [String: Any])?["address"] as? String == "0x2000", "\(leaks)")
        // The data block reads back as the dump's strings, exactly.
        let strings = Set(ReportCommandTests.strings(in: try page.data()))
        #expect(strings.contains { $0.contains(HostileDump.className) }, "the class name")
        #expect(strings.contains { $0.contains(HostileDump.file) }, "the file name")
        #expect(strings.contains(HostileDump.method), "the method name")
        for v in HostileDump.values {
            #expect(strings.contains(v) == showValues, "\(v.debugDescription) only with --show-values")
        }
        #expect(!page.html.contains(HostileDump.payload), "never raw")
    }
}
