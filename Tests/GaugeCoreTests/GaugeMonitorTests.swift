import Testing

@testable import GaugeCore

/// A small Eifel river gauge reporting every 15 minutes, with the defaults of every detector.
let testGauge = GaugeSettings(
    id: "kyll-kordel", name: "Kyll bei Kordel", devEUI: 0x70B3_D57E_D000_1234, codec: .mpscV1,
    geometry: .distance(toDatumMM: 6000),
    stages: [
        Stage(name: "Meldestufe 1", enterCM: 150, clearCM: 140),
        Stage(name: "Meldestufe 2", enterCM: 200, clearCM: 190),
        Stage(name: "Meldestufe 3", enterCM: 250, clearCM: 240),
    ])

let t0 = Timestamp(unixSeconds: 1_795_000_000)

/// Time `minutes` after `t0`.
func at(_ minutes: Int) -> Timestamp { t0.adding(seconds: Int64(minutes) * 60) }

/// A monitor and everything it has emitted so far.
struct MonitorRun {
    var monitor: GaugeMonitor
    var events: [AlertTransition] = []
    var verdicts: [SampleVerdict?] = []

    init(_ gauge: GaugeSettings = testGauge, alerts: [ActiveAlert] = [], memory: GaugeMemory = GaugeMemory()) {
        monitor = GaugeMonitor(gauge: gauge, alerts: alerts, memory: memory)
    }

    /// Feeds one sample at `minute` (a gap for `nil`), the clock standing at the sample's time unless told.
    @discardableResult
    mutating func feed(_ levelCM: Double?, atMinute minute: Int, now: Timestamp? = nil) -> SampleOutcome {
        let outcome = monitor.observe(at: at(minute), levelCM: levelCM, now: now ?? at(minute), into: &events)
        verdicts.append(outcome.verdict)
        return outcome
    }

    /// Feeds levels every 15 minutes from `minute` on.
    mutating func feed(_ levels: [Double?], fromMinute minute: Int = 0, every step: Int = 15) {
        for (i, level) in levels.enumerated() { feed(level, atMinute: minute + i * step) }
    }

    mutating func device(_ reading: Reading, atMinute minute: Int) {
        monitor.observeDevice(reading, at: at(minute), into: &events)
    }

    mutating func checkSilence(atMinute minute: Int) {
        monitor.checkSilence(now: at(minute), into: &events)
    }

    var summary: [String] {
        events.map { "\($0.alert.kind.rawValue) \($0.transition.rawValue) \($0.severity.rawValue)" }
    }
}

@Suite struct LevelAlertTests {
    @Test func oneAlertLivesFromRaisedToClearedWithOneEventPerTransition() {
        var run = MonitorRun()
        run.feed([100, 160, 210, 170, 120])
        let level = run.events.filter { $0.alert.kind == .level }
        #expect(level.map(\.transition) == [.raised, .escalated, .deescalated, .cleared])
        #expect(level.map(\.severity) == [.minor, .moderate, .minor, .minor])
        #expect(level.map(\.stage) == [1, 2, 1, 0])
        #expect(level.map(\.threshold) == [.levelCM(150), .levelCM(200), .levelCM(190), .levelCM(140)])
        // One alert id for the whole life, derived from when it was raised; distinct event ids.
        #expect(Set(level.map(\.alert.alertID)) == ["kyll-kordel:level:\(at(15).rfc3339)"])
        #expect(level.map(\.eventID).map { $0.split(separator: "#").last! } == ["1", "2", "3", "4"])
        #expect(run.monitor.activeAlert(.level) == nil)
    }

    @Test func aRestartedMonitorContinuesTheOpenAlertInsteadOfRaisingItAgain() {
        var first = MonitorRun()
        first.feed([160], fromMinute: 0)
        let raised = first.events[0]

        var restarted = MonitorRun(alerts: first.monitor.activeAlerts, memory: first.monitor.savedMemory)
        restarted.feed([165, 205], fromMinute: 15)
        #expect(restarted.events.map(\.transition) == [.escalated])
        #expect(restarted.events[0].alert.alertID == raised.alert.alertID)
        #expect(restarted.events[0].eventID == raised.alert.alertID + "#2")
    }

