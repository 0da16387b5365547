import Retention

/// `retention leaks --format seed`: the lines of the classic three-dump script (`Leaked N
/// TYPE objects of size B/M at: file:line`, by count, then `Total Size: B/M`), over retention's
/// own leak set, whatever `--by` says.
enum LeaksSeed {
    static func render(_ r: LeakReport) -> String {
        var seedGroups = r.tallies(by: .siteAndType).map { (key: $0.key, tally: $0.value) }
        seedGroups.sort { a, b in a.tally.count != b.tally.count ? a.tally.count > b.tally.count : a.key < b.key }
        var out = ""
        for g in seedGroups {
            let file = g.key.site?.file ?? ""
            let line = g.key.site?.line.map(String.init) ?? ""
            out += "Leaked \(g.tally.count) \(g.key.type?.name ?? "") objects of size \(g.tally.bytesize)/\(g.tally.memsize) at: \(file):\(line)\n"
        }
        let total = seedGroups.reduce(into: Tally()) { t, g in
            t.count += g.tally.count
            t.memsize += g.tally.memsize
            t.bytesize += g.tally.bytesize
        }
        out += "\n\nTotal Size: \(total.bytesize)/\(total.memsize)\n"
        return out
    }
}
