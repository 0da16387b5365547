import Foundation
import Testing
@testable import GraphCLI

@Suite("The report's pieces, in-process: SHA-256, and text that stays text")
struct ReportPieceTests {
    static func hex(_ d: [UInt8]) -> String { d.map { String(format: "%02x", $0) }.joined() }

    @Test("SHA-256: the FIPS 180-4 examples, and every length across the padding boundaries against sha256sum")
    func sha256() throws {
        #expect(Self.hex(SHA256.digest(Array("".utf8))) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Self.hex(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.hex(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        guard let sum = ["/usr/bin/sha256sum", "/bin/sha256sum"].first(where: FileManager.default.isExecutableFile) else { return }
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000] {
            let bytes = (0 ..< length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            let p = Process(), input = Pipe(), output = Pipe()
            p.executableURL = URL(fileURLWithPath: sum)
            p.standardInput = input
            p.standardOutput = output
            try p.run()
            input.fileHandleForWriting.write(Data(bytes))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(Self.hex(SHA256.digest(bytes)) == String(text.prefix(64)), "length \(length)")
        }
    }

    @Test("HTML text and the JSON block: no markup, no end of the script block, the same JSON once read")
    func escapes() throws {
        let hostile = "</script><img src=x onerror=alert(1)> <!-- ]]> \"'& \u{2028}\u{2029}"
        #expect(HTMLReport.escape(hostile) == "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &lt;!-- ]]&gt; &quot;&#39;&amp; \u{2028}\u{2029}")
        let json = JSON.object([("s", .string(hostile))]).text
        let safe = HTMLReport.scriptSafe(json)
        #expect(!safe.contains("<") && !safe.contains(">") && !safe.contains("&") && !safe.contains("\u{2028}"))
        let read = try JSONSerialization.jsonObject(with: Data(safe.utf8)) as? [String: String]
        #expect(read?["s"] == hostile)
    }

    @Test("Folded frames: a ; or a control character from the dump cannot split a frame or a line")
    func foldedFrames() {
        #expect(FoldedStacks.clean("a;b\nc\u{7f}d") == "a:b?c?d")
        #expect(FoldedStacks.clean("plain") == "plain")
    }
}
