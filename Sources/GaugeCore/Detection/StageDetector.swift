/// Warning stages with hysteresis for one gauge: one `level` alert whose severity follows the
/// highest active stage.
///
/// A stage above the active one is entered after `enterHold` consecutive samples at or above its
/// `enterCM`; the active stage is left after `clearHold` consecutive samples below its `clearCM`.
/// Leaving it falls back to the highest lower stage whose `clearCM` the level still holds, so a
/// fast fall can clear several stages at once.
public struct StageDetector: Sendable {
    public private(set) var stages: [Stage]
    public private(set) var enterHold: Int
    public private(set) var clearHold: Int
    /// 0 when no stage is active.
    public private(set) var activeStage = 0
    private var samplesAbove = 0
    private var samplesBelow = 0

    public init(stages: [Stage], enterHold: Int, clearHold: Int, activeStage: Int = 0) {
        precondition(enterHold >= 1 && clearHold >= 1, "holds count samples: at least 1")
        self.stages = stages
        self.enterHold = enterHold
        self.clearHold = clearHold
        self.activeStage = min(activeStage, stages.count)
    }

    /// A stage change: `from` and `to` are stage numbers (0 = none); `thresholdCM` is the level
    /// that was crossed.
    public struct Change: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var thresholdCM: Double
    }

    /// Feeds one valid level, in data-time order. Returns the change it caused, if any.
    public mutating func observe(levelCM: Double) -> Change? {
        let reached = highestStage { levelCM >= $0.enterCM }
        if reached > activeStage {
            samplesBelow = 0
            samplesAbove += 1
            guard samplesAbove >= enterHold else { return nil }
            return move(to: reached, threshold: stages[reached - 1].enterCM)
        }
        samplesAbove = 0
        if activeStage > 0, levelCM < stages[activeStage - 1].clearCM {
            samplesBelow += 1
            guard samplesBelow >= clearHold else { return nil }
            let kept = highestStage(below: activeStage) { levelCM >= $0.clearCM }
            return move(to: kept, threshold: stages[activeStage - 1].clearCM)
        }
        samplesBelow = 0
        return nil
    }

    private mutating func move(to stage: Int, threshold: Double) -> Change {
        defer {
            activeStage = stage
            samplesAbove = 0
            samplesBelow = 0
        }
        return Change(from: activeStage, to: stage, thresholdCM: threshold)
    }

    /// The highest stage number (1-based) below `limit` whose stage satisfies `test`, or 0.
    private func highestStage(below limit: Int? = nil, where test: (Stage) -> Bool) -> Int {
        var stage = min(limit.map { $0 - 1 } ?? stages.count, stages.count)
        while stage > 0 && !test(stages[stage - 1]) { stage -= 1 }
        return stage
    }
}
