import GraphModel

/// Objects picked out by what a user knows of them: an address, a class name, a site.
public enum ObjectSelection {
    /// The objects matching every criterion given, in graph order.
    ///
    /// - Complexity: O(V).
    public static func select(_ graph: HeapGraph, address: UInt64? = nil, className: String? = nil,
                              site: (file: String, line: UInt32)? = nil) -> [ObjectIndex] {
        if let address {
            // The address of a folded fields object (Ruby 4.0+) picks its owner.
            return graph.index(ofAddressOrFoldedInto: address).map { [$0] } ?? []
        }
        var classNodes = Set<UInt32>()
        if let className {
            for i in graph.indices where graph.type[i] == .class || graph.type[i] == .module {
                if graph.classIdentity(ofClassNode: ObjectIndex(i)) == .named(className, singleton: false) { classNodes.insert(UInt32(i)) }
            }
        }
        var siteIDs = Set<UInt32>()
        if let site {
            for (k, s) in graph.sites.enumerated() where s.line == site.line && !s.file.isNone && graph.strings[s.file] == site.file {
                siteIDs.insert(UInt32(k))
            }
        }
        return graph.indices.filter { i in
            (className == nil || classNodes.contains(graph.classIndex[i]))
                && (site == nil || siteIDs.contains(graph.site[i].rawValue))
        }.map { ObjectIndex($0) }
    }
}
