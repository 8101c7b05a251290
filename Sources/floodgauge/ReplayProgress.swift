import GaugeCore
import GaugeDaemon

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A progress line on stderr with messages/s and the time left, for replays long enough to wait for; nothing when
/// stderr is not a terminal, so piped output and logs stay clean.
///
/// The capture is read as it is replayed, so the share done is the share of its bytes read.
struct ReplayProgress {
    private let totalBytes: Int64
    private let enabled = isatty(STDERR_FILENO) == 1
    private let startedAt = Self.clock()
    private var shownAt: Double?

    init(totalBytes: Int64) { self.totalBytes = totalBytes }

    mutating func show(messages: Int, bytes: Int64) {
        guard enabled else { return }
        let now = Self.clock()
        // Quick replays show nothing; longer ones a line refreshed twice a second.
        guard now - startedAt >= 1, now - (shownAt ?? 0) >= 0.5 else { return }
        shownAt = now
        let elapsed = now - startedAt
        let share = Double(bytes) / Double(max(totalBytes, 1))
        let left = share > 0 ? Int64(elapsed * (1 - share) / share) : 0
        let line = "\r\(messages) messages (\(Int(share * 100)) %), \(Int(Double(messages) / elapsed)) messages/s, "
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
