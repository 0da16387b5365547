import Foundation
import Testing
import TestSupport

/// Headless Chromium loading a report page: the DOM after the page's script ran, what the
/// browser logged, and optionally a screenshot. One launch a page (each costs seconds).
struct BrowserLoad: Sendable {
    var dom: String
    /// The browser's log lines about the page: console messages and CSP violations.
    var consoleLines: [String]
    var screenshot: Data?
    var stderr: String

    static let width = 1280, height = 1600

    static func load(_ page: ReportPage, screenshot: Bool = false) throws -> BrowserLoad {
        let chromium = try #require(Tools.chromium, "Chromium is not installed; CI installs it (Debian's chromium)")
        let profile = ReportPages.directory.appendingPathComponent("profile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let png = page.path + ".png"
        try? FileManager.default.removeItem(atPath: png)
        // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start;
        // --disable-dev-shm-usage: a container's /dev/shm is small. A profile of its own, so
        // that launches side by side do not share one.
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--user-data-dir=\(profile)",
                         "--virtual-time-budget=3000", "--enable-logging=stderr", "--v=0",
                         "--hide-scrollbars", "--window-size=\(width),\(height)"]
        if screenshot { arguments.append("--screenshot=\(png)") }
        arguments += ["--dump-dom", URL(fileURLWithPath: page.path).absoluteString]
        let r = try Subprocess.run(chromium, arguments, timeout: 120)
        try #require(!r.timedOut, "chromium did not finish in 120 s: \(r.stderr.suffix(2000))")
        try #require(r.status == 0, "chromium exit \(r.status): \(r.stderr.suffix(2000))")
        let lines = r.stderr.split(separator: "\n").map(String.init)
            .filter { $0.contains(":CONSOLE") || $0.contains("Content Security Policy") || $0.contains("Refused to") }
        let shot = screenshot ? try Data(contentsOf: URL(fileURLWithPath: png)) : nil
        return BrowserLoad(dom: r.stdout, consoleLines: lines, screenshot: shot, stderr: r.stderr)
    }

    /// `<body …>`'s attribute `name`.
    func bodyAttribute(_ name: String) -> String? {
        guard let open = dom.range(of: "<body"), let close = dom[open.upperBound...].firstIndex(of: ">") else { return nil }
        return ReportPage.between(String(dom[open.upperBound ..< close]) + " ", " \(name)=\"", "\"")
    }

    /// The `<title>` text, entities decoded.
    var title: String? { ReportPage.between(dom, "<title>", "</title>").map(Graphviz.unescape) }

    /// The ids of the DOM's elements, each as often as it occurs.
    var ids: [String] { dom.matches(of: /\sid="([^"]*)"/).map { String($0.output.1) } }
}

enum BrowserLoads {
    static let threeDumps = Result { try BrowserLoad.load(try ReportPages.clean(ReportPages.threeDumps), screenshot: true) }
    static let twoDumps = Result { try BrowserLoad.load(try ReportPages.clean(ReportPages.twoDumps)) }
    static let oneDump = Result { try BrowserLoad.load(try ReportPages.clean(ReportPages.oneDump)) }
    static let hostile = Result { try BrowserLoad.load(try ReportPages.clean(ReportPages.hostileWithValues)) }
}

@Suite("retention report in a browser (headless Chromium)",
       .enabled(if: Tools.chromiumRuns, "Chromium is not installed (CI installs it): the report's browser tests are skipped"))
struct ReportBrowserTests {
    /// The script ran to its end with no uncaught error, the browser logged nothing (no
    /// console message, no CSP violation), and every id is unique.
    static func clean(_ load: BrowserLoad, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(load.bodyAttribute("data-ready") == "1", "\(load.dom.prefix(400))", sourceLocation: sourceLocation)
        #expect(load.bodyAttribute("data-errors") == "0", sourceLocation: sourceLocation)
        #expect(load.consoleLines.isEmpty, "\(load.consoleLines)", sourceLocation: sourceLocation)
        let ids = load.ids
        #expect(Set(ids).count == ids.count, "duplicate ids: \(ids.sorted())", sourceLocation: sourceLocation)
    }

