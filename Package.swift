// swift-tools-version: 6.2
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "floodgauge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "floodgauge", targets: ["floodgauge"]),
        .library(name: "GaugeCore", targets: ["GaugeCore"]),
        // For the nested Benchmarks/ package, which weighs storage against raw sqlite3 inserts.
        .library(name: "GaugeStore", targets: ["GaugeStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // MARK: - C libraries, found through pkg-config
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        // MARK: - Pure Swift core: no C libraries, no Foundation
        .target(
            name: "GaugeCore",
            dependencies: [.product(name: "Atomics", package: "swift-atomics")],
            swiftSettings: settings
        ),

        // MARK: - One adapter per C library
        .target(
            name: "GaugeStore",
            dependencies: ["GaugeCore", "CSQLite"],
            swiftSettings: settings
        ),
        .target(
            name: "GaugeMQTT",
            dependencies: ["CMosquitto", "GaugeCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings
        ),
        .target(
            name: "GaugeSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings
        ),

        // MARK: - Wiring and the CLI
        .target(
            name: "GaugeDaemon",
            dependencies: [
                "GaugeCore", "GaugeStore", "GaugeMQTT", "GaugeSystemd",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "floodgauge",
            dependencies: [
                "GaugeCore", "GaugeDaemon", "GaugeStore", "GaugeSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // MARK: - Tests
        // What more than one test target needs: a tmpfs to fill.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: settings),
        .testTarget(name: "GaugeCoreTests", dependencies: ["GaugeCore"], swiftSettings: settings),
        .testTarget(name: "GaugeStoreTests", dependencies: ["GaugeStore", "GaugeCore"], swiftSettings: settings),
        .testTarget(
            name: "GaugeDaemonTests",
            dependencies: [
                "GaugeDaemon", "GaugeCore", "GaugeStore", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // GaugeDaemon and GaugeCore only to lay out ring files for the daemon to recover.
        .testTarget(
            name: "EndToEndTests", dependencies: ["floodgauge", "GaugeDaemon", "GaugeCore", "TestSupport"],
            swiftSettings: settings),
    ]
)
