import GraphModel
import Retention

/// `retention waste` as text and JSON.
enum WasteReport {
    /// The fix, for people.
    static func fix(_ f: StringFix) -> String {
        switch f {
        case let .frozenLiteral(site):
            return "at \(Format.label(Names.site(site))): a frozen literal (.freeze, or # frozen_string_literal: true), or -str (String#-@) if the line builds the string"
        case let .magicComment(file):
            return "in \(Format.label(file)): # frozen_string_literal: true for its literals, -str (String#-@) for the strings it builds"
        case .deduplicate: return "-str (String#-@) where the strings are kept, which returns one shared copy"
        }
    }

    /// The value as the dump wrote it, cut, quoted, with its encoding.
    static func value(_ graph: HeapGraph, _ object: ObjectIndex) -> String {
        let (text, truncated) = graph.valuePrefix(of: object) ?? ("", false)
        let cut = text.count > 60 ? String(text.prefix(60)) : text
        let quoted = "\"" + Format.label(cut) + (truncated || text.count > 60 ? "…" : "") + "\""
        return quoted + " (" + (graph.valueEncoding(of: object) ?? "ASCII-8BIT") + ")"
    }

    static func text(_ w: HeapWaste, _ graph: HeapGraph, top: Int) -> String {
        let grouping = w.grouping.keying
        var out: [String] = ["Waste in \(Format.label(graph.diagnostics.source))", ""]
        out.append("Duplicate strings: \(Format.count(w.duplicatedValues)) values held by two strings or more; their \(Format.count(w.extraCopies)) extra copies cost \(Format.bytes(w.wastedBytes)).")
        var uncompared = "Compared \(Format.count(w.comparedStrings.count)) strings"
        let without = w.sharedWithoutValue.count + w.otherWithoutValue.count
        if without > 0 {
            uncompared += "; \(Format.count(without)) could not be (the dump has no value for them: \(Format.count(w.otherWithoutValue.count)) not ASCII-only, \(Format.count(w.sharedWithoutValue.count)) shared)"
        }
        out.append(uncompared + ".")
        for (k, d) in w.duplicates.prefix(top).enumerated() {
            out.append("")
            out.append("\(k + 1). \(Format.bytes(d.wasted)) in \(Format.count(d.copies - 1)) extra copies of \(value(graph, d.example)): \(Format.count(d.copies)) strings, \(Format.bytes(d.memsize))" + (d.interned > 0 ? ", \(Format.count(d.interned)) interned" : ""))
            let shown = d.sites.prefix(3).map { "\(Format.label(Names.group($0.key, grouping), width: 60, keepEnd: true)) (\(Format.count($0.count)))" }
            out.append("   made at: " + shown.joined(separator: ", ") + (d.sites.count > 3 ? ", and \(Format.count(d.sites.count - 3)) more" : ""))
            out.append("   fix: " + fix(d.fix))
        }
        out.append("")

        let c = w.collections
        out.append("Empty and one-element collections (hidden ones included): \(Format.count(c.all.count)) objects, \(Format.bytes(c.all.memsize)).")
        var kinds = TextTable(headers: ["KIND", "COUNT", "MEMSIZE"], rightAligned: [1, 2])
        for (name, t) in [("empty Hash", c.emptyHashes), ("one-element Hash", c.oneElementHashes),
                          ("empty Array", c.emptyArrays), ("one-element Array", c.oneElementArrays)] {
            kinds.rows.append([name, Format.count(t.count), Format.bytes(t.memsize)])
        }
        out.append(kinds.render())
        out.append("")
        let shown = w.collectionsBySite.count > top ? " (top \(top) of \(Format.count(w.collectionsBySite.count)))" : ""
        out.append("By \(w.grouping.rawValue), by memsize\(shown):")
        var table = TextTable(headers: ["MEMSIZE", "COUNT", "EMPTY {}", "1-ELEM {}", "EMPTY []", "1-ELEM []", w.grouping.rawValue.uppercased()],
                              rightAligned: [0, 1, 2, 3, 4, 5])
        for g in w.collectionsBySite.prefix(top) {
            let x = g.waste
            table.rows.append([Format.bytes(x.all.memsize), Format.count(x.all.count), Format.count(x.emptyHashes.count),
                               Format.count(x.oneElementHashes.count), Format.count(x.emptyArrays.count), Format.count(x.oneElementArrays.count),
                               Format.label(Names.group(g.key, grouping), width: 70, keepEnd: true)])
        }
        out.append(table.render())
        out.append("")
        return out.joined(separator: "\n")
    }

