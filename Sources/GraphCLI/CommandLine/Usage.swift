import Foundation

/// Usage lines and help text, generated from the declarations in swift-argument-parser's
/// layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS.
extension CommandDeclaration {
    /// `retention why [--paths <n>] [--format <text|json>] … <address> <dump>`
    var usage: String {
        var parts = ["retention", name]
        if !oneOf.isEmpty {
            parts.append("(" + oneOf.compactMap { option(named: $0).map(Self.synopsis) }.joined(separator: " | ") + ")")
        }
        for o in options where o.inUsage && !oneOf.contains(o.key) {
            parts.append("[" + Self.synopsis(o) + "]")
        }
        parts.append(synopsis)
        return parts.joined(separator: " ")
    }

    /// `--top <n>`, `--strict`; an option with several names by its longest.
    static func synopsis(_ o: OptionDeclaration) -> String {
        let name = o.names.max { $0.count < $1.count } ?? o.key
        return name + (o.valueName.map { " <\($0)>" } ?? "")
    }

    var helpText: String {
        var lines = ["OVERVIEW: \(abstract)", ""]
        if !discussion.isEmpty { lines += [discussion, ""] }
        lines += ["USAGE: \(usage)", ""]
        if !arguments.isEmpty {
            lines.append("ARGUMENTS:")
            for a in arguments { lines.append(Self.row("<\(a.name)>", a.help)) }
            lines.append("")
        }
        lines.append("OPTIONS:")
        for o in options {
            let names = o.names.joined(separator: ", ") + (o.valueName.map { " <\($0)>" } ?? "")
            lines.append(Self.row(names, o.helpText))
        }
        lines += ["", "EXIT CODES:"] + exitCodes.map { Self.row(String($0.rawValue), $0.meaning) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ left: String, _ right: String) -> String {
        let pad = 26
        let l = "  " + left
        return l.count < pad ? l.padding(toLength: pad, withPad: " ", startingAt: 0) + right : l + "\n" + String(repeating: " ", count: pad) + right
    }
}
