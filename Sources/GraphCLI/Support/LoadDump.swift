import Foundation
import GraphModel

/// Loading a dump for a command: progress while it loads, warnings about its lines after.
enum LoadDump {
    /// Reads `path`, showing progress on a terminal and warning about lines that were
    /// skipped or recovered (the first few; the rest are counted).
    /// The one dump a single-dump command names, read with its --strict and --quiet.
    static func load(_ args: ParsedArguments) throws -> HeapGraph {
        try load(try args.singleDump(), strict: try args[CommandDeclaration.strict], quiet: try args[CommandDeclaration.quiet])
    }

    static func load(_ path: String, strict: Bool, quiet: Bool) throws(DumpError) -> HeapGraph {
        try load(path, options: DumpLoader.Options(strict: strict), quiet: quiet)
    }

    static func load(_ path: String, options given: DumpLoader.Options, quiet: Bool) throws(DumpError) -> HeapGraph {
        if let estimate = MemoryEstimate.forDump(at: path), estimate.exceedsAvailable, !allowLowMemory {
            throw .tooLarge(source: path, reason: "loading it needs about \(Format.bytes(estimate.needed)) of memory and this machine has \(Format.bytes(estimate.available ?? 0)) available. Free some memory or run retention on a larger machine (it needs about 0.4 bytes per byte of dump); set RETENTION_IGNORE_MEMORY=1 to try anyway")
        }
        var options = given
        let progress = (!quiet && Terminal.stderrIsTerminal) ? ProgressLine(name: path) : nil
        if let progress { options.progress = { progress.update($0) } }
        defer { progress?.finish() }
        let graph = try DumpLoader.load(path, options: options)
        if !quiet { warn(about: graph.diagnostics) }
        return graph
    }

    static let shownIssues = 5

    /// `RETENTION_IGNORE_MEMORY=1` skips the memory check (the estimate can be too careful).
    static var allowLowMemory: Bool { ProcessInfo.processInfo.environment["RETENTION_IGNORE_MEMORY"] == "1" }

    static func warn(about d: LoadDiagnostics) {
        for issue in d.issues.prefix(shownIssues) {
            let lines = issue.lineSpan > 1 ? "\(issue.line)-\(issue.line + issue.lineSpan - 1)" : "\(issue.line)"
            Terminal.warning("\(d.source):\(lines): \(issue.recovered ? "recovered" : "skipped"): \(issue.reason)")
        }
        let total = d.counts.recoveredLines + d.counts.skippedLines
        if total > shownIssues {
            Terminal.warning("\(d.source): \(total - shownIssues) more lines with problems (\(d.counts.skippedLines) skipped and \(d.counts.recoveredLines) recovered in all); --format json lists the first \(LoadDiagnostics.keptIssueLimit)")
        }
        if let t = d.truncation {
            Terminal.warning("\(d.source): the dump is truncated: \(t). The results cover what was read; take the dump again if you can.")
        }
    }
}
