import Testing

@testable import GaugeCore

/// Stages of a small Eifel river, in cm above the gauge datum.
private let stages = [
    Stage(name: "Meldestufe 1", enterCM: 150, clearCM: 140),
    Stage(name: "Meldestufe 2", enterCM: 200, clearCM: 190),
    Stage(name: "Meldestufe 3", enterCM: 250, clearCM: 240),
]

/// Feeds levels and returns the stage after each one.
private func stagesAfter(_ levels: [Double], enterHold: Int = 1, clearHold: Int = 1) -> [Int] {
    var detector = StageDetector(stages: stages, enterHold: enterHold, clearHold: clearHold)
    return levels.map { level in
        _ = detector.observe(levelCM: level)
        return detector.activeStage
    }
}

@Suite struct StageDetectorTests {
    @Test func aSlowRiseEntersEachStageAtItsThreshold() {
        #expect(stagesAfter([100, 149, 150, 199, 200, 249, 250, 300]) == [0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test func hysteresisKeepsAStageUntilTheLevelFallsBelowItsClearLevel() {
        // 145 is below enter (150) but above clear (140): stage 1 stays.
        #expect(stagesAfter([150, 145, 141, 140, 139]) == [1, 1, 1, 1, 0])
    }

    @Test func levelsOscillatingAroundAThresholdDoNotFlap() {
        var detector = StageDetector(stages: stages, enterHold: 1, clearHold: 1)
        var changes = 0
        for level in [151.0, 149, 151, 149, 151, 149] where detector.observe(levelCM: level) != nil {
            changes += 1
        }
        #expect(changes == 1)
    }

    @Test func aJumpPastSeveralStagesEntersTheHighestReached() {
        var detector = StageDetector(stages: stages, enterHold: 1, clearHold: 1)
        let change = detector.observe(levelCM: 260)
        #expect(change == StageDetector.Change(from: 0, to: 3, thresholdCM: 250))
    }

    @Test func aFastFallClearsEveryStageTheLevelNoLongerHolds() {
        var detector = StageDetector(stages: stages, enterHold: 1, clearHold: 1)
        _ = detector.observe(levelCM: 260)
        // Below stage 3's clear (240) and stage 2's (190), still above stage 1's (140).
        #expect(detector.observe(levelCM: 180) == StageDetector.Change(from: 3, to: 1, thresholdCM: 240))
        #expect(detector.observe(levelCM: 100) == StageDetector.Change(from: 1, to: 0, thresholdCM: 140))
    }

    @Test func enterHoldNeedsConsecutiveSamplesAbove() {
        #expect(stagesAfter([160, 100, 160, 160, 160], enterHold: 3) == [0, 0, 0, 0, 1])
    }

    @Test func clearHoldNeedsConsecutiveSamplesBelow() {
        #expect(stagesAfter([160, 100, 160, 100, 100], clearHold: 2) == [1, 1, 1, 1, 0])
    }

    @Test func noStagesMeansNoAlerts() {
        var detector = StageDetector(stages: [], enterHold: 1, clearHold: 1)
        #expect(detector.observe(levelCM: 10_000) == nil)
    }
}

@Suite struct GaugeMonitorTests {
    private let gauge = GaugeSettings(
        id: "kyll-kordel", name: "Kyll bei Kordel", devEUI: 0x70B3_D57E_D000_1234, codec: .mpscV1,
        geometry: .distance(toDatumMM: 6000), stages: stages)

    @Test func oneAlertLivesFromRaisedToClearedWithOneEventPerTransition() throws {
        var monitor = GaugeMonitor(gauge: gauge)
        let t0 = Timestamp(unixSeconds: 1_795_000_000)
        var transitions: [AlertTransition] = []
        for (i, level) in [100.0, 160, 210, 170, 120].enumerated() {
            if let t = monitor.observe(levelCM: level, at: t0.adding(seconds: Int64(i) * 900)) {
                transitions.append(t)
            }
        }
        #expect(transitions.map(\.transition) == [.raised, .escalated, .deescalated, .cleared])
        #expect(transitions.map(\.severity) == [.minor, .moderate, .minor, .minor])
        #expect(transitions.map(\.stage) == [1, 2, 1, 0])
        // One alert id for the whole life, derived from when it was raised; distinct event ids.
        let raisedAt = t0.adding(seconds: 900)
        #expect(Set(transitions.map(\.alert.alertID)) == ["kyll-kordel:level:\(raisedAt.rfc3339)"])
        #expect(Set(transitions.map(\.eventID)).count == 4)
        #expect(monitor.levelAlert == nil)
    }

    @Test func aRestartedMonitorContinuesTheOpenAlertInsteadOfRaisingItAgain() {
        var first = GaugeMonitor(gauge: gauge)
        let t0 = Timestamp(unixSeconds: 1_795_000_000)
        let raised = first.observe(levelCM: 160, at: t0)
        #expect(raised?.transition == .raised)

        var restarted = GaugeMonitor(gauge: gauge, levelAlert: first.levelAlert)
        #expect(restarted.observe(levelCM: 165, at: t0.adding(seconds: 900)) == nil)
        let escalated = restarted.observe(levelCM: 205, at: t0.adding(seconds: 1800))
        #expect(escalated?.transition == .escalated)
        #expect(escalated?.alert.alertID == raised?.alert.alertID)
        #expect(escalated?.eventID != raised?.eventID)
    }
}
