// swift-tools-version: 6.2
import PackageDescription

// Coverage-guided fuzzing of the decoders: its own package, so that building floodgauge never builds it.
// Build it with the sanitizers on every module, GaugeCore's included (scripts/fuzz does):
//     swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
let package = Package(
    name: "floodgauge-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its directory, which differs per checkout.
        .package(name: "floodgauge", path: "..")
    ],
    targets: [
        // libFuzzer's driver entry point: SwiftPM gives every executable its own `main`, so libFuzzer's
        // `main` is never linked and this one hands control to libFuzzer instead.
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(
            name: "FuzzGauge",
            dependencies: ["CLibFuzzer", .product(name: "GaugeCore", package: "floodgauge")],
            swiftSettings: [
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
    ]
)