    /// With `showValues` false (the HTML report's default) a duplicate's value is `null`:
    /// dumps carry the app's secrets.
    static func json(_ w: HeapWaste, _ graph: HeapGraph, top: Int, showValues: Bool = true) -> JSON {
        let grouping = w.grouping.keying
        func tally(_ t: Tally) -> JSON { .object(JSONReport.tally(t)) }
        func collections(_ c: CollectionWaste) -> [(String, JSON)] {
            [("empty_hashes", tally(c.emptyHashes)), ("one_element_hashes", tally(c.oneElementHashes)),
             ("empty_arrays", tally(c.emptyArrays)), ("one_element_arrays", tally(c.oneElementArrays)), ("total", tally(c.all))]
        }
        func fixJSON(_ f: StringFix) -> JSON {
            switch f {
            case let .frozenLiteral(site): return .object([("kind", .string("frozen_literal")), ("site", JSONReport.site(site)), ("text", .string(fix(f)))])
            case let .magicComment(file): return .object([("kind", .string("frozen_string_literal")), ("file", .string(file)), ("text", .string(fix(f)))])
            case .deduplicate: return .object([("kind", .string("dedupe")), ("text", .string(fix(f)))])
            }
        }
        let duplicates: [JSON] = w.duplicates.prefix(top).map { d in
            let (text, truncated) = graph.valuePrefix(of: d.example) ?? ("", false)
            return .object([
                ("value", showValues ? .string(text) : .null),
                ("value_truncated", .bool(truncated)),
                ("encoding", graph.valueEncoding(of: d.example).map { .string($0) } ?? .null),
                ("bytesize", .uint(graph.bytesize[d.example.int])),
                ("copies", .int(d.copies)),
                ("extra_copies", .int(d.copies - 1)),
                ("memsize", .uint(d.memsize)),
                ("wasted", .uint(d.wasted)),
                ("interned", .int(d.interned)),
                ("example", JSONReport.address(graph.address[d.example.int])),
                ("sites", .array(d.sites.map { .object([("key", LeaksJSON.key($0.key, grouping)), ("label", .string(Names.group($0.key, grouping))), ("count", .int($0.count))]) })),
                ("fix", fixJSON(d.fix)),
            ])
        }
        return .object(JSONReport.header(command: "waste") + [
            ("dump", JSONReport.dump(graph)),
            ("grouping", .string(w.grouping.rawValue)),
            ("strings", .object([("compared", tally(w.comparedStrings)), ("shared_without_value", tally(w.sharedWithoutValue)),
                                 ("other_without_value", tally(w.otherWithoutValue))])),
            ("duplicate_totals", .object([("values", .int(w.duplicatedValues)), ("extra_copies", .int(w.extraCopies)), ("wasted", .uint(w.wastedBytes))])),
            ("duplicates", .array(duplicates)),
            ("collections", .object(collections(w.collections))),
            ("collection_group_count", .int(w.collectionsBySite.count)),
            ("collections_by_group", .array(w.collectionsBySite.prefix(top).map { g in
                .object([("key", LeaksJSON.key(g.key, grouping)), ("label", .string(Names.group(g.key, grouping)))] + collections(g.waste))
            })),
            ("incomplete", .bool(graph.diagnostics.isIncomplete)),
        ])
    }
}
