#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time of named phases, printed to standard error when the environment variable
/// `RETENTION_TIMING` is set: how the benchmark tells reading from resolving from analysis.
package struct PhaseClock: Sendable {
    package static let enabled = getenv("RETENTION_TIMING") != nil
    private var last = PhaseClock.now()

    package init() {}

    /// Prints the time since the previous lap (or since `init`) under `name`.
    package mutating func lap(_ name: String) {
        let t = PhaseClock.now()
        if PhaseClock.enabled {
            let ms = Int((t - last) * 1000)
            var line = "timing: \(name) \(ms) ms, \(PhaseClock.memory())\n"
            line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        }
        last = t
    }

    /// Resident and peak resident memory, from /proc/self/status.
    static func memory() -> String {
        guard let f = fopen("/proc/self/status", "r") else { return "" }
        defer { fclose(f) }
        var parts: [String] = []
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS") || text.hasPrefix("VmHWM") {
                parts.append(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " "))
            }
        }
        return parts.joined(separator: ", ")
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
