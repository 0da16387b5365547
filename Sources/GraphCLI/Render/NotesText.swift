import GraphModel
import Retention

/// The words of every note, warning and the unreachable line: written once, for every
/// command's text and JSON.
enum NotesText {
    static func text(_ note: DumpNote) -> String {
        switch note {
        case let .truncated(t):
            return "The dump is truncated (\(t)). Everything before the cut was read; take the dump again if you can."
        case let .skippedLines(n):
            return "\(n) lines could not be read and were skipped; the objects on them are missing."
        case let .recoveredLines(n):
            return "\(n) lines were not valid JSON (Ruby writes some) and were recovered: address, type and references read; some allocation fields may be missing."
        case .noAllocationTracing:
            return "No allocation sites: the process did not trace allocations. Add `require \"objspace\"; ObjectSpace.trace_object_allocations_start` as early as possible (e.g. at the top of config/boot.rb), then take the dumps again."
        case let .partialAllocationTracing(without, total):
            return "\(percent(without, total)) of objects (\(without)) have no allocation site: they were allocated before tracing started."
        case .noRoots:
            return "No ROOT records: this looks like a dump written with `since:`, which holds only recent objects. Paths from the roots need a full ObjectSpace.dump_all."
        case let .danglingReferences(references, targets):
            return "\(references) references name \(targets) addresses that are not in the dump; those edges were dropped. A few are normal (Ruby leaves the dump's own IO or String out)."
        case let .danglingRootReferences(n):
            return "\(n) ROOT references name addresses that are not in the dump."
        case let .unresolvedClasses(n):
            return "\(n) objects name a class that is not in the dump or is not a class; they are grouped under (no class)."
        case let .duplicateAddresses(n):
            return "\(n) records repeat an address an earlier record has; references to that address go to the first."
        case let .fieldsFolded(n):
            return "\(n) IMEMO fields objects (Ruby 4.0+ keeps ivars in them) were folded into their owners: an owner references its ivars directly and its memsize includes theirs, as on Ruby 3.x."
        case let .fieldsWithoutOwner(n):
            return "\(n) IMEMO fields objects (Ruby 4.0+) have no owner in the dump: Ruby clears the owner of a fields object it replaced, which is garbage waiting for the sweep. They are kept as IMEMO objects."
        case let .inferredFinalizers(arrays):
            return "Ruby 3.4+ writes no finalizers ROOT; the \(arrays) finalizer table entr\(arrays == 1 ? "y" : "ies") (hidden Arrays of procs that nothing references) \(arrays == 1 ? "was" : "were") given the root `\(RootCategory.inferredFinalizersName)`."
        case .finalizersNotListed:
            return "The dump does not show which Ruby wrote it. Ruby 3.4+ writes no finalizers (nor global_list or object_id) ROOT, so objects held only by a finalizer may be alive though no root reaches them."
        case let .unknownRootCategories(n):
            return "\(n) ROOT records have a category no known Ruby (2.7 to 4.1-dev) writes; they were read as roots."
        case let .emptySlots(none, zombies):
            return "\(none) empty slots (NONE) and \(zombies) ZOMBIE slots of a `full: true` dump were counted and left out of the graph."
        }
    }

    /// The Notes section of a text report (empty when there are none).
    static func section(_ notes: [DumpNote]) -> [String] {
        guard !notes.isEmpty else { return [] }
        return ["Notes"] + notes.map { "  - " + text($0) }
    }

    /// The unreachable line of `summary` and `top`: `nil` tally when the dump has no roots.
    static func unreachable(_ u: Tally?, noRootsWhy: String) -> String {
        guard let u else { return "Unreachable: unknown (\(noRootsWhy))" }
        return "Unreachable (no root reaches them; garbage not yet swept): \(Format.count(u.count)) objects, \(Format.bytes(u.memsize))"
    }

    static func text(_ w: LeakWarning) -> String {
        switch w {
        case let .untraced(dump):
            return "\(dump) has no allocation tracing: objects are matched by address, type and class, so the result is approximate (a slot reused by an object of the same class is taken for the same object), and the order of the dumps cannot be checked. Start tracing with ObjectSpace.trace_object_allocations_start for an exact diff."
        case let .sameGeneration(earlier, later, generation):
            return "\(earlier) and \(later) were taken at the same GC count (\(generation)): no GC ran between them, so nothing allocated in between can have been freed. Are they the same dump? Leave minutes of normal traffic between dumps."
        case let .noRoots(dump):
            return "\(dump) has no ROOT records (a since: dump?): groups are ranked by memsize, without retained sizes or accumulation points."
        }
    }

    private static func percent(_ part: Int, _ whole: Int) -> String {
        let p = Double(part) * 100 / Double(max(whole, 1))
        return p < 1 ? "<1%" : "\(Int(p.rounded()))%"
    }
}
