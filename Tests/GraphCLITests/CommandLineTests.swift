import Foundation
import Testing

/// Help, version and usage errors, in swift-argument-parser's conventions: help on stdout with
/// exit 0; `Error: …` and a usage line on stderr with exit 64.
@Suite("Command line")
struct CommandLineTests {
    @Test("--help and -h print the overview on stdout and exit 0", arguments: [["--help"], ["-h"], ["help"], []])
    func help(_ arguments: [String]) throws {
        let r = try Retention.run(arguments)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("OVERVIEW:"))
        #expect(r.stdout.contains("USAGE:"))
        #expect(r.stdout.contains("SUBCOMMANDS:"))
        #expect(r.stdoutLines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("summary") })
        #expect(r.stderr.isEmpty)
    }

    @Test("summary --help prints the command's help on stdout and exit 0",
          arguments: [["summary", "--help"], ["summary", "-h"], ["help", "summary"], ["summary", "x.json", "--help"]])
    func summaryHelp(_ arguments: [String]) throws {
        let r = try Retention.run(arguments)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("OVERVIEW:"))
        #expect(r.stdout.contains("USAGE: retention summary"))
        #expect(r.stdout.contains("OPTIONS:"))
        for option in ["--top", "--format", "--strict", "--quiet", "--help"] {
            #expect(r.stdout.contains(option), "\(option) is documented")
        }
        #expect(r.stderr.isEmpty)
    }

    @Test("--version prints a version number and exits 0")
    func version() throws {
        let r = try Retention.run(["--version"])
        #expect(r.status == 0)
        let line = r.stdout.trimmingCharacters(in: .newlines)
        #expect(line.split(separator: ".").count == 3 && line.split(separator: ".").allSatisfy { Int($0) != nil }, "\(line)")
        #expect(r.stdout.hasSuffix("\n"))
        #expect(r.stderr.isEmpty)
    }

    @Test("An unknown subcommand is a usage error: exit 64, Error and usage on stderr")
    func unknownSubcommand() throws {
        let r = try Retention.run(["frobnicate", "dump.json"])
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first?.hasPrefix("Error: ") == true)
        #expect(r.stderrLines.first?.contains("'frobnicate'") == true)
        #expect(r.stderrLines.contains { $0.hasPrefix("Usage: retention") })
    }

    @Test("An unknown option: exit 64, `Error: Unknown option '--foo'` and a usage line",
          arguments: [["summary", "--foo", "x.json"], ["summary", "x.json", "--foo"], ["summary", "--foo=1", "x.json"]])
    func unknownOption(_ arguments: [String]) throws {
        let r = try Retention.run(arguments)
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first == "Error: Unknown option '--foo'")
        #expect(r.stderrLines.contains { $0.hasPrefix("Usage: retention summary") })
    }

    @Test("Wrong arguments and option values are usage errors (64), naming the problem",
          arguments: [
            (["summary"], "<dump>"),
            (["summary", "a.json", "b.json"], "one dump"),
            (["summary", "--top", "0", "x.json"], "'0'"),
            (["summary", "--top", "-3", "x.json"], "--top"),
            (["summary", "--top", "ten", "x.json"], "'ten'"),
            (["summary", "x.json", "--top"], "--top"),
            (["summary", "--format", "yaml", "x.json"], "'yaml'"),
            (["summary", "--format=xml", "x.json"], "'xml'"),
            (["summary", "--strict=yes", "x.json"], "--strict"),
          ])
    func usageErrors(_ arguments: [String], _ mention: String) throws {
        // x.json does not exist: a usage error must come before any attempt to read it.
        let r = try Retention.run(arguments)
        #expect(r.status == 64, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderrLines.first?.hasPrefix("Error: ") == true)
        #expect(r.stderrLines.first?.contains(mention) == true, "\(r.stderr)")
        #expect(r.stderrLines.contains { $0.hasPrefix("Usage: retention summary") })
    }
}
