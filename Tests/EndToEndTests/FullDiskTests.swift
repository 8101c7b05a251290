import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized, .enabled(if: SmallFileSystem.canMount, "needs root to mount a tmpfs"))
struct FullDiskTests {
    /// The database's disk fills in the middle of a stream: the daemon keeps running and says so, holds what it
    /// cannot store, and stores all of it, once, when space returns.
    @Test func aFullDiskLosesNothingAndTheDaemonCarriesOnWhenSpaceReturns() throws {
        let scratch = try ScratchDirectory()
        // A loaded machine can fall behind the publisher: without these mosquitto drops all but 1000 queued messages.
        let broker = try Broker(in: scratch, settings: ["max_queued_messages 0", "max_queued_bytes 0"])
        let disk = try #require(SmallFileSystem(at: scratch.path("state"), bytes: 12 << 20))
        // The ring beside the database, on the disk that fills: its blocks are reserved when it is created.
        let config = try oneGaugeConfig(
            in: scratch, port: broker.port, name: "full-disk", database: "\(disk.path)/floodgauge.db",
            stages: #"[{ name = "Meldestufe 1", enter_cm = 450, clear_cm = 435 }]"#)
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")

        // Leave the database a few pages: the stream below needs hundreds of kilobytes.
        let filler = disk.path + "/filler"
        let fill = max(disk.available - 48 * 1024, 0)
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: fill)))

        let count = 1500
        let uplinks = (0..<count).map { i in
            ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: i,
                receivedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(i) * 900).ISO8601Format(),
                frame: mpscFrame(seq: UInt16(i), distancesMM: [5000, 4990, 4980]))
        }
        let stream = scratch.path("stream")
        try uplinks.joined(separator: "\n").write(toFile: stream, atomically: true, encoding: .utf8)
        try broker.publishLines(topic: "v3/full-disk/devices/kyll/up", file: stream)

        let database = disk.path + "/floodgauge.db"
        #expect(eventually { daemon.output.contains("database refuses writes") }, "daemon output: \(daemon.output)")
        usleep(500_000)
        #expect(daemon.isRunning, "the daemon must ride out a full disk: \(daemon.output)")
        let storedWhileFull = Int(try sql(database, "SELECT count(*) FROM uplinks")) ?? -1
        #expect(storedWhileFull < count)

        try FileManager.default.removeItem(atPath: filler)
        #expect(eventually(seconds: 40) { (try? sql(database, "SELECT count(*) FROM uplinks")) == "\(count)" }, "daemon output: \(daemon.output)")
        #expect(try sql(database, "SELECT count(DISTINCT f_cnt) FROM uplinks") == "\(count)")
        #expect(try sql(database, "SELECT count(*) FROM samples") == "\(count * 3)")
        #expect(daemon.output.contains("database takes writes again"))
        #expect(daemon.stop() == 0, "daemon output: \(daemon.output)")
    }
}
