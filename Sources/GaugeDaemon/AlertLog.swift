#if canImport(Glibc)
    import Glibc
#endif

/// The alert log staff `tail -f`: one line per transition, appended with a single `write(2)`
/// so concurrent readers never see half a line.
///
/// logrotate moves the file away; the next line then goes to a new file at the same path. The
/// log notices by itself (the path no longer names the open file) and on `reopen()`, which the
/// daemon calls on SIGHUP.
public final class AlertLog {
    private let path: String
    private var descriptor: Int32

    public init(path: String) throws(DaemonError) {
        self.path = path
        descriptor = try Self.open(path)
    }

    deinit {
        close(descriptor)
    }

    public func append(_ line: String) throws(DaemonError) {
        if isRotated { try reopen() }
        var text = line + "\n"
        let written = text.withUTF8 { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            throw DaemonError("cannot write alert log \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Opens the path anew, so lines go to whatever file now has that name.
    public func reopen() throws(DaemonError) {
        let fresh = try Self.open(path)
        close(descriptor)
        descriptor = fresh
    }

    /// Whether the path names another file than the one open (or none): the log was rotated.
    private var isRotated: Bool {
        var open = stat()
        var named = stat()
        guard fstat(descriptor, &open) == 0 else { return true }
        guard stat(path, &named) == 0 else { return true }
        return open.st_ino != named.st_ino || open.st_dev != named.st_dev
    }

    private static func open(_ path: String) throws(DaemonError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw DaemonError("cannot open alert log \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}
