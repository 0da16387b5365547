/// Help text in swift-argument-parser's layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS.
extension CommandSpec {
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
            lines.append(Self.row(names, o.help))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ left: String, _ right: String) -> String {
        let pad = 26
        let l = "  " + left
        return l.count < pad ? l.padding(toLength: pad, withPad: " ", startingAt: 0) + right : l + "\n" + String(repeating: " ", count: pad) + right
    }
}

import Foundation
