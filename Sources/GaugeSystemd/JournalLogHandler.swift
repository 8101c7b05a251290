import CSystemd
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that writes structured entries to the journal with `sd_journal_sendv`: the message, a
/// priority from the log level, the source location, and every metadata key as a journal field, so
/// `journalctl FLOODGAUGE_SEVERITY=severe` finds what the daemon logged with that metadata.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let identifier: String

    public init(identifier: String) {
        self.identifier = identifier
    }

    /// Whether standard error goes to the journal: systemd then sets `JOURNAL_STREAM` to its device and inode.
    /// Elsewhere (a terminal, a test, a pipe) the daemon logs to standard error instead.
    public static var isStandardErrorJournal: Bool {
        guard let stream = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return stream == "\(status.st_dev):\(status.st_ino)"
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var fields = [
            "MESSAGE=\(message)", "PRIORITY=\(Self.priority(level))", "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)",
        ]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { _, new in new }) {
            guard let name = Self.fieldName(key) else { continue }
            fields.append("\(name)=\(value)")
        }
        Self.send(fields)
    }

    /// syslog priorities: debug 7 … critical 2.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journal field names are upper-case letters, digits and underscores, not starting with an underscore (those
    /// are the journal's own). Other keys are left out rather than mangled into a name nobody would query.
    static func fieldName(_ key: String) -> String? {
        let name = key.uppercased()
        let valid = name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        return valid && !name.isEmpty && !name.hasPrefix("_") ? name : nil
    }

    /// One datagram to journald: each field `NAME=value`, values may hold newlines, so no terminator is added.
    private static func send(_ fields: [String]) {
        let buffers = fields.map { field in
            let bytes = Array(field.utf8)
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            pointer.copyMemory(from: bytes, byteCount: bytes.count)
            return iovec(iov_base: pointer, iov_len: bytes.count)
        }
        defer { for buffer in buffers { buffer.iov_base.deallocate() } }
        _ = buffers.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }
}
