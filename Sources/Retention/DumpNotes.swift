import GraphModel

/// Something a user should know about a dump before trusting an answer from it: what the
/// dump lacks, and what could not be read.
public struct DumpNote: Sendable, Hashable {
    /// A stable key for scripts: `no_allocation_tracing`, `no_roots`, `dangling_references`…
    public var kind: String
    public var text: String
}

public enum DumpNotes {
    /// The notes for `graph`, most important first.
    public static func notes(for graph: HeapGraph) -> [DumpNote] {
        let d = graph.diagnostics
        let c = d.counts
        var notes: [DumpNote] = []
        if let t = d.truncation {
            notes.append(DumpNote(kind: "truncated", text: "The dump is truncated (\(t)). Everything before the cut was read; take the dump again if you can."))
        }
        if c.skippedLines > 0 {
            notes.append(DumpNote(kind: "skipped_lines", text: "\(c.skippedLines) lines could not be read and were skipped; the objects on them are missing."))
        }
        if c.recoveredLines > 0 {
            notes.append(DumpNote(kind: "recovered_lines", text: "\(c.recoveredLines) lines were not valid JSON (Ruby writes some) and were recovered: address, type and references read; some allocation fields may be missing."))
        }
        if graph.count > 0 && c.objectsWithAllocationInfo == 0 {
            notes.append(DumpNote(kind: "no_allocation_tracing", text: "No allocation sites: the process did not trace allocations. Add `require \"objspace\"; ObjectSpace.trace_object_allocations_start` as early as possible (e.g. at the top of config/boot.rb), then take the dumps again."))
        } else if c.objectsWithAllocationInfo < graph.count {
            let without = graph.count - c.objectsWithAllocationInfo
            notes.append(DumpNote(kind: "partial_allocation_tracing", text: "\(percent(without, graph.count)) of objects (\(without)) have no allocation site: they were allocated before tracing started."))
        }
        if !d.hasRoots && graph.count > 0 {
            notes.append(DumpNote(kind: "no_roots", text: "No ROOT records: this looks like a dump written with `since:`, which holds only recent objects. Paths from the roots need a full ObjectSpace.dump_all."))
        }
        if d.danglingReferences > 0 {
            notes.append(DumpNote(kind: "dangling_references", text: "\(d.danglingReferences) references name \(d.danglingTargets) addresses that are not in the dump; those edges were dropped. A few are normal (Ruby leaves the dump's own IO or String out)."))
        }
        if d.danglingRootReferences > 0 {
            notes.append(DumpNote(kind: "dangling_root_references", text: "\(d.danglingRootReferences) ROOT references name addresses that are not in the dump."))
        }
        if d.unresolvedClasses > 0 {
            notes.append(DumpNote(kind: "unresolved_classes", text: "\(d.unresolvedClasses) objects name a class that is not in the dump or is not a class; they are grouped under (no class)."))
        }
        if d.duplicateAddresses > 0 {
            notes.append(DumpNote(kind: "duplicate_addresses", text: "\(d.duplicateAddresses) records repeat an address an earlier record has; references to that address go to the first."))
        }
        if d.foldedFields > 0 {
            notes.append(DumpNote(kind: "fields_folded", text: "\(d.foldedFields) IMEMO fields objects (Ruby 4.0+ keeps ivars in them) were folded into their owners: an owner references its ivars directly and its memsize includes theirs, as on Ruby 3.x."))
        }
        if d.fieldsWithoutOwner > 0 {
            notes.append(DumpNote(kind: "fields_without_owner", text: "\(d.fieldsWithoutOwner) IMEMO fields objects (Ruby 4.0+) have no owner in the dump: Ruby clears the owner of a fields object it replaced, which is garbage waiting for the sweep. They are kept as IMEMO objects."))
        }
        switch FinalizerRoots.status(of: graph) {
        case let .inferred(arrays) where arrays > 0:
            notes.append(DumpNote(kind: "inferred_finalizers", text: "Ruby 3.4+ writes no finalizers ROOT; the \(arrays) finalizer table entr\(arrays == 1 ? "y" : "ies") (hidden Arrays of procs that nothing references) \(arrays == 1 ? "was" : "were") given the root `\(RootCategory.inferredFinalizersName)`."))
        case .unknown:
            notes.append(DumpNote(kind: "finalizers_not_listed", text: "The dump does not show which Ruby wrote it. Ruby 3.4+ writes no finalizers (nor global_list or object_id) ROOT, so objects held only by a finalizer may be alive though no root reaches them."))
        default:
            break
        }
        if d.unknownRootRecords > 0 {
            notes.append(DumpNote(kind: "unknown_root_categories", text: "\(d.unknownRootRecords) ROOT records have a category no known Ruby (2.7 to 4.1-dev) writes; they were read as roots."))
        }
        if c.emptySlots > 0 || c.zombies > 0 {
            notes.append(DumpNote(kind: "empty_slots", text: "\(c.emptySlots) empty slots (NONE) and \(c.zombies) ZOMBIE slots of a `full: true` dump were counted and left out of the graph."))
        }
        return notes
    }

    private static func percent(_ part: Int, _ whole: Int) -> String {
        let p = Double(part) * 100 / Double(max(whole, 1))
        return p < 1 ? "<1%" : "\(Int(p.rounded()))%"
    }
}
