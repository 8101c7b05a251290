import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy in front of the broker that passes everything but the broker's PUBACKs: the daemon's messages reach
/// the broker, and the daemon never learns it. Real MQTT on both sides; only acknowledgements go missing. The proxy
/// holds them until the file named by its optional third argument appears, then passes them on and everything after.
let pubackHoldingProxy = #"""
    import os, socket, sys, threading, time

    listen_port, broker_port = int(sys.argv[1]), int(sys.argv[2])
    release = sys.argv[3] if len(sys.argv) > 3 else None
    lock = threading.Lock()
    held = []
    released = False

    def exact(sock, count):
        data = b""
        while len(data) < count:
            chunk = sock.recv(count - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def packet(sock):
        header = exact(sock, 1)
        length, shift = 0, 0
        while True:
            byte = exact(sock, 1)
            header += byte
            length |= (byte[0] & 0x7F) << shift
            shift += 7
            if not byte[0] & 0x80:
                return header + exact(sock, length)

    def pipe(source, target, hold_pubacks):
        try:
            while True:
                data = packet(source)
                if not hold_pubacks:
                    target.sendall(data)
                    continue
                with lock:
                    if not released and data[0] >> 4 == 4:
                        held.append((target, data))
                    else:
                        target.sendall(data)
        except (EOFError, OSError):
            source.close()
            target.close()

    def release_when_told():
        global released
        while not os.path.exists(release):
            time.sleep(0.05)
        with lock:
            released = True
            for target, data in held:
                try:
                    target.sendall(data)
                except OSError:
                    pass

    if release:
        threading.Thread(target=release_when_told, daemon=True).start()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen()
    print("listening", flush=True)
    while True:
        client, _ = server.accept()
        broker = socket.create_connection(("127.0.0.1", broker_port))
        threading.Thread(target=pipe, args=(client, broker, False), daemon=True).start()
        threading.Thread(target=pipe, args=(broker, client, True), daemon=True).start()
    """#

@Suite(.serialized) struct OutboxCrashTests {
    /// Killed after an alert was committed and sent but before the broker's PUBACK reached it, the daemon sends the
    /// same event again after its restart: a subscriber gets it with its original `event_id`, and only then is it
    /// marked published.
    @Test func anEventWhosePubackNeverArrivedIsSentAgainWithItsIDAfterARestart() throws {
        let scratch = try ScratchDirectory()
        let broker = try Broker(in: scratch)
        let proxyPort = try freeLoopbackPort()
        let script = scratch.path("proxy.py")
        try pubackHoldingProxy.write(toFile: script, atomically: true, encoding: .utf8)
        let proxy = try Child(
            try which("python3"), [script, "\(proxyPort)", "\(broker.port)"], output: scratch.path("proxy.log"))
        try #require(eventually { proxy.output.contains("listening") })

        func config(port: Int) throws -> String {
            try oneGaugeConfig(
                in: scratch, port: port, name: "outbox", file: "floodgauge-\(port).toml", distanceToDatumMM: 6000,
                stages: #"[{ name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 }]"#)
        }
        let events = try broker.subscribe("outbox/alerts/#", output: scratch.path("events"))
        try broker.publish(topic: "outbox/alerts/probe", message: "probe", retain: true)
        try #require(eventually { events.output.contains("probe") })

        let first = try Child(
            try floodgaugeBinary(), ["run", "--config", try config(port: proxyPort)], output: scratch.path("first.log"))
        try #require(eventually { first.output.contains("ready") }, "daemon output: \(first.output)")
        try broker.publish(
            topic: "v3/outbox/devices/kyll/up",
            message: ttnUplink(
                devEUI: "70B3D57ED0001234", fCnt: 1, receivedAt: "2026-11-22T10:00:00Z",
                frame: mpscFrame(seq: 1, distancesMM: [4400])))

        // The event reached the broker and its subscriber; the daemon, without the PUBACK, holds it as unpublished.
        let database = scratch.path("floodgauge.db")
        try #require(eventually { events.output.contains(#""transition":"raised""#) })
        let eventID = try #require(
            try sql(database, "SELECT event_id FROM alert_events WHERE published_at IS NULL").split(separator: "\n").first)
        #expect(first.stop(signal: SIGKILL) == 128 + SIGKILL)

        // Restarted on the same session, with nothing in between: the event goes out again, with its id.
        let second = try Child(
            try floodgaugeBinary(), ["run", "--config", try config(port: broker.port)], output: scratch.path("second.log"))
        #expect(eventually { events.output.components(separatedBy: #""event_id":"\#(eventID)""#).count == 3 })
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM alert_events WHERE published_at IS NULL")) == "0" })
        #expect(try sql(database, "SELECT count(*) FROM alert_events") == "1")
        #expect(second.stop() == 0)
        events.stop()
        proxy.stop(signal: SIGKILL)
    }
}
