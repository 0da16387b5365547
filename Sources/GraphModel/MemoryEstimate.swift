#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What loading a dump will need, said before it is loaded, so that a dump too large for the
/// machine gets a message instead of the kernel's out-of-memory killer.
public struct MemoryEstimate: Sendable {
    /// Bytes the graph of the dump is expected to need at its peak.
    public var needed: UInt64
    /// Bytes the machine (or the container's memory limit) has available now; `nil` if unknown.
    public var available: UInt64?

    /// Peak resident memory per byte of dump text, measured on real dumps (0.25 to 0.38 for
    /// summary, top, leaks and report of a 1.16 GB dump, 2026-12-02), with a margin.
    public static let peakPerDumpByte = 0.45
    /// Decompressed bytes per gzip byte assumed for `.gz` dumps (real dumps compress 15 to 25
    /// times; the estimate errs towards needing more).
    public static let gzipExpansion: UInt64 = 25

    /// The estimate for the file at `path`, or `nil` when its size is not known in advance
    /// (standard input, a pipe).
    public static func forDump(at path: String) -> MemoryEstimate? {
        guard path != "-" else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var size = UInt64(info.st_size)
        if isGzip(path) { size = size &* gzipExpansion }
        return MemoryEstimate(needed: UInt64(Double(size) * peakPerDumpByte), available: availableMemory())
    }

    /// Whether the estimate exceeds what is available.
    public var exceedsAvailable: Bool {
        guard let available else { return false }
        return needed > available
    }

    private static func isGzip(_ path: String) -> Bool {
        guard let f = fopen(path, "rb") else { return false }
        defer { fclose(f) }
        var magic: [UInt8] = [0, 0]
        return fread(&magic, 1, 2, f) == 2 && magic == [0x1F, 0x8B]
    }

    /// MemAvailable from /proc/meminfo, lowered to the room left under this process's
    /// memory cgroup limit (cgroup v2 `memory.max`, or v1 `memory.limit_in_bytes`) if any.
    public static func availableMemory() -> UInt64? {
        var available: UInt64? = nil
        if let text = readText("/proc/meminfo") {
            for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let digits = line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) }
                available = digits.map { $0 * 1024 }
            }
        }
        if let room = cgroupRoom() { available = min(available ?? room, room) }
        return available
    }

    /// The memory limit of this process's cgroup minus its usage, when a limit is set.
    static func cgroupRoom() -> UInt64? {
        guard let text = readText("/proc/self/cgroup") else { return nil }
        func number(_ path: String) -> UInt64? {
            readText(path).flatMap { UInt64($0.split(separator: "\n").first ?? "") }
        }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            var limit: UInt64? = nil, used: UInt64? = nil
            if parts[1] == "memory" {  // cgroup v1
                limit = number("/sys/fs/cgroup/memory\(path)/memory.limit_in_bytes")
                used = number("/sys/fs/cgroup/memory\(path)/memory.usage_in_bytes")
            } else if parts[0] == "0" && parts[1].isEmpty {  // cgroup v2
                limit = number("/sys/fs/cgroup\(path)/memory.max")
                used = number("/sys/fs/cgroup\(path)/memory.current")
            }
            // v1 writes a huge number for "no limit"; v2 writes "max" (not a number).
            if let limit, limit < (1 << 60), let used {
                return limit > used ? limit - used : 0
            }
        }
        return nil
    }

    private static func readText(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
