import GraphModel
import Retention

/// The dominator tree as folded stacks (`frame;frame;…;frame BYTES`, one line per distinct
/// path), the input of `flamegraph.pl`, speedscope and inferno.
enum FoldedStacks {
    /// Writes one line per path node that holds objects of its own, in preorder. A path's
    /// text is built once per node, from its parent's.
    ///
    /// - Complexity: O(P × depth) characters for P paths, depth at most the tree's cut.
    static func write(_ flame: FlameTree, to out: inout String) {
        var prefix: [(node: Int, text: String)] = []
        for v in 1 ..< flame.count {
            let p = Int(flame.parent[v])
            while let last = prefix.last, last.node != p { prefix.removeLast() }
            let name = frameText(flame.frames[Int(flame.frame[v])], view: flame.view)
            let text = prefix.last.map { $0.text + ";" + name } ?? name
            if flame.selfSize[v] > 0 {
                out += text
                out += " \(flame.selfSize[v])\n"
            }
            prefix.append((v, text))
        }
    }

    /// A frame in the view's words, made safe for the format: no `;` (the frame separator)
    /// and no control characters (a line is a record), since file and class names come
    /// from the dump unescaped.
    static func frameText(_ f: FlameFrame, view: FlameView) -> String {
        clean(frameName(f, view: view))
    }

    /// A frame's name, in any renderer's words: `HASH Cache (app/cache.rb:12)`.
    static func frameName(_ f: FlameFrame, view: FlameView) -> String {
        switch f {
        case let .objects(type, className, site, gem):
            switch view {
            case .object:
                return "\(type?.name ?? "?") \(Names.className(className)) \(Names.site(site))"
            case .class:
                return "\(type?.name ?? "?") \(Names.className(className))"
            case .site:
                return Names.site(site)
            case .gem:
                return Names.gem(gem)
            }
        case let .deeper(depth):
            return "(deeper than \(depth) dominators: cut)"
        case let .other(subtrees):
            return "(\(Format.count(subtrees)) smaller subtrees)"
        }
    }

    static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == ";" || $0.value < 0x20 || $0.value == 0x7f }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == ";" { out.append(":") }
            else if u.value < 0x20 || u.value == 0x7f { out.append("?") }
            else { out.append(u) }
        }
        return String(out)
    }
}
