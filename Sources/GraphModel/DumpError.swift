/// Why a dump could not be read. Each message names the dump and says what to do next.
public enum DumpError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(source: String, reason: String)
    /// The file holds no bytes.
    case empty(source: String)
    /// The bytes are not a heap dump (binary data, another format, a JSON array).
    case notAHeapDump(source: String, reason: String)
    /// Decompressing the file gave another gzip stream.
    case gzippedTwice(source: String)
    /// `--strict` was given and a line was not valid JSON.
    case invalidLine(source: String, line: Int, reason: String)
    /// The dump is too large for this build's 32-bit indices.
    case tooLarge(source: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(source, reason):
            return "\(source): cannot read the file: \(reason)."
        case let .empty(source):
            return "\(source): the file is empty. Write the dump with ObjectSpace.dump_all(output: File.open(path, \"w\")) and make sure the process finished writing it."
        case let .notAHeapDump(source, reason):
            return "\(source): not a Ruby heap dump: \(reason). retention reads the output of ObjectSpace.dump_all: one JSON object per line, optionally gzipped."
        case let .gzippedTwice(source):
            return "\(source): the file is gzipped twice. Decompress it once (gunzip) and pass the result."
        case let .invalidLine(source, line, reason):
            return "\(source):\(line): \(reason). Without --strict, lines like this are reported and skipped or recovered."
        case let .tooLarge(source, reason):
            return "\(source): \(reason)."
        }
    }
}
