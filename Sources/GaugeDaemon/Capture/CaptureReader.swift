#if canImport(Glibc)
    import Glibc
#endif

/// Reads capture files: floodgauge's own JSON Lines and `mosquitto_sub -v -F '%I %t %x'` output, told apart per
/// file by its first byte (`{` starts a floodgauge capture; mosquitto_sub lines start with the time).
public enum CaptureReader {
    /// The messages of all `paths` in time order, and every line that was skipped.
    ///
    /// The sort is stable: messages with the same time keep their file order, and files their order in `paths`, so
    /// the same files always replay the same way (mosquitto_sub's times have whole seconds only).
    ///
    /// - Throws: only when a file cannot be opened or read; bad lines are problems, never failures.
    public static func read(_ paths: [String]) throws(DaemonError) -> (messages: [CapturedMessage], problems: [CaptureProblem]) {
        var messages: [CapturedMessage] = []
        var problems: [CaptureProblem] = []
        for path in paths {
            try read(path, into: &messages, problems: &problems)
        }
        // Already in order, as a capture almost always is: then no sort is needed.
        if !zip(messages, messages.dropFirst()).allSatisfy({ $0.time <= $1.time }) {
            messages = messages.enumerated()
                .sorted { $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset }
                .map(\.element)
        }
        return (messages, problems)
    }

    private static func read(
        _ path: String, into messages: inout [CapturedMessage], problems: inout [CaptureProblem]
    ) throws(DaemonError) {
        guard let file = fopen(path, "r") else {
            throw DaemonError("cannot open capture \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        var isJSON: Bool?
        while true {
            let length = getline(&buffer, &capacity, file)
            guard length >= 0 else { break }
            number += 1
            var line = UnsafeRawBufferPointer(start: buffer, count: length)
            // Every writer ends its lines; one that does not was cut off mid-write (a killed capture, a full disk).
            guard line.last == UInt8(ascii: "\n") else {
                problems.append(CaptureProblem(file: path, line: number, reason: "truncated line (no newline at the end)"))
                break
            }
            line = UnsafeRawBufferPointer(rebasing: line.dropLast())
            if line.last == UInt8(ascii: "\r") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
            if line.isEmpty { continue }
            let json = isJSON ?? (line.first == UInt8(ascii: "{"))
            isJSON = json
            do {
                if json {
                    if case .message(let message) = try CaptureLine.json(line) { messages.append(message) }
                } else {
                    messages.append(try CaptureLine.mosquitto(line))
                }
            } catch {
                problems.append(CaptureProblem(file: path, line: number, reason: error.reason))
            }
        }
        if ferror(file) != 0 {
            throw DaemonError("cannot read capture \(path): \(String(cString: strerror(errno)))")
        }
    }
}
