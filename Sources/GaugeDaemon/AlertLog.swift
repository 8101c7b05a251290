#if canImport(Glibc)
    import Glibc
#endif

/// The alert log staff `tail -f`: one line per transition, appended with a single `write(2)`
/// so concurrent readers never see half a line.
public final class AlertLog {
    private let path: String
    private var descriptor: Int32

    public init(path: String) throws(DaemonError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw DaemonError("cannot open alert log \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
    }

    public func append(_ line: String) throws(DaemonError) {
        var text = line + "\n"
        let written = text.withUTF8 { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            throw DaemonError("cannot write alert log \(path): \(String(cString: strerror(errno)))")
        }
    }
}
