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
        _ = detector.observe(level)
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
        for level in [151.0, 149, 151, 149, 151, 149] where detector.observe(level) != nil {
            changes += 1
        }
        #expect(changes == 1)
    }

    @Test func aJumpPastSeveralStagesEntersTheHighestReached() {
        var detector = StageDetector(stages: stages, enterHold: 1, clearHold: 1)
        let change = detector.observe(260)
        #expect(change == StageDetector.Change(from: 0, to: 3, threshold: 250))
    }

    @Test func aFastFallClearsEveryStageTheLevelNoLongerHolds() {
        var detector = StageDetector(stages: stages, enterHold: 1, clearHold: 1)
        _ = detector.observe(260)
        // Below stage 3's clear (240) and stage 2's (190), still above stage 1's (140).
        #expect(detector.observe(180) == StageDetector.Change(from: 3, to: 1, threshold: 240))
        #expect(detector.observe(100) == StageDetector.Change(from: 1, to: 0, threshold: 140))
    }

    @Test func enterHoldNeedsConsecutiveSamplesAbove() {
        #expect(stagesAfter([160, 100, 160, 160, 160], enterHold: 3) == [0, 0, 0, 0, 1])
    }

    @Test func clearHoldNeedsConsecutiveSamplesBelow() {
        #expect(stagesAfter([160, 100, 160, 100, 100], clearHold: 2) == [1, 1, 1, 1, 0])
    }

    @Test func noStagesMeansNoAlerts() {
        var detector = StageDetector(stages: [], enterHold: 1, clearHold: 1)
        #expect(detector.observe(10_000) == nil)
    }
}
