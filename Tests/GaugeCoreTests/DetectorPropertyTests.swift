import Testing

@testable import GaugeCore

/// A small deterministic generator (SplitMix64), so every generated hydrograph can be reproduced from its seed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One generated gauge history: a flood wave with noise, gaps, spikes, silences and a battery running down.
private struct Hydrograph {
    enum Event {
        case sample(minute: Int, levelCM: Double?)
        case device(minute: Int, reading: Reading)
        case clock(minute: Int)
    }

    var events: [Event] = []
    var spikeMinutes: Set<Int> = []

    init(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        let base = Double.random(in: 40...150, using: &random)
        let peak = base + Double.random(in: 20...450, using: &random)
        let peakHour = Double.random(in: 6...40, using: &random)
        let noise = Double.random(in: 0...8, using: &random)
        var batteryMV = Int32.random(in: 3300...3600, using: &random)
        var silentUntil = -1
        for step in 0..<300 {
            let minute = step * 15
            events.append(.clock(minute: minute))
            if minute < silentUntil { continue }
            if Int.random(in: 0..<150, using: &random) == 0 {
                silentUntil = minute + 15 * Int.random(in: 2...12, using: &random)
                continue
            }
            let x = Double(minute) / 60 / peakHour
            var level = base + (peak - base) * (x > 0 ? x * x * x * _exp(3 * (1 - x)) : 0)
            level += Double.random(in: -noise...noise, using: &random)
            if Int.random(in: 0..<80, using: &random) == 0 {
                level += 300
                spikeMinutes.insert(minute)
            }
            let gap = Int.random(in: 0..<50, using: &random) == 0
            events.append(.sample(minute: minute, levelCM: gap ? nil : level))
            batteryMV -= Int32.random(in: 0...3, using: &random)
            var reading = Reading(kind: .measurement)
            reading.batteryMillivolts = batteryMV
            reading.fault = Int.random(in: 0..<200, using: &random) == 0
            events.append(.device(minute: minute, reading: reading))
        }
    }
}

/// e^x without Foundation, enough for the shape of a flood wave.
private func _exp(_ x: Double) -> Double {
    var term = 1.0, sum = 1.0
    for n in 1..<40 {
        term *= x / Double(n)
        sum += term
    }
    return sum
}

private func run(_ hydrograph: Hydrograph, gauge: GaugeSettings) -> [AlertTransition] {
    var run = MonitorRun(gauge)
    for event in hydrograph.events {
        switch event {
        case .clock(let minute): run.checkSilence(atMinute: minute)
        case .sample(let minute, let level): run.feed(level, atMinute: minute)
        case .device(let minute, let reading): run.device(reading, atMinute: minute)
        }
    }
    return run.events
}

@Suite struct DetectorPropertyTests {
    static let seeds: [UInt64] = Array(1...120)

    private var gauge: GaugeSettings {
        var gauge = testGauge
        gauge.enterHold = 2
        gauge.clearHold = 2
        gauge.health.batteryLowMillivolts = 3000
        gauge.stages.append(Stage(name: "Meldestufe 4", enterCM: 350, clearCM: 335))
        return gauge
    }

    @Test(arguments: seeds)
    func everyAlertLivesOneLifeFromRaisedToCleared(seed: UInt64) {
        let events = run(Hydrograph(seed: seed), gauge: gauge)
        var byAlert: [String: [AlertTransition]] = [:]
        var openByKind: [AlertKind: String] = [:]
        for event in events {
            let id = event.alert.alertID
            let history = byAlert[id, default: []]
            // Events are numbered 1, 2, 3… within their alert: none lost, none repeated.
            #expect(event.eventID == "\(id)#\(history.count + 1)", "seed \(seed)")
            // Nothing follows a clear: a cleared alert never clears again, and never comes back.
            #expect(history.last?.transition != .cleared, "seed \(seed): \(id) moved after it cleared")
            if history.isEmpty {
                #expect(event.transition == .raised, "seed \(seed)")
                // One open alert per kind: a new one only once the last one cleared.
                #expect(openByKind[event.alert.kind] == nil, "seed \(seed): two open \(event.alert.kind) alerts")
                openByKind[event.alert.kind] = id
            } else {
                #expect(event.transition != .raised, "seed \(seed)")
            }
            if event.transition == .cleared { openByKind[event.alert.kind] = nil }
            if let stage = event.stage, let previous = event.previousStage {
                switch event.transition {
                case .raised: #expect(previous == 0 && stage > 0)
                case .escalated: #expect(stage > previous)
                case .deescalated: #expect(stage < previous && stage > 0)
                case .cleared: #expect(stage == 0)
                }
            } else {
                #expect(event.transition == .raised || event.transition == .cleared, "on/off alerts only rise and clear")
            }
            if event.alert.kind == .level, let stage = event.stage, stage > 0 {
                #expect(event.severity == Severity(stage: stage))
            }
            if event.transition == .cleared, let before = history.last {
                #expect(event.severity == before.severity, "a clear carries the severity it ends")
            }
            if let before = history.last {
                #expect(event.observedAt >= before.observedAt, "seed \(seed): an alert went back in data time")
            }
            byAlert[id] = history + [event]
        }
    }

    @Test(arguments: seeds)
    func aSingleSpikeNeverMovesTheLevelAlert(seed: UInt64) {
        let hydrograph = Hydrograph(seed: seed)
        let events = run(hydrograph, gauge: gauge)
        // Two spikes in a row confirm each other, as two readings that agree should.
        let single = hydrograph.spikeMinutes.filter {
            !hydrograph.spikeMinutes.contains($0 - 15) && !hydrograph.spikeMinutes.contains($0 + 15)
        }
        for event in events where event.alert.kind == .level {
            let minute = Int((event.observedAt.unixMilliseconds - t0.unixMilliseconds) / 60_000)
            #expect(!single.contains(minute), "seed \(seed): a spike at minute \(minute) moved the level")
        }
    }

    @Test(arguments: seeds.prefix(30))
    func theSameInputAlwaysGivesTheSameEventsIdsAndTexts(seed: UInt64) {
        let hydrograph = Hydrograph(seed: seed)
        let text = AlertText(language: .de)
        func rendered(_ events: [AlertTransition]) -> [String] {
            events.map { text.eventJSON($0, gauge: gauge, emittedAt: t0, replay: true) + text.logLine($0, gauge: gauge) }
        }
        let first = run(hydrograph, gauge: gauge)
        let second = run(hydrograph, gauge: gauge)
        #expect(first == second)
        #expect(rendered(first) == rendered(second))
    }

    @Test func theGeneratedHistoriesExerciseEveryKindAndTransition() {
        var seen: Set<String> = []
        for seed in Self.seeds {
            for event in run(Hydrograph(seed: seed), gauge: gauge) {
                seen.insert("\(event.alert.kind.rawValue) \(event.transition.rawValue)")
            }
        }
        for kind in AlertKind.allCases {
            #expect(seen.contains("\(kind.rawValue) raised"), "no \(kind) alert was ever raised")
        }
        for transition in ["escalated", "deescalated", "cleared"] {
            #expect(seen.contains("level \(transition)"))
            #expect(seen.contains("rate \(transition)"))
        }
    }
}
