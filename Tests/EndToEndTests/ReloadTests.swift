import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct ReloadTests {
    private func config(stages: String, extraGauge: Bool = false, port: Int) -> String {
        """
        [mqtt]
        port = \(port)
        client_id = "floodgauge-reload"

        [[source]]
        topic = "v3/+/devices/+/up"
        format = "ttn-v3"

        [storage]
        database = "floodgauge.db"

        [alerts]
        log = "alerts.log"
        language = "en"

        [gauge_defaults]
        stale_after = "30d"

        [[gauge]]
        id = "kyll-kordel"
        name = "Kyll bei Kordel"
        dev_eui = "70B3D57ED0001234"
        distance_to_datum_mm = 6000
        stages = \(stages)
        """ + (extraGauge
            ? """


            [[gauge]]
            id = "nims-alsdorf"
            name = "Nims bei Alsdorf"
            dev_eui = "70B3D57ED0005678"
            distance_to_datum_mm = 6000
            stages = [{ name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 }]
            """ : "")
    }

    /// SIGHUP takes new thresholds and a new gauge without a restart: the open alert goes on (no second `raised`),
    /// the new gauge is watched, a config that no longer reads changes nothing, and a rotated alert log is
    /// followed.
    @Test func sighupReloadsGaugesKeepsAlertsAndFollowsARotatedLog() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let path = scratch.path("floodgauge.toml")
        let oneStage = #"[{ name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 }]"#
        try config(stages: oneStage, port: broker.port).write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", path], output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        let database = scratch.path("floodgauge.db")
        func uplink(_ devEUI: String, _ fCnt: Int, minute: Int, distance: UInt16) throws {
            let time = String(format: "2026-11-22T10:%02d:00Z", minute)
            try broker.publish(
                topic: "v3/pegel@kreis/devices/g/up",
                message: ttnUplink(devEUI: devEUI, fCnt: fCnt, receivedAt: time, frame: mpscFrame(seq: 1, distancesMM: [distance])))
        }

        try uplink("70B3D57ED0001234", 1, minute: 0, distance: 4400)  // 160 cm: stage 1
        try #require(eventually { (try? sql(database, "SELECT count(*) FROM alert_events")) == "1" })

        // Logrotate moves the log away; the next line must land in a new file at the path.
        let log = scratch.path("alerts.log")
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")

        // A second stage and a second gauge, by SIGHUP.
        let twoStages = #"[{ name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 }, { name = "Meldestufe 2", enter_cm = 200, clear_cm = 190 }]"#
        try config(stages: twoStages, extraGauge: true, port: broker.port).write(toFile: path, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        try #require(eventually { daemon.output.contains("running with 2 gauges") }, "daemon output: \(daemon.output)")

        try uplink("70B3D57ED0001234", 2, minute: 15, distance: 3900)  // 210 cm: stage 2 of the same alert
        try uplink("70B3D57ED0005678", 1, minute: 15, distance: 4400)  // the new gauge: stage 1
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM alert_events")) == "3" })
        #expect(
            try sql(database, "SELECT gauge_id, transition FROM alert_events ORDER BY rowid") == """
                kyll-kordel|raised
                kyll-kordel|escalated
                nims-alsdorf|raised
                """)
        let rotated = try String(contentsOfFile: log, encoding: .utf8)
        #expect(rotated.split(separator: "\n").count == 2, "the new lines go to the new file: \(rotated)")
        #expect(try String(contentsOfFile: log + ".1", encoding: .utf8).split(separator: "\n").count == 1)

        // A broken config on SIGHUP keeps the running one.
        try "[mqtt\n".write(toFile: path, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        #expect(eventually { daemon.output.contains("does not load, keeping the running gauges") })
        try uplink("70B3D57ED0005678", 2, minute: 30, distance: 3800)  // 220 cm: past its only stage, no change
        try uplink("70B3D57ED0001234", 3, minute: 30, distance: 5000)  // 100 cm: below both clear levels
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM alert_events")) == "4" })
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0, "daemon output: \(daemon.output)")
    }
}
