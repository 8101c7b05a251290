import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The retained state topics under a burst: newest wins, and what is sent is bounded by the gauges, not the uplinks.
@Suite(.serialized) struct StateCoalescingTests {
    static let gauges = [
        (id: "kyll-kordel", devEUI: "70B3D57ED0001234"), (id: "gauge-2", devEUI: "70B3D57ED0001235"),
        (id: "gauge-3", devEUI: "70B3D57ED0001236"),
    ]

    /// The burst is faster than the daemon: the broker queues all of it for the daemon instead of dropping past 1000.
    static let brokerSettings = ["max_queued_messages 0", "max_queued_bytes 0"]

    /// A burst of uplinks for a few gauges: each gauge's retained state ends as its newest sample, and the broker gets
    /// fewer state messages than uplinks.
    @Test func aBurstEndsWithTheNewestStatePerGaugeInFewerMessagesThanUplinks() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch, settings: Self.brokerSettings)
        let daemon = try Child(
            try floodgaugeBinary(), ["run", "--config", try config(in: scratch, port: broker.port)],
            output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        let states = try subscribeToStates(broker, in: scratch)
        let before = stateMessages(states)

        let uplinks = try publishUplinks(0..<2000, to: broker, in: scratch)
        try waitUntilStored(uplinks, scratch, daemon)
        try expectNewestRetained(broker, scratch)
        // The newest states reached the subscriber too, and nothing more is on its way.
        #expect(eventually { stateMessages(states) - before >= Self.gauges.count })
        usleep(500_000)
        let sent = stateMessages(states) - before
        #expect(sent < uplinks, "\(sent) state messages for \(uplinks) uplinks")
        #expect(daemon.stop() == 0)
        states.stop()
    }

    /// While the broker's acknowledgements are held back, a burst sends no state: each gauge has one in flight, and
    /// its newer states wait in the daemon as one, the newest. Once acknowledgements flow, that one goes out.
    @Test func withAcknowledgementsHeldBackABurstSendsOnlyTheNewestStatePerGaugeAfterwards() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch, settings: Self.brokerSettings)
        let proxyPort = try freeLoopbackPort()
        let script = scratch.path("proxy.py")
        let release = scratch.path("release")
        try pubackHoldingProxy.write(toFile: script, atomically: true, encoding: .utf8)
        let proxy = try Child(
            try which("python3"), [script, "\(proxyPort)", "\(broker.port)", release],
            output: scratch.path("proxy.log"))
        try #require(eventually { proxy.output.contains("listening") })
        let daemon = try Child(
            try floodgaugeBinary(), ["run", "--config", try config(in: scratch, port: proxyPort)],
            output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        let states = try subscribeToStates(broker, in: scratch)
        // The states sent at the start go again once subscribed: let both arrive.
        usleep(1_000_000)
        let before = stateMessages(states)

        // In rounds, each stored before the next is sent: every round changes every gauge in batches of its own.
        var uplinks = 0
        for round in 0..<5 {
            uplinks += try publishUplinks(round * 100..<(round + 1) * 100, to: broker, in: scratch)
            try waitUntilStored(uplinks, scratch, daemon)
        }
        usleep(1_000_000)
        #expect(stateMessages(states) == before, "states sent while the first of each gauge is unacknowledged")

        #expect(FileManager.default.createFile(atPath: release, contents: nil))
        try expectNewestRetained(broker, scratch)
        #expect(eventually { stateMessages(states) == before + Self.gauges.count })
        usleep(500_000)
        #expect(stateMessages(states) == before + Self.gauges.count)
        #expect(daemon.stop() == 0)
        states.stop()
        proxy.stop(signal: SIGKILL)
    }

    /// The daemon's config for the three gauges, connecting to `port`.
    private func config(in scratch: ScratchDirectory, port: Int) throws -> String {
        let more = Self.gauges.dropFirst().map { gauge in
            """
            [[gauge]]
            id = "\(gauge.id)"
            name = "\(gauge.id)"
            dev_eui = "\(gauge.devEUI)"
            distance_to_datum_mm = 7200
            stale_after = "30d"
            stages = []

            """
        }
        return try oneGaugeConfig(in: scratch, port: port, name: "coalesce", extra: more.joined())
    }

    /// A subscriber to every gauge's state, live once it has each gauge's retained one.
    private func subscribeToStates(_ broker: Broker, in scratch: ScratchDirectory) throws -> Child {
        let states = try broker.subscribe("coalesce/gauges/+/state", output: scratch.path("states.sub"))
        try #require(
            eventually {
                let topics = states.output.split(separator: "\n").map { $0.split(separator: " ")[0] }
                return Set(topics).count == Self.gauges.count
            })
        return states
    }

    /// How many state messages the subscriber has received.
    private func stateMessages(_ states: Child) -> Int {
        states.output.split(separator: "\n").count { $0.hasPrefix("coalesce/gauges/") }
    }

    /// When the uplinks' data time begins: a minute per uplink of each gauge from here stays in the past.
    static let dataStart = Date().addingTimeInterval(-3 * 86_400)

    /// Publishes uplink `i` of each gauge for every `i` in `indices`, interleaved, each moving its gauge's level, a
    /// minute apart in data time; returns how many that was.
    private func publishUplinks(_ indices: Range<Int>, to broker: Broker, in scratch: ScratchDirectory) throws -> Int {
        var uplinks: [String] = []
        for i in indices {
            for gauge in Self.gauges {
                uplinks.append(
                    ttnUplink(
                        devEUI: gauge.devEUI, fCnt: i,
                        receivedAt: Self.dataStart.addingTimeInterval(Double(i) * 60).ISO8601Format(),
                        frame: mpscFrame(seq: UInt16(i), distancesMM: [UInt16(5000 + i % 50)])))
            }
        }
        let file = scratch.path("uplinks-\(indices.lowerBound)")
        try uplinks.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try broker.publishLines(topic: "v3/coalesce/devices/gauge/up", file: file)
        return uplinks.count
    }

    /// Waits until the daemon has stored `uplinks` samples, one per uplink.
    private func waitUntilStored(_ uplinks: Int, _ scratch: ScratchDirectory, _ daemon: Child) throws {
        let database = scratch.path("floodgauge.db")
        try #require(
            eventually(seconds: 60) { (try? sql(database, "SELECT count(*) FROM samples")) == "\(uplinks)" },
            "daemon output: \(daemon.output)")
    }

    /// Waits until each gauge's retained state is its newest sample in the database.
    private func expectNewestRetained(_ broker: Broker, _ scratch: ScratchDirectory) throws {
        let database = scratch.path("floodgauge.db")
        let rfc3339 = ISO8601DateFormatter()
        rfc3339.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for gauge in Self.gauges {
            let newest = try sql(
                database, "SELECT level_mm, t FROM samples WHERE gauge_id = '\(gauge.id)' ORDER BY t DESC LIMIT 1"
            ).split(separator: "|").map { Int64($0)! }
            let observedAt = rfc3339.string(from: Date(timeIntervalSince1970: Double(newest[1]) / 1000))
            var state: [String: Any] = [:]
            #expect(
                eventually {
                    let text = try? broker.retained("coalesce/gauges/\(gauge.id)/state")
                    let object = text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
                    state = object as? [String: Any] ?? [:]
                    return state["observed_at"] as? String == observedAt
                }, "\(gauge.id): retained \(state), newest sample at \(observedAt)")
            #expect(state["level_cm"] as? Double == Double(newest[0]) / 10)
        }
    }
}
