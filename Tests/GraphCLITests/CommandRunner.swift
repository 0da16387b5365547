import Foundation
import Testing

/// Runs the built `retention` executable and collects what it wrote.
struct CommandRun: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var stdoutLines: [Substring] { stdout.split(separator: "\n") }
    var stderrLines: [Substring] { stderr.split(separator: "\n") }

    var description: String { "exit \(status)\n--- stdout\n\(stdout.prefix(2000))\n--- stderr\n\(stderr.prefix(2000))" }
}

enum Retention {
    /// The `retention` executable SwiftPM built beside the test runner (`.build/<config>/`).
    static let executable: URL? = {
        var directories: [URL] = [
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        // macOS: the tests are a bundle `.build/<config>/…PackageTests.xctest` run by `xctest`.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("retention")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }()

    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ruby-dumps")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name + ".json.gz").path }

    static func temporaryPath(_ suffix: String = "") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("retention-cli-\(UUID().uuidString)\(suffix)").path
    }

    /// Runs `retention arguments…`; standard input is `stdin` (nothing when nil).
    /// Output goes to temporary files, so that no pipe fills up and blocks.
    static func run(_ arguments: [String], stdin: Any? = nil) throws -> CommandRun {
        let executable = try #require(executable, "the retention executable was not found beside the tests")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let outPath = temporaryPath(".out"), errPath = temporaryPath(".err")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandRun(status: process.terminationStatus,
                          stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                          stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// Runs `producer` with its standard output piped into `retention arguments…`.
    static func run(_ arguments: [String], pipingFrom producer: String, _ producerArguments: [String]) throws -> CommandRun {
        let pipe = Pipe()
        let source = Process()
        source.executableURL = URL(fileURLWithPath: producer)
        source.arguments = producerArguments
        source.standardOutput = pipe
        source.standardInput = FileHandle.nullDevice
        try source.run()
        // The write end belongs to the producer now; keeping ours open would hide its EOF.
        try pipe.fileHandleForWriting.close()
        let result = try run(arguments, stdin: pipe)
        source.waitUntilExit()
        #expect(source.terminationStatus == 0)
        return result
    }

    static var gzip: String { FileManager.default.isExecutableFile(atPath: "/bin/gzip") ? "/bin/gzip" : "/usr/bin/gzip" }
    static var cat: String { FileManager.default.isExecutableFile(atPath: "/bin/cat") ? "/bin/cat" : "/usr/bin/cat" }

    /// A fixture's decompressed bytes.
    static func fixtureText(_ name: String) throws -> Data {
        let path = temporaryPath(".json")
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", fixture(name)]
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        try out.close()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Writes `data` to a temporary file, runs `body` with its path, deletes it.
    static func withFile<R>(_ data: Data, suffix: String = ".json", _ body: (String) throws -> R) rethrows -> R {
        let path = temporaryPath(suffix)
        FileManager.default.createFile(atPath: path, contents: data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}

/// `12345` as `12,345`: written here rather than taken from the program.
func withCommas(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(d)
    }
    return out
}
