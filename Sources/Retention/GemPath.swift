/// The gem a source file belongs to, read from its path as RubyGems, Bundler and Debian lay
/// gems out: `…/gems/NAME-VERSION/…` (the last such segment), `…/bundler/gems/NAME-REV/…`,
/// `…/extensions/PLATFORM/ABI/NAME-VERSION/…`.
enum GemPath {
    /// The gem's name without its version; `nil` for a file of no gem.
    ///
    /// - Complexity: O(path length).
    static func name(ofFile path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var found: Substring? = nil
        for (k, part) in parts.enumerated() where k > 0 {
            let parent = parts[k - 1]
            let underExtensions = k >= 3 && parts[k - 3] == "extensions"
            if parent == "gems" || underExtensions, let dash = part.lastIndex(of: "-") {
                let rest = part[part.index(after: dash)...]
                let isVersion = rest.first?.isNumber == true
                let isGitCheckout = parent == "gems" && k >= 2 && parts[k - 2] == "bundler"
                if isVersion || isGitCheckout { found = part[..<dash] }
            }
        }
        return found.map(String.init)
    }
}
