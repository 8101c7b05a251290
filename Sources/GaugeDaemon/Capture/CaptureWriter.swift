import GaugeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a floodgauge capture: the header line, then one line per message, each with a single `write(2)`, so a
/// capture killed at any moment is readable up to its last line.
///
/// - Important: `append` runs on the MQTT network thread only; the rest on the main thread.
final class CaptureWriter: Sendable {
    private let path: String
    private let descriptor: Int32
    /// Messages written, read by the main thread at the end; the writer takes no more than `limit`.
    private let written = Atomic(0)
    private let limit: Int?

    init(path: String, sources: [Config.Source], created: Timestamp, limit: Int?) throws(DaemonError) {
        self.path = path
        self.limit = limit
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DaemonError("cannot create capture \(path): \(String(cString: strerror(errno)))")
        }
        let sources = sources.map { source in
            var object = JSONWriter()
            object.field("topic", source.topic)
            object.field("format", source.format.rawValue)
            return object.finished()
        }
        var header = JSONWriter()
        header.field("floodgauge_capture", 1)
        header.field("created", created.rfc3339)
        header.raw("sources", "[" + sources.joined(separator: ",") + "]")
        try write(header.finished())
    }

    deinit {
        close(descriptor)
    }

    var count: Int { written.load(ordering: .relaxed) }

    /// Writes one message, unless the limit was reached before; returns whether the limit is reached now.
    func append(time: Timestamp, topic: UnsafeRawBufferPointer, qos: Int, payload: UnsafeRawBufferPointer)
        throws(DaemonError) -> Bool
    {
        let done = written.load(ordering: .relaxed)
        if let limit, done >= limit { return true }
        var line = JSONWriter()
        line.field("t", time.rfc3339)
        line.field("topic", String(decoding: topic, as: UTF8.self))
        line.field("qos", qos)
        line.field("payload_b64", Base64.encode(payload))
        try write(line.finished())
        written.store(done + 1, ordering: .relaxed)
        return limit.map { done + 1 >= $0 } ?? false
    }

    private func write(_ line: String) throws(DaemonError) {
        var text = line + "\n"
        let count = text.withUTF8 { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard count == text.utf8.count else {
            throw DaemonError("cannot write capture \(path): \(String(cString: strerror(errno)))")
        }
    }
}
