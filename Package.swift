// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "skype-parallel-load",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skype-parallel-load", targets: ["skype-parallel-load"]),
        .library(name: "SkypeLoad", targets: ["SkypeLoad"]),
        .library(name: "SyntheticExport", targets: ["SyntheticExport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // SHA-256 for media content addresses: OpenSSL's libcrypto uses the CPU's SHA
        // instructions and costs no build time (swift-crypto added over a minute to a clean build).
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // posix_spawn with extra descriptors, pipe2 and prctl are not visible through Glibc.
        .target(
            name: "CProcessShims",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(
            name: "SkypeLoad",
            dependencies: [
                "CLibPQ",
                "CZstd",
                "CCrypto",
                "CProcessShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "skype-parallel-load",
            dependencies: [
                "SkypeLoad",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Realistic synthetic exports for tests, the demo and benchmarks.
        .target(name: "SyntheticExport"),
        .executableTarget(
            name: "skype-export-generator",
            dependencies: [
                "SyntheticExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SkypeLoadTests",
            dependencies: ["SkypeLoad", "SyntheticExport", "skype-parallel-load", "skype-export-generator"]
        ),
    ]
)
