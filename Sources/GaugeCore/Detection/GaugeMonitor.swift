/// Why a sample is kept out of the detectors; stored with the sample. A valid sample has none.
public enum SampleVerdict: String, Sendable, CaseIterable {
    case belowMinimum = "below_min"
    case aboveMaximum = "above_max"
    /// Ahead of the clock by more than `max_future`.
    case inFuture = "in_future"
    /// Not newer than a sample already seen: late, or the same sample again.
    case outOfOrder = "out_of_order"
    /// A jump faster than `max_jump_cm_per_min`, waiting for the next sample.
    case unconfirmedJump = "unconfirmed_jump"
    /// A jump the next sample did not confirm.
    case spike
}

/// What the detectors made of one sample.
public struct SampleOutcome: Sendable, Equatable {
    /// `nil` for a sample the detectors used (or a gap).
    public var verdict: SampleVerdict?
    /// An earlier unconfirmed jump this sample settled: valid again when `confirmed`, a spike otherwise.
    public var settledJump: (time: Timestamp, confirmed: Bool)?

    public static func == (lhs: SampleOutcome, rhs: SampleOutcome) -> Bool {
        lhs.verdict == rhs.verdict && lhs.settledJump?.time == rhs.settledJump?.time
            && lhs.settledJump?.confirmed == rhs.settledJump?.confirmed
    }
}

/// What a gauge's detectors remember besides their open alerts and the levels of the rate window:
/// stored after every batch, so a restart continues where the last commit left off.
public struct GaugeMemory: Sendable, Equatable {
    /// The newest sample time seen, valid or not: older samples are out of order.
    public var newestSampleAt: Timestamp?
    public var lastValid: LevelPoint?
    public var pendingJump: LevelPoint?
    public var levelHolds = StageDetector.Holds()
    public var rateHolds = StageDetector.Holds()
    /// Consecutive samples without a value.
    public var gapRun = 0
    /// Since when silence counts for a gauge that has sent no valid level yet.
    public var watchedSince: Timestamp?
    /// The newest uplink time whose device status (fault, battery) was read.
    public var newestReadingAt: Timestamp?
    /// The battery as last reported, for the gauge's state.
    public var batteryMillivolts: Int32?
    public var batteryPercent: Int32?

    public init() {}
}

/// All detection state of one gauge: plausibility, stages, rate of rise, silence, fault and battery,
/// turning its samples into sample verdicts and alert transitions.
///
/// Everything runs on data time, and nothing here reads a clock: the caller passes `now` (the wall clock
/// live, the capture clock in replay), so the same input always gives the same transitions.
public struct GaugeMonitor: Sendable {
    public let gauge: GaugeSettings
    private var memory: GaugeMemory
    private var stages: StageDetector
    private var rateStages: StageDetector
    private var window = LevelWindow()
    /// The rate of rise after the newest valid level, when the window allows one.
    public private(set) var rateCMPerHour: Double?
    private var level: AlertTrack
    private var rate: AlertTrack
    private var stale: AlertTrack
    private var fault: AlertTrack
    private var battery: AlertTrack

    /// - Parameters:
    ///   - alerts: the gauge's alerts still open in the store, which the monitor continues instead of raising again.
    ///   - memory: what the monitor remembered at the last commit.
    ///   - recentLevels: the valid levels of the rate window, oldest first.
    public init(
        gauge: GaugeSettings, alerts: [ActiveAlert] = [], memory: GaugeMemory = GaugeMemory(),
        recentLevels: [LevelPoint] = []
    ) {
        func open(_ kind: AlertKind) -> AlertTrack {
            AlertTrack(gaugeID: gauge.id, kind: kind, alert: alerts.first { $0.kind == kind })
        }
        self.gauge = gauge
        self.memory = memory
        level = open(.level)
        rate = open(.rate)
        stale = open(.stale)
        fault = open(.fault)
        battery = open(.battery)
        stages = StageDetector(
            stages: gauge.stages, enterHold: gauge.enterHold, clearHold: gauge.clearHold, activeStage: level.stage,
            holds: memory.levelHolds)
        rateStages = StageDetector(
            stages: gauge.rate.stages, enterHold: 1, clearHold: 1, activeStage: rate.stage, holds: memory.rateHolds)
        for point in recentLevels { window.append(point) }
        rateCMPerHour = window.slope(gauge.rate)
    }

    /// What to store so a restart continues from here.
    public var savedMemory: GaugeMemory {
        var saved = memory
        saved.levelHolds = stages.holds
        saved.rateHolds = rateStages.holds
        return saved
    }

