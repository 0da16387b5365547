import Foundation
import Testing
import TestSupport

/// `leaks --dot`, `why --dot` and `retention dot`: every picture is rendered by Graphviz itself,
/// which must accept it without a warning, and the labels are read back from its SVG.
@Suite("DOT output")
struct DotTests {
    static let leakedColour = "#ff8080"

    static func listenerAddress() throws -> String { try WhyCommandTests.listenerAddress() }

    /// Runs `arguments` with `--dot`/`--output` at a fresh path in a temporary directory
    /// (`dotOption` names the option) and returns the run and the DOT text.
    static func produce(_ arguments: [String], dotOption: String = "--dot", in directory: URL,
                        name: String = "out.dot") throws -> (run: CommandRun, dot: String, path: String) {
        let path = directory.appendingPathComponent(name).path
        let r = try Retention.run(arguments + [dotOption, path])
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return (r, text, path)
    }

    // MARK: leaks --dot

    @Test("leaks --dot: Graphviz renders it cleanly; one node per leak group with the facts' count, the roots and the legend",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"))
    func leaksDot() throws {
        let facts = try ShopDumpFacts(example: 3)
        let expected = try #require(facts.expectedThreeSnapshot)
        try withTemporaryDirectory { dir in
            let (r, dot, path) = try Self.produce(["leaks"] + Repo.examples, in: dir)
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains("Leaked 3,200 objects"), "the report is still printed")
            #expect(dot.hasPrefix("digraph"))
            let svg = try Graphviz.cleanSVG(file: path)
            let texts = Graphviz.texts(svg)
            for text in ["400 × OBJECT Metric", "400 × STRUCT Listener", "ROOT global_tbl", "ROOT vm", "Legend", "GC root (category)"] {
                #expect(texts.contains(text), "\(text) in \(texts)")
            }
            let nodes = Graphviz.objectNodes(svg)
            for (row, count) in expected {
                let head = "\(withCommas(count)) × \(row.type) \(row.className)"
                let node = nodes.first { $0.lines.first == head && $0.lines.dropFirst().first?.hasPrefix("\(row.file):\(row.line)") == true }
                #expect(node != nil, "a node \(head) at \(row.file):\(row.line): \(nodes)")
                #expect(node?.fill == Self.leakedColour, "leaked objects are coloured")
            }
            // Both accumulation points are drawn, with their addresses.
            for p in facts.accumulationPoints.values {
                let hex = "0x" + String(p.address, radix: 16)
                #expect(nodes.contains { n in n.lines.contains { $0.hasPrefix(hex) } }, "\(p.type) \(hex)")
            }
        }
    }

    // MARK: why --dot

