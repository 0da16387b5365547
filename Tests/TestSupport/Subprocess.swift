import Foundation

/// Runs a program with its input and output in temporary files (no pipe can fill up and
/// block), with a timeout.
public enum Subprocess {
    public struct Result {
        public var status: Int32
        public var stdoutData: Data
        public var stderr: String
        public var timedOut: Bool
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    }

    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                           input: Data? = nil, timeout: TimeInterval = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let inPath = Repository.temporaryPath(".in")
        let outPath = Repository.temporaryPath(".out"), errPath = Repository.temporaryPath(".err")
        _ = FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            for p in [inPath, outPath, errPath] { try? FileManager.default.removeItem(atPath: p) }
        }
        let inHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = inHandle
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        try inHandle.close()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus, stdoutData: try Data(contentsOf: URL(fileURLWithPath: outPath)),
                      stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
                      timedOut: timedOut)
    }
}

/// The outside programs the tests use.
public enum Tools {
    /// Whether this is CI (`CI` set): tools CI installs must then be present.
    public static let isCI = ProcessInfo.processInfo.environment["CI"] != nil

    /// An executable on PATH (or at one of `preferred`).
    public static func find(_ name: String, preferred: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = preferred + path.split(separator: ":").map { "\($0)/\(name)" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static let gzip = find("gzip", preferred: ["/bin/gzip", "/usr/bin/gzip"]) ?? "/bin/gzip"
    public static let dot = find("dot", preferred: ["/usr/bin/dot"])
    public static let ruby = find("ruby")

    /// Tests that need Graphviz run when it is installed, and must run on CI (which installs it).
    public static var dotRuns: Bool { dot != nil || isCI }

    /// Chromium (Debian's `chromium`, or another build of it on PATH), for the report's
    /// browser tests.
    public static let chromium = find("chromium", preferred: ["/usr/bin/chromium"])
        ?? find("chromium-browser") ?? find("google-chrome") ?? find("chrome")

    /// The browser tests run when Chromium is installed, and must run on CI (which installs it).
    public static var chromiumRuns: Bool { chromium != nil || isCI }

    /// `gzip ARGUMENTS` on `input`; throws when gzip fails.
    public static func gzip(_ arguments: [String], input: Data) throws -> Data {
        let result = try Subprocess.run(gzip, arguments, input: input)
        guard result.status == 0 else { throw GzipFailed(status: result.status, message: result.stderr) }
        return result.stdoutData
    }

    /// A gzip file's decompressed bytes.
    public static func gunzip(_ path: String) throws -> Data {
        let result = try Subprocess.run(gzip, ["-dc", path])
        guard result.status == 0 else { throw GzipFailed(status: result.status, message: result.stderr) }
        return result.stdoutData
    }

    public struct GzipFailed: Error {
        public var status: Int32
        public var message: String
    }
}
