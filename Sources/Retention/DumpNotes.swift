import GraphModel

/// Something a user should know about a dump before trusting an answer from it: what the
/// dump lacks, and what could not be read. Data only: the renderers word it.
public enum DumpNote: Sendable, Hashable {
    /// The dump ends mid-record or mid-stream; the reason as the reader found it.
    case truncated(reason: String)
    case skippedLines(Int)
    case recoveredLines(Int)
    /// No object has an allocation site.
    case noAllocationTracing
    /// Some objects have no allocation site (allocated before tracing started).
    case partialAllocationTracing(without: Int, of: Int)
    /// No ROOT records (a `since:` dump).
    case noRoots
    case danglingReferences(references: Int, targets: Int)
    case danglingRootReferences(Int)
    case unresolvedClasses(Int)
    case duplicateAddresses(Int)
    /// Ruby 4.0+ IMEMO fields objects folded into their owners.
    case fieldsFolded(Int)
    /// Ruby 4.0+ fields objects with no owner in the dump (kept as IMEMOs).
    case fieldsWithoutOwner(Int)
    /// Ruby 3.4+: this many finalizer-table Arrays were given the inferred finalizers root.
    case inferredFinalizers(arrays: Int)
    /// The dump does not show its Ruby, and 3.4+ lists no finalizers: a live object may have no root.
    case finalizersNotListed
    case unknownRootCategories(Int)
    case emptySlots(none: Int, zombies: Int)

    /// A stable key for scripts: `no_allocation_tracing`, `no_roots`, `dangling_references`…
    public var kind: String {
        switch self {
        case .truncated: return "truncated"
        case .skippedLines: return "skipped_lines"
        case .recoveredLines: return "recovered_lines"
        case .noAllocationTracing: return "no_allocation_tracing"
        case .partialAllocationTracing: return "partial_allocation_tracing"
        case .noRoots: return "no_roots"
        case .danglingReferences: return "dangling_references"
        case .danglingRootReferences: return "dangling_root_references"
        case .unresolvedClasses: return "unresolved_classes"
        case .duplicateAddresses: return "duplicate_addresses"
        case .fieldsFolded: return "fields_folded"
        case .fieldsWithoutOwner: return "fields_without_owner"
        case .inferredFinalizers: return "inferred_finalizers"
        case .finalizersNotListed: return "finalizers_not_listed"
        case .unknownRootCategories: return "unknown_root_categories"
        case .emptySlots: return "empty_slots"
        }
    }
}

public enum DumpNotes {
    /// The notes for `graph`, most important first.
    public static func notes(for graph: HeapGraph) -> [DumpNote] {
        let d = graph.diagnostics
        let c = d.counts
        var notes: [DumpNote] = []
        if let t = d.truncation { notes.append(.truncated(reason: t)) }
        if c.skippedLines > 0 { notes.append(.skippedLines(c.skippedLines)) }
        if c.recoveredLines > 0 { notes.append(.recoveredLines(c.recoveredLines)) }
        if graph.count > 0 && c.objectsWithAllocationInfo == 0 {
            notes.append(.noAllocationTracing)
        } else if c.objectsWithAllocationInfo < graph.count {
            notes.append(.partialAllocationTracing(without: graph.count - c.objectsWithAllocationInfo, of: graph.count))
        }
        if !d.hasRoots && graph.count > 0 { notes.append(.noRoots) }
        if d.danglingReferences > 0 { notes.append(.danglingReferences(references: d.danglingReferences, targets: d.danglingTargets)) }
        if d.danglingRootReferences > 0 { notes.append(.danglingRootReferences(d.danglingRootReferences)) }
        if d.unresolvedClasses > 0 { notes.append(.unresolvedClasses(d.unresolvedClasses)) }
        if d.duplicateAddresses > 0 { notes.append(.duplicateAddresses(d.duplicateAddresses)) }
        if d.foldedFields > 0 { notes.append(.fieldsFolded(d.foldedFields)) }
        if d.fieldsWithoutOwner > 0 { notes.append(.fieldsWithoutOwner(d.fieldsWithoutOwner)) }
        switch FinalizerRoots.status(of: graph) {
        case let .inferred(arrays) where arrays > 0: notes.append(.inferredFinalizers(arrays: arrays))
        case .unknown: notes.append(.finalizersNotListed)
        default: break
        }
        if d.unknownRootRecords > 0 { notes.append(.unknownRootCategories(d.unknownRootRecords)) }
        if c.emptySlots > 0 || c.zombies > 0 { notes.append(.emptySlots(none: c.emptySlots, zombies: c.zombies)) }
        return notes
    }
}
