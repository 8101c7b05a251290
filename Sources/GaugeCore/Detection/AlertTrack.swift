/// The open alert of one kind on one gauge, and the transitions that move it.
///
/// Detectors say where an alert should be (a stage, or on and off); the track turns that into at most
/// one transition and keeps the alert's id and event count, so every kind moves the same way.
struct AlertTrack: Sendable {
    let gaugeID: String
    let kind: AlertKind
    private(set) var alert: ActiveAlert?

    init(gaugeID: String, kind: AlertKind, alert: ActiveAlert?) {
        self.gaugeID = gaugeID
        self.kind = kind
        self.alert = alert
    }

    /// Level and rate alerts count stages; the other kinds are on (1) or off (0).
    var stage: Int { alert.map { $0.stage ?? 1 } ?? 0 }

    /// Moves the alert to `stage` (0 clears it) at data time `time`. Returns the transition, or `nil` when the
    /// alert is already there.
    ///
    /// - Parameter lastValid: the gauge's latest valid level when the alert is raised.
    mutating func move(to stage: Int, severity: Severity, at time: Timestamp, lastValid: LevelPoint?)
        -> AlertTransition?
    {
        let from = self.stage
        guard stage != from else { return nil }
        let staged = kind == .level || kind == .rate
        var current =
            alert
            ?? ActiveAlert(
                gaugeID: gaugeID, kind: kind, raisedAt: time, severity: severity,
                stage: staged ? stage : nil, lastLevelCM: lastValid?.cm, lastObservedAt: lastValid?.time ?? time)
        current.eventCount += 1
        if stage > 0 {
            current.severity = severity
            if staged { current.stage = stage }
        }
        alert = stage == 0 ? nil : current
        let transition: Transition =
            from == 0 ? .raised : stage == 0 ? .cleared : stage > from ? .escalated : .deescalated
        return AlertTransition(
            alert: current, transition: transition, severity: current.severity, stage: staged ? stage : nil,
            previousStage: staged ? from : nil, observedAt: time)
    }
}
