import GaugeCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import GaugeDaemon

@Suite("Metrics and liveness")
struct MetricsTests {
    @Test("the exposition escapes label values and help texts as the text format requires")
    func escaping() {
        var out = Exposition()
        out.family("x_total", .counter, "a \\ b\nc \"d\"", [([("gauge", "a\"b\\c\nd")], 1.5), ([], 2)])
        #expect(
            out.text == """
                # HELP x_total a \\\\ b\\nc "d"
                # TYPE x_total counter
                x_total{gauge="a\\"b\\\\c\\nd"} 1.5
                x_total 2

                """)
    }

    @Test("alive while the pipeline turns and the MQTT loop runs; not once either stops")
    func liveness() {
        let liveness = Liveness()
        #expect(liveness.problem() == "the MQTT network loop is not running")
        liveness.mqttLoopAlive = true
        #expect(liveness.isAlive())
        usleep(30_000)
        #expect(liveness.problem(stallLimit: 10) == "the pipeline has made no progress for 0 s")
        liveness.beat()
        #expect(liveness.isAlive(stallLimit: 10))
        liveness.mqttLoopAlive = false
        #expect(!liveness.isAlive())
    }

    @Test("listen addresses: numeric IPv4 and bracketed IPv6, loopback told apart")
    func listenAddresses() {
        #expect(ListenAddress("127.0.0.1:9108")?.isLoopback == true)
        #expect(ListenAddress("127.8.9.10:1")?.isLoopback == true)
        #expect(ListenAddress("[::1]:9108")?.isLoopback == true)
        #expect(ListenAddress("[::]:9108")?.isLoopback == false)
        #expect(ListenAddress("10.0.0.1:9108")?.isLoopback == false)
        #expect(ListenAddress("[::1]:9108")?.description == "[::1]:9108")
        #expect(ListenAddress("::1:9108") == nil)
    }
}
