import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A private journald (platform.md §5.6): a mount namespace with its own /run/systemd and journal directories, so
/// the host's are untouched. The daemon runs inside, its stderr declared the journal stream as systemd would
/// declare it; the test publishes, then asks `journalctl` inside the namespace.
private let journalScript = #"""
    set -eu
    scratch=$1 floodgauge=$2 config=$3
    mount -t tmpfs tmpfs /run/systemd
    mkdir -p /run/systemd/journal /run/log
    mount -t tmpfs tmpfs /run/log
    mkdir -p /var/log/journal && mount -t tmpfs tmpfs /var/log/journal
    /lib/systemd/systemd-journald > "$scratch/journald.out" 2>&1 & journald=$!
    for i in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
    exec 3> "$scratch/daemon.err"
    JOURNAL_STREAM=$(stat -c '%d:%i' "$scratch/daemon.err") "$floodgauge" run --config "$config" 2>&3 & daemon=$!
    touch "$scratch/started"
    while [ ! -e "$scratch/published" ]; do sleep 0.1; done
    sleep 1
    journalctl --no-pager -o json SYSLOG_IDENTIFIER=floodgauge > "$scratch/all.json"
    journalctl --no-pager -o json FLOODGAUGE_SEVERITY=moderate > "$scratch/moderate.json"
    kill -TERM $daemon; wait $daemon || true
    kill $journald
    touch "$scratch/done"
    """#

private func canUseJournal() -> Bool {
    getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald")
        && (try? which("unshare")) != nil && (try? which("journalctl")) != nil
}

@Suite(.serialized, .enabled(if: canUseJournal(), "needs root, unshare and systemd-journald"))
struct JournalTests {
    /// Alert transitions reach the journal with their fields, a fixed MESSAGE_ID and a priority from their severity;
    /// the daemon's other lines arrive as plain entries.
    @Test func transitionsAreStructuredJournalEntries() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let config = scratch.path("floodgauge.toml")
        try """
            [mqtt]
            port = \(broker.port)
            client_id = "floodgauge-journal"

            [[source]]
            topic = "v3/+/devices/+/up"
            format = "ttn-v3"

            [storage]
            database = "\(scratch.path("floodgauge.db"))"

            [alerts]
            log = "\(scratch.path("alerts.log"))"

            [[gauge]]
            id = "kyll-kordel"
            name = "Kyll bei Kordel"
            dev_eui = "70B3D57ED0001234"
            distance_to_datum_mm = 6000
            stale_after = "30d"
            stages = [
                { name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 },
                { name = "Meldestufe 2", enter_cm = 200, clear_cm = 190 },
            ]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let script = scratch.path("journal.sh")
        try journalScript.write(toFile: script, atomically: true, encoding: .utf8)
        let namespace = try Child(
            try which("unshare"), ["-m", "--propagation", "private", "sh", script, scratch.url.path, try floodgaugeBinary(), config],
            output: scratch.path("namespace.log"))
        try #require(eventually { FileManager.default.fileExists(atPath: scratch.path("started")) }, "\(namespace.output)")
        let database = scratch.path("floodgauge.db")
        try #require(eventually { (try? sql(database, "SELECT count(*) FROM gauges")) == "1" })
        usleep(500_000)  // subscribed
        try broker.publish(
            topic: "v3/pegel@kreis/devices/kyll/up",
            message: ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: 1, receivedAt: "2026-11-22T10:00:00Z",
                frame: mpscFrame(seq: 1, distancesMM: [3900])))  // 210 cm: straight to stage 2, moderate
        try #require(eventually { (try? sql(database, "SELECT count(*) FROM alert_events")) == "1" })
        #expect(FileManager.default.createFile(atPath: scratch.path("published"), contents: nil))
        try #require(eventually { FileManager.default.fileExists(atPath: scratch.path("done")) }, "\(namespace.output)")

        func entries(_ name: String) throws -> [[String: Any]] {
            try String(contentsOfFile: scratch.path(name), encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        let moderate = try entries("moderate.json")
        #expect(moderate.count == 1, "entries: \(moderate)")
        let alert = try #require(moderate.first)
        #expect(alert["MESSAGE_ID"] as? String == "205a0d52267e40ebb3f7d9093e49dc29")
        #expect(alert["PRIORITY"] as? String == "4")
        #expect(alert["FLOODGAUGE_GAUGE"] as? String == "kyll-kordel")
        #expect(alert["FLOODGAUGE_KIND"] as? String == "level")
        #expect(alert["FLOODGAUGE_TRANSITION"] as? String == "raised")
        #expect(alert["FLOODGAUGE_STAGE"] as? String == "2")
        #expect(alert["FLOODGAUGE_LEVEL_CM"] as? String == "210")
        #expect((alert["FLOODGAUGE_ALERT_ID"] as? String)?.hasPrefix("kyll-kordel:level:") == true)
        #expect((alert["MESSAGE"] as? String)?.contains("Meldestufe 2") == true)
        let all = try entries("all.json")
        #expect(all.contains { ($0["MESSAGE"] as? String)?.contains("ready") == true && $0["PRIORITY"] as? String == "6" })
        #expect(namespace.wait() == 0, "\(namespace.output)")
    }
}
