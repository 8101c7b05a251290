import GaugeCore
import GaugeDaemon

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A progress line on stderr with messages/s and the time left, for replays long enough to wait for; nothing when
/// stderr is not a terminal, so piped output and logs stay clean.
struct ReplayProgress {
    private let total: Int
    private let enabled = isatty(STDERR_FILENO) == 1
    private let startedAt = Self.clock()
    private var shownAt: Double?

    init(total: Int) { self.total = total }

    mutating func show(done: Int) {
        guard enabled else { return }
        let now = Self.clock()
        // Quick replays show nothing; longer ones a line refreshed twice a second.
        guard now - startedAt >= 1, now - (shownAt ?? 0) >= 0.5 else { return }
        shownAt = now
        let rate = Double(done) / (now - startedAt)
        let left = rate > 0 ? Int64(Double(total - done) / rate) : 0
        let line = "\r\(done)/\(total) messages (\(done * 100 / max(total, 1)) %), \(Int(rate)) messages/s, "
            + "\(DurationText.format(left)) left\u{1B}[K"
        fputs(line, stderr)
    }

    /// Clears the line, so the summary starts on a clean one.
    func finish() {
        if shownAt != nil { fputs("\r\u{1B}[K", stderr) }
    }

    private static func clock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
