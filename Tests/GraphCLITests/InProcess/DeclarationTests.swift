import Foundation
import Testing
import Retention
import TestSupport
@testable import GraphCLI

@Suite("The command line, declared once: usage, help, completion and the README agree")
struct DeclarationTests {
    static let commands = RetentionCommand.declarations

    @Test("Every option is in the usage line (but --help) and in the help, with its default", arguments: RetentionCommand.declarations.map(\.name))
    func usageAndHelp(name: String) throws {
        let c = try #require(Self.commands.first { $0.name == name })
        for o in c.options {
            if o.inUsage { #expect(c.usage.contains(CommandDeclaration.synopsis(o)), "\(o.key) missing from \(c.usage)") }
            #expect(c.helpText.contains(o.names.joined(separator: ", ")), "\(o.key) missing from help")
            if let d = o.defaultText { #expect(c.helpText.contains("(default: \(d))")) }
        }
        #expect(c.helpText.contains("USAGE: \(c.usage)"))
        #expect(c.helpText.contains("EXIT CODES:"))
    }

    @Test("The parser takes every declared option, and refuses others and missing values")
    func parser() throws {
        let c = LeaksCommand.declaration
        let p = try ParsedArguments(["--top=3", "--by", "class", "--strict", "a", "b", "--", "--c"], command: c)
        #expect(try p[LeaksCommand.top] == 3)
        #expect(try p[LeaksCommand.by] == .class)
        #expect(try p[CommandDeclaration.strict])
        #expect(p.positionals == ["a", "b", "--c"])
        #expect(throws: UsageError.self) { try ParsedArguments(["--bogus"], command: c) }
        #expect(throws: UsageError.self) { try ParsedArguments(["--top"], command: c) }
        #expect(throws: UsageError.self) { try ParsedArguments(["--strict=yes"], command: c) }
        #expect(throws: UsageError.self) { try ParsedArguments(["--top", "0"], command: c)[LeaksCommand.top] }
        #expect(throws: UsageError.self) { try ParsedArguments(["--by", "bogus"], command: c)[LeaksCommand.by] }
        #expect(throws: UsageError.self) { try ParsedArguments([], command: DotCommand.declaration) }
        #expect(throws: UsageError.self) { try ParsedArguments(["--class", "A", "--site", "a:1"], command: DotCommand.declaration) }
    }

    @Test("Completion scripts name every subcommand, option and choice", arguments: CompletionScript.Shell.allCases)
    func completionContents(shell: CompletionScript.Shell) {
        let script = CompletionScript.script(for: shell, commands: Self.commands)
        for c in Self.commands {
            #expect(script.contains(c.name))
            for o in c.options {
                let long = o.names.last!
                #expect(script.contains(shell == .fish ? "-l \(long.dropFirst(2))" : long), "\(shell): \(c.name) \(long)")
                if case let .choice(words) = o.kind { #expect(script.contains(words.joined(separator: " "))) }
            }
        }
    }

    @Test("The bash script completes subcommands, options and choices in a real bash")
    func bashCompletes() throws {
        let script = CompletionScript.script(for: .bash, commands: Self.commands)
        let path = Repository.temporaryPath(".bash")
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        func complete(_ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program = "source '\(path)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _retention; printf '%s\\n' \"${COMPREPLY[@]}\""
            let r = try Subprocess.run("/bin/bash", ["-c", program])
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["retention", "le"]) == ["leaks"])
        #expect(Set(try complete(["retention", "leaks", "--by", ""])) == Set(LeakGrouping.allCases.map(\.rawValue)))
        #expect(try complete(["retention", "why", "--for"]) == ["--format"])
        #expect(Set(try complete(["retention", "--generate-completion-script", ""])) == ["bash", "zsh", "fish"])
    }

    @Test("The README's usage section is the declarations' usage lines")
    func readmeUsage() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Usage\n\n```\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound ..< readme.endIndex))
        let block = readme[start.upperBound ..< end.lowerBound].split(separator: "\n").map(String.init)
        let expected = Self.commands.map(\.usage) + ["retention help <subcommand>", "retention --generate-completion-script <bash|zsh|fish>"]
        #expect(block == expected, "the README's usage block should read:\n\(expected.joined(separator: "\n"))")
    }

    @Test("Every exit code is documented once, with its own meaning, in --help and the README")
    func exitCodes() throws {
        let meanings = ExitCode.allCases.map(\.meaning)
        #expect(Set(meanings).count == meanings.count)
        let overview = RetentionCommand.overview
        for code in ExitCode.allCases { #expect(overview.contains(CommandDeclaration.row(String(code.rawValue), code.meaning))) }
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        for code in ExitCode.allCases { #expect(readme.contains("| \(code.rawValue) |"), "README lacks exit code \(code.rawValue)") }
    }
}
