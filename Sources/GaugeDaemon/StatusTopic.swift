import GaugeCore
import GaugeMQTT

/// `{prefix}/status`, retained: `online` from every (re)connect, `offline` after a clean stop, and `offline` from
/// the broker itself (the will) when the connection dies without a DISCONNECT: a kill, a crash, a network loss
/// noticed after 1.5 × keepalive.
struct StatusTopic: Sendable {
    let topic: String

    init(prefix: String) {
        topic = "\(prefix)/status"
    }

    /// Set before connecting; the broker sends it at a moment floodgauge cannot know, so it carries no time.
    var will: (topic: String, payload: String) {
        (topic, Self.payload(status: "offline", reason: "connection lost", since: nil))
    }

    func publishOnline(_ client: MQTTClient, at time: Timestamp) {
        publish(client, Self.payload(status: "online", reason: nil, since: time))
    }

    /// Before a clean disconnect, which the broker answers with no will.
    func publishOffline(_ client: MQTTClient, at time: Timestamp) {
        publish(client, Self.payload(status: "offline", reason: "stopped", since: time))
    }

    private func publish(_ client: MQTTClient, _ payload: String) {
        // Not connected: nothing to tell, and the will or the next connect sets the topic right.
        _ = try? client.publish(topic: topic, payload: payload, qos: 1, retain: true)
    }

    private static func payload(status: String, reason: String?, since: Timestamp?) -> String {
        var json = JSONWriter()
        json.field("status", status)
        if let reason { json.field("reason", reason) }
        if let since { json.field("since", since.rfc3339) }
        json.field("version", FloodgaugeVersion.text)
        return json.finished()
    }
}
