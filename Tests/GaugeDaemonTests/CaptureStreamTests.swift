import Foundation
import GaugeCore
import GaugeDaemon
import Testing

/// Capture files as written to disk: both formats, and the ways they break.
@Suite("Capture files")
struct CaptureStreamTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capture-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }

    private func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let header = #"{"floodgauge_capture":1,"created":"2026-11-22T10:00:00.000Z","sources":[{"topic":"a/#","format":"ttn-v3"}]}"#

    private static func line(_ time: String, _ topic: String, _ payload: String) -> String {
        #"{"t":"\#(time)","topic":"\#(topic)","qos":1,"payload_b64":"\#(Data(payload.utf8).base64EncodedString())"}"#
    }

    private static func message(_ time: String, _ topic: String, _ payload: String) -> CapturedMessage {
        CapturedMessage(time: Timestamp.parseRFC3339(time)!, topic: Array(topic.utf8), payload: Array(payload.utf8))
    }

    @Test("a floodgauge capture reads back as written")
    func floodgaugeCapture() throws {
        let path = try file("c.jsonl", [
            Self.header, Self.line("2026-11-22T10:00:00.123Z", "a/b", "{\"x\":1}"),
            Self.line("2026-11-22T10:00:01.000Z", "a/c", ""),
        ].joined(separator: "\n") + "\n")
        let (messages, problems) = try CaptureStream.readAll([path])
        #expect(problems.isEmpty)
        #expect(messages == [
            Self.message("2026-11-22T10:00:00.123Z", "a/b", "{\"x\":1}"), Self.message("2026-11-22T10:00:01.000Z", "a/c", ""),
        ])
    }

    @Test("mosquitto_sub -F '%I %t %x' output reads, offsets and topics with spaces included")
    func mosquittoCapture() throws {
        let path = try file("m.txt", """
            2026-11-22T10:00:00+0000 a/b 7b7d
            2026-11-22T11:00:05+0100 a/with space 00FF
            2026-11-22T10:00:06+0000 a/empty \n
            """)
        let (messages, problems) = try CaptureStream.readAll([path])
        #expect(problems.isEmpty)
        #expect(messages.map(\.time.rfc3339) == ["2026-11-22T10:00:00.000Z", "2026-11-22T10:00:05.000Z", "2026-11-22T10:00:06.000Z"])
        #expect(messages.map { String(decoding: $0.topic, as: UTF8.self) } == ["a/b", "a/with space", "a/empty"])
        #expect(messages.map(\.payload) == [[0x7B, 0x7D], [0x00, 0xFF], []])
    }

    @Test("a truncated last line, bad base64 and bad hex are reported with file and line, and skipped")
    func brokenLines() throws {
        let json = try file("broken.jsonl", [
            Self.header, Self.line("2026-11-22T10:00:00.000Z", "a/b", "one"),
            #"{"t":"2026-11-22T10:00:01.000Z","topic":"a/b","qos":1,"payload_b64":"no*base64"}"#,
            Self.line("2026-11-22T10:00:02.000Z", "a/b", "three"),
            #"{"t":"2026-11-22T10:00:03.000Z","topic":"a/b","qos":1,"payload_b6"#,
        ].joined(separator: "\n"))
        let mosquitto = try file("broken.txt", "2026-11-22T10:00:04+0000 a/b 0g\nnonsense\n2026-11-22T10:00:05+0000 a/b 00\n")
        let (messages, problems) = try CaptureStream.readAll([json, mosquitto])
        #expect(messages.map(\.payload) == [Array("one".utf8), Array("three".utf8), [0]])
        #expect(problems.map(\.description) == [
            "\(json):3: payload_b64: payload is not base64",
            "\(json):5: truncated line (no newline at the end)",
            "\(mosquitto):1: payload is not hex",
            "\(mosquitto):2: not \"TIME TOPIC HEX\" as mosquitto_sub -F '%I %t %x' prints",
        ])
    }

    @Test("times out of order, within a file and across files, are merged by time, ties in file order")
    func mergedByTime() throws {
        let first = try file("1.jsonl", [
            Self.header, Self.line("2026-11-22T10:00:02.000Z", "a/b", "1@2"), Self.line("2026-11-22T10:00:00.000Z", "a/b", "1@0"),
            Self.line("2026-11-22T10:00:03.000Z", "a/b", "1@3"),
        ].joined(separator: "\n") + "\n")
        let second = try file("2.txt", "2026-11-22T10:00:02+0000 a/b \(Self.hex("2@2"))\n2026-11-22T10:00:01+0000 a/b \(Self.hex("2@1"))\n")
        let (messages, problems) = try CaptureStream.readAll([first, second])
        #expect(problems.isEmpty)
        #expect(messages.map { String(decoding: $0.payload, as: UTF8.self) } == ["1@0", "2@1", "1@2", "2@2", "1@3"])
    }

    @Test("a message further out of place than the reorder window is replayed as soon as it is read, and reported")
    func beyondTheWindow() throws {
        let path = try file("late.jsonl", [
            Self.header, Self.line("2026-11-22T10:00:05.000Z", "a/b", "5"), Self.line("2026-11-22T10:00:06.000Z", "a/b", "6"),
            Self.line("2026-11-22T10:00:07.000Z", "a/b", "7"), Self.line("2026-11-22T09:59:00.000Z", "a/b", "late"),
            Self.line("2026-11-22T10:00:08.000Z", "a/b", "8"),
        ].joined(separator: "\n") + "\n")
        var problems: [CaptureProblem] = []
        let stream = try CaptureStream([path], reorderWindow: 2) { problems.append($0) }
        var payloads: [String] = []
        while let message = try stream.next() { payloads.append(String(decoding: message.payload, as: UTF8.self)) }
        #expect(payloads == ["5", "6", "late", "7", "8"])
        #expect(problems == [CaptureProblem(
            file: path, line: 5, reason: "1m6s earlier than a message already replayed: more than 2 messages out of place",
            skipped: false)])
        #expect(stream.bytesRead == stream.totalBytes)
    }

    private static func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }

    @Test("a missing file is an error")
    func missingFile() {
        #expect(throws: DaemonError.self) { try CaptureStream.readAll([directory.appendingPathComponent("none").path]) }
    }
}

extension CaptureStream {
    /// Every message of `paths` and every problem, read at once: for the small captures tests use.
    static func readAll(_ paths: [String]) throws -> (messages: [CapturedMessage], problems: [CaptureProblem]) {
        var problems: [CaptureProblem] = []
        let stream = try CaptureStream(paths) { problems.append($0) }
        var messages: [CapturedMessage] = []
        while let message = try stream.next() { messages.append(message) }
        return (messages, problems)
    }
}
