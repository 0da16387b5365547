import Foundation
import GraphModel

/// A retainer the team accepts, from an ignore file (`--ignore FILE`, `.retention-ignore`):
/// a leak it matches is listed apart and left out of the `--fail-above` gate.
public struct RetainerRule: Sendable, Equatable {
    public enum Pattern: Sendable, Equatable {
        /// `site GLOB`: the holder's allocation site (`file:line`) matches the shell glob.
        case site(String)
        /// `class NAME`: the holder is of this class (or is this class or module).
        case className(String)
        /// `gem NAME`: the holder was allocated in this gem's files (``Gem``; `ruby` and
        /// `app` name Ruby's own files and the application's).
        case gem(String)
        /// `path A>B>…`: the holder's root path passes through objects of these classes, in
        /// this order (other hops may come between).
        case path([String])
    }

    public var pattern: Pattern
    /// Where it was written, for the report: the file and its line.
    public var file: String
    public var line: Int

    /// Whether `cluster` is the retainer this rule names.
    func matches(_ cluster: LeakCluster, in report: LeakReport) -> Bool {
        let graph = report.graph
        let holder = cluster.holder
        switch pattern {
        case let .site(glob):
            guard let site = graph.sourceSite(of: holder), let file = site.file else { return false }
            let text = site.line.map { "\(file):\($0)" } ?? file
            return fnmatch(glob, text, 0) == 0 || fnmatch(glob, file, 0) == 0
        case let .className(name):
            return Self.names(of: holder, graph).contains(name)
        case let .gem(name):
            // A gem by its name without version; `ruby` and `app` name those groups.
            switch Gem.of(file: graph.sourceSite(of: holder)?.file) {
            case let .gem(gem)?: return gem.name == name
            case .ruby?: return name == "ruby"
            case .app?: return name == "app"
            case nil: return false
            }
        case let .path(classes):
            var want = classes[...]
            for step in cluster.path ?? [] {
                guard let first = want.first else { break }
                if case let .object(o) = step, Self.names(of: o, graph).contains(first) { want = want.dropFirst() }
            }
            return want.isEmpty
        }
    }

    /// The class names an object answers to: its class's, and its own for a class or module.
    static func names(of object: ObjectIndex, _ graph: HeapGraph) -> [String] {
        var names: [String] = []
        if case let .named(n, _)? = graph.classIdentity(of: object) { names.append(n) }
        if case let .named(n, _)? = graph.classIdentity(ofClassNode: object) { names.append(n) }
        return names
    }
}

/// Why an ignore file cannot be used: its file and line, and what is wrong there.
public struct RetainerRuleError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String
    public var description: String { "\(file):\(line): \(reason)" }
}

public enum RetainerRules {
    /// Parses an ignore file: one rule a line (`site GLOB`, `class NAME`, `gem NAME`,
    /// `path A>B`), `#` to the end of a line is a comment, blank lines are skipped.
    public static func parse(_ text: String, file: String) throws(RetainerRuleError) -> [RetainerRule] {
        var rules: [RetainerRule] = []
        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = k + 1
            let body = raw.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard !body.isEmpty else { continue }
            let parts = body.split(separator: " ", maxSplits: 1).map(String.init)
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            guard ["site", "class", "gem", "path"].contains(parts[0]) else {
                throw RetainerRuleError(file: file, line: line, reason: "unknown rule '\(parts[0])': a line is 'site GLOB', 'class NAME', 'gem NAME' or 'path CLASS>CLASS', and # starts a comment")
            }
            guard !value.isEmpty else {
                throw RetainerRuleError(file: file, line: line, reason: "'\(parts[0])' needs a value (e.g. '\(parts[0]) \(example(parts[0]))')")
            }
            let pattern: RetainerRule.Pattern
            switch parts[0] {
            case "site": pattern = .site(value)
            case "class": pattern = .className(value)
            case "gem": pattern = .gem(value)
            default:
                let classes = value.split(separator: ">", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard classes.count >= 1, !classes.contains(where: \.isEmpty) else {
                    throw RetainerRuleError(file: file, line: line, reason: "'path' takes class names joined by '>' (e.g. 'path Rails>Hash')")
                }
                pattern = .path(classes)
            }
            rules.append(RetainerRule(pattern: pattern, file: file, line: line))
        }
        return rules
    }

    private static func example(_ kind: String) -> String {
        switch kind {
        case "site": return "*/statement_cache.rb:*"
        case "class": return "ActiveRecord::StatementCache"
        case "gem": return "activerecord"
        default: return "Rails>Hash"
        }
    }
}
