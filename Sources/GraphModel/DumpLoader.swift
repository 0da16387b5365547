#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How far a load has come, for a progress line.
public struct LoadProgress: Sendable {
    /// Bytes of dump text read so far (decompressed).
    public var bytesRead: UInt64
    /// Bytes of the file consumed so far, and its size, when the input is a file.
    public var diskBytesRead: UInt64
    public var diskSize: UInt64?
}

/// Reads a heap dump into a ``HeapGraph``.
///
/// The input is read in batches of a few megabytes, never whole: each batch is cut at record
/// boundaries into one piece per core, the pieces are parsed in parallel, and the results
/// are joined in dump order. Peak memory is the graph plus one batch.
public enum DumpLoader {
    public struct Options: Sendable {
        /// Make any line that is not valid JSON an error, recovered or not.
        public var strict = false
        /// Pieces parsed in parallel per batch.
        public var workers = processorCount
        /// Bytes of dump text per piece.
        public var pieceSize = 8 << 20
        /// Called after each batch.
        public var progress: (@Sendable (LoadProgress) -> Void)? = nil

        public init(strict: Bool = false) { self.strict = strict }
    }

    /// Reads the dump at `path` (`-` for standard input; gzipped or not).
    public static func load(_ path: String, options: Options = Options()) throws(DumpError) -> HeapGraph {
        let source = try DumpSource(path: path)
        var builder = GraphBuilder(source: path, expectedBytes: source.diskSize.map { source.isCompressed ? $0 * 8 : $0 })
        let workers = max(1, options.workers)
        var capacity = max(workers * options.pieceSize, 1 << 16)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        var eof = false
        var started = false
        var bytesRead: UInt64 = 0

        while true {
            if !eof {
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if filled + n < capacity { eof = true }
                filled += n
                bytesRead += UInt64(n)
            }
            var start = 0
            if !started {
                started = true
                start = try checkStart(buffer, filled, source)
            }
            // Safe because the buffer was allocated with `capacity` bytes and `filled` <= capacity.
            let bytes = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: filled)
            let cut: Int
            if eof {
                cut = filled
            } else if let last = lastRecordStart(bytes, from: start) {
                cut = last
            } else {
                // One record is longer than the buffer: make room and read on.
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[..<filled]))
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
                continue
            }
            let pieces = split(bytes, start, cut, into: workers)
            let endsDump = eof
            let last = pieces.count - 1
            let shared = ReadOnlyBytes(bytes: bytes)
            let blocks = parallelMap(count: pieces.count) { k in
                BlockParser.parse(UnsafeBufferPointer(rebasing: shared.bytes[pieces[k]]), endsDump: endsDump && k == last)
            }
            for block in blocks { try builder.append(block) }
            options.progress?(LoadProgress(bytesRead: bytesRead, diskBytesRead: source.diskOffset, diskSize: source.diskSize))
            if eof { break }
            // Carry the unfinished record to the front of the buffer.
            let rest = filled - cut
            if rest > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + cut, rest)
            }
            filled = rest
        }
        if source.endedEarly {
            builder.setTruncation("the gzip stream ends early: the file was cut off while being written or copied")
        }
        var graph = builder.finish()
        graph.diagnostics.byteCount = bytesRead
        if let cut = graph.diagnostics.issues.first(where: { $0.reason.hasPrefix("the dump ends") }),
           graph.diagnostics.truncation == nil {
            graph.diagnostics.truncation = "line \(cut.line): \(cut.reason)"
        }
        try check(graph, options: options)
        return graph
    }

    /// Validates the first bytes; returns where the records start (after a UTF-8 BOM).
    private static func checkStart(_ buffer: UnsafeMutableRawBufferPointer, _ filled: Int,
                                   _ source: DumpSource) throws(DumpError) -> Int {
        guard filled > 0 else { throw .empty(source: source.name) }
        let b = UnsafeRawBufferPointer(rebasing: buffer[..<filled])
        if filled >= 2, b[0] == 0x1F, b[1] == 0x8B { throw .gzippedTwice(source: source.name) }
        var i = 0
        if filled >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        while i < filled, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        guard i < filled else { throw .empty(source: source.name) }
        switch b[i] {
        case UInt8(ascii: "{"):
            return i
        case UInt8(ascii: "["):
            throw .notAHeapDump(source: source.name, reason: "it is a JSON array; a dump has one JSON object per line")
        default:
            let head = b[i ..< min(filled, i + 16)]
            if head.contains(where: { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) }) {
                let hex = head.prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
                throw .notAHeapDump(source: source.name, reason: "it holds binary data (it starts with the bytes \(hex))")
            }
            let text = String(decoding: b[i ..< min(filled, i + 40)].prefix { $0 != 0x0A }, as: UTF8.self)
            throw .notAHeapDump(source: source.name, reason: "line 1 is not a JSON object (it starts with \"\(text)\")")
        }
    }

    /// The start of the last record that begins in `bytes[from...]` after a newline: where the
    /// batch can be cut so that no record is split.
    private static func lastRecordStart(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = bytes.count - 1
        while i > from {
            if bytes[i] == UInt8(ascii: "{"), bytes[i - 1] == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    /// Cuts `start..<end` into about `parts` ranges, each beginning at a record's start.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                              into parts: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var lo = start
        for k in 1 ..< parts {
            var cut = max(lo, start + (end - start) * k / parts)
            while cut < end, !(bytes[cut] == UInt8(ascii: "{") && cut > 0 && bytes[cut - 1] == 0x0A) { cut += 1 }
            if cut > lo, cut < end {
                ranges.append(lo ..< cut)
                lo = cut
            }
        }
        ranges.append(lo ..< end)
        return ranges
    }

    /// Errors for what cannot be a usable result: nothing that looks like a dump, or any
    /// invalid line under `--strict`.
    private static func check(_ graph: HeapGraph, options: Options) throws(DumpError) {
        let d = graph.diagnostics
        let c = d.counts
        let good = c.records - c.skippedLines
        if good == 0 || (c.skippedLines > 10 && c.skippedLines > good) {
            let first = d.issues.first.map { "; line \($0.line): \($0.reason)" } ?? ""
            throw .notAHeapDump(source: d.source,
                                reason: "\(c.skippedLines) of its \(c.records) records are not heap-dump records\(first)")
        }
        if options.strict, let first = d.issues.first {
            throw .invalidLine(source: d.source, line: first.line, reason: first.reason)
        }
        if options.strict, let truncation = d.truncation {
            throw .invalidLine(source: d.source, line: d.lineCount, reason: truncation)
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// A batch's bytes, handed to the parsing threads.
private struct ReadOnlyBytes: @unchecked Sendable {
    // Safe because the threads only read it, and the buffer is neither written nor freed
    // until parallelMap has returned.
    let bytes: UnsafeBufferPointer<UInt8>
}
