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
@main
enum RetentionMain {
    static let version = "0.1.0"

    static var commands: [(spec: CommandSpec, run: (ParsedArguments) throws -> ExitCode)] {[
        (LeaksCommand.spec, LeaksCommand.run),
        (DotCommand.spec, DotCommand.run),
        (SummaryCommand.spec, SummaryCommand.run),
        (TopCommand.spec, TopCommand.run),
        (WhyCommand.spec, WhyCommand.run),
    ]}

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
        for c in commands { lines.append(CommandSpec.row(c.spec.name, c.spec.abstract)) }
        lines += [
            "",
            "OPTIONS:",
            CommandSpec.row("-h, --help", "Show help information."),
            CommandSpec.row("--version", "Show the version."),
            "",
            "EXIT CODES:",
            CommandSpec.row("0", "Success."),
            CommandSpec.row("1", "A dump could not be read; nothing was printed to standard output."),
            CommandSpec.row("2", "leaks --fail-above: what leaked retains more than the limit (the report is printed)."),
            CommandSpec.row("3", "Results were printed, but part of a dump could not be read (lines skipped, or the dump was cut off)."),
            CommandSpec.row("64", "The command line was wrong."),
            "",
            "  See 'retention help <subcommand>' for detailed help.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func main() {
        #if canImport(Glibc)
        // Large arrays come and go as dumps are read one after another: keep every block of
        // 1 MiB or more in its own mapping, so that freeing it gives the memory back to the
        // system (glibc otherwise raises this threshold after the first large free, and later
        // arrays land in a heap that does not shrink).
        _ = mallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 20)
        #endif
        let args = Array(CommandLine.arguments.dropFirst())
        exit(run(args).rawValue)
    }

    static func run(_ args: [String]) -> ExitCode {
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
            if args.count > 1, let c = commands.first(where: { $0.spec.name == args[1] }) {
                print(c.spec.helpText, terminator: "")
            } else {
                print(overview, terminator: "")
            }
            return .success
        default:
            break
        }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            Terminal.error("Unknown subcommand '\(first)'")
            Terminal.errorLine("Usage: retention <subcommand> [options] <dump> ...")
            Terminal.errorLine("  See 'retention --help' for the subcommands.")
            return .usage
        }
        let rest = Array(args.dropFirst())
        if rest.contains("-h") || rest.contains("--help") {
            print(command.spec.helpText, terminator: "")
            return .success
        }
        do {
            let parsed = try ParsedArguments(rest, spec: command.spec)
            return try command.run(parsed)
        } catch let e as UsageError {
            Terminal.error(e.message)
            Terminal.errorLine("Usage: \(command.spec.usage)")
            Terminal.errorLine("  See 'retention \(command.spec.name) --help' for more information.")
            return .usage
        } catch {
            Terminal.error("\(error)")
            return .failure
        }
    }
}
