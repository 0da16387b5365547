/// A command-line option a command accepts.
struct OptionSpec {
    /// `--top`; the first name is the canonical one.
    var names: [String]
    /// `N` for an option that takes a value; `nil` for a flag.
    var valueName: String?
    var help: String
}

/// What a command accepts: its options and positional arguments, and the text of its help.
struct CommandSpec {
    var name: String
    var abstract: String
    var usage: String
    var discussion: String = ""
    var arguments: [(name: String, help: String)] = []
    var options: [OptionSpec]

    static let dumpArgument = (name: "dump", help: "A file written by ObjectSpace.dump_all (plain or .gz), or - for standard input.")

    static let common: [OptionSpec] = [
        OptionSpec(names: ["--format"], valueName: "text|json", help: "Output format (default: text)."),
        OptionSpec(names: ["--strict"], valueName: nil, help: "Fail on any line that is not valid JSON, even one that could be recovered."),
        OptionSpec(names: ["-q", "--quiet"], valueName: nil, help: "No progress or warnings on standard error."),
        OptionSpec(names: ["-h", "--help"], valueName: nil, help: "Show help information."),
    ]
}

/// A usage error: reported with the command's usage line, exit 64.
struct UsageError: Error {
    var message: String
}

/// Options and positional arguments as given on the command line.
struct ParsedArguments {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    /// Reads `arguments` against `spec`, in swift-argument-parser's conventions:
    /// `--name value`, `--name=value`, `--` ends the options, `-` alone is a positional.
    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        var i = 0
        var optionsEnded = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if optionsEnded || arg == "-" || !arg.hasPrefix("-") {
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                optionsEnded = true
                continue
            }
            var name = arg
            var inlineValue: String? = nil
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                inlineValue = String(arg[arg.index(after: eq)...])
            }
            guard let option = spec.options.first(where: { $0.names.contains(name) }) else {
                throw UsageError(message: "Unknown option '\(name)'")
            }
            let key = option.names.last!  // Safe because every option has at least one name.
            if option.valueName != nil {
                if let v = inlineValue {
                    values[key] = v
                } else {
                    guard i < arguments.count else { throw UsageError(message: "Missing value for '\(name) <\(option.valueName!)>'") }
                    values[key] = arguments[i]
                    i += 1
                }
            } else {
                guard inlineValue == nil else { throw UsageError(message: "The option '\(name)' takes no value") }
                flags.insert(key)
            }
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The one dump a single-dump command takes.
    func singleDump() throws(UsageError) -> String {
        guard positionals.count == 1 else {
            throw UsageError(message: positionals.isEmpty ? "Missing expected argument '<dump>'" : "Expected one dump, got \(positionals.count)")
        }
        return positionals[0]
    }

    /// A positive integer option, or `fallback` when absent.
    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int> = 1 ... Int.max) throws(UsageError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError(message: "The value '\(text)' is invalid for '\(name)': expected a whole number from \(range.lowerBound)\(range.upperBound == Int.max ? " up" : " to \(range.upperBound)")")
        }
        return n
    }

    /// One of a fixed set of words.
    func choice(_ name: String, _ allowed: [String], default fallback: String) throws(UsageError) -> String {
        guard let text = values[name] else { return fallback }
        guard allowed.contains(text) else {
            throw UsageError(message: "The value '\(text)' is invalid for '\(name)': expected one of \(allowed.joined(separator: ", "))")
        }
        return text
    }
}
