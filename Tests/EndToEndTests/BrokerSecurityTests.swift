import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TLS and logins against a real mosquitto: what works is stored, what the operator must fix ends the daemon
/// fast, with exit 3 and one line that says what to fix.
@Suite(.serialized) struct BrokerSecurityTests {
    static let topic = "v3/secure/devices/kyll/up"

    static func uplink(_ i: Int) -> String {
        ttnUplink(
            devEUI: "70B3D57ED0001234", fCnt: i,
            receivedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(i) * 900).ISO8601Format(),
            frame: mpscFrame(seq: UInt16(i), distancesMM: [5000]))
    }

    /// Runs a daemon that is expected to give up: its exit code, how long it took, and what it printed.
    static func failingRun(_ config: String, in scratch: ScratchDirectory) throws -> (code: Int32, seconds: Double, output: String) {
        let started = Date()
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        guard eventually(seconds: 10, { !daemon.isRunning }) else {
            daemon.stop(signal: SIGKILL)
            return (-1, 10, daemon.output)
        }
        return (daemon.wait(), Date().timeIntervalSince(started), daemon.output)
    }

    @Test("TLS with a client certificate: uplinks are stored, and a broker restart is survived")
    func tlsStoresAndSurvivesRestart() throws {
        let scratch = try ScratchDirectory()
        let ca = try TestCA(in: scratch)
        let broker = try Broker(
            in: scratch,
            settings: ca.brokerSettings + ["persistence true", "persistence_location \(scratch.url.path)/"])
        broker.clientArguments = ca.clientArguments
        let config = try oneGaugeConfig(in: scratch, port: broker.port, name: "secure", mqtt: ca.daemonSettings())
        let daemon = try Child(try floodgaugeBinary(), ["run", "--config", config], output: scratch.path("daemon.log"))
        try #require(eventually { daemon.output.contains("ready") }, "daemon output: \(daemon.output)")
        let database = scratch.path("floodgauge.db")

        try broker.publish(topic: Self.topic, message: Self.uplink(1))
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM uplinks")) == "1" }, "\(daemon.output)")

        try broker.restart()
        #expect(eventually { daemon.output.components(separatedBy: "connected to MQTT broker").count == 3 }, "\(daemon.output)")
        try broker.publish(topic: Self.topic, message: Self.uplink(2))
        #expect(eventually { (try? sql(database, "SELECT count(*) FROM uplinks")) == "2" }, "\(daemon.output)")
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
    }

    @Test("a CA that did not sign the broker's certificate ends the daemon with exit 3 and says what to fix")
    func wrongCAFailsFast() throws {
        let scratch = try ScratchDirectory()
        let ca = try TestCA(in: scratch)
        let broker = try Broker(in: scratch, settings: ca.brokerSettings)
        let config = try oneGaugeConfig(
            in: scratch, port: broker.port, name: "wrong-ca", mqtt: ca.daemonSettings(caFile: ca.otherCAFile))
        let run = try Self.failingRun(config, in: scratch)
        #expect(run.code == 3, "\(run.output)")
        #expect(run.seconds < 5)
        let last = run.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("floodgauge: MQTT broker 127.0.0.1:\(broker.port): TLS handshake failed"), "\(run.output)")
        #expect(last.contains("certificate verify failed"))
        #expect(last.contains("check that ca_file signed the broker's certificate"))
    }

    @Test(
        "a wrong password ends the daemon with exit 3, names what to check, and never shows the password",
        arguments: ["v5", "v3.1.1"])
    func wrongPasswordFailsFast(proto: String) throws {
        let scratch = try ScratchDirectory()
        let passwords = scratch.path("mosquitto.passwd")
        let passwd = Process()
        passwd.executableURL = URL(fileURLWithPath: try which("mosquitto_passwd"))
        passwd.arguments = ["-c", "-b", passwords, "floodgauge", "richtig-geheim"]
        try passwd.run()
        passwd.waitUntilExit()
        try #require(passwd.terminationStatus == 0)
        let broker = try Broker(
            in: scratch, settings: ["allow_anonymous false", "password_file \(passwords)", "user root"])
        let secret = "falsch-geheim-4711"
        try "\(secret)\n".write(toFile: scratch.path("mqtt-password"), atomically: true, encoding: .utf8)
        let config = try oneGaugeConfig(
            in: scratch, port: broker.port, name: "wrong-password",
            mqtt: ["username = \"floodgauge\"", "password_file = \"mqtt-password\"", "protocol = \"\(proto)\""])
        let run = try Self.failingRun(config, in: scratch)
        #expect(run.code == 3, "\(run.output)")
        #expect(run.seconds < 5)
        let last = run.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("floodgauge: MQTT broker 127.0.0.1:\(broker.port): the broker refused the connection"))
        #expect(last.contains("check username and the password in password_file"), "\(run.output)")
        #expect(!run.output.contains(secret))
    }
}
