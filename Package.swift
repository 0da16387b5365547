// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "retention",
    products: [
        .executable(name: "retention", targets: ["RetentionTool"]),
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
        // Findings to text, JSON and DOT, and the command line declared once: a library, so
        // that tests and fuzz targets call the commands and renderers in-process.
        .target(name: "GraphCLI", dependencies: ["GraphModel", "Retention"]),
        // The `retention` executable: `main` only.
        .executableTarget(name: "RetentionTool", dependencies: ["GraphCLI"]),
        // What the test suites share: repository paths, a seeded generator, subprocesses.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GraphModelTests", dependencies: ["GraphModel", "TestSupport"]),
        .testTarget(name: "RetentionTests", dependencies: ["GraphModel", "Retention", "TestSupport"]),
        // CZlib: the browser tests inflate Chromium's PNG screenshots.
        .testTarget(name: "GraphCLITests", dependencies: ["CZlib", "GraphModel", "Retention", "GraphCLI", "RetentionTool", "TestSupport"]),
    ]
)
