#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import TestSupport

/// `Examples/ruby/retention_dumps.rb` end to end: a real Ruby process, real signals, real dumps,
/// and `retention leaks` on them. Needs `ruby` on PATH: skipped without it, except on CI (`CI`
/// set), which installs Ruby, where a missing `ruby` fails.
@Suite("Capture helper: Examples/ruby/retention_dumps.rb", .serialized)
struct CaptureHelperTests {
    @Test("The helper's own Ruby tests pass (naming, temp-then-rename, queued signals, chaining, fork)",
          .enabled(if: CaptureHelper.runs, "ruby is not installed (set CI to make this a failure)"))
    func rubyTests() throws {
        let ruby = try #require(CaptureHelper.ruby, "CI is set but ruby is not on PATH")
        let r = try CaptureHelper.run(ruby, ["Examples/ruby/test_retention_dumps.rb"], timeout: 300)
        #expect(!r.timedOut, "the Ruby tests finished within 300 s\n\(r.output.suffix(3000))")
        #expect(r.status == 0, "exit \(r.status)\n\(r.output.suffix(3000))")
        #expect(r.output.contains(" 0 failures, 0 errors"), "\(r.output.suffix(3000))")
    }

    @Test("demo_server.rb: three USR2 give three whole dumps, and retention leaks finds its leak line",
          .enabled(if: CaptureHelper.runs, "ruby is not installed (set CI to make this a failure)"))
    func demoServer() throws {
        let ruby = try #require(CaptureHelper.ruby, "CI is set but ruby is not on PATH")
        let leakLine = try CaptureHelper.leakLine()
        let dir = URL(fileURLWithPath: Retention.temporaryPath("-dumps"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let out = Retention.temporaryPath(".out"), err = Retention.temporaryPath(".err")
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }

        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RETENTION_") }
        environment["RETENTION_TRACE"] = "1"
        environment["RETENTION_DUMP_DIR"] = dir.path
        environment["RETENTION_DUMP_SIGNAL"] = "USR2"
        let server = try CaptureHelper.start(ruby, ["--disable-gems", "Examples/ruby/demo_server.rb"],
                                             environment: environment, stdout: out, stderr: err)
        defer { CaptureHelper.stop(server) }
        let pid = server.processIdentifier
        func log() -> String { "--- stdout\n\(CaptureHelper.read(out))--- stderr\n\(CaptureHelper.read(err))" }

        // Ready: it printed its pid (after the helper installed its trap).
        let ready = CaptureHelper.waitFor(seconds: 20) { !server.isRunning || CaptureHelper.read(out).contains("ready") }
        try #require(ready && server.isRunning, "demo_server.rb did not start\n\(log())")
        #expect(CaptureHelper.read(out).contains("pid=\(pid) "), "\(log())")

        // Three signals, each after the previous dump is on disk and the leak has grown a while.
        func dumps() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
                .filter { CaptureHelper.isDumpName($0, pid: pid) }.sorted()
        }
        for k in 1 ... 3 {
            if k > 1 { Thread.sleep(forTimeInterval: 1.0) }
            #expect(kill(pid, SIGUSR2) == 0)
            let written = CaptureHelper.waitFor(seconds: 20) { dumps().count >= k || !server.isRunning }
            try #require(written && server.isRunning, "dump \(k) did not appear within 20 s\n\(log())")
        }
        Thread.sleep(forTimeInterval: 1.0) // a fourth dump would show up now
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == dumps() && names.count == 3, "exactly three dumps, nothing else: \(names)")
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "no temporary file left: \(names)")
        let paths = dumps().map { dir.appendingPathComponent($0).path }
        for path in paths {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.last == UInt8(ascii: "\n"), "\(path) is a whole dump (\(data.count) bytes, ends in a newline)")
        }
        let logLines = CaptureHelper.read(err).split(separator: "\n").filter { $0.hasPrefix("[retention] wrote ") }
        #expect(logLines.count == 3, "one [retention] line per dump\n\(log())")
        try #require(paths.count == 3)

        // The three files, oldest first.
        let files = try Retention.run(["leaks", "--format", "json"] + paths)
        try #require(files.status == 0, "\(files)")
        try CaptureHelper.expectLeak(files.stdout, line: leakLine, dumps: paths)

        // The directory: the tool picks the files by name, one pid, ordered by their timestamps.
        let directory = try Retention.run(["leaks", "--format", "json", dir.path])
        try #require(directory.status == 0, "\(directory)")
        try CaptureHelper.expectLeak(directory.stdout, line: leakLine, dumps: paths)
    }
}

