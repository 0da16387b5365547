#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GraphModel

/// Standard error: errors, warnings and progress. Results go to standard output only.
enum Terminal {
    static func errorLine(_ text: String) { write(text + "\n") }

    /// Writes to standard error unbuffered, so warnings interleave with progress in order.
    static func write(_ text: String) {
        var t = text
        t.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + done, buffer.count - done)
                if n <= 0 { return }
                done += n
            }
        }
    }

    static func error(_ text: String) { errorLine("Error: \(text)") }
    static func warning(_ text: String) { errorLine("warning: \(text)") }

    /// A line of progress or information: on standard error only when it is a terminal, so
    /// that what scripts and CI read there is errors and warnings alone.
    static func progressLine(_ text: String) {
        if stderrIsTerminal { errorLine(text) }
    }

    /// Whether standard error is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

/// A progress line on standard error while a dump loads, redrawn in place; shown only when
/// standard error is a terminal.
final class ProgressLine: @unchecked Sendable {
    // Safe because the loader calls `update` from one thread at a time (between batches).
    private let name: String
    private var lastDraw: Double = 0
    private var drawn = false

    init(name: String) { self.name = name }

    func update(_ p: LoadProgress) {
        let now = Self.seconds()
        guard now - lastDraw >= 0.2 else { return }
        lastDraw = now
        var text = "Reading \(name): \(Format.bytes(p.bytesRead))"
        if let size = p.diskSize, size > 0 {
            let pct = min(100, Int(Double(p.diskBytesRead) * 100 / Double(size)))
            text = "Reading \(name): \(pct)% (\(Format.bytes(p.bytesRead)) of text)"
        }
        Terminal.write("\r\u{1B}[K" + text)
        drawn = true
    }

    func finish() {
        if drawn { Terminal.write("\r\u{1B}[K") }
    }

    private static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
