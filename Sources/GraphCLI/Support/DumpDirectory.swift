import Foundation

/// A directory of dumps named as `Examples/ruby/retention_dumps.rb` names them,
/// `heap-PID-YYYYMMDDTHHMMSS.mmmZ.json` (optionally `.gz`): one process's dumps are taken
/// in time order.
enum DumpDirectory {
    struct Entry {
        var path: String
        var pid: Int
        var time: String
    }

    /// Whether `path` is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The dumps in `directory`, of process `pid` (or of the only process there, or of all
    /// processes when `allPIDs`), oldest first.
    static func dumps(in directory: String, pid: Int?, allPIDs: Bool) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw DumpDirectoryError("cannot list \(directory): \(error.localizedDescription)")
        }
        let entries = names.compactMap { name -> Entry? in parse(name).map { Entry(path: (directory as NSString).appendingPathComponent(name), pid: $0.pid, time: $0.time) } }
        guard !entries.isEmpty else {
            throw DumpDirectoryError("\(directory) holds no dumps named heap-PID-TIME.json (as Examples/ruby/retention_dumps.rb writes them). Pass the dump files themselves, oldest first.")
        }
        let pids = Dictionary(grouping: entries, by: \.pid)
        var chosen = entries
        if let pid {
            guard let mine = pids[pid] else {
                throw DumpDirectoryError("\(directory) holds no dumps of pid \(pid); it has \(describe(pids)).")
            }
            chosen = mine
        } else if pids.count > 1 && !allPIDs {
            throw DumpDirectoryError("\(directory) holds dumps of \(pids.count) processes (\(describe(pids))); a leak diff needs dumps of one process. Pick one with --pid, or pass --all-pids to take them all in time order.")
        }
        return chosen.sorted { ($0.time, $0.path) < ($1.time, $1.path) }.map(\.path)
    }

    private static func describe(_ pids: [Int: [Entry]]) -> String {
        pids.keys.sorted().map { "pid \($0): \(pids[$0]!.count) dump\(pids[$0]!.count == 1 ? "" : "s")" }.joined(separator: ", ")
    }

    /// The time a dump of this directory was taken, from its name (`…-20261125T190812.123Z.json`),
    /// in seconds since 1970; `nil` for a name of another form.
    static func seconds(ofDump path: String) -> Double? {
        guard let time = parse((path as NSString).lastPathComponent)?.time else { return nil }
        let digits = time.filter(\.isNumber)
        guard digits.count >= 14 else { return nil }
        let n = Array(digits)
        func number(_ r: Range<Int>) -> Int32 { Int32(String(n[r]))! }  // Safe because every character is a digit.
        var t = tm()
        t.tm_year = number(0 ..< 4) - 1900
        t.tm_mon = number(4 ..< 6) - 1
        t.tm_mday = number(6 ..< 8)
        t.tm_hour = number(8 ..< 10)
        t.tm_min = number(10 ..< 12)
        t.tm_sec = number(12 ..< 14)
        let whole = timegm(&t)
        guard whole >= 0 else { return nil }
        let fraction = n.count > 14 ? Double("0." + String(n[14...])) ?? 0 : 0
        return Double(whole) + fraction
    }

    /// `heap-1234-20261125T190812.123Z.json` → pid 1234, time `20261125T190812.123Z`.
    static func parse(_ name: String) -> (pid: Int, time: String)? {
        guard name.hasPrefix("heap-") else { return nil }
        var rest = name.dropFirst(5)
        if rest.hasSuffix(".gz") { rest = rest.dropLast(3) }
        guard rest.hasSuffix(".json") else { return nil }
        rest = rest.dropLast(5)
        let parts = rest.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let pid = Int(parts[0]), pid > 0 else { return nil }
        let time = parts[1]
        guard time.count >= 16, time.hasSuffix("Z"), time.contains("T"),
              time.allSatisfy({ $0.isNumber || $0 == "T" || $0 == "Z" || $0 == "." }) else { return nil }
        return (pid, String(time))
    }
}

struct DumpDirectoryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
