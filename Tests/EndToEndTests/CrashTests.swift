import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The ring file is the durability boundary: a daemon killed with SIGKILL at any moment, again and again while the
/// uplinks stream in, still stores every uplink the broker delivered, each exactly once.
@Suite(.serialized) struct CrashTests {
    static let uplinkCount = 50_000
    static let minimumKills = 10

    @Test(.timeLimit(.minutes(4)))
    func everyUplinkIsStoredOnceThroughRepeatedKills() throws {
        let scratch = try ScratchDirectory()
        // The daemon's session must keep everything sent while it is down: mosquitto keeps only 1000 messages
        // per offline client by default and drops the rest.
        let broker = try Broker(in: scratch, settings: ["max_queued_messages 0", "max_queued_bytes 0"])
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "crash")
        let database = scratch.path("floodgauge.db")
        var starts = 0
        func start() throws -> Child {
            starts += 1
            return try Child(
                try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon-\(starts).log"))
        }
        var daemon = try start()
        // The first start makes the broker open the session that keeps messages while the daemon is down.
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")

        // mosquitto_pub publishes one line of its standard input per message, at QoS 1; a feeder gives it 250
        // uplinks every 50 ms (about 5000 a second, 10 s in all) while this thread kills the daemon.
        let lines = Self.uplinks()
        let chunks = stride(from: 0, to: lines.count, by: 250).map {
            Data(lines[$0..<min($0 + 250, lines.count)].joined(separator: "\n").appending("\n").utf8)
        }
        // A publisher that dies must fail the test, not end the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: try which("mosquitto_pub"))
        publisher.arguments = [
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-l", "-t", "v3/crash/devices/g/up",
        ]
        let input = Pipe()
        // Daemons started later must not inherit the pipe: mosquitto_pub ends only when every writer has closed it.
        for descriptor in [input.fileHandleForReading.fileDescriptor, input.fileHandleForWriting.fileDescriptor] {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        publisher.standardInput = input
        try publisher.run()
        let feeding = DispatchGroup()
        feeding.enter()
        DispatchQueue.global().async {
            defer { feeding.leave() }
            for chunk in chunks {
                // A failed write means mosquitto_pub died, which its exit status reports.
                try? input.fileHandleForWriting.write(contentsOf: chunk)
                usleep(50_000)
            }
            try? input.fileHandleForWriting.close()
        }

        var kills = 0
        while kills < Self.minimumKills || feeding.wait(timeout: .now()) == .timedOut {
            // Mostly a daemon that is receiving, sometimes one still starting: opening and draining the ring.
            if Int.random(in: 0..<4) > 0 { _ = eventually(seconds: 10) { daemon.output.contains("ready") } }
            usleep(UInt32.random(in: 20_000..<500_000))
            #expect(daemon.stop(signal: SIGKILL) == 128 + SIGKILL)
            kills += 1
            daemon = try start()
        }
        feeding.wait()
        publisher.waitUntilExit()
        #expect(publisher.terminationStatus == 0, "mosquitto_pub failed")

        // Past start-up, so SIGTERM finds the daemon's handler at the end. Start-up drains what the kills left in
        // the ring before it is ready, which on a busy machine took over 20 s.
        #expect(eventually(seconds: 90) { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        let stored = eventually(seconds: 90) {
            (try? sql(database, "SELECT count(*) FROM uplinks")) == "\(Self.uplinkCount)"
        }
        let logs = (1...starts).map {
            (try? String(contentsOfFile: scratch.path("daemon-\($0).log"), encoding: .utf8)) ?? ""
        }
        #expect(stored, "last daemon output: \(daemon.output)")
        #expect(daemon.stop() == 0, "daemon output: \(daemon.output)")

        #expect(try sql(database, "SELECT count(*), count(DISTINCT f_cnt), min(f_cnt), max(f_cnt) FROM uplinks")
            == "\(Self.uplinkCount)|\(Self.uplinkCount)|0|\(Self.uplinkCount - 1)")
        // One sample per uplink (each frame holds one distance), none twice.
        #expect(try sql(database, "SELECT count(*), count(DISTINCT uplink_id), count(DISTINCT t) FROM samples")
            == "\(Self.uplinkCount)|\(Self.uplinkCount)|\(Self.uplinkCount)")
        #expect(try sql(database, "SELECT count(*) FROM rejects") == "0")
        // Every sample points to its uplink (the daemon declares the key but does not pay to enforce it).
        #expect(try sql(database, "PRAGMA foreign_key_check") == "")
        // A kill never damages the ring: what the process wrote is in the page cache, whole.
        #expect(!logs.contains { $0.contains("was damaged") })
        let refills = logs.filter { $0.contains("the ring held from the previous run") }.count
        print("CrashTests: \(kills) kills; \(refills) starts found messages left in the ring")
    }

    /// Uplinks of one gauge, one a second with distinct frame counters, reaching back from now.
    private static func uplinks() -> [String] {
        let start = Date().addingTimeInterval(-Double(uplinkCount) - 60)
        return (0..<uplinkCount).map { index in
            ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: index,
                receivedAt: start.addingTimeInterval(Double(index)).ISO8601Format(),
                frame: mpscFrame(seq: UInt16(truncatingIfNeeded: index), distancesMM: [6200]))
        }
    }
}
