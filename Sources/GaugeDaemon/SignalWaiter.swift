#if canImport(Glibc)
    import Glibc
#endif

/// Turns signals into an ordinary blocking call on the main thread.
///
/// The signals are blocked before any thread starts, so every thread inherits the mask and only
/// `wait()` receives them: no handler runs in an arbitrary thread at an arbitrary moment.
struct SignalWaiter {
    private var set = sigset_t()

    init(_ signals: [Int32]) {
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits at most `milliseconds` for a signal; `nil` when none came, so the caller can do its periodic work.
    func wait(milliseconds: Int) -> Int32? {
        var set = self.set
        var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }
}