    @Test func holdCountersSurviveARestart() {
        var gauge = testGauge
        gauge.enterHold = 3
        var first = MonitorRun(gauge)
        first.feed([160, 160], fromMinute: 0)
        #expect(first.events.isEmpty)
        // The third sample at the stage, after a restart, is the third in a row: the stage is entered.
        var restarted = MonitorRun(gauge, alerts: first.monitor.activeAlerts, memory: first.monitor.savedMemory)
        restarted.feed([160], fromMinute: 30)
        #expect(restarted.summary == ["level raised minor"])
        // Without the memory it would have counted from one again.
        var forgetful = MonitorRun(gauge)
        forgetful.feed([160], fromMinute: 30)
        #expect(forgetful.events.isEmpty)
    }
}

@Suite struct RateOfRiseTests {
    @Test func aSteadyRiseRaisesARateAlertOnceTheWindowHoldsEnoughSamples() {
        var run = MonitorRun()
        // 30 cm/h: 7.5 cm per 15 minutes, well below the first stage.
        run.feed([50, 57.5, 65, 72.5])
        let rate = run.events.filter { $0.alert.kind == .rate }
        #expect(rate.map(\.transition) == [.raised])
        // Three samples over 30 minutes: the minimum count and half the hour's window.
        #expect(rate.first?.observedAt == at(30))
        #expect(rate.first?.severity == .moderate)
        #expect(abs((rate.first?.rateCMPerHour ?? 0) - 30) < 0.001)
        #expect(rate.first?.threshold == .rateCMPerHour(20))
    }

    @Test func aFlashFloodEscalatesToAlarmAndFallsBackWithHysteresis() {
        var run = MonitorRun()
        // 20 cm/h, then 60 cm/h, then level. Alarm holds until the rate falls below warn (20 cm/h), warn until it
        // falls below clear (10 cm/h).
        run.feed([20, 25, 30, 35, 50, 65, 80, 95, 95, 95, 95, 95])
        #expect(
            run.summary == [
                "rate raised moderate", "rate escalated severe", "rate deescalated moderate", "rate cleared moderate",
            ])
        let rate = run.events.filter { $0.alert.kind == .rate }
        #expect(rate.map(\.stage) == [1, 2, 1, 0])
        #expect(Set(rate.map(\.alert.alertID)).count == 1)
    }

    @Test func twoSamplesAreNotATrend() {
        var run = MonitorRun()
        run.feed([50, 90])
        #expect(run.events.isEmpty)
    }

    @Test func samplesOfOneFrameMinutesApartCountWithTheirOwnTimes() {
        var run = MonitorRun()
        // One sample a minute, rising 1 cm/min = 60 cm/h: an alarm once half an hour is covered.
        for minute in 0...30 { run.feed(50 + Double(minute), atMinute: minute) }
        let rate = run.events.filter { $0.alert.kind == .rate }
        #expect(rate.map(\.transition) == [.raised])
        #expect(rate.first?.severity == .severe)
        #expect(rate.first?.observedAt == at(30))
    }
}

