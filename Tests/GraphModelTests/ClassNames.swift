import GraphModel

/// Class names as the reports print them, for assertions on what the reader resolved: the
/// dump's name, `(singleton)` for a singleton class, `#<Class:0x…>` for one it names nowhere.
extension HeapGraph {
    func className(ofClassNode node: ObjectIndex) -> String? {
        guard let name = rawClassName(ofClassNode: node) else { return nil }
        return flags[node.int].contains(.singleton) ? name + " (singleton)" : name
    }

    func className(of object: ObjectIndex) -> String? {
        guard let c = classOf(object) else { return nil }
        return className(ofClassNode: c) ?? "#<Class:0x\(String(address[c.int], radix: 16))>"
    }
}

extension HeapGraph {
    /// `file:line` of a site, as the reports print it.
    func describe(_ site: AllocationSite) -> String {
        let file = site.file.isNone ? "(no file)" : strings[site.file]
        return site.line == 0 ? file : "\(file):\(site.line)"
    }
}
