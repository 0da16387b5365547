// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "retention",
    products: [
        .executable(name: "retention", targets: ["GraphCLI"]),
        .library(name: "GraphModel", targets: ["GraphModel"]),
        .library(name: "Retention", targets: ["Retention"]),
    ],
    targets: [
        // zlib, from the system: lets the reader take `.gz` dumps as they are.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Dump bytes to a compact, address-indexed object graph.
        .target(name: "GraphModel", dependencies: ["CZlib"]),
        // Graph to findings: summaries, diffs, root paths, dominators.
        .target(name: "Retention", dependencies: ["GraphModel"]),
        // The `retention` executable: findings to text, JSON and DOT.
        .executableTarget(name: "GraphCLI", dependencies: ["GraphModel", "Retention"]),
        // What the test suites share: repository paths, a seeded generator, subprocesses.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GraphModelTests", dependencies: ["GraphModel", "TestSupport"]),
        .testTarget(name: "RetentionTests", dependencies: ["GraphModel", "Retention", "TestSupport"]),
        .testTarget(name: "GraphCLITests", dependencies: ["GraphCLI", "TestSupport"]),
    ]
)
