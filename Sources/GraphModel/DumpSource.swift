import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a dump, from a file or standard input, gzipped or not.
///
/// zlib's `gzread` decompresses gzip streams (several members included) and reads anything
/// else as it is, so one reader serves both, and nothing is held but its buffer. A regular
/// file that does not start with gzip's magic bytes is read with `read(2)` straight into the
/// caller's buffer instead, which saves zlib's copy of every byte.
final class DumpSource {
    let name: String
    /// The file's size on disk, when known (for progress; compressed size for `.gz`).
    let diskSize: UInt64?
    private var file: gzFile?
    private let fd: Int32
    /// Read with `read(2)`, not through zlib.
    private let plain: Bool
    private var plainOffset: UInt64 = 0

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
        let regular = (info.st_mode & S_IFMT) == S_IFREG
        diskSize = regular ? UInt64(info.st_size) : nil
        var magic: (UInt8, UInt8) = (0, 0)
        let descriptor = fd
        plain = regular && withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) } >= 0
            && !(magic.0 == 0x1F && magic.1 == 0x8B)
        if plain {
            #if canImport(Glibc)
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
            #endif
            return
        }
        guard let gz = gzdopen(fd, "rb") else {
            close(fd)
            throw .unreadable(source: path, reason: "zlib could not open it")
        }
        gzbuffer(gz, 1 << 20)
        file = gz
    }

    deinit {
        if let file { gzclose(file) } else if plain { close(fd) }
    }

    /// Bytes of the compressed input consumed so far (for progress).
    var diskOffset: UInt64 {
        if plain { return plainOffset }
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
        if plain { return try readPlain(into: buffer) }
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

    private func readPlain(into buffer: UnsafeMutableRawBufferPointer) throws(DumpError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let n = systemRead(fd, base + total, buffer.count - total)
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(source: name, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            total += n
        }
        plainOffset += UInt64(total)
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

/// `read(2)`, named apart from ``DumpSource/read(into:)``.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
