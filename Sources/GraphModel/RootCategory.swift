/// What a ROOT record's `root` names, as data: the categories CRuby's `gc_mark_roots` /
/// `rb_gc_mark_roots` write from 2.7 to 4.1-dev, any other name (kept, counted, never an
/// error), and the root retention infers where Ruby lists none (``FinalizerRoots``).
public enum RootCategory: Hashable, Sendable {
    case vm, finalizers, machineContext, globalList, endProc, globalTable, objectID
    /// 3.4+, only when YJIT is enabled at run time.
    case yjit
    /// 4.0+, only when ZJIT is enabled at run time.
    case zjit
    /// 4.0+: the symbol table.
    case globalSymbols
    /// Not written by Ruby: the finalizer table's entries, which 3.4+ leaves out of the roots.
    case inferredFinalizers
    /// A name no Ruby version above writes.
    case other(String)

    /// The name the inferred finalizer root is shown with.
    public static let inferredFinalizersName = "finalizers (inferred: Ruby 3.4+ does not list them)"

    public init(dumpName name: String) {
        switch name {
        case "vm": self = .vm
        case "finalizers": self = .finalizers
        case "machine_context": self = .machineContext
        case "global_list": self = .globalList
        case "end_proc": self = .endProc
        case "global_tbl": self = .globalTable
        case "object_id": self = .objectID
        case "YJIT": self = .yjit
        case "ZJIT": self = .zjit
        case "global_symbols": self = .globalSymbols
        default: self = .other(name)
        }
    }

    /// Whether retention inferred the root; Ruby did not write it.
    public var isInferred: Bool { self == .inferredFinalizers }

    /// Whether the name is one no known Ruby writes.
    public var isUnknown: Bool {
        if case .other = self { return true }
        return false
    }
}
