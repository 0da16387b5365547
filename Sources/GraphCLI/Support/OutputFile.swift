import Foundation

/// Writing a command's output to a file.
enum OutputFile {
    /// Writes `text` to `path` (`-`: standard output) whole or not at all: into a temporary
    /// file beside it, then renamed over it.
    static func write(_ text: String, to path: String) throws(OutputError) {
        if path == "-" {
            print(text, terminator: "")
            return
        }
        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "w") else {
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var ok = true
        var t = text
        t.withUTF8 { buffer in ok = fwrite(buffer.baseAddress, 1, buffer.count, file) == buffer.count }
        ok = fclose(file) == 0 && ok
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError("cannot write \(path): \(reason)")
        }
    }
}

struct OutputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
