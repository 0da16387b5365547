import GraphModel

/// Options and positional arguments as given on the command line, read against a command's
/// declaration in swift-argument-parser's conventions: `--name value`, `--name=value`, `--`
/// ends the options, `-` alone is a positional.
struct ParsedArguments {
    let command: CommandDeclaration
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    init(_ arguments: [String], command: CommandDeclaration) throws(UsageError) {
        self.command = command
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
            guard let option = command.option(named: name) else { throw UsageError("Unknown option '\(name)'") }
            if let valueName = option.valueName {
                if let v = inlineValue {
                    values[option.key] = v
                } else {
                    guard i < arguments.count else { throw UsageError("Missing value for '\(name) <\(valueName)>'") }
                    values[option.key] = arguments[i]
                    i += 1
                }
            } else {
                guard inlineValue == nil else { throw UsageError("The option '\(name)' takes no value") }
                flags.insert(option.key)
            }
        }
        let given = command.oneOf.filter { values[$0] != nil }
        if !command.oneOf.isEmpty && given.count != 1 {
            throw UsageError(given.isEmpty
                ? "Say what to draw: \(Self.list(command.oneOf, "or"))"
                : "Give one of \(Self.list(command.oneOf, "and")), not \(given.joined(separator: " and "))")
        }
    }

    /// The typed value of `option`: its default when absent.
    subscript<Value>(_ option: Option<Value>) -> Value {
        get throws(UsageError) {
            let key = option.declaration.key
            if option.declaration.isFlag { return flags.contains(key) as! Value }  // Safe because flags are Option<Bool>.
            return try option.read(values[key], key)
        }
    }

    /// Whether `option` was given at all.
    func has<Value>(_ option: Option<Value>) -> Bool {
        let key = option.declaration.key
        return flags.contains(key) || values[key] != nil
    }

    /// The one dump a single-dump command takes.
    func singleDump() throws(UsageError) -> String {
        guard positionals.count == 1 else {
            throw UsageError(positionals.isEmpty ? "Missing expected argument '<dump>'" : "Expected one dump, got \(positionals.count)")
        }
        return positionals[0]
    }

    /// A usage error unless `option` is absent or `condition` holds.
    func require<Value>(_ option: Option<Value>, only condition: Bool, _ why: String) throws(UsageError) {
        if has(option) && !condition { throw UsageError("'\(option.declaration.key)' \(why)") }
    }

    private static func list(_ names: [String], _ last: String) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " \(last) " + names[names.count - 1]
    }
}

extension ParsedArguments {
    /// An object address as the dump writes it: `0x7f…`, or plain hex.
    static func address(_ text: String) throws(UsageError) -> UInt64 {
        guard let a = Address.parse(text) else {
            throw UsageError("'\(text)' is not an address (expected hex, such as 0x7f4d6f91bd38)")
        }
        return a
    }
}
