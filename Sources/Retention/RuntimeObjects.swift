import GraphModel

/// Ruby's own objects, which a leak report tallies apart from the application's: the VM's
/// IMEMO records (inline and call caches, method entries, instruction sequences, closure
/// environments: code that first ran after DUMP1 makes them), and what allocation tracing and
/// `dump_all` allocate themselves (the `ObjectTracing/allocation_info_tracer` DATA object,
/// objects allocated in `objspace.rb`).
public enum RuntimeObjects {
    static let tracerStruct = "ObjectTracing/allocation_info_tracer"

    /// Whether object `i` is Ruby's own.
    ///
    /// - Complexity: O(1).
    public static func isRuntime(_ graph: HeapGraph, _ i: Int) -> Bool {
        switch graph.type[i] {
        case .imemo: return true
        case .data where graph.kindName(of: ObjectIndex(i)) == tracerStruct: return true
        default:
            guard let site = graph.allocationSite(of: ObjectIndex(i)), !site.file.isNone else { return false }
            return graph.strings[site.file].hasSuffix("/objspace.rb")
        }
    }
}
