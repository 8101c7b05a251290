// swift-tools-version: 6.2
import PackageDescription

// The decode benchmarks: a package of their own so the daemon's build and its CI never resolve ordo-one/benchmark.
// Run them with `scripts/bench-decode` (release build; on 2 shared cores about 3.5 min to build, 1 min to run).
let package = Package(
    name: "floodgauge-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so `package: "floodgauge"` below holds whatever the checkout's directory is called.
        .package(name: "floodgauge", path: ".."),
        // The trait keeps the Linux Swift 6.3 runtime interposer (not mirrored here) out of the build and turns on
        // the malloc counters that `mallocCountTotal` reads.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "DecodeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GaugeCore", package: "floodgauge"),
                .product(name: "GaugeStore", package: "floodgauge"),
            ],
            path: "Benchmarks/DecodeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
