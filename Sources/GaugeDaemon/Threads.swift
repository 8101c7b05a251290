#if canImport(Glibc)
    import Glibc
#endif

/// Starts `body` on a thread of its own, for the daemon's loops that block in system calls (the pipeline, the
/// checkpointer, the metrics server) and so do not belong on Swift's cooperative pool. `purpose` names it in the
/// error: "cannot start the pipeline thread: …".
func startThread(_ purpose: String, _ body: @escaping @Sendable () -> Void) throws(DaemonError) -> pthread_t {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { context in
        Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context)
    guard rc == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        throw DaemonError("cannot start the \(purpose) thread: \(String(cString: strerror(rc)))")
    }
    return thread
}

/// What `pthread_create` carries to the new thread.
private final class ThreadBody: Sendable {
    let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
