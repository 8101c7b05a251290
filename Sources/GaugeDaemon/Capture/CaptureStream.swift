public import GaugeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Capture files read message by message, merged in time order: memory stays the same however long the capture.
///
/// Each file is read through a reorder window (``CaptureFile``); the files are then merged by their next message,
/// ties going to the file named first. Messages with the same time therefore keep their file order, and files
/// their order in `paths`, so the same files always replay the same way (mosquitto_sub's times have whole seconds
/// only).
public final class CaptureStream {
    private var files: [CaptureFile]
    private var heads: [CapturedMessage?]
    /// 4096 messages of at most a few kilobytes each: a few megabytes, far more disorder than a clock step makes.
    public static let defaultReorderWindow = 4096

    /// The files' sizes added up, for a progress estimate.
    public let totalBytes: Int64

    /// - Parameter problem: called for each line that cannot be read (skipped) or comes too late to be put in
    ///   order (replayed where it stands), as the stream reaches it.
    /// - Throws: when a file cannot be opened.
    public init(
        _ paths: [String], reorderWindow: Int = defaultReorderWindow,
        problem: @escaping (CaptureProblem) -> Void
    ) throws(DaemonError) {
        var files: [CaptureFile] = []
        for path in paths { files.append(try CaptureFile(path, window: reorderWindow, problem: problem)) }
        self.files = files
        heads = Array(repeating: nil, count: files.count)
        totalBytes = files.reduce(0) { $0 + $1.size }
        for index in files.indices { heads[index] = try files[index].next() }
    }

    /// How much of the files has been read, in bytes.
    public var bytesRead: Int64 { files.reduce(0) { $0 + $1.bytesRead } }

    /// The earliest message still to come, or `nil` at the end of every file.
    ///
    /// - Throws: when a file cannot be read (an I/O error, not a bad line).
    public func next() throws(DaemonError) -> CapturedMessage? {
        var earliest: Int?
        for (index, head) in heads.enumerated() {
            guard let head else { continue }
            if let current = earliest, heads[current]!.time <= head.time { continue }
            earliest = index
        }
        guard let earliest else { return nil }
        let message = heads[earliest]
        heads[earliest] = try files[earliest].next()
        return message
    }

}
