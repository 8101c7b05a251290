/// Rate of rise: the least-squares slope of the valid levels in a time window.
public struct RateSettings: Sendable, Equatable {
    public var windowSeconds: Int64
    /// Fewer samples than this in the window give no rate: one noisy step is not a trend.
    public var minSamples: Int
    /// The samples must span at least this fraction of the window.
    public var minCoverage: Double
    public var warnCMPerHour: Double
    public var alarmCMPerHour: Double
    /// The rate must fall below this before a rate alert clears; below `warn`, `alarm` falls back to warn.
    public var clearCMPerHour: Double

    /// Around warn 20 and alarm 50 cm/h over an hour with 3 samples (`notes/domain.md`).
    public init(
        windowSeconds: Int64 = 3600, minSamples: Int = 3, minCoverage: Double = 0.5,
        warnCMPerHour: Double = 20, alarmCMPerHour: Double = 50, clearCMPerHour: Double = 10
    ) {
        self.windowSeconds = windowSeconds
        self.minSamples = minSamples
        self.minCoverage = minCoverage
        self.warnCMPerHour = warnCMPerHour
        self.alarmCMPerHour = alarmCMPerHour
        self.clearCMPerHour = clearCMPerHour
    }

    /// Rate alerts as stages: 1 is warn (left below `clear`), 2 is alarm (left below `warn`).
    var stages: [Stage] {
        [
            Stage(name: "warn", enterCM: warnCMPerHour, clearCM: clearCMPerHour),
            Stage(name: "alarm", enterCM: alarmCMPerHour, clearCM: warnCMPerHour),
        ]
    }
}

/// What counts as a believable level.
public struct PlausibilitySettings: Sendable, Equatable {
    public var minCM: Double?
    public var maxCM: Double?
    /// A step faster than this from the last valid level waits for the next sample to confirm it.
    public var maxJumpCMPerMinute: Double
    /// Samples further ahead of the clock than this are rejected: a device or server clock gone wrong.
    public var maxFutureSeconds: Int64

    public init(minCM: Double? = nil, maxCM: Double? = nil, maxJumpCMPerMinute: Double = 10, maxFutureSeconds: Int64 = 600) {
        self.minCM = minCM
        self.maxCM = maxCM
        self.maxJumpCMPerMinute = maxJumpCMPerMinute
        self.maxFutureSeconds = maxFutureSeconds
    }
}

/// When the device's own health is an alert.
public struct HealthSettings: Sendable, Equatable {
    /// No valid level for this long raises a `stale` alert: 3 missed 15-minute reports.
    public var staleAfterSeconds: Int64
    /// This many gaps in a row (no echo, sensor error) raise a `fault` alert.
    public var faultGaps: Int
    /// Cells differ (a fresh Li-SOCl2 cell reads 3600 mV, some devices run at 3100), so no default.
    public var batteryLowMillivolts: Int32?
    public var batteryLowPercent: Int32?

    public init(
        staleAfterSeconds: Int64 = 45 * 60, faultGaps: Int = 3, batteryLowMillivolts: Int32? = nil,
        batteryLowPercent: Int32? = 20
    ) {
        self.staleAfterSeconds = staleAfterSeconds
        self.faultGaps = faultGaps
        self.batteryLowMillivolts = batteryLowMillivolts
        self.batteryLowPercent = batteryLowPercent
    }

    /// A battery alert clears only this far above its threshold, as cold nights and radio bursts make
    /// the voltage wander.
    public static let batteryClearMarginMillivolts: Int32 = 100
    public static let batteryClearMarginPercent: Int32 = 5
}