    @Test("Three example dumps: ready with no error or console message; two leak cards naming the holders, the icicle, the retainers, the tables")
    func threeDumps() throws {
        let load = try BrowserLoads.threeDumps.get()
        Self.clean(load)
        let dom = load.dom
        let cards = dom.components(separatedBy: "<div class=\"leak\">").dropFirst()
            .map { $0.components(separatedBy: "<div class=\"leak\">")[0].components(separatedBy: "</ol>")[0] }
        #expect(cards.count == 2)
        let facts = try ShopDumpFacts(example: 3)
        for (k, leak) in ["A", "B"].enumerated() where k < cards.count {
            let p = try #require(facts.accumulationPoints[leak])
            let hex = "0x" + String(p.address, radix: 16)
            #expect(cards.contains { $0.contains("Leak") && $0.contains(hex) }, "a card names \(p.type) \(hex)")
        }
        for id in ["leaks", "icicle", "retainers", "top", "waste"] {
            #expect(dom.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        #expect(!dom.contains("<section id=\"diff\">"))
        let cells = dom.matches(of: /class="cell" data-node="[0-9]+"/).count
        #expect(cells > 10, "\(cells) icicle cells")
        #expect(dom.contains("<div id=\"tooltip\""))
        #expect(dom.contains("<ul class=\"tree\">"))
        #expect(occurrences(of: "<table>", in: dom) >= 5, "groups, top objects, by class, site and gem, waste")
        #expect(occurrences(of: "<tr>", in: dom) > 40)
    }

    @Test("The screenshot is a PNG of the page, not blank: many colours, much of it not background")
    func screenshot() throws {
        let png = try #require(try BrowserLoads.threeDumps.get().screenshot)
        let image = try PNGImage(png)
        #expect(image.width == BrowserLoad.width && image.height == BrowserLoad.height)
        var counts: [UInt32: Int] = [:]
        for p in image.pixels { counts[p, default: 0] += 1 }
        let background = try #require(counts.max { $0.value < $1.value })
        let share = 1 - Double(background.value) / Double(image.pixels.count)
        #expect(background.key == 0xFFFFFF, "the background is white: \(String(background.key, radix: 16))")
        #expect(counts.count > 500, "\(counts.count) distinct colours")
        #expect(share > 0.10, "\(share) of the pixels are not background")
        // The leak cards' red rule (#b3261e, the accent) is drawn.
        #expect((counts[0xB3261E] ?? 0) > 1000, "\(counts[0xB3261E] ?? 0) accent pixels")
    }

    @Test("Two dumps (the diff) and one dump: ready with no error or console message")
    func fewerDumps() throws {
        let two = try BrowserLoads.twoDumps.get()
        Self.clean(two)
        #expect(two.dom.contains("<section id=\"diff\">"))
        #expect(!two.dom.contains("<section id=\"leaks\">"))
        let one = try BrowserLoads.oneDump.get()
        Self.clean(one)
        #expect(!one.dom.contains("<section id=\"diff\">") && !one.dom.contains("<section id=\"leaks\">"))
        for load in [two, one] {
            #expect(load.dom.contains("class=\"cell\" data-node="))
        }
    }

    @Test("Hostile dumps: no <img> element after the scripts ran, the title exactly the file names, the hostile strings shown as text")
    func hostile() throws {
        let load = try BrowserLoads.hostile.get()
        Self.clean(load)
        #expect(!load.dom.lowercased().contains("<img"))
        #expect(load.title == HostileDump.title, "\(load.title ?? "no title")")
        // The leak card names its holder, the HASH of class Evil…, as text.
        let card = try #require(load.dom.components(separatedBy: "<div class=\"leak\">").dropFirst().first, "a leak card")
        #expect(card.contains("HASH " + HostileDump.asText(HostileDump.className) + " 0x2000"), "\(card.prefix(600))")
        // (The page names sites by file and line; the method is in its data only.)
        for s in [HostileDump.className, HostileDump.file] {
            #expect(load.dom.contains(HostileDump.asText(s)), "\(s.debugDescription) as text")
        }
        // --show-values: the values are in the waste table, as JSON string literals.
        for v in HostileDump.values {
            #expect(load.dom.contains(HostileDump.asText(jsonString(v))), "\(jsonString(v))")
        }
    }
}
