/// All detection state of one gauge, turning valid levels into alert transitions.
/// Issue 4 adds rate, silence, plausibility, fault and battery beside the stages.
public struct GaugeMonitor: Sendable {
    public let gauge: GaugeSettings
    private var stages: StageDetector
    /// The open `level` alert, if any.
    public private(set) var levelAlert: ActiveAlert?

    /// - Parameter levelAlert: the level alert still open in the store, so a restart continues it
    ///   instead of raising it again.
    public init(gauge: GaugeSettings, levelAlert: ActiveAlert? = nil) {
        self.gauge = gauge
        self.levelAlert = levelAlert
        self.stages = StageDetector(
            stages: gauge.stages, enterHold: gauge.enterHold, clearHold: gauge.clearHold,
            activeStage: levelAlert?.stage ?? 0)
    }

    /// Feeds one valid sample. Returns the transition it caused, if any.
    public mutating func observe(levelCM: Double, at time: Timestamp) -> AlertTransition? {
        if levelAlert != nil {
            levelAlert!.lastLevelCM = levelCM
            levelAlert!.lastObservedAt = time
        }
        guard let change = stages.observe(levelCM: levelCM) else { return nil }

        var alert =
            levelAlert
            ?? ActiveAlert(
                gaugeID: gauge.id, kind: .level, raisedAt: time, severity: Severity(stage: change.to),
                stage: change.to, lastLevelCM: levelCM, lastObservedAt: time)
        let transition: Transition =
            change.from == 0 ? .raised : change.to == 0 ? .cleared : change.to > change.from ? .escalated : .deescalated
        alert.eventCount += 1
        if change.to > 0 {
            alert.severity = Severity(stage: change.to)
            alert.stage = change.to
        }
        levelAlert = change.to == 0 ? nil : alert
        return AlertTransition(
            alert: alert, transition: transition, severity: alert.severity, stage: change.to, previousStage: change.from,
            observedAt: time, levelCM: levelCM, thresholdCM: change.thresholdCM)
    }

    /// The stage's name, `nil` for stage 0.
    public func stageName(_ stage: Int?) -> String? {
        guard let stage, stage > 0, stage <= gauge.stages.count else { return nil }
        return gauge.stages[stage - 1].name
    }
}
