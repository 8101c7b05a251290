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

    func wait() -> Int32 {
        var received: Int32 = 0
        var set = self.set
        while sigwait(&set, &received) != 0 {}
        return received
    }
}