    /// The open alerts, level first.
    public var activeAlerts: [ActiveAlert] {
        AlertKind.allCases.compactMap(activeAlert)
    }

    /// The open alert of `kind`, marked with the gauge's latest valid level: a silent gauge's alerts keep
    /// showing it.
    public func activeAlert(_ kind: AlertKind) -> ActiveAlert? {
        let track =
            switch kind {
            case .level: level
            case .rate: rate
            case .stale: stale
            case .fault: fault
            case .battery: battery
            }
        guard var alert = track.alert else { return nil }
        if let lastValid = memory.lastValid {
            alert.lastLevelCM = lastValid.cm
            alert.lastObservedAt = lastValid.time
        }
        return alert
    }

    // MARK: Samples

    /// Feeds one sample, in the order the device sent them: `levelCM` is `nil` for a gap. Appends the
    /// transitions it causes to `events`.
    public mutating func observe(
        at time: Timestamp, levelCM: Double?, now: Timestamp, into events: inout [AlertTransition]
    ) -> SampleOutcome {
        if let newest = memory.newestSampleAt, time <= newest {
            return SampleOutcome(verdict: .outOfOrder)
        }
        if time.unixMilliseconds > now.unixMilliseconds + gauge.plausibility.maxFutureSeconds * 1000 {
            return SampleOutcome(verdict: .inFuture)
        }
        memory.newestSampleAt = time
        guard let levelCM else {
            memory.gapRun += 1
            return SampleOutcome()
        }
        if let min = gauge.plausibility.minCM, levelCM < min { return SampleOutcome(verdict: .belowMinimum) }
        if let max = gauge.plausibility.maxCM, levelCM > max { return SampleOutcome(verdict: .aboveMaximum) }

        let point = LevelPoint(time: time, cm: levelCM)
        var outcome = SampleOutcome()
        if let pending = memory.pendingJump, let last = memory.lastValid {
            memory.pendingJump = nil
            // The next sample sides with the jump or with the level before it; how long it took to come does not
            // matter, so a spike followed by a silence is still a spike.
            let confirmed = abs(point.cm - pending.cm) < abs(point.cm - last.cm)
            if confirmed { accept(pending, learnedAt: time, into: &events) }
            outcome.settledJump = (pending.time, confirmed)
        }
        if let last = memory.lastValid, !isSteady(from: last, to: point) {
            memory.pendingJump = point
            outcome.verdict = .unconfirmedJump
            return outcome
        }
        accept(point, learnedAt: time, into: &events)
        return outcome
    }

    /// Within `max_jump_cm_per_min` of each other.
    private func isSteady(from earlier: LevelPoint, to later: LevelPoint) -> Bool {
        let minutes = Double(later.time.unixMilliseconds - earlier.time.unixMilliseconds) / 60_000
        return abs(later.cm - earlier.cm) <= gauge.plausibility.maxJumpCMPerMinute * minutes
    }

    /// A valid level: it ends silence and gaps, and moves the stages and the rate.
    ///
    /// - Parameter learnedAt: when the level became valid: later than its own time for a confirmed jump. Silence
    ///   ends then, since a stale alert raised meanwhile must not clear before it was raised.
    private mutating func accept(_ point: LevelPoint, learnedAt: Timestamp, into events: inout [AlertTransition]) {
        memory.lastValid = point
        memory.gapRun = 0
        window.append(point)
        rateCMPerHour = window.slope(gauge.rate)
        // Tested first: building the empty result of `move` costs more than the whole test, at every sample.
        if stale.alert != nil, let cleared = stale.move(to: 0, severity: .minor, at: learnedAt, lastValid: point) {
            emit(cleared, threshold: .silenceSeconds(gauge.health.staleAfterSeconds), into: &events)
        }
        if let change = stages.observe(point.cm), let moved = level.move(
            to: change.to, severity: change.to > 0 ? Severity(stage: change.to) : .minor, at: point.time, lastValid: point)
        {
            emit(moved, threshold: .levelCM(change.threshold), into: &events)
        }
        // Without enough samples for a rate the rate alert keeps its state: a gap in the data is not a calm river.
        if let rateNow = rateCMPerHour, let change = rateStages.observe(rateNow), let moved = rate.move(
            to: change.to, severity: change.to == 2 ? .severe : .moderate, at: point.time, lastValid: point)
        {
            emit(moved, threshold: .rateCMPerHour(change.threshold), into: &events)
        }
    }

    // MARK: Device status

