/// Text made safe for a format by replacing some characters: the one loop behind the DOT,
/// HTML and script-block escapes.
enum Escaping {
    /// `s` with each scalar that `replacement` maps replaced by what it gives.
    static func replacing(_ s: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            if let r = replacement(ch) { out += r } else { out.unicodeScalars.append(ch) }
        }
        return out
    }
}
