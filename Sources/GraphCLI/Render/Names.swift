import GraphModel
import Retention

/// Numbers and sizes for people: `12,345`, `1.2 MB`.
enum Format {
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func count(_ n: UInt64) -> String { count(Int(clamping: n)) }

    /// Bytes in decimal units (kB, MB, GB), as `ls -h --si` and most Ruby tools print them.
    static func bytes(_ n: UInt64) -> String {
        if n < 1000 { return "\(n) B" }
        let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(n) / 1000
        var unit = 0
        // Promote where the shown figure would reach 1000 (999,600 bytes is 1.0 MB, not 1000 kB).
        while value >= 999.5, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let text = value >= 100 ? String(Int(value.rounded())) : String(format1(value))
        return "\(text) \(units[unit])"
    }

    private static func format1(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `+1,234`, `-12`, `0`.
    static func signedCount(_ n: Int) -> String { n > 0 ? "+" + count(n) : count(n) }

    /// The change from `a` to `b` bytes: `+1.2 kB`, `-300 B`, `0 B`.
    static func signedBytes(_ a: UInt64, _ b: UInt64) -> String {
        b > a ? "+" + bytes(b - a) : a > b ? "-" + bytes(a - b) : "0 B"
    }

    /// A share from 0 to 1 as `3%`.
    static func percentage(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "0%" }
        let p = Double(part) * 100 / Double(whole)
        return p < 0.1 && part > 0 ? "<0.1%" : format1(p) + "%"
    }

    /// Makes a name printable on one terminal line: control characters escaped, and cut to
    /// `width` characters with an ellipsis.
    /// With `keepEnd`, the start is cut instead (a path keeps its file name and line).
    static func label(_ s: String, width: Int = .max, keepEnd: Bool = false) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += scalar == "\n" ? "\\n" : scalar == "\t" ? "\\t" : "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if out.count > width, width > 1 {
            out = keepEnd ? "…" + String(out.suffix(width - 1)) : String(out.prefix(width - 1)) + "…"
        }
        return out
    }
}

/// Names of the things a dump holds, for people: the one place that words a class, a site,
/// an address, a group key or an object's detail.
package enum Names {
    /// `Foo`, `Foo (singleton)`, `#<Class:0x7f…>`, or `(no class)`.
    static func className(_ c: ClassName?) -> String {
        switch c {
        case nil: return "(no class)"
        case let .named(name, singleton)?: return singleton ? name + " (singleton)" : name
        case let .anonymous(address)?: return "#<Class:\(self.address(address))>"
        }
    }

    /// `0x7f4d6f91bd38`.
    static func address(_ a: UInt64) -> String { Address.text(a) }

    /// `app.rb:12`, `app.rb` (no line), `(no file)`; `(no allocation site)` where untraced.
    static func site(_ s: SourceSite?) -> String {
        guard let s else { return "(no allocation site)" }
        let file = s.file ?? "(no file)"
        return s.line.map { "\(file):\($0)" } ?? file
    }

    /// A group key in one line: `Request`, `STRING app.rb:12`, `app.rb in handle`.
    static func group(_ k: GroupKey, _ grouping: LeakGrouping) -> String {
        var parts: [String] = []
        if let type = k.type { parts.append(type.name) }
        if grouping.usesClass { parts.append(className(k.className)) }
        if grouping.usesSite {
            if grouping == .method {
                parts.append((k.site?.file ?? (k.site == nil ? "(no allocation site)" : "(no file)")) + " in " + (k.site?.method ?? "(no method)"))
            } else {
                parts.append(site(k.site))
            }
        }
        if grouping == .gem { parts.append(gem(k.gem)) }
        return parts.joined(separator: " ")
    }

    /// `rack` (no version: the JSON gives it), `(ruby)`, `(app)`, `(no file)`.
    static func gem(_ g: Gem?) -> String {
        switch g {
        case nil: return "(no file)"
        case let .gem(name)?: return name.name
        case .ruby?: return "(ruby)"
        case .app?: return "(app)"
        }
    }

    /// A summary's or `top`'s group: the type name, the class, or the site.
    static func group(_ k: ObjectGroupKey) -> String {
        switch k {
        case let .type(t): return t.name
        case let .class(c): return className(c)
        case let .site(s): return site(s)
        case let .gem(g): return gem(g)
        }
    }

    /// `"abc…"`, `(shared)`, `size 1,900`, `length 3`, the class's name, the struct's name.
    static func detail(_ d: ObjectDetail) -> String {
        switch d {
        case let .value(text, truncated):
            let cut = text.count > 40 ? String(text.prefix(40)) : text
            return "\"" + cut + (truncated || text.count > 40 ? "…" : "") + "\""
        case .sharedString: return "(shared)"
        case let .size(n): return "size \(Format.count(Int(n)))"
        case let .length(n): return "length \(Format.count(Int(n)))"
        case let .className(c): return className(c)
        case let .kind(k): return k
        }
    }
}

/// A plain text table: a header row and aligned columns, numbers right-aligned.
struct TextTable {
    var headers: [String]
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int>
    var rows: [[String]] = []
    /// The last column is cut (from its start: paths keep their file name and line) so that
    /// lines fit this many characters.
    var maxWidth = 100
    /// Whether the last column loses its start (paths) or its end (descriptions) when cut.
    var cutLastColumnAtStart = true

    func render(indent: String = "  ") -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        let last = widths.count - 1
        let others = widths.dropLast().reduce(indent.count) { $0 + $1 + 2 }
        let room = max(20, maxWidth - others)
        var rows = self.rows
        if widths[last] > room {
            widths[last] = max(room, headers[last].count)
            for r in rows.indices where rows[r][last].count > room {
                rows[r][last] = cutLastColumnAtStart ? "…" + rows[r][last].suffix(room - 1) : rows[r][last].prefix(room - 1) + "…"
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                parts.append(rightAligned.contains(i) ? pad + cell : (i == cells.count - 1 ? cell : cell + pad))
            }
            return indent + parts.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