    @Test("why --dot: the path of a Listener, ROOT vm to the STRUCT, renders cleanly",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"))
    func whyDot() throws {
        let address = try Self.listenerAddress()
        let b = try #require(try ShopDumpFacts(example: 3).accumulationPoints["B"])
        try withTemporaryDirectory { dir in
            let (r, _, path) = try Self.produce(["why", address, Repo.example(3)], in: dir)
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains("Why is \(address) alive?"), "the report is still printed")
            let nodes = Graphviz.objectNodes(try Graphviz.cleanSVG(file: path))
            #expect(nodes.map { $0.lines.first ?? "" } == ["ROOT vm", "CLASS Object", "CLASS EventBus", "ARRAY Array", "STRUCT Listener"],
                    "\(nodes)")
            #expect(nodes.last?.lines.contains { $0.hasPrefix(address) } == true)
            #expect(nodes.last?.fill == Self.leakedColour, "the object asked about is coloured")
            #expect(nodes.first { $0.lines.first == "ARRAY Array" }?.lines.contains { $0.hasPrefix("0x" + String(b.address, radix: 16)) } == true)
        }
    }

    @Test("why --dot for an object no root reaches: renders cleanly, with a note that says so",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"))
    func whyDotUnreachable() throws {
        try withDump(WhyCommandTests.unreachableDump) { dump in
            try withTemporaryDirectory { dir in
                let (r, _, path) = try Self.produce(["why", "0x2000", dump], in: dir)
                #expect(r.status == 0, "\(r)")
                let svg = try Graphviz.cleanSVG(file: path)
                #expect(Graphviz.objectNodes(svg).isEmpty)
                #expect(Graphviz.texts(svg).contains { $0.contains("no root reaches") }, "\(Graphviz.texts(svg))")
            }
        }
    }

    // MARK: retention dot

    enum Selection: String, CaseIterable, Sendable { case metricClass, listenerSite, metricsHash }

    /// The arguments for a selection, and the first line its main node must have, from the oracle.
    static func selection(_ s: Selection) throws -> (arguments: [String], head: String) {
        let heap = try ExampleHeaps.heaps()[2]
        switch s {
        case .metricClass:
            let n = heap.objects.filter { heap.className(of: $0) == "Metric" }.count
            return (["--class", "Metric"], "\(withCommas(n)) × OBJECT Metric")
        case .listenerSite:
            // The site also has a few IMEMOs (inline caches), drawn apart.
            let n = heap.objects.filter { $0.file == "Examples/shop/shop.rb" && $0.line == 284 && $0.type == "STRUCT" }.count
            return (["--site", "Examples/shop/shop.rb:284"], "\(withCommas(n)) × STRUCT Listener")
        case .metricsHash:
            let a = try #require(try ShopDumpFacts(example: 3).accumulationPoints["A"])
            return (["--address", "0x" + String(a.address, radix: 16)], "HASH Hash")
        }
    }

    @Test("retention dot --class/--site/--address: renders cleanly, the selection drawn as one node with its count",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"), arguments: Selection.allCases)
    func dotCommand(_ s: Selection) throws {
        let (arguments, head) = try Self.selection(s)
        try withTemporaryDirectory { dir in
            let (r, _, path) = try Self.produce(["dot"] + arguments + [Repo.example(3)], dotOption: "--output", in: dir)
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.isEmpty, "the DOT went to the file")
            let svg = try Graphviz.cleanSVG(file: path)
            let nodes = Graphviz.objectNodes(svg)
            let main = nodes.filter { $0.lines.first == head }
            #expect(main.count == 1, "one node \(head): \(nodes)")
            #expect(main.first?.fill == Self.leakedColour)
            #expect(Graphviz.texts(svg).contains("Legend"))
            #expect(nodes.contains { $0.lines.first?.hasPrefix("ROOT ") == true })
        }
    }

    @Test("The same input twice gives byte-identical DOT files", arguments: ["leaks", "why", "dot"])
    func deterministic(_ command: String) throws {
        let arguments: [String], option: String
        switch command {
        case "leaks": (arguments, option) = (["leaks"] + Repo.examples, "--dot")
        case "why": (arguments, option) = (["why", "--paths", "3", try Self.listenerAddress(), Repo.example(3)], "--dot")
        default: (arguments, option) = (["dot", "--class", "String", Repo.example(3)], "--output")
        }
        try withTemporaryDirectory { dir in
            let first = try Self.produce(arguments, dotOption: option, in: dir, name: "a.dot")
            let second = try Self.produce(arguments, dotOption: option, in: dir, name: "b.dot")
            #expect(first.run.status == 0, "\(first.run)")
            #expect(second.run.status == 0)
            let a = try Data(contentsOf: URL(fileURLWithPath: first.path))
            let b = try Data(contentsOf: URL(fileURLWithPath: second.path))
            #expect(!a.isEmpty)
            #expect(a == b)
            // Only the two files: no temporary file left beside them.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.dot", "b.dot"])
        }
    }

    // MARK: standard output

    @Test("retention dot writes to standard output by default and with --output -, the same text as to a file")
    func dotToStandardOutput() throws {
        let a = try #require(try ShopDumpFacts(example: 3).accumulationPoints["A"])
        let arguments = ["dot", "--address", "0x" + String(a.address, radix: 16), Repo.example(3)]
        try withTemporaryDirectory { dir in
            let file = try Self.produce(arguments, dotOption: "--output", in: dir)
            #expect(file.run.status == 0)
            let byDefault = try Retention.run(arguments)
            let dash = try Retention.run(arguments + ["--output", "-"])
            #expect(byDefault.status == 0 && dash.status == 0)
            #expect(byDefault.stdout == file.dot)
            #expect(dash.stdout == file.dot)
            #expect(file.dot.hasPrefix("digraph retention {"))
        }
    }

    @Test("leaks --dot - and why --dot - write the DOT to standard output")
    func dashWritesDot() throws {
        let address = try Self.listenerAddress()
        for arguments in [["leaks"] + Repo.examples, ["why", address, Repo.example(3)]] {
            let r = try Retention.run(arguments + ["--dot", "-"])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.hasPrefix("digraph retention {"), "\(r.stdout.prefix(100))")
        }
    }

    @Test("leaks/why --dot -: standard output holds the DOT alone, so that it can be piped to dot",
          .bug(id: "dot-dash-mixes-report", "LeaksCommand.swift:104-118 and WhyCommand.swift:44-86: with `--dot -` the DOT and then the text or JSON report are both printed to standard output, so neither Graphviz nor a JSON reader can use it"),
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"),
          arguments: ["leaks", "why"])
    func dashOutputIsPureDot(_ command: String) throws {
        let arguments = command == "leaks" ? ["leaks"] + Repo.examples : ["why", try Self.listenerAddress(), Repo.example(3)]
        let r = try Retention.run(arguments + ["--dot", "-"])
        #expect(r.status == 0, "\(r)")
        let rendering = try Graphviz.render(text: r.stdout)
        #expect(rendering.status == 0 && rendering.stderr.isEmpty, "dot -Tsvg: \(rendering.stderr.prefix(300))")
    }

    // MARK: write errors

    @Test("A DOT path in a missing directory: non-zero exit, an error naming it, no file left", arguments: ["leaks", "why", "dot"])
    func missingDirectory(_ command: String) throws {
        let arguments: [String], option: String
        switch command {
        case "leaks": (arguments, option) = (["leaks"] + Repo.examples, "--dot")
        case "why": (arguments, option) = (["why", try Self.listenerAddress(), Repo.example(3)], "--dot")
        default: (arguments, option) = (["dot", "--class", "Metric", Repo.example(3)], "--output")
        }
        try withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("missing")
            let path = missing.appendingPathComponent("out.dot").path
            let r = try Retention.run(arguments + [option, path])
            #expect(r.status != 0, "\(r)")
            #expect(r.stderr.contains(path), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing.path))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "nothing written anywhere")
        }
    }

    @Test("A DOT path that is a directory: non-zero exit, the directory untouched, no temporary file left beside it")
    func pathIsDirectory() throws {
        try withTemporaryDirectory { dir in
            let target = dir.appendingPathComponent("target.dot")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
            let r = try Retention.run(["dot", "--class", "Metric", Repo.example(3), "--output", target.path])
            #expect(r.status != 0, "\(r)")
            #expect(r.stderr.contains(target.path))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["target.dot"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
        }
    }

    // MARK: --max-nodes

    @Test("--max-nodes 3: at most 3 object and root nodes drawn, and a note that says what was not drawn",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"), arguments: ["leaks", "dot"])
    func maxNodes(_ command: String) throws {
        let arguments = command == "leaks" ? ["leaks", "--max-nodes", "3"] + Repo.examples
            : ["dot", "--max-nodes", "3", "--class", "String", Repo.example(3)]
        try withTemporaryDirectory { dir in
            let (r, _, path) = try Self.produce(arguments, dotOption: command == "leaks" ? "--dot" : "--output", in: dir)
            #expect(r.status == 0, "\(r)")
            let svg = try Graphviz.cleanSVG(file: path)
            let nodes = Graphviz.objectNodes(svg)
            #expect(nodes.count <= 3 && !nodes.isEmpty, "\(nodes)")
            let note = Graphviz.nodes(svg).first { n in n.lines.contains { $0.contains("not drawn") } }
            #expect(note != nil, "a note says what was cut: \(Graphviz.texts(svg))")
        }
    }

    /// The numbers of the cut note: `N more nodes not drawn (--max-nodes K):` and `M more paths end below them`.
    static func cutNote(_ svg: String) throws -> (nodes: Int, paths: Int) {
        let texts = Graphviz.texts(svg)
        let nodesLine = try #require(texts.first { $0.contains("not drawn") }, "\(texts)")
        let pathsLine = try #require(texts.first { $0.contains("paths end below") }, "\(texts)")
        func number(_ s: String) throws -> Int {
            try #require(Int(s.prefix { $0.isNumber || $0 == "," }.filter(\.isNumber)), "\(s)")
        }
        return (try number(nodesLine), try number(pathsLine))
    }

    @Test("--max-nodes 3 on the leaks picture: the note accounts for every node and every leaked object not drawn",
          .bug(id: "dot-cut-note-undercounts", "DotWriter.swift:33-45: the note counts only the cut children of drawn nodes; a whole root category that is not kept (here ROOT vm with the 800 Listener objects) and the nodes below the cut children are left out of both numbers"),
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"))
    func maxNodesNoteAddsUp() throws {
        try withTemporaryDirectory { dir in
            let full = try Self.produce(["leaks"] + Repo.examples, in: dir, name: "full.dot")
            let cut = try Self.produce(["leaks", "--max-nodes", "3"] + Repo.examples, in: dir, name: "cut.dot")
            #expect(full.run.status == 0 && cut.run.status == 0)
            let allNodes = Graphviz.objectNodes(try Graphviz.cleanSVG(file: full.path))
            let cutSVG = try Graphviz.cleanSVG(file: cut.path)
            let drawn = Graphviz.objectNodes(cutSVG)
            // The leaked objects drawn: the count of each drawn leaked node (`400 × …`).
            let drawnLeaked = drawn.filter { $0.fill == Self.leakedColour }.map { n in
                Int((n.lines.first ?? "").prefix { $0 != " " }.filter(\.isNumber)) ?? 1
            }.reduce(0, +)
            let note = try Self.cutNote(cutSVG)
            #expect(allNodes.count <= DotWriterDefaults.maxNodes, "the full picture has every node")
            #expect(note.nodes == allNodes.count - drawn.count, "nodes not drawn")
            #expect(note.paths == 3200 - drawnLeaked, "leaked objects whose paths end below the cut")
        }
    }

    // MARK: hostile labels

    /// A class name with every character that DOT, SVG or a terminal could take for syntax.
    static let hostile = "We\"ird\\{x}<y>\n\u{01}é日本"
    /// How a label shows it: the newline as `\n` and the control character as `\x01`, literally.
    static let hostileShown = "We\"ird\\{x}<y>\\n\\x01é日本"

    static func hostileDump(asciiOnly: Bool) -> [String] {
        let name = jsonString(hostile, asciiOnly: asciiOnly), file = jsonString(hostile + ".rb", asciiOnly: asciiOnly)
        return [
            #"{"type":"ROOT", "root":"vm", "references":["0x1000"]}"#,
            #"{"address":"0x1000", "type":"HASH", "class":"0x3000", "size":1, "references":["0x2000"], "memsize":160}"#,
            #"{"address":"0x3000", "type":"CLASS", "name":"Hash", "memsize":400}"#,
            #"{"address":"0x4000", "type":"CLASS", "name":\#(name), "memsize":400}"#,
            #"{"address":"0x2000", "type":"STRING", "class":"0x4000", "bytesize":2, "value":"ok", "file":\#(file), "line":7, "method":"m", "generation":3, "memsize":40}"#,
        ]
    }

    @Test("Hostile class and file names: Graphviz renders without a warning and shows them literally",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"),
          arguments: [false, true])
    func hostileLabels(_ asciiOnly: Bool) throws {
        try withDump(Self.hostileDump(asciiOnly: asciiOnly)) { dump in
            try withTemporaryDirectory { dir in
                let (r, dot, path) = try Self.produce(["dot", "--address", "0x2000", dump], dotOption: "--output", in: dir, name: "f.dot")
                #expect(r.status == 0, "\(r)")
                #expect(!dot.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no raw control character in the DOT text")
                let svg = try Graphviz.cleanSVG(file: path)
                let texts = Graphviz.texts(svg)
                #expect(texts.contains("STRING " + Self.hostileShown), "\(texts)")
                #expect(texts.contains(Self.hostileShown + ".rb:7 in m"), "\(texts)")
                let node = Graphviz.objectNodes(svg).first { $0.lines.first?.hasPrefix("STRING") == true }
                #expect(node?.lines.first == "STRING " + Self.hostileShown)
                #expect(node?.lines.dropFirst().first == "0x2000 \"ok\"")
            }
        }
    }

    @Test("Hostile names in why's text report are shown with the same visible escapes")
    func hostileWhyText() throws {
        try withDump(Self.hostileDump(asciiOnly: true)) { dump in
            let r = try Retention.run(["why", "0x2000", dump])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains("STRING " + Self.hostileShown + " 0x2000"), "\(r.stdout)")
            #expect(!r.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        }
    }

    // MARK: merging

    /// A Hash held by a root, referencing `n` Strings of one class and site.
    static func siblingsDump(_ n: Int) -> [String] {
        let addresses = (0 ..< n).map { "0x\(String(0x10_0000 + $0 * 0x28, radix: 16))" }
        var lines = [
            #"{"type":"ROOT", "root":"global_tbl", "references":["0x1000"]}"#,
            #"{"address":"0x1000", "type":"HASH", "class":"0x3000", "size":\#(n), "references":[\#(addresses.map { "\"\($0)\"" }.joined(separator: ", "))], "file":"app.rb", "line":2, "generation":1, "memsize":\#(40 + 16 * n)}"#,
            #"{"address":"0x3000", "type":"CLASS", "name":"Hash", "memsize":400}"#,
            #"{"address":"0x3100", "type":"CLASS", "name":"String", "memsize":400}"#,
        ]
        for a in addresses {
            lines.append(#"{"address":"\#(a)", "type":"STRING", "class":"0x3100", "bytesize":3, "value":"abc", "file":"app.rb", "line":5, "method":"call", "generation":2, "memsize":40}"#)
        }
        return lines
    }

    @Test("N Strings of one class and site under one Hash are one node, `N × STRING String` (N > 1)",
          .enabled(if: Tools.dotRuns, "Graphviz is not installed (CI installs it)"),
          arguments: [1, 2, 10, 1000, 20000], [["--class", "String"], ["--site", "app.rb:5"]])
    func mergedSiblings(_ n: Int, _ selection: [String]) throws {
        try withDump(Self.siblingsDump(n)) { dump in
            let r = try Retention.run(["dot"] + selection + [dump])
            #expect(r.status == 0, "\(r)")
            let svg = try Graphviz.cleanSVG(text: r.stdout)
            let nodes = Graphviz.objectNodes(svg)
            let strings = nodes.filter { $0.lines.first?.contains("STRING") == true }
            #expect(strings.count == 1, "\(nodes)")
            let head = try #require(strings.first?.lines.first)
            if n > 1 {
                #expect(head == "\(withCommas(n)) × STRING String")
            } else {
                #expect(head == "STRING String")
                #expect(strings.first?.lines.dropFirst().first?.hasPrefix("0x100000") == true)
            }
            #expect(strings.first?.lines.contains { $0.hasPrefix("app.rb:5") } == true)
            #expect(nodes.map { $0.lines.first ?? "" }.sorted() == ["HASH Hash", "ROOT global_tbl", head].sorted(), "\(nodes)")
        }
    }
}

/// The default of `--max-nodes`, as the README and the help state it.
enum DotWriterDefaults {
    static let maxNodes = 60
}
