/// What an option's value is, for parsing, help and shell completion alike.
enum ValueKind: Sendable {
    /// No value: a flag.
    case flag
    /// A whole number in a range.
    case integer(ClosedRange<Int>)
    /// One of these words.
    case choice([String])
    /// A path to write or read (completed as a file).
    case file
    /// A size such as 10MB.
    case size
    /// Free text: a class name, a site, an address, a process id.
    case text
}

/// One option as a command declares it: names, value, help and default, written once and read
/// by the parser, the usage line, the help and the completion scripts.
struct OptionDeclaration: Sendable {
    /// `["-o", "--output"]`; the last name is the key values are stored under.
    var names: [String]
    /// `n`, `file`; `nil` for a flag.
    var valueName: String?
    var kind: ValueKind
    var help: String
    /// The default as help shows it; `nil` for none.
    var defaultText: String?
    /// Shown in the usage line; help is not.
    var inUsage = true

    var key: String { names[names.count - 1] }
    var isFlag: Bool { valueName == nil }

    /// The help line's text: the help, the values a choice takes, and the default.
    var helpText: String {
        var text = help
        if case let .choice(values) = kind, !values.allSatisfy({ help.contains($0) }) {
            text += " One of: \(values.joined(separator: ", "))."
        }
        if let d = defaultText { text += " (default: \(d))" }
        return text
    }
}

/// A value the parser hands to a command, typed, with its declaration.
struct Option<Value>: Sendable {
    let declaration: OptionDeclaration
    /// Turns the text given on the command line (`nil`: not given) into the value.
    let read: @Sendable (String?, String) throws(UsageError) -> Value
}

extension Option where Value == Bool {
    static func flag(_ names: String..., help: String, inUsage: Bool = true) -> Option<Bool> {
        Option(declaration: OptionDeclaration(names: names, valueName: nil, kind: .flag, help: help, defaultText: nil, inUsage: inUsage)) { _, _ in false }
    }
}

extension Option where Value == Int {
    static func integer(_ names: String..., valueName: String = "n", default value: Int, range: ClosedRange<Int> = 1 ... Int.max,
                        help: String) -> Option<Int> {
        Option(declaration: OptionDeclaration(names: names, valueName: valueName, kind: .integer(range), help: help,
                                              defaultText: String(value))) { text, name throws(UsageError) in
            guard let text else { return value }
            guard let n = Int(text), range.contains(n) else {
                throw UsageError("The value '\(text)' is invalid for '\(name)': expected a whole number from \(range.lowerBound)\(range.upperBound == Int.max ? " up" : " to \(range.upperBound)")")
            }
            return n
        }
    }
}

extension Option where Value == String? {
    static func text(_ names: String..., valueName: String, kind: ValueKind = .text, help: String) -> Option<String?> {
        Option(declaration: OptionDeclaration(names: names, valueName: valueName, kind: kind, help: help, defaultText: nil)) { text, _ in text }
    }
}

extension Option where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    static func choice(_ names: String..., valueName: String? = nil, default value: Value, help: String) -> Option<Value> {
        let words = Value.allCases.map(\.rawValue)
        return Option(declaration: OptionDeclaration(names: names, valueName: valueName ?? words.joined(separator: "|"), kind: .choice(words),
                                                     help: help, defaultText: value.rawValue)) { text, name throws(UsageError) in
            guard let text else { return value }
            guard let v = Value(rawValue: text) else {
                throw UsageError("The value '\(text)' is invalid for '\(name)': expected one of \(words.joined(separator: ", "))")
            }
            return v
        }
    }
}

/// A positional argument as a command declares it.
struct ArgumentDeclaration: Sendable {
    /// `dump`, as help shows it (`<dump>`).
    var name: String
    var help: String
    /// Completed as a file path (a dump or a directory) rather than free text.
    var isPath = true
}

/// A subcommand as it declares itself: the one source of its usage line, help and completion.
struct CommandDeclaration: Sendable {
    var name: String
    var abstract: String
    var discussion = ""
    /// The positional part of the usage line: `<address> <dump>`.
    var synopsis: String
    var arguments: [ArgumentDeclaration]
    /// The exit codes the command can end with, for its help.
    var exitCodes: [ExitCode]
    var options: [OptionDeclaration]
    /// Options of which exactly one must be given (shown as `(--a <x> | --b <y>)`).
    var oneOf: [String] = []

    /// The options every command that reads a dump takes.
    static let strict = Option.flag("--strict", help: "Fail on any line that is not valid JSON, even one that could be recovered.")
    static let quiet = Option.flag("-q", "--quiet", help: "No progress or warnings on standard error.")
    static let help = Option.flag("-h", "--help", help: "Show help information.", inUsage: false)
    static let readingOptions = [strict.declaration, quiet.declaration, help.declaration]

    static let dumpArgument = ArgumentDeclaration(name: "dump", help: "A file written by ObjectSpace.dump_all (plain or .gz), or - for standard input.")

    func option(named name: String) -> OptionDeclaration? {
        options.first { $0.names.contains(name) }
    }
}

/// A usage error: reported with the command's usage line, exit 64.
struct UsageError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
