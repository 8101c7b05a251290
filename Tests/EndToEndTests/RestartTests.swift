import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A flood on the Kyll, one TTN uplink every 15 minutes ending now: levels in cm above the datum.
private let floodLevels: [Int] = [
    120, 125, 135, 150, 175, 205, 240, 260, 275, 300, 330, 360, 390, 420, 445, 460, 470, 465, 450, 420, 380, 340,
    300, 250, 230, 225,
]

private func floodUplinks() -> [String] {
    let start = (Int(Date().timeIntervalSince1970) / 60 - 15 * (floodLevels.count - 1)) * 60
    return floodLevels.enumerated().map { i, level in
        let time = Date(timeIntervalSince1970: Double(start + i * 900))
        return ttnUplink(
            devEUI: "70B3D57ED0001234", fCnt: i, receivedAt: time.ISO8601Format(),
            frame: mpscFrame(seq: UInt16(i), distancesMM: [UInt16(7200 - level * 10)]))
    }
}

/// The daemon killed with SIGKILL at several points of a flood and started again must tell integrators exactly
/// what one that ran through told them: no transition lost, none announced twice except as the same event re-sent.
@Suite(.serialized) struct RestartTests {
    @Test func aDaemonKilledAndRestartedPublishesWhatAnUninterruptedOneDoes() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let uplinks = floodUplinks()

        let steady = try publishedEvents(uplinks, broker: broker, run: "steady", killedAfter: [])
        // Kill points inside the enter hold of stage 1 (260, 275), mid-escalation, at the peak and while falling.
        let interrupted = try publishedEvents(uplinks, broker: broker, run: "killed", killedAfter: [7, 12, 16, 20])

        #expect(steady.count >= 8, "the flood should raise, escalate and clear level and rate alerts: \(steady)")
        let steadyByID = try Dictionary(uniqueKeysWithValues: steady.map { try (eventID($0), withoutEmissionTime($0)) })
        var interruptedByID: [String: String] = [:]
        for event in interrupted {
            let id = try eventID(event)
            let content = try withoutEmissionTime(event)
            // A re-sent event is the same event: the same id with the same content.
            if let earlier = interruptedByID[id] { #expect(earlier == content, "event \(id) changed when re-sent") }
            interruptedByID[id] = content
        }
        #expect(Set(interruptedByID.keys) == Set(steadyByID.keys))
        for (id, content) in steadyByID {
            #expect(interruptedByID[id] == content, "event \(id) differs after restarts")
        }
    }

    /// Runs a fresh daemon over `uplinks`, killing it after each index in `killedAfter` once that uplink is stored,
    /// publishing the next one while it is down and starting it again; returns the alert events a subscriber saw.
    private func publishedEvents(_ uplinks: [String], broker: Broker, run: String, killedAfter: Set<Int>) throws
        -> [String]
    {
        let scratch = try ScratchDirectory()
        let config = try oneGaugeConfig(
            in: scratch, port: broker.port, name: run, gauge: ["enter_hold = 2", "clear_hold = 2"],
            stages: """
                [
                    { name = "Meldestufe 1", enter_cm = 250, clear_cm = 235 },
                    { name = "Meldestufe 2", enter_cm = 350, clear_cm = 335 },
                    { name = "Meldestufe 3", enter_cm = 450, clear_cm = 435 },
                ]
                """)
        let database = scratch.path("floodgauge.db")
        let subscriber = try broker.subscribe("\(run)/alerts/#", output: scratch.path("events"))
        try broker.publish(topic: "\(run)/alerts/probe", message: "probe", retain: true)
        try #require(eventually { subscriber.output.contains("probe") })

        func start() throws -> Child {
            starts += 1
            let daemon = try Child(
                try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon-\(starts).log"))
            try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
            return daemon
        }
        func stored(_ count: Int) -> Bool {
            (try? sql(database, "SELECT count(*) FROM uplinks")) == "\(count)"
        }
        var starts = 0
        var daemon = try start()
        var index = 0
        while index < uplinks.count {
            try broker.publish(topic: "v3/\(run)/devices/kyll/up", message: uplinks[index])
            try #require(eventually { stored(index + 1) }, "uplink \(index) not stored: \(daemon.output)")
            if killedAfter.contains(index), index + 1 < uplinks.count {
                #expect(daemon.stop(signal: SIGKILL) == 128 + SIGKILL)
                // Sent while the daemon is down: the broker keeps it in the daemon's session.
                index += 1
                try broker.publish(topic: "v3/\(run)/devices/kyll/up", message: uplinks[index])
                daemon = try start()
                try #require(eventually { stored(index + 1) }, "uplink \(index) sent while down was lost")
            }
            index += 1
        }
        try #require(eventually { (try? sql(database, "SELECT count(*) FROM alert_events WHERE published_at IS NULL")) == "0" })
        #expect(daemon.stop() == 0)
        subscriber.stop()
        return subscriber.output.split(separator: "\n").compactMap { line in
            guard let json = line.firstIndex(of: "{"), !line.contains("probe") else { return nil }
            return String(line[json...])
        }
    }

    private func eventID(_ event: String) throws -> String {
        try #require(try object(event)["event_id"] as? String)
    }

    /// The event as JSON without `emitted_at`, the one field two runs may differ in.
    private func withoutEmissionTime(_ event: String) throws -> String {
        var fields = try object(event)
        fields["emitted_at"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: fields, options: .sortedKeys), as: UTF8.self)
    }

    private func object(_ event: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any])
    }
}
