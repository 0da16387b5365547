import Foundation
import Testing

/// The memory check before a load, in a memory cgroup too small for the dump: a message,
/// exit 1, instead of the out-of-memory killer. Needs root and cgroup v1 or v2 with a
/// writable memory controller (as on this project's machines and CI).
@Suite("A dump too large for the memory available")
struct MemoryCheckTests {
    /// A memory cgroup directory this process may create, with the files to set a limit.
    static var cgroup: (directory: String, limitFile: String)? {
        let id = "retention-test-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        if fm.isWritableFile(atPath: "/sys/fs/cgroup/memory"), fm.fileExists(atPath: "/sys/fs/cgroup/memory/memory.limit_in_bytes") {
            return ("/sys/fs/cgroup/memory/\(id)", "memory.limit_in_bytes")
        }
        if fm.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers"), fm.isWritableFile(atPath: "/sys/fs/cgroup") {
            return ("/sys/fs/cgroup/\(id)", "memory.max")
        }
        return nil
    }

    static var canLimit: Bool { getuid() == 0 && cgroup != nil }

    @Test("A 400 MB dump in 64 MB of memory is refused with what it needs and what there is",
          .enabled(if: canLimit, "needs root and a writable memory cgroup"))
    func refusedBeforeLoading() throws {
        let group = try #require(Self.cgroup)
        try FileManager.default.createDirectory(atPath: group.directory, withIntermediateDirectories: false)
        defer { rmdir(group.directory) }
        try "64M".write(toFile: group.directory + "/" + group.limitFile, atomically: false, encoding: .utf8)
        // A sparse file: its size is what the estimate reads; nothing is loaded.
        let dump = Retention.temporaryPath(".json")
        FileManager.default.createFile(atPath: dump, contents: Data("{\"type\":\"ROOT\", \"root\":\"vm\"}\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dump))
        try handle.truncate(atOffset: 400_000_000)
        try handle.close()

        let executable = try #require(Retention.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "echo $$ > \(group.directory)/cgroup.procs && exec \"$0\" summary \"$1\"", executable.path, dump]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(message)")
        #expect(message.contains(dump))
        #expect(message.contains("needs about"))
        #expect(message.contains("RETENTION_IGNORE_MEMORY"))
    }
}
