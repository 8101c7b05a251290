import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How the pipeline thread sleeps while it has nothing to do, and how the threads that give it work wake it: a pipe
/// it polls. Sleeping 1 ms at a time instead woke an idle daemon a thousand times a second (1.3 % of a core).
final class Wakeup: Sendable {
    /// The pipe's read and write ends, both non-blocking: a signal that finds the pipe full is one already given.
    private let reading: Int32
    private let writing: Int32
    private let sleeping = Atomic(false)

    init() throws(DaemonError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw DaemonError("cannot create the pipeline's wake-up pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        reading = ends[0]
        writing = ends[1]
    }

    deinit {
        close(reading)
        close(writing)
    }

    /// Wakes the pipeline thread, asleep or about to be: for what comes now and then (an acknowledgement, a request).
    func signal() {
        var one: UInt8 = 1
        _ = write(writing, &one, 1)
    }

    /// After a message went into the ring: wakes the pipeline thread only if it sleeps, so a busy pipeline costs no
    /// system call per message.
    func signalIfSleeping() {
        // With the fence in `sleep`: either the pipeline thread sees the message, or this sees it asleep.
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        if sleeping.load(ordering: .relaxed) { signal() }
    }

    /// Sleeps until `signal`, or at most `milliseconds`, if `isIdle` still holds once a message would wake it.
    func sleep(milliseconds: Int32, if isIdle: () -> Bool) {
        sleeping.store(true, ordering: .relaxed)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        if isIdle() {
            var wanted = pollfd(fd: reading, events: Int16(POLLIN), revents: 0)
            _ = poll(&wanted, 1, milliseconds)
        }
        sleeping.store(false, ordering: .relaxed)
        var drained = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while read(reading, &drained, MemoryLayout.size(ofValue: drained)) > 0 {}
    }
}