    /// Reads the device's own health from a decoded uplink received at `time`, after its samples.
    public mutating func observeDevice(_ reading: Reading, at time: Timestamp, into events: inout [AlertTransition]) {
        guard reading.kind == .measurement, memory.newestReadingAt.map({ time > $0 }) ?? true else { return }
        memory.newestReadingAt = time
        if let mv = reading.batteryMillivolts { memory.batteryMillivolts = mv }
        if let percent = reading.batteryPercent { memory.batteryPercent = percent }
        observeFault(reading, at: time, into: &events)
        observeBattery(reading, at: time, into: &events)
    }

    private mutating func observeFault(_ reading: Reading, at time: Timestamp, into events: inout [AlertTransition]) {
        let gaps = gauge.health.faultGaps
        let cause: FaultCause? =
            reading.fault == true ? .deviceFault
            : reading.tilt == true ? .tilt
            : memory.gapRun >= gaps ? .gaps
            : nil
        // A fault that came from gaps ends with a valid level, not with a frame that merely has no flags.
        guard cause != nil || memory.gapRun == 0 || fault.alert == nil else { return }
        if var moved = fault.move(to: cause == nil ? 0 : 1, severity: blindSeverity, at: time, lastValid: memory.lastValid) {
            moved.fault = cause
            emit(moved, threshold: cause == .gaps ? .gaps(gaps) : nil, into: &events)
        }
    }

    private mutating func observeBattery(_ reading: Reading, at time: Timestamp, into events: inout [AlertTransition]) {
        let health = gauge.health
        var low: Threshold?
        var recovered = true
        if let limit = health.batteryLowMillivolts, let mv = reading.batteryMillivolts {
            if mv < limit { low = .batteryMillivolts(limit) }
            recovered = recovered && mv >= limit + HealthSettings.batteryClearMarginMillivolts
        }
        if let limit = health.batteryLowPercent, let percent = reading.batteryPercent {
            if percent < limit { low = low ?? .batteryPercent(limit) }
            recovered = recovered && percent >= limit + HealthSettings.batteryClearMarginPercent
        }
        let reported = reading.batteryMillivolts != nil || reading.batteryPercent != nil
        let stage = low != nil ? 1 : (recovered && reported) ? 0 : battery.stage
        if var moved = battery.move(to: stage, severity: .minor, at: time, lastValid: memory.lastValid) {
            moved.batteryMillivolts = reading.batteryMillivolts
            moved.batteryPercent = reading.batteryPercent
            emit(moved, threshold: low ?? Self.batteryThreshold(health), into: &events)
        }
    }

    private static func batteryThreshold(_ health: HealthSettings) -> Threshold? {
        health.batteryLowMillivolts.map { .batteryMillivolts($0) } ?? health.batteryLowPercent.map { .batteryPercent($0) }
    }

    // MARK: Silence

    /// When silence would be declared if nothing valid arrives; `nil` while the gauge is already stale.
    public var silenceDeadline: Timestamp? {
        guard stale.alert == nil, let since = memory.lastValid?.time ?? memory.watchedSince else { return nil }
        return since.adding(seconds: gauge.health.staleAfterSeconds)
    }

    /// Raises a `stale` alert once no valid level has arrived for `stale_after` by `now`. The alert's time is
    /// when the silence began to count, so live and replay agree on its id whenever they notice it.
    ///
    /// - Returns: whether the memory changed (a gauge never heard from starts being watched).
    @discardableResult
    public mutating func checkSilence(now: Timestamp, into events: inout [AlertTransition]) -> Bool {
        guard memory.lastValid != nil || memory.watchedSince != nil else {
            memory.watchedSince = now
            return true
        }
        guard let deadline = silenceDeadline, now >= deadline,
            let raised = stale.move(to: 1, severity: blindSeverity, at: deadline, lastValid: memory.lastValid)
        else { return false }
        emit(raised, threshold: .silenceSeconds(gauge.health.staleAfterSeconds), into: &events)
        return true
    }

    /// A gauge that cannot see the water is as serious as what it last saw: silent or faulty at a stage-3 level
    /// is severe, in dry weather minor.
    private var blindSeverity: Severity {
        max(level.alert?.severity ?? .minor, rate.alert?.severity ?? .minor)
    }

    // MARK: Events

    private func emit(_ transition: AlertTransition, threshold: Threshold?, into events: inout [AlertTransition]) {
        var transition = transition
        transition.threshold = threshold
        transition.levelCM = memory.lastValid?.cm
        transition.lastSeenAt = memory.lastValid?.time
        transition.rateCMPerHour = rateCMPerHour
        if let lastValid = memory.lastValid {
            transition.alert.lastLevelCM = lastValid.cm
            transition.alert.lastObservedAt = lastValid.time
        }
        events.append(transition)
    }
}
