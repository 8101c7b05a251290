import Foundation
import GaugeCore
import GaugeDaemon
import GaugeStore
import Logging
import Testing

/// The replayer's own duties; the scenarios (ScenarioTests) check what it produces through the detectors.
@Suite("Replayer")
struct ReplayerTests {
    static let config = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/scenarios/slow-rise/config.toml")

    @Test("a topic no source matches goes to the pipeline as an unknown source, and is rejected")
    func unknownTopic() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replayer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(path: directory.appendingPathComponent("r.db").path)
        let replayer = try Replayer(config: try Config.load(path: Self.config.path), store: store, logger: Logger(label: "test"))
        let message = CapturedMessage(
            time: Timestamp.parseRFC3339("2026-11-22T10:00:00Z")!, topic: Array("elsewhere/x".utf8), payload: [1, 2])
        var done = 0
        var unread = [message].makeIterator()
        try replayer.run({ unread.next() }, speed: nil) { _, count in done = count }
        #expect(done == 1)
        #expect(replayer.counters.rejects == 1)
        let reasons = try replayer.rejectsByReason()
        #expect(reasons.map(\.reason) == ["message from an unknown source"])
        #expect(reasons.map(\.count) == [1])
    }
}
