import Foundation

/// Where the repository's files are, found from this file's path, and temporary paths.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/Fixtures/ruby-dumps`: small real dumps of Ruby 2.7, 3.1, 3.3, 3.4, 4.0 and 4.1-dev, and probes.
    public static let fixtures = root.appendingPathComponent("Tests/Fixtures/ruby-dumps")
    /// `Examples/dumps`: the example shop's three dumps and their facts.
    public static let examples = root.appendingPathComponent("Examples/dumps")

    public static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name + ".json.gz").path }
    public static func example(_ k: Int) -> String { examples.appendingPathComponent("shop-heap\(k).json.gz").path }

    /// A fresh path in the temporary directory; nothing is written there yet.
    public static func temporaryPath(_ suffix: String = "") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("retention-test-\(UUID().uuidString)\(suffix)").path
    }
}

/// SplitMix64: a small seeded generator, so that random tests repeat.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
