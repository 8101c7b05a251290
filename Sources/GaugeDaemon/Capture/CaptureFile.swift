import GaugeCore

#if canImport(Glibc)
    import Glibc
#endif

/// One capture file read line by line: floodgauge's own JSON Lines or `mosquitto_sub -v -F '%I %t %x'` output,
/// told apart by its first byte (`{` starts a floodgauge capture; mosquitto_sub lines start with the time).
///
/// A capture is written in arrival order, so its times only go back where a clock was stepped or files were
/// pasted together. Messages pass through a window of `window` messages and leave it earliest first, which puts
/// such a file in order as long as no message is further than `window` lines from its place, in bounded memory.
/// A message further out of place is replayed as soon as it is read, which is close to where the daemon saw it
/// live, and reported.
final class CaptureFile {
    private let path: String
    private let file: UnsafeMutablePointer<FILE>
    private let window: Int
    private let problem: (CaptureProblem) -> Void
    let size: Int64
    private(set) var bytesRead: Int64 = 0
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    private var lineNumber = 0
    private var isJSON: Bool?
    private var atEnd = false
    private var pending = MinHeap()
    /// The latest time this file has given out: a message earlier than it is too late to put in order.
    private var latestOut: Timestamp?

    init(_ path: String, window: Int, problem: @escaping (CaptureProblem) -> Void) throws(DaemonError) {
        guard let file = fopen(path, "r") else {
            throw DaemonError("cannot open capture \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        fstat(fileno(file), &status)
        self.path = path
        self.file = file
        self.window = max(window, 1)
        self.problem = problem
        size = Int64(status.st_size)
    }

    deinit { close() }

    /// The file's next message in time order, or `nil` at its end.
    func next() throws(DaemonError) -> CapturedMessage? {
        while !atEnd, pending.count < window {
            guard let (message, number) = try readMessage() else { break }
            if let latestOut, message.time < latestOut {
                problem(CaptureProblem(
                    file: path, line: number,
                    reason: "\(DurationText.format((latestOut.unixMilliseconds - message.time.unixMilliseconds) / 1000)) "
                        + "earlier than a message already replayed: more than \(window) messages out of place",
                    skipped: false))
                return message
            }
            pending.insert(message, order: number)
        }
        guard let message = pending.popFirst() else { return nil }
        latestOut = message.time
        return message
    }

    /// The next line that holds a message, with its line number; bad lines are reported and passed over.
    private func readMessage() throws(DaemonError) -> (CapturedMessage, Int)? {
        while true {
            let length = getline(&line, &capacity, file)
            guard length >= 0 else {
                if ferror(file) != 0 { throw DaemonError("cannot read capture \(path): \(String(cString: strerror(errno)))") }
                close()
                return nil
            }
            lineNumber += 1
            bytesRead += Int64(length)
            var text = UnsafeRawBufferPointer(start: line, count: length)
            // Every writer ends its lines; one that does not was cut off mid-write (a killed capture, a full disk).
            guard text.last == UInt8(ascii: "\n") else {
                problem(CaptureProblem(file: path, line: lineNumber, reason: "truncated line (no newline at the end)"))
                close()
                return nil
            }
            text = UnsafeRawBufferPointer(rebasing: text.dropLast())
            if text.last == UInt8(ascii: "\r") { text = UnsafeRawBufferPointer(rebasing: text.dropLast()) }
            if text.isEmpty { continue }
            let json = isJSON ?? (text.first == UInt8(ascii: "{"))
            isJSON = json
            do {
                if !json { return (try CaptureLine.mosquitto(text), lineNumber) }
                if case .message(let message) = try CaptureLine.json(text) { return (message, lineNumber) }
            } catch {
                problem(CaptureProblem(file: path, line: lineNumber, reason: error.reason))
            }
        }
    }

    private func close() {
        guard !atEnd else { return }
        atEnd = true
        free(line)
        line = nil
        fclose(file)
    }
}

/// The reorder window: a binary min-heap by time, then by line, so equal times leave in file order.
private struct MinHeap {
    private var items: [(message: CapturedMessage, order: Int)] = []

    var count: Int { items.count }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (items[a], items[b])
        return x.message.time != y.message.time ? x.message.time < y.message.time : x.order < y.order
    }

    mutating func insert(_ message: CapturedMessage, order: Int) {
        items.append((message, order))
        var child = items.count - 1
        while child > 0, less(child, (child - 1) / 2) {
            items.swapAt(child, (child - 1) / 2)
            child = (child - 1) / 2
        }
    }

    mutating func popFirst() -> CapturedMessage? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let first = items.removeLast().message
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let smaller = left + 1 < items.count && less(left + 1, left) ? left + 1 : left
            guard less(smaller, parent) else { break }
            items.swapAt(smaller, parent)
            parent = smaller
        }
        return first
    }
}
