// swift-tools-version: 6.1
import Foundation
import PackageDescription

// Linux only (glibc, /proc, posix_spawn with extra descriptors, prctl): no platforms line.

/// The settings the Swift server packages use, on every Swift target. scripts/test (CI) sets
/// SKYPE_WARNINGS_AS_ERRORS=1, which makes a warning in our code (not in dependencies) an error
/// in every build of its run, with one set of flags, so nothing there is built twice.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
] + (ProcessInfo.processInfo.environment["SKYPE_WARNINGS_AS_ERRORS"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : [])

let package = Package(
    name: "skype-parallel-load",
    products: [
        .executable(name: "skype-parallel-load", targets: ["skype-parallel-load"]),
        // For the package benchmarks (Benchmarks/, a package of its own): what they call is the
        // only `public` API.
        .library(name: "SkypeExport", targets: ["SkypeExport"]),
        .library(name: "SyntheticExport", targets: ["SyntheticExport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // The viewer's HTTP server (`serve`). Its default traits (swift-configuration, full
        // Foundation) are not needed and cost build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        // Hummingbird's own dependency; named for its signal names (`serve` stops on SIGINT/SIGTERM).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
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
        // The targets follow the data path (Docs/architecture.md draws them); each is
        // commented here with what it owns. What they share is `package`; only what the
        // package benchmarks (Benchmarks/, a package of their own) call is `public`.
        //
        // Errors, thread-shared state, clocks, private files, the test pause points.
        .target(name: "SkypeSupport", swiftSettings: strict),
        // Reading an export: input layers, split into shards, JSON, transform into COPY rows,
        // structure, the media entries' bytes, `inspect`. No libpq.
        .target(
            name: "SkypeExport",
            dependencies: ["SkypeSupport", "CZstd", "CCrypto"],
            swiftSettings: strict
        ),
        // Per-shard metrics, the merged report and how it is shown: printed, JSON, Prometheus,
        // progress, the reject file.
        .target(
            name: "SkypeReport",
            dependencies: [
                "SkypeSupport",
                "SkypeExport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // Loading into PostgreSQL: the connection and its retries, COPY, one shard's
        // transaction, the ledger, the schema and its migrations, deferred index builds,
        // media chunks, `verify` and `export-media`.
        .target(
            name: "SkypePostgres",
            dependencies: ["SkypeSupport", "SkypeExport", "SkypeReport", "CLibPQ"],
            swiftSettings: strict
        ),
        // The processes: the coordinator and its supervisor, the workers, the pipe protocol
        // between them, the load's configuration.
        .target(
            name: "SkypeRuntime",
            dependencies: [
                "SkypeSupport",
                "SkypeExport",
                "SkypeReport",
                "SkypePostgres",
                "CProcessShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Reading the archive: the pages of `serve` and `export-html`, escaped by construction;
        // `search`; the read-only queries over a bounded pool of libpq connections.
        .target(
            name: "SkypeViewer",
            dependencies: [
                "SkypeSupport",
                "SkypeExport",
                "SkypePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "skype-parallel-load",
            dependencies: [
                "SkypeSupport",
                "SkypeViewer",
                "SkypeExport",
                "SkypeReport",
                "SkypePostgres",
                "SkypeRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Realistic synthetic exports for tests, the demo and benchmarks.
        .target(name: "SyntheticExport", swiftSettings: strict),
        .executableTarget(
            name: "skype-export-generator",
            dependencies: [
                "SyntheticExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SkypeLoadTests",
            dependencies: [
                "SkypeSupport",
                "SkypeExport",
                "SkypeReport",
                "SkypePostgres",
                "SkypeRuntime",
                "SkypeViewer",
                "SyntheticExport",
                "skype-parallel-load",
                "skype-export-generator",
            ],
            swiftSettings: strict
        ),
    ]
)

// Coverage-guided fuzzing (scripts/fuzz): a libFuzzer binary, only when asked for, since it has
// no `main` of its own (libFuzzer's is linked in by `--sanitize=fuzzer`).
if ProcessInfo.processInfo.environment["SKYPE_FUZZ"] == "1" {
    package.products.append(.executable(name: "skype-fuzz", targets: ["skype-fuzz"]))
    package.targets.append(.executableTarget(
        name: "skype-fuzz",
        // SkypeRuntime for the pipe protocol (its frames, the shard codec, the events).
        dependencies: ["SkypeSupport", "SkypeExport", "SkypeReport", "SkypeRuntime"],
        path: "Fuzz/Export",
        swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
    ))
}
