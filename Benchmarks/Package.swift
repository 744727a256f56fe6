// swift-tools-version: 6.1
// Package benchmarks for the client side of a load, kept apart (as swift-nio does) so that the
// main package never builds the benchmark tool. Run from this folder:
//   swift package benchmark
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which depends on where the repository was cloned.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "skype-parallel-load-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ClientThroughput",
            dependencies: [
                .product(name: "SkypeExport", package: rootIdentity),
                .product(name: "SyntheticExport", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ClientThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
