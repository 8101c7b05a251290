/// A level at a data time: what the detectors remember of a sample.
public struct LevelPoint: Sendable, Equatable {
    public var time: Timestamp
    public var cm: Double

    public init(time: Timestamp, cm: Double) {
        self.time = time
        self.cm = cm
    }
}

/// The newest valid levels of one gauge, for the rate of rise: a fixed ring inside the monitor, so
/// feeding a sample never allocates.
public struct LevelWindow: Sendable {
    /// At 15-minute reports an hour holds 5 samples; minute samples from multi-sample frames fill it in half
    /// an hour, which still covers half an hour of the window.
    public static let capacity = 32

    private var points = InlineArray<32, LevelPoint>(repeating: LevelPoint(time: Timestamp(unixMilliseconds: 0), cm: 0))
    /// Index of the oldest point.
    private var start = 0
    public private(set) var count = 0

    public init() {}

    private subscript(offset: Int) -> LevelPoint {
        points[(start + offset) % Self.capacity]
    }

    /// Appends a point newer than every point held, dropping the oldest when full.
    public mutating func append(_ point: LevelPoint) {
        if count == Self.capacity {
            points[start] = point
            start = (start + 1) % Self.capacity
        } else {
            points[(start + count) % Self.capacity] = point
            count += 1
        }
    }

    /// The least-squares slope in cm/h of the points within `settings.windowSeconds` of the newest, or `nil`
    /// when they are too few or cover too little of the window to call it a trend.
    public mutating func slope(_ settings: RateSettings) -> Double? {
        guard count > 0 else { return nil }
        let newest = self[count - 1].time.unixMilliseconds
        let windowMS = settings.windowSeconds * 1000
        // Points that fell out of the window are never needed again: the next ones are newer still.
        while count > 0, newest - self[0].time.unixMilliseconds > windowMS {
            start = (start + 1) % Self.capacity
            count -= 1
        }
        let covered = Double(newest - self[0].time.unixMilliseconds)
        guard count >= max(settings.minSamples, 2), covered > 0, covered >= settings.minCoverage * Double(windowMS)
        else { return nil }

        // Hours before the newest point: small numbers, so the sums keep their precision.
        var sumX = 0.0, sumY = 0.0
        for i in 0..<count {
            sumX += Double(self[i].time.unixMilliseconds - newest) / 3_600_000
            sumY += self[i].cm
        }
        let meanX = sumX / Double(count), meanY = sumY / Double(count)
        var sxy = 0.0, sxx = 0.0
        for i in 0..<count {
            let dx = Double(self[i].time.unixMilliseconds - newest) / 3_600_000 - meanX
            sxy += dx * (self[i].cm - meanY)
            sxx += dx * dx
        }
        return sxx > 0 ? sxy / sxx : nil
    }
}
