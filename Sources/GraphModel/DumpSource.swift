import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a dump, from a file or standard input, gzipped or not.
///
/// zlib's `gzread` reads plain files as they are and decompresses gzip streams (several
/// members included), so one reader serves both, and nothing is held but its buffer.
final class DumpSource {
    let name: String
    /// The file's size on disk, when known (for progress; compressed size for `.gz`).
    let diskSize: UInt64?
    private var file: gzFile?
    private let fd: Int32

    init(path: String) throws(DumpError) {
        name = path
        if path == "-" {
            fd = dup(0)
        } else {
            fd = open(path, O_RDONLY)
        }
        guard fd >= 0 else {
            throw .unreadable(source: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .unreadable(source: path, reason: "it is a directory, not a dump file")
        }
        diskSize = (info.st_mode & S_IFMT) == S_IFREG ? UInt64(info.st_size) : nil
        guard let gz = gzdopen(fd, "rb") else {
            close(fd)
            throw .unreadable(source: path, reason: "zlib could not open it")
        }
        gzbuffer(gz, 1 << 20)
        file = gz
    }

    deinit {
        if let file { gzclose(file) }
    }

    /// Bytes of the compressed input consumed so far (for progress).
    var diskOffset: UInt64 {
        guard let file else { return 0 }
        return UInt64(max(0, gzoffset(file)))
    }

    /// Whether the input is a gzip stream (as opposed to plain text read through).
    var isCompressed: Bool {
        guard let file else { return false }
        return gzdirect(file) == 0
    }

    /// Fills `buffer` as far as the input allows; returns the bytes read (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DumpError) -> Int {
        guard let file, let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let want = UInt32(min(buffer.count - total, 1 << 30))
            let n = gzread(file, base + total, want)
            if n < 0 {
                var code: Int32 = 0
                let message = String(cString: gzerror(file, &code))
                throw .unreadable(source: name, reason: code == Z_ERRNO ? String(cString: strerror(errno)) : "gzip data is corrupt (\(message))")
            }
            if n == 0 { break }
            total += Int(n)
        }
        return total
    }

    /// Whether the input stopped early: a gzip stream that ends before its trailer.
    var endedEarly: Bool {
        guard let file else { return false }
        var code: Int32 = 0
        _ = gzerror(file, &code)
        return code == Z_BUF_ERROR
    }
}
