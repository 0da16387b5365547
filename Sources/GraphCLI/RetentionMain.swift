#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
/// glibc's `mallopt` (malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt")
private func mallopt(_ option: Int32, _ value: Int32) -> Int32
#endif

/// The `retention` command: dispatches to a subcommand.
public enum RetentionCommand {
    static let version = "0.1.0"

    /// Every subcommand: its declaration and what runs it.
    static let commands: [(declaration: CommandDeclaration, run: @Sendable (ParsedArguments) throws -> ExitCode)] = [
        (LeaksCommand.declaration, LeaksCommand.run),
        (DotCommand.declaration, DotCommand.run),
        (SummaryCommand.declaration, SummaryCommand.run),
        (TopCommand.declaration, TopCommand.run),
        (WhyCommand.declaration, WhyCommand.run),
        (DiffCommand.declaration, DiffCommand.run),
        (WasteCommand.declaration, WasteCommand.run),
        (ReportCommand.declaration, ReportCommand.run),
    ]

    static var declarations: [CommandDeclaration] { commands.map(\.declaration) }

    static let completionShell = Option<CompletionScript.Shell>.choice("--generate-completion-script", valueName: "shell", default: .bash,
                                                                       help: "Print a completion script for bash, zsh or fish.")

    static var overview: String {
        var lines = [
            "OVERVIEW: Find out why a Ruby process leaks memory, from ObjectSpace.dump_all heap dumps.",
            "",
            "USAGE: retention <subcommand> [options] <dump> ...",
            "",
            "  A dump is a file written by ObjectSpace.dump_all (plain or .gz), or - for standard input.",
            "",
            "SUBCOMMANDS:",
        ]
        for c in declarations { lines.append(CommandDeclaration.row(c.name, c.abstract)) }
        lines += [
            "",
            "OPTIONS:",
            CommandDeclaration.row("-h, --help", "Show help information."),
            CommandDeclaration.row("--version", "Show the version."),
            CommandDeclaration.row("--generate-completion-script <shell>", completionShell.declaration.helpText),
            "",
            "EXIT CODES:",
        ]
        for code in ExitCode.allCases { lines.append(CommandDeclaration.row(String(code.rawValue), code.meaning)) }
        lines += ["", "  See 'retention help <subcommand>' for detailed help."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs the command line and exits with its code.
    public static func main() -> Never {
        #if canImport(Glibc)
        // Large arrays come and go as dumps are read one after another: keep every block of
        // 1 MiB or more in its own mapping, so that freeing it gives the memory back to the
        // system (glibc otherwise raises this threshold after the first large free, and later
        // arrays land in a heap that does not shrink).
        _ = mallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 20)
        #endif
        exit(run(Array(CommandLine.arguments.dropFirst())).rawValue)
    }

    /// Runs `args` (without the program name) and returns the exit code.
    package static func run(_ args: [String]) -> ExitCode {
        guard let first = args.first else {
            print(overview, terminator: "")
            return .success
        }
        switch first {
        case "-h", "--help":
            print(overview, terminator: "")
            return .success
        case "--version":
            print(version)
            return .success
        case "help":
            if args.count > 1, let c = declarations.first(where: { $0.name == args[1] }) {
                print(c.helpText, terminator: "")
            } else {
                print(overview, terminator: "")
            }
            return .success
        case _ where first == completionShell.declaration.key || first.hasPrefix(completionShell.declaration.key + "="):
            let value = first.contains("=") ? String(first.drop { $0 != "=" }.dropFirst()) : args.dropFirst().first
            do throws(UsageError) {
                guard let value else { throw UsageError("Missing value for '\(completionShell.declaration.key) <shell>'") }
                print(CompletionScript.script(for: try completionShell.read(value, completionShell.declaration.key), commands: declarations), terminator: "")
                return .success
            } catch {
                Terminal.error(error.message)
                Terminal.errorLine("Usage: retention --generate-completion-script <bash|zsh|fish>")
                return .usage
            }
        default:
            break
        }
        guard let command = commands.first(where: { $0.declaration.name == first }) else {
            Terminal.error("Unknown subcommand '\(first)'")
            Terminal.errorLine("Usage: retention <subcommand> [options] <dump> ...")
            Terminal.errorLine("  See 'retention --help' for the subcommands.")
            return .usage
        }
        let rest = Array(args.dropFirst())
        if rest.contains("-h") || rest.contains("--help") {
            print(command.declaration.helpText, terminator: "")
            return .success
        }
        do {
            let parsed = try ParsedArguments(rest, command: command.declaration)
            return try command.run(parsed)
        } catch let e as UsageError {
            Terminal.error(e.message)
            Terminal.errorLine("Usage: \(command.declaration.usage)")
            Terminal.errorLine("  See 'retention \(command.declaration.name) --help' for more information.")
            return .usage
        } catch {
            Terminal.error("\(error)")
            return .failure
        }
    }
}
