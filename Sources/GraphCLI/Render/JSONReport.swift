import GraphModel
import Retention

/// The parts every command's JSON report shares.
enum JSONReport {
    /// The schema version of the JSON reports; raised when a field changes meaning or goes.
    static let schemaVersion = 1

    static func header(command: String) -> [(String, JSON)] {
        [("schema", .string("retention")), ("version", .int(schemaVersion)), ("command", .string(command))]
    }

    static func notes(_ notes: [DumpNote]) -> JSON {
        .array(notes.map { .object([("kind", .string($0.kind)), ("text", .string(NotesText.text($0)))]) })
    }

    static func address(_ a: UInt64) -> JSON { .string(Names.address(a)) }

    /// A site as `{file, line, method}`, each `null` where the dump does not say.
    static func site(_ s: SourceSite) -> JSON {
        .object([
            ("file", s.file.map { .string($0) } ?? .null),
            ("line", s.line.map { .int(Int($0)) } ?? .null),
            ("method", s.method.map { .string($0) } ?? .null),
        ])
    }

    /// A class as its name (`null` where the object has none).
    static func className(_ c: ClassName?) -> JSON { c.map { .string(Names.className($0)) } ?? .null }

    /// A gem as `{"kind": "gem", "name", "version", "revision"}`, `{"kind": "ruby"}` or
    /// `{"kind": "app"}`; `null` where the objects' sites name no file.
    static func gem(_ g: Gem?) -> JSON {
        switch g {
        case nil: return .null
        case let .gem(n)?:
            return .object([("kind", .string("gem")), ("name", .string(n.name)), ("version", n.version.map { .string($0) } ?? .null),
                            ("revision", n.revision.map { .string($0) } ?? .null)])
        case .ruby?: return .object([("kind", .string("ruby")), ("name", .string("ruby"))])
        case .app?: return .object([("kind", .string("app")), ("name", .string("app"))])
        }
    }

    /// A tally's three figures.
    static func tally(_ t: Tally) -> [(String, JSON)] {
        [("count", .int(t.count)), ("memsize", .uint(t.memsize)), ("bytesize", .uint(t.bytesize))]
    }

    /// The dump a report is about, with what its reading found.
    static func dump(_ graph: HeapGraph) -> JSON { dump(graph.diagnostics) }

    /// A dump's path and what its reading found, for a report that keeps no graph of it.
    static func dump(_ d: LoadDiagnostics) -> JSON {
        let c = d.counts
        return .object([
            ("path", .string(d.source)),
            ("bytes", .uint(d.byteCount)),
            ("lines", .int(d.lineCount)),
            ("records", .int(c.records)),
            ("root_records", .int(c.rootRecords)),
            ("shape_records", .int(c.shapeRecords)),
            ("empty_slots", .int(c.emptySlots)),
            ("zombies", .int(c.zombies)),
            ("objects_with_allocation_info", .int(c.objectsWithAllocationInfo)),
            ("dangling_references", .int(d.danglingReferences)),
            ("dangling_targets", .int(d.danglingTargets)),
            ("dangling_root_references", .int(d.danglingRootReferences)),
            ("duplicate_addresses", .int(d.duplicateAddresses)),
            ("unresolved_classes", .int(d.unresolvedClasses)),
            ("recovered_lines", .int(c.recoveredLines)),
            ("skipped_lines", .int(c.skippedLines)),
            ("truncated", d.truncation.map { .string($0) } ?? .null),
            ("issues", .array(d.issues.map { i in
                .object([("line", .int(i.line)), ("lines", .int(i.lineSpan)), ("recovered", .bool(i.recovered)), ("reason", .string(i.reason))])
            })),
        ])
    }
}
