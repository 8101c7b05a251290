/// What an alert is about.
public enum AlertKind: String, Sendable, CaseIterable {
    case level, rate, stale, fault, battery
}

/// Severity words of the Common Alerting Protocol, lowest first.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case minor, moderate, severe, extreme

    /// Stage 1…4 map to minor…extreme; stages above 4 stay extreme.
    public init(stage: Int) {
        precondition(stage >= 1, "stage 0 has no severity")
        self = Self.allCases[min(stage, Self.allCases.count) - 1]
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One step in an alert's life.
public enum Transition: String, Sendable {
    case raised, escalated, deescalated, cleared
}

/// An alert that has been raised and not yet cleared, as the detectors and the store keep it.
public struct ActiveAlert: Sendable, Equatable {
    /// Stable for the alert's whole life: gauge, kind and the data time it was raised.
    public var alertID: String
    public var gaugeID: String
    public var kind: AlertKind
    public var raisedAt: Timestamp
    public var severity: Severity
    /// Level alerts: the active stage (1-based).
    public var stage: Int?
    /// How many events this alert has produced: the next event's sequence number is this + 1.
    public var eventCount: Int
    /// The latest value and its data time, so a silent gauge's alert still shows them.
    public var lastLevelCM: Double?
    public var lastObservedAt: Timestamp

    public init(
        gaugeID: String, kind: AlertKind, raisedAt: Timestamp, severity: Severity, stage: Int?,
        eventCount: Int = 0, lastLevelCM: Double?, lastObservedAt: Timestamp
    ) {
        self.alertID = Self.id(gaugeID: gaugeID, kind: kind, raisedAt: raisedAt)
        self.gaugeID = gaugeID
        self.kind = kind
        self.raisedAt = raisedAt
        self.severity = severity
        self.stage = stage
        self.eventCount = eventCount
        self.lastLevelCM = lastLevelCM
        self.lastObservedAt = lastObservedAt
    }

    /// `kyll-kordel:level:2026-11-22T10:00:00.000Z`: readable in a log, and the same on every
    /// replay of the same data because it derives from data time only.
    public static func id(gaugeID: String, kind: AlertKind, raisedAt: Timestamp) -> String {
        "\(gaugeID):\(kind.rawValue):\(raisedAt.rfc3339)"
    }
}

/// The limit a transition was measured against, in the alert kind's own unit.
public enum Threshold: Sendable, Equatable {
    /// Level alerts: the stage's `enter_cm` going up, its `clear_cm` going down.
    case levelCM(Double)
    /// Rate alerts: `warn` or `alarm` going up, the threshold fallen below going down.
    case rateCMPerHour(Double)
    case silenceSeconds(Int64)
    case gaps(Int)
    case batteryMillivolts(Int32)
    case batteryPercent(Int32)
}

/// Why a gauge is reported faulty.
public enum FaultCause: String, Sendable, Equatable {
    /// The device says so: radar lost its echo, hardware error.
    case deviceFault = "device_fault"
    /// Tilted or tampered with: it no longer looks at the water.
    case tilt
    /// Consecutive samples without a value.
    case gaps
}

/// One transition of one alert: what is published, logged and stored.
public struct AlertTransition: Sendable, Equatable {
    public var alert: ActiveAlert
    public var transition: Transition
    /// For `cleared`: the severity before clearing (the alert's own severity field keeps it).
    public var severity: Severity
    /// Level and rate alerts: the stage after the transition (rate: 1 warn, 2 alarm), 0 when cleared.
    public var stage: Int?
    /// Level and rate alerts: the stage before the transition, 0 when raised.
    public var previousStage: Int?
    public var observedAt: Timestamp
    /// The level at the transition; for a silent gauge the last one it sent.
    public var levelCM: Double?
    /// The rate of rise at the transition, when the window holds enough samples for one.
    public var rateCMPerHour: Double?
    /// Data time of the gauge's last valid level.
    public var lastSeenAt: Timestamp?
    public var threshold: Threshold?
    /// Fault alerts: why.
    public var fault: FaultCause?
    /// Battery alerts: what the device reported.
    public var batteryMillivolts: Int32?
    public var batteryPercent: Int32?

    public init(
        alert: ActiveAlert, transition: Transition, severity: Severity, stage: Int? = nil, previousStage: Int? = nil,
        observedAt: Timestamp
    ) {
        self.alert = alert
        self.transition = transition
        self.severity = severity
        self.stage = stage
        self.previousStage = previousStage
        self.observedAt = observedAt
    }

    /// The stage whose threshold was crossed: the new one going up, the one left going down.
    public var crossedStage: Int? {
        transition == .raised || transition == .escalated ? stage : previousStage
    }

    /// `…:level:2026-11-22T10:00:00.000Z#2`: unique per transition and stable when re-sent.
    public var eventID: String { "\(alert.alertID)#\(alert.eventCount)" }
}
