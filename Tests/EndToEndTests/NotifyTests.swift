import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real `NOTIFY_SOCKET` listener, as systemd is one (platform.md §5.3): each datagram with the sender's PID from
/// SCM_CREDENTIALS and a monotonic time, one line each.
private let notifyListener = #"""
    import socket, struct, sys, time
    path = sys.argv[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.bind(path)
    print("listening", flush=True)
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize("iII")))
        pid = next(struct.unpack("iII", data)[0] for level, kind, data in anc
                   if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS)
        for line in msg.decode().split("\n"):
            print(f"{time.monotonic():.3f} {pid} {line}", flush=True)
    """#

/// Holds an exclusive lock on the database, as a stuck writer elsewhere would, for the given seconds.
private let databaseLocker = #"""
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
    db.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    db.execute("COMMIT")
    print("released", flush=True)
    """#

@Suite(.serialized) struct NotifyTests {
    /// READY=1 after the subscriptions, STATUS= with counts, WATCHDOG=1 while the pipeline goes round and not while
    /// it is stuck, RELOADING=1 and READY=1 around SIGHUP, STOPPING=1 on SIGTERM: all from the daemon's own PID.
    @Test func theDaemonTellsSystemdWhatItDoes() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "notify")
        let listenerScript = scratch.path("listen.py")
        try notifyListener.write(toFile: listenerScript, atomically: true, encoding: .utf8)
        let socket = scratch.path("notify.sock")
        let listener = try Child(try which("python3"), [listenerScript, socket], output: scratch.path("notify.log"))
        try #require(eventually { listener.output.contains("listening") })

        // `exec` keeps the shell's PID for the daemon, so WATCHDOG_PID names it, as systemd would.
        let daemon = try Child(
            "/bin/sh", ["-c", "WATCHDOG_PID=$$ exec \"$0\" run --config \"$1\"", try floodgaugeBinary(), config],
            output: scratch.path("daemon.log"), environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "1000000"])
        try #require(eventually { listener.output.contains("READY=1") }, "daemon output: \(daemon.output)")
        try #require(eventually { listener.output.components(separatedBy: "WATCHDOG=1").count > 3 })

        // A writer elsewhere holds the database: the pipeline waits inside SQLite, and the pings stop until it is done.
        let lockerScript = scratch.path("lock.py")
        try databaseLocker.write(toFile: lockerScript, atomically: true, encoding: .utf8)
        let locker = try Child(
            try which("python3"), [lockerScript, scratch.path("floodgauge.db"), "3"], output: scratch.path("lock.log"))
        try #require(eventually { locker.output.contains("locked") })
        try broker.publish(
            topic: "v3/notify/devices/kyll/up",
            message: ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: 1, receivedAt: "2026-11-22T10:00:00Z",
                frame: mpscFrame(seq: 1, distancesMM: [5000])))
        #expect(locker.wait() == 0)
        try #require(eventually { (try? sql(scratch.path("floodgauge.db"), "SELECT count(*) FROM uplinks")) == "1" })
        usleep(1_500_000)

        kill(daemon.pid, SIGHUP)
        try #require(eventually { listener.output.contains("RELOADING=1") && daemon.output.contains("reopened") })
        usleep(5_500_000)  // one more STATUS=
        #expect(daemon.stop() == 0, "daemon output: \(daemon.output)")
        try #require(eventually { listener.output.contains("STOPPING=1") })
        listener.stop()

        let messages = listener.output.split(separator: "\n").dropFirst().map { line in
            let parts = line.split(separator: " ", maxSplits: 2)
            return (time: Double(parts[0])!, pid: Int32(parts[1])!, text: parts.count > 2 ? String(parts[2]) : "")
        }
        #expect(Set(messages.map(\.pid)) == [daemon.pid], "NotifyAccess=main: only the main PID speaks")
        let order = messages.map(\.text).filter { ["READY=1", "RELOADING=1", "STOPPING=1"].contains($0) }
        #expect(order == ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"])
        let ready = try #require(messages.firstIndex { $0.text == "READY=1" })
        #expect(!messages[..<ready].contains { $0.text == "WATCHDOG=1" }, "no ping before READY")
        #expect(messages.contains { $0.text.hasPrefix("STATUS=broker connected; 1 messages, 1 samples, 0 rejects") })

        // Pings every quarter interval while healthy; none for the seconds the database was held.
        let pings = messages.filter { $0.text == "WATCHDOG=1" }.map(\.time)
        let gaps = zip(pings.dropFirst(), pings).map { $0 - $1 }
        #expect(gaps.contains { $0 > 2.0 }, "the pings must stop while the pipeline is stuck: \(gaps)")
        #expect(gaps.filter { $0 < 0.5 }.count > gaps.count / 2, "and run at a quarter interval otherwise: \(gaps)")
    }
}
