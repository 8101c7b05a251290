import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct BrokerRestartTests {
    /// The broker restarts in the middle of a stream: what it accepted before is stored, once, and so is what comes
    /// after; the daemon reconnects on its own.
    @Test func aBrokerRestartedMidStreamLosesNothing() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(
            in: scratch,
            settings: [
                "persistence true", "persistence_location \(scratch.url.path)/", "max_queued_messages 0",
                "max_queued_bytes 0",
                // Started as root, mosquitto would drop to its own user, which cannot write the test's directory.
                "user root",
            ])
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "broker-restart")
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")

        func stream(_ range: Range<Int>, _ name: String) throws {
            let uplinks = range.map { i in
                ttnUplink(
                    devEUI: "70B3D57ED0001234", fCnt: i,
                    receivedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(i) * 900).ISO8601Format(),
                    frame: mpscFrame(seq: UInt16(i), distancesMM: [5000]))
            }
            let file = scratch.path(name)
            try uplinks.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            try broker.publishLines(topic: "v3/broker-restart/devices/kyll/up", file: file)
        }
        // The broker has acknowledged all of the first half to the publisher when it goes down; some of it may still
        // be queued for floodgauge's session, which the broker saves and delivers after its restart.
        try stream(0..<3000, "first")
        try broker.restart()
        try stream(3000..<6000, "second")

        let database = scratch.path("floodgauge.db")
        #expect(
            eventually(seconds: 60) { (try? sql(database, "SELECT count(*) FROM uplinks")) == "6000" },
            "daemon output: \(daemon.output)")
        #expect(try sql(database, "SELECT count(DISTINCT f_cnt) FROM uplinks") == "6000")
        #expect(try sql(database, "SELECT count(*) FROM samples") == "6000")
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
    }
}
