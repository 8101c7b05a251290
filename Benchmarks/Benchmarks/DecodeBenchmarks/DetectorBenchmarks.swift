import Benchmark
import GaugeCore

/// 10 000 gauges as the daemon holds them, each fed in turn one sample 15 minutes after its last, as a county's
/// worth of uplinks would arrive: what the detectors cost per sample when their state no longer fits in cache.
struct Fleet {
    static let gaugeCount = 10_000

    private var monitors: [GaugeMonitor]
    private var events: [AlertTransition] = []
    private var next = 0
    private var round = 0
    private let level: (_ gauge: Int, _ round: Int) -> Double
    private let start = Timestamp(unixSeconds: 1_795_000_000)

    /// `level` gives each gauge's level at each round.
    init(level: @escaping (_ gauge: Int, _ round: Int) -> Double) {
        let stages = [
            Stage(name: "Meldestufe 1", enterCM: 250, clearCM: 235),
            Stage(name: "Meldestufe 2", enterCM: 350, clearCM: 335),
            Stage(name: "Meldestufe 3", enterCM: 450, clearCM: 435),
            Stage(name: "Meldestufe 4", enterCM: 550, clearCM: 535),
        ]
        monitors = (0..<Self.gaugeCount).map { index in
            GaugeMonitor(
                gauge: GaugeSettings(
                    id: "gauge-\(index)", name: "Pegel \(index)", devEUI: UInt64(index), codec: .mpscV1,
                    geometry: .distance(toDatumMM: 8000), stages: stages, enterHold: 2, clearHold: 2))
        }
        self.level = level
        events.reserveCapacity(16)
        // Fill every rate window, so what is timed is the steady state.
        for _ in 0..<(8 * Self.gaugeCount) { feed() }
    }

    /// One sample to the next gauge; returns how many transitions it caused.
    @inline(__always)
    mutating func feed() -> Int {
        let time = start.adding(seconds: Int64(round) * 900)
        _ = monitors[next].observe(at: time, levelCM: level(next, round), now: time, into: &events)
        let count = events.count
        events.removeAll(keepingCapacity: true)
        next += 1
        if next == Self.gaugeCount {
            next = 0
            round += 1
        }
        return count
    }
}

/// A fleet built once per benchmark and fed on across its samples, as the daemon's monitors live on.
final class FleetBox {
    var fleet: Fleet

    init(_ fleet: Fleet) {
        self.fleet = fleet
    }
}

/// Detector benchmarks: ns and mallocs per sample across 10 000 gauges, the fleet built (and warmed up with 80 000
/// samples) before the first measurement.
func detectorBenchmarks() {
    // Dry weather: every gauge around 100 cm with centimetre noise. Nothing to announce, so nothing may allocate.
    Benchmark("detect steady, 10000 gauges") { benchmark, box in
        for _ in benchmark.scaledIterations { blackHole(box.fleet.feed()) }
    } setup: {
        FleetBox(Fleet { gauge, round in 100 + Double((gauge &* 7 &+ round &* 13) % 5) })
    }
    // A flood on every river: each gauge rises 30 cm per report to 600 cm and falls back, through every stage and
    // both rate thresholds, out of step with its neighbours. Transitions build their alert ids and allocate.
    Benchmark("detect flood, 10000 gauges") { benchmark, box in
        for _ in benchmark.scaledIterations { blackHole(box.fleet.feed()) }
    } setup: {
        FleetBox(Fleet { gauge, round in
            let phase = (round + gauge % 40) % 40
            return 100 + 30 * Double(phase < 20 ? phase : 40 - phase)
        })
    }
}