/// Ruby, the example files, and a long-running process that is always stopped.
enum CaptureHelper {
    static let root = Repository.root
    static let demo = root.appendingPathComponent("Examples/ruby/demo_server.rb")

    static let ruby = Tools.ruby

    /// Run when Ruby is here, and on CI, where its absence is a failure.
    static var runs: Bool { ruby != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// The line of demo_server.rb marked `# SITE:leak`, where the leaked objects are allocated.
    static func leakLine() throws -> Int {
        let lines = try String(contentsOf: demo, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let marked = lines.indices.filter { lines[$0].hasSuffix("# SITE:leak") }
        try #require(marked.count == 1, "one line of \(demo.path) ends in # SITE:leak")
        return marked[0] + 1
    }

    /// `heap-PID-YYYYMMDDTHHMMSS.mmmZ.json`, of `pid`.
    static func isDumpName(_ name: String, pid: Int32) -> Bool {
        let prefix = "heap-\(pid)-", suffix = ".json"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let stamp = Array(name.dropFirst(prefix.count).dropLast(suffix.count))
        guard stamp.count == 20 else { return false }
        return stamp.enumerated().allSatisfy { i, c in
            switch i {
            case 8: c == "T"
            case 15: c == "."
            case 19: c == "Z"
            default: c.isASCII && c.isNumber
            }
        }
    }

    /// A `leaks --format json` report diffed `dumps` (in this order), exactly, and has a group
    /// allocated at demo_server.rb:`line` with a count above 0.
    static func expectLeak(_ json: String, line: Int, dumps: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                                  sourceLocation: sourceLocation)
        let used = (report["dumps"] as? [String] ?? []).map { ($0 as NSString).lastPathComponent }
        #expect(used == dumps.map { ($0 as NSString).lastPathComponent }, "the dumps, oldest first", sourceLocation: sourceLocation)
        #expect(report["approximate"] as? Bool == false, "RETENTION_TRACE=1: matched by allocation generation",
                sourceLocation: sourceLocation)
        let groups = try #require(report["groups"] as? [[String: Any]], sourceLocation: sourceLocation)
        let leaks = groups.filter { g in
            let site = (g["key"] as? [String: Any])?["site"] as? [String: Any]
            return (site?["file"] as? String)?.hasSuffix("demo_server.rb") == true && site?["line"] as? Int == line
        }
        #expect(!leaks.isEmpty, "a group at demo_server.rb:\(line); groups: \(groups.map { $0["label"] ?? "?" })",
                sourceLocation: sourceLocation)
        #expect(leaks.allSatisfy { ($0["count"] as? Int ?? 0) > 0 }, "\(leaks)", sourceLocation: sourceLocation)
    }

    // MARK: Processes

    /// Starts `executable` in the repository root, output to files (no pipe can fill up; the
    /// same path for both puts them in one file).
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                      stdout: String, stderr: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
        process.standardOutput = out
        process.standardError = stderr == stdout ? out : try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGTERM, then SIGKILL if it is still there after 5 s; never waits for a process that cannot exit.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        if !waitFor(seconds: 5, { !process.isRunning }) {
            kill(process.processIdentifier, SIGKILL)
            _ = waitFor(seconds: 5) { !process.isRunning }
        }
    }

    /// Runs `executable` to the end (or kills it after `timeout`), stdout and stderr together.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval) throws
        -> (status: Int32, output: String, timedOut: Bool) {
        let path = Retention.temporaryPath(".log")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RETENTION_") }
        environment["RETENTION_DUMPS"] = "off"
        let process = try start(executable, arguments, environment: environment, stdout: path, stderr: path)
        let finished = waitFor(seconds: timeout) { !process.isRunning }
        stop(process)
        return (finished ? process.terminationStatus : -1, read(path), !finished)
    }

    /// Polls `condition` every 20 ms for at most `seconds`; whether it became true.
    @discardableResult
    static func waitFor(seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    static func read(_ path: String) -> String {
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
    }
}
