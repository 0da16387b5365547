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
        /// Build the edges and keep string values. Without them the graph holds the objects
        /// and their identities only, for the earlier dumps of a diff (far less memory).
        public var edges = true
        /// Keep STRING, SYMBOL and FLOAT values; `nil`: as `edges` says. (`waste` reads the
        /// values and no references.)
        public var values: Bool? = nil
        /// Called after each batch.
        public var progress: (@Sendable (LoadProgress) -> Void)? = nil

        public init(strict: Bool = false) { self.strict = strict }
    }

    /// Reads the dump at `path` (`-` for standard input; gzipped or not).
    ///
    /// Two buffers take turns: while the pieces of one batch are parsed on the worker
    /// threads, this thread reads (and decompresses) the next batch into the other.
    public static func load(_ path: String, options: Options = Options()) throws(DumpError) -> HeapGraph {
        var clock = PhaseClock()
        let source = try DumpSource(path: path)
        var builder = GraphBuilder(source: path, expectedBytes: source.diskSize.map { source.isCompressed ? $0 * 8 : $0 },
                                   edges: options.edges, values: options.values ?? options.edges)
        let workers = max(1, options.workers)
        var current = ByteBuffer(capacity: max(workers * options.pieceSize, 1 << 16))
        var next = ByteBuffer(capacity: current.capacity)
        // Two sets of blocks take turns too: one batch's blocks join the graph while the next
        // batch is parsed into the other set.
        let blockSets = [BlockSlots(count: workers), BlockSlots(count: workers)]
        let keepEdges = options.edges
        var turn = 0
        var pending = 0  // pieces of the previous batch, parsed, not yet joined
        var bytesRead: UInt64 = 0
        var eof = false

        var n = try source.read(into: current.room)
        current.filled = n
        eof = current.filled < current.capacity
        bytesRead += UInt64(n)
        var start = try checkStart(current, source)

        while true {
            let bytes = current.bytes
            let cut: Int
            if eof {
                cut = current.filled
            } else if let last = lastRecordStart(bytes, from: start) {
                cut = last
            } else {
                // One record is longer than the buffer: make room and read on.
                current.grow()
                next.grow()
                n = try source.read(into: current.room)
                current.filled += n
                bytesRead += UInt64(n)
                eof = current.filled < current.capacity
                continue
            }
            let pieces = split(bytes, start, cut, into: workers)
            let endsDump = eof
            let shared = ReadOnlyBytes(bytes: bytes)
            let blocks = blockSets[turn]
            let workers = pieces.indices.map { k in
                let last = k == pieces.count - 1
                return WorkerThread {
                    blocks.parse(k, UnsafeBufferPointer(rebasing: shared.bytes[pieces[k]]), endsDump: endsDump && last,
                                 keepReferences: keepEdges)
                }
            }
            let wait = { for w in workers { w.join() } }
            // Read the next batch while the workers parse this one: the unfinished record at
            // the end of this batch first, then fresh bytes.
            if !eof {
                let rest = current.filled - cut
                next.filled = 0
                next.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[cut...]))
                do {
                    n = try source.read(into: next.room)
                } catch {
                    wait()
                    throw error
                }
                next.filled = rest + n
                bytesRead += UInt64(n)
                eof = next.filled < next.capacity
            }
            // Join the previous batch while this one is parsed.
            do {
                for k in 0 ..< pending { try builder.append(blockSets[1 - turn][k]) }
            } catch {
                wait()
                throw error
            }
            wait()
            pending = pieces.count
            options.progress?(LoadProgress(bytesRead: bytesRead, diskBytesRead: source.diskOffset, diskSize: source.diskSize))
            if endsDump { break }
            swap(&current, &next)
            turn = 1 - turn
            start = 0
        }
        for k in 0 ..< pending { try builder.append(blockSets[turn][k]) }
        current.release()
        next.release()
        for set in blockSets { set.release() }
        if source.endedEarly {
            builder.setTruncation("the gzip stream ends early: the file was cut off while being written or copied")
        }
        clock.lap("read and parse")
        var graph = builder.finish(&clock)
        graph.diagnostics.byteCount = bytesRead
        if let cut = graph.diagnostics.cutOff, graph.diagnostics.truncation == nil {
            graph.diagnostics.truncation = "line \(cut.line): \(cut.reason)"
        }
        try check(graph, options: options)
        clock.lap("check")
        return graph
    }

    /// Validates the first bytes; returns where the records start (after a UTF-8 BOM).
    private static func checkStart(_ buffer: ByteBuffer, _ source: DumpSource) throws(DumpError) -> Int {
        let filled = buffer.filled
        guard filled > 0 else { throw .empty(source: source.name) }
        let b = UnsafeRawBufferPointer(buffer.bytes)
        if filled >= 2, b[0] == 0x1F, b[1] == 0x8B { throw .gzippedTwice(source: source.name) }
        var i = 0
        if filled >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        // Records start after the BOM; blank lines before the first record are the parser's
        // to skip (and count, so that line numbers stay right).
        let start = i
        while i < filled, ASCII.isWhitespace(b[i]) { i += 1 }
        guard i < filled else { throw .empty(source: source.name) }
        switch b[i] {
        case UInt8(ascii: "{"):
            return start
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
    /// The text padded on the left to `width` characters (hex bytes, escapes).
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// A growable byte buffer for one batch of dump text, freed when released or dropped.
final class ByteBuffer {
    private var base: UnsafeMutableRawPointer?
    private(set) var capacity: Int
    var filled = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base?.deallocate() }

    /// The bytes read so far.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: filled)
    }

    /// The room after them.
    var room: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base.map { $0 + filled }, count: capacity - filled)
    }

    func append(_ data: UnsafeRawBufferPointer) {
        // Safe because callers append at most `capacity - filled` bytes to a live buffer.
        if let src = data.baseAddress, data.count > 0 {
            (base! + filled).copyMemory(from: src, byteCount: data.count)
        }
        filled += data.count
    }

    /// Doubles the capacity, keeping the bytes.
    func grow() {
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: max(capacity * 2, 1 << 16), alignment: 16)
        if let base { bigger.copyMemory(from: base, byteCount: filled) }
        base?.deallocate()
        base = bigger
        capacity = max(capacity * 2, 1 << 16)
    }

    /// Frees the memory now (the loader's buffers are not needed once the batches are joined).
    func release() {
        base?.deallocate()
        base = nil
        capacity = 0
        filled = 0
    }
}

/// The blocks the worker threads parse into, one per piece of a batch, kept from batch to
/// batch so that their arrays are allocated once.
final class BlockSlots: @unchecked Sendable {
    // Safe because slot k is written only by the task parsing piece k, and read by the
    // loading thread only after the batch's worker threads have been joined.
    private let slots: UnsafeMutablePointer<ParsedBlock>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: ParsedBlock(expectedBytes: 0), count: count)
    }

    func parse(_ k: Int, _ bytes: UnsafeBufferPointer<UInt8>, endsDump: Bool, keepReferences: Bool) {
        BlockParser.parse(bytes, endsDump: endsDump, keepReferences: keepReferences, into: &slots[k])
    }

    subscript(k: Int) -> ParsedBlock { slots[k] }

    /// Frees the blocks' arrays (they are not needed once the batches are joined).
    func release() {
        for k in 0 ..< count { slots[k] = ParsedBlock(expectedBytes: 0) }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}

/// A batch's bytes, handed to the parsing threads.
private struct ReadOnlyBytes: @unchecked Sendable {
    // Safe because the threads only read it, and the buffer is neither written nor freed
    // until they have been joined.
    let bytes: UnsafeBufferPointer<UInt8>
}