@Suite struct SilenceTests {
    @Test func aGaugeSilentAtItsPeakRaisesStaleAndKeepsItsLevelAlert() {
        var run = MonitorRun()
        run.feed([160, 210, 260])
        run.checkSilence(atMinute: 30 + 44)
        #expect(run.monitor.activeAlert(.stale) == nil)
        run.checkSilence(atMinute: 30 + 45)
        run.checkSilence(atMinute: 30 + 120)
        let stale = run.events.filter { $0.alert.kind == .stale }
        #expect(stale.map(\.transition) == [.raised])
        // Raised when the silence began to count, whenever it was noticed; as serious as the last stage.
        #expect(stale[0].alert.alertID == "kyll-kordel:stale:\(at(75).rfc3339)")
        #expect(stale[0].severity == .severe)
        #expect(stale[0].levelCM == 260)
        #expect(stale[0].lastSeenAt == at(30))
        #expect(run.monitor.activeAlert(.level)?.stage == 3)
        #expect(run.monitor.activeAlert(.level)?.lastLevelCM == 260)

        // The gauge reports again: stale clears, the level alert goes on.
        run.feed(255, atMinute: 180)
        #expect(run.summary.suffix(1) == ["stale cleared severe"])
        #expect(run.monitor.activeAlert(.level)?.stage == 3)
    }

    @Test func aSilentGaugeInDryWeatherIsMinor() {
        var run = MonitorRun()
        run.feed([80])
        run.checkSilence(atMinute: 45)
        #expect(run.summary == ["stale raised minor"])
    }

    @Test func aGaugeNeverHeardFromGoesStaleAfterWatchingIt() {
        var run = MonitorRun()
        run.checkSilence(atMinute: 0)
        #expect(run.monitor.silenceDeadline == at(45))
        run.checkSilence(atMinute: 45)
        #expect(run.summary == ["stale raised minor"])
        #expect(run.events[0].lastSeenAt == nil)
    }

    @Test func gapsAndImplausibleSamplesDoNotEndSilence() {
        var gauge = testGauge
        gauge.plausibility.maxCM = 500
        var run = MonitorRun(gauge)
        run.feed([80])
        run.checkSilence(atMinute: 45)
        run.feed(nil, atMinute: 50)
        run.feed(900, atMinute: 55)
        #expect(run.summary == ["stale raised minor"])
    }
}

@Suite struct PlausibilityTests {
    @Test func aSingleSpikeIsRejectedAndRaisesNothing() {
        var run = MonitorRun()
        run.feed([100, 100, 400, 101])
        #expect(run.verdicts == [nil, nil, .unconfirmedJump, nil])
        #expect(run.events.isEmpty)
        var again = MonitorRun()
        again.feed([100, 100, 400])
        let outcome = again.feed(101, atMinute: 45)
        #expect(outcome.settledJump?.time == at(30))
        #expect(outcome.settledJump?.confirmed == false)
    }

    @Test func aJumpTheNextSampleConfirmsIsRealAndCountsAtItsOwnTime() {
        var run = MonitorRun()
        run.feed([100, 100, 260])
        #expect(run.events.isEmpty)
        let outcome = run.feed(265, atMinute: 45)
        #expect(outcome.settledJump?.confirmed == true)
        let level = run.events.filter { $0.alert.kind == .level }
        #expect(level.map(\.transition) == [.raised])
        #expect(level[0].observedAt == at(30))
        #expect(level[0].stage == 3)
    }

    @Test func aSpikeFollowedBySilenceIsStillASpike() {
        var run = MonitorRun()
        run.feed([100, 100, 400])
        // Three hours later the river is where it was: the 400 was never real, however long the wait.
        let outcome = run.feed(102, atMinute: 30 + 180)
        #expect(outcome.settledJump?.confirmed == false)
        #expect(!run.summary.contains { $0.hasPrefix("level") })
    }

