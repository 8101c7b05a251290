import Testing

@testable import GaugeCore

@Suite struct TopicFilterTests {
    @Test(arguments: [
        ("v3/+/devices/+/up", "v3/pegel@kreis/devices/kyll/up", true),
        ("v3/+/devices/+/up", "v3/pegel@kreis/devices/kyll/join", false),
        ("v3/+/devices/+/up", "v3/pegel@kreis/devices/kyll/up/extra", false),
        ("gauges/#", "gauges", true),
        ("gauges/#", "gauges/70B3D57ED0001234/10", true),
        ("#", "anything/at/all", true),
        ("+/+", "a/b", true),
        ("+/+", "a", false),
        ("a/+/c", "a//c", true),
        ("#", "$SYS/broker/uptime", false),
        ("+/broker/uptime", "$SYS/broker/uptime", false),
        ("$SYS/#", "$SYS/broker/uptime", true),
    ])
    func matchesAsABrokerWould(filter: String, topic: String, matches: Bool) {
        #expect(TopicFilter(filter).matches(topic) == matches)
    }
}
