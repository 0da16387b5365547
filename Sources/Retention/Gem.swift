import GraphModel

/// A gem as an allocation site's file path names it: `rack-2.2.22` is `rack`, version `2.2.22`.
public struct GemName: Hashable, Sendable, Comparable {
    public var name: String
    /// The version the path gives (`…/gems/rack-2.2.22/…`); `nil` for a git checkout.
    public var version: String?
    /// The revision of a Bundler git checkout (`…/bundler/gems/rails-1a2b3c4d5e6f/…`).
    public var revision: String?

    public init(name: String, version: String? = nil, revision: String? = nil) {
        self.name = name
        self.version = version
        self.revision = revision
    }

    public static func < (a: GemName, b: GemName) -> Bool {
        (a.name, a.version ?? "", a.revision ?? "") < (b.name, b.version ?? "", b.revision ?? "")
    }
}

/// Whose code allocated an object, from its allocation site's file: a gem, Ruby itself, or the
/// application. An object with no file (untraced, or a site without one) has none: `nil`.
public enum Gem: Hashable, Sendable, Comparable {
    case gem(GemName)
    /// `<internal:…>` files and the standard library (`…/lib/ruby/3.1.0/…`, `…/ruby/3.1.0/x.so`).
    case ruby
    /// Any other file.
    case app

    /// Ordered for stable output only: gems by name, then Ruby, then the application.
    public static func < (a: Gem, b: Gem) -> Bool {
        switch (a, b) {
        case let (.gem(x), .gem(y)): return x < y
        case (.gem, _): return true
        case (.ruby, .app): return true
        default: return false
        }
    }

    /// The origin of code in `file`; `nil` for no file.
    ///
    /// - `…/gems/NAME-VERSION/…` (VERSION starts with a digit; the last such segment counts):
    ///   RubyGems, Bundler and Debian's rubygems-integration directories;
    /// - `…/bundler/gems/NAME-REVISION/…`: Bundler's git checkouts;
    /// - `…/extensions/PLATFORM/ABI/NAME-VERSION/…`: compiled extensions;
    /// - `<internal:…>`, `…/lib/ruby/X.Y.Z/…` and `…/ruby/X.Y.Z/NAME.so`: Ruby;
    /// - anything else: the application.
    ///
    /// - Complexity: O(length of `file`).
    public static func of(file: String?) -> Gem? {
        guard let file else { return nil }
        if file.hasPrefix("<internal:") { return .ruby }
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        var j = parts.count - 2  // the file name itself is no gem directory
        while j >= 1 {
            let segment = parts[j]
            if parts[j - 1] == "gems" {
                if j >= 2, parts[j - 2] == "bundler", let dash = segment.lastIndex(of: "-"), dash != segment.startIndex {
                    return .gem(GemName(name: String(segment[..<dash]), revision: String(segment[segment.index(after: dash)...])))
                }
                if let gem = nameAndVersion(segment) { return .gem(gem) }
            }
            if j >= 3, parts[j - 3] == "extensions", let gem = nameAndVersion(segment) { return .gem(gem) }
            j -= 1
        }
        for i in parts.indices.dropLast() where parts[i] == "ruby" && isRubyVersion(parts[i + 1]) {
            if i > 0 && parts[i - 1] == "lib" { return .ruby }
            if file.hasSuffix(".so") { return .ruby }
        }
        return .app
    }

    /// `rack-2.2.22` as name and version: split at the first `-` followed by a digit.
    static func nameAndVersion(_ segment: Substring) -> GemName? {
        var i = segment.startIndex
        while let dash = segment[i...].firstIndex(of: "-") {
            let next = segment.index(after: dash)
            guard next < segment.endIndex else { return nil }
            if dash != segment.startIndex, segment[next].isASCII, segment[next].isNumber {
                return GemName(name: String(segment[..<dash]), version: String(segment[next...]))
            }
            i = next
        }
        return nil
    }

    /// `3.1.0`: digits and dots, starting with a digit.
    static func isRubyVersion(_ s: Substring) -> Bool {
        guard let first = s.first, first.isASCII, first.isNumber else { return false }
        return s.contains(".") && s.allSatisfy { $0 == "." || ($0.isASCII && $0.isNumber) }
    }
}

/// The gem of each of a graph's allocation sites, classified once per site (never per object).
public struct SiteGems: Sendable {
    /// The distinct origins, `nil` (no file) among them.
    public private(set) var gems: [Gem?] = []
    /// Per site ID, then one more for objects without a site: an index into `gems`.
    public private(set) var ofSite: [UInt32]

    /// - Complexity: O(sites × path length).
    public init(_ graph: HeapGraph) {
        var slots: [Gem?: UInt32] = [:]
        var gems: [Gem?] = []
        func slot(_ g: Gem?) -> UInt32 {
            if let s = slots[g] { return s }
            let s = UInt32(gems.count)
            gems.append(g)
            slots[g] = s
            return s
        }
        var fileGem: [StringID: UInt32] = [:]
        ofSite = graph.sites.map { site in
            if site.file.isNone { return slot(nil) }
            if let s = fileGem[site.file] { return s }
            let s = slot(Gem.of(file: graph.strings[site.file]))
            fileGem[site.file] = s
            return s
        }
        ofSite.append(slot(nil))
        self.gems = gems
    }

    /// The index into `gems` of object `i`'s origin.
    @inline(__always)
    public func slot(of graph: HeapGraph, _ i: Int) -> Int {
        let s = graph.site[i]
        return s.isNone ? slotWithoutSite : slot(ofSite: s)
    }

    /// The index into `gems` of a site's origin.
    @inline(__always)
    public func slot(ofSite s: SiteID) -> Int { Int(ofSite[Int(s.rawValue)]) }

    /// The index into `gems` of the objects without a site (`nil`).
    public var slotWithoutSite: Int { Int(ofSite[ofSite.count - 1]) }

    /// Object `i`'s origin; `nil` where its site has no file or it has no site.
    public func gem(of graph: HeapGraph, _ i: Int) -> Gem? { gems[slot(of: graph, i)] }
}
