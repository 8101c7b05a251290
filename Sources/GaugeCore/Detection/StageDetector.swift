/// Warning stages with hysteresis for one gauge: one `level` alert whose severity follows the
/// highest active stage.
///
/// A stage above the active one is entered after `enterHold` consecutive samples at or above its
/// `enterCM`; the active stage is left after `clearHold` consecutive samples below its `clearCM`.
/// Leaving it falls back to the highest lower stage whose `clearCM` the level still holds, so a
/// fast fall can clear several stages at once.
public struct StageDetector: Sendable {
    /// Each stage's `enterCM` and `clearCM`, without its name: reading a `Stage` would retain the name's storage,
    /// at every sample of every stage tested.
    private let thresholds: [(enter: Double, clear: Double)]
    public private(set) var enterHold: Int
    public private(set) var clearHold: Int
    /// 0 when no stage is active.
    public private(set) var activeStage = 0
    /// How far the holds have counted: part of what a restart must restore.
    public private(set) var holds: Holds

    /// Consecutive samples counted towards entering a higher stage or leaving the active one.
    public struct Holds: Sendable, Equatable {
        public var above: Int
        public var below: Int

        public init(above: Int = 0, below: Int = 0) {
            self.above = above
            self.below = below
        }
    }

    public init(stages: [Stage], enterHold: Int, clearHold: Int, activeStage: Int = 0, holds: Holds = Holds()) {
        precondition(enterHold >= 1 && clearHold >= 1, "holds count samples: at least 1")
        self.thresholds = stages.map { ($0.enterCM, $0.clearCM) }
        self.enterHold = enterHold
        self.clearHold = clearHold
        self.activeStage = min(activeStage, thresholds.count)
        self.holds = holds
    }

    /// A stage change: `from` and `to` are stage numbers (0 = none); `threshold` is the value
    /// that was crossed.
    public struct Change: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var threshold: Double
    }

    /// Feeds one value (a level, or a rate for rate stages), in data-time order. Returns the change it caused.
    public mutating func observe(_ value: Double) -> Change? {
        let reached = highestStage { value >= $0.enter }
        if reached > activeStage {
            holds.below = 0
            holds.above += 1
            guard holds.above >= enterHold else { return nil }
            return move(to: reached, threshold: thresholds[reached - 1].enter)
        }
        holds.above = 0
        if activeStage > 0, value < thresholds[activeStage - 1].clear {
            holds.below += 1
            guard holds.below >= clearHold else { return nil }
            let kept = highestStage(below: activeStage) { value >= $0.clear }
            return move(to: kept, threshold: thresholds[activeStage - 1].clear)
        }
        holds.below = 0
        return nil
    }

    private mutating func move(to stage: Int, threshold: Double) -> Change {
        defer {
            activeStage = stage
            holds = Holds()
        }
        return Change(from: activeStage, to: stage, threshold: threshold)
    }

    /// The highest stage number (1-based) below `limit` whose stage satisfies `test`, or 0.
    private func highestStage(below limit: Int? = nil, where test: ((enter: Double, clear: Double)) -> Bool) -> Int {
        var stage = min(limit.map { $0 - 1 } ?? thresholds.count, thresholds.count)
        while stage > 0 && !test(thresholds[stage - 1]) { stage -= 1 }
        return stage
    }
}