    @Test func silenceEndsWhenAJumpIsConfirmedNotBeforeItWasRaised() {
        var run = MonitorRun()
        run.feed(100, atMinute: 0)
        run.feed(300, atMinute: 15)
        run.checkSilence(atMinute: 45)
        run.feed(305, atMinute: 60)
        #expect(
            run.summary == ["stale raised minor", "stale cleared minor", "level raised severe", "rate raised severe"])
        #expect(run.events.map(\.observedAt) == [at(45), at(60), at(15), at(60)])
    }

    @Test func levelsOutsideTheConfiguredRangeAreKeptOutOfTheDetectors() {
        var gauge = testGauge
        gauge.plausibility.minCM = 0
        gauge.plausibility.maxCM = 550
        var run = MonitorRun(gauge)
        run.feed([100, -20, 700, 101])
        #expect(run.verdicts == [nil, .belowMinimum, .aboveMaximum, nil])
        #expect(run.events.isEmpty)
    }

    @Test func lateAndRepeatedSamplesDoNotMoveTheState() {
        var run = MonitorRun()
        run.feed([100, 160], fromMinute: 15)
        run.feed(300, atMinute: 0)
        run.feed(300, atMinute: 30)
        #expect(run.verdicts == [nil, nil, .outOfOrder, .outOfOrder])
        #expect(run.summary == ["level raised minor"])
    }

    @Test func aSampleFromFarInTheFutureIsRejected() {
        var run = MonitorRun()
        run.feed(100, atMinute: 0)
        #expect(run.feed(100, atMinute: 60 * 24, now: at(15)).verdict == .inFuture)
        #expect(run.feed(100, atMinute: 20, now: at(15)).verdict == nil)
    }
}

@Suite struct DeviceHealthTests {
    private func reading(fault: Bool? = nil, tilt: Bool? = nil, mv: Int32? = nil, percent: Int32? = nil) -> Reading {
        var reading = Reading(kind: .measurement)
        reading.fault = fault
        reading.tilt = tilt
        reading.batteryMillivolts = mv
        reading.batteryPercent = percent
        return reading
    }

    @Test func aFaultFlagRaisesAFaultUntilAFrameComesWithoutIt() {
        var run = MonitorRun()
        run.device(reading(fault: true), atMinute: 0)
        run.device(reading(fault: true), atMinute: 15)
        run.device(reading(tilt: true), atMinute: 30)
        run.device(reading(fault: false, tilt: false), atMinute: 45)
        #expect(run.summary == ["fault raised minor", "fault cleared minor"])
        #expect(run.events[0].fault == .deviceFault)
    }

    @Test func gapsInARowRaiseAFaultThatOnlyAValidLevelClears() {
        var run = MonitorRun()
        run.feed([100, nil, nil, nil])
        run.device(reading(fault: false), atMinute: 45)
        #expect(run.summary == ["fault raised minor"])
        #expect(run.events[0].fault == .gaps)
        // A frame without flags but still without a level does not clear it.
        run.feed(nil, atMinute: 60)
        run.device(reading(fault: false), atMinute: 60)
        #expect(run.events.count == 1)
        run.feed(100, atMinute: 75)
        run.device(reading(fault: false), atMinute: 75)
        #expect(run.summary == ["fault raised minor", "fault cleared minor"])
    }

    @Test func aStatusFrameSaysNothingAboutFaults() {
        var run = MonitorRun()
        run.device(reading(fault: true), atMinute: 0)
        run.device(Reading(kind: .status), atMinute: 15)
        #expect(run.summary == ["fault raised minor"])
    }

    @Test func aBatteryRunningDownRaisesOnceAndClearsOnlyWellAboveTheThreshold() {
        var gauge = testGauge
        gauge.health.batteryLowMillivolts = 3300
        var run = MonitorRun(gauge)
        for (i, mv) in [3400, 3320, 3290, 3310, 3280, 3350, 3600].enumerated() {
            run.device(reading(mv: Int32(mv)), atMinute: i * 15)
        }
        #expect(run.summary == ["battery raised minor", "battery cleared minor"])
        #expect(run.events.map(\.observedAt) == [at(30), at(90)])
        #expect(run.events[0].batteryMillivolts == 3290)
        #expect(run.events[0].threshold == .batteryMillivolts(3300))
    }

    @Test func aBatteryInPercentUsesThePercentThreshold() {
        var run = MonitorRun()
        run.device(reading(percent: 19), atMinute: 0)
        #expect(run.summary == ["battery raised minor"])
        #expect(run.events[0].threshold == .batteryPercent(20))
    }
}
