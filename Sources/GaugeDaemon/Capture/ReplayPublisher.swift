import GaugeCore
import GaugeMQTT
public import GaugeStore
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `replay --publish`: the replay's alert events to the config's broker, through the daemon's outbox (QoS 1, each
/// marked published once acknowledged). The events say `"replay": true`, so consumers can tell them apart.
public final class ReplayPublisher {
    private let client: MQTTClient
    private let outbox: Outbox
    private let store: Store
    private let fatal = FatalStop()

    /// Connects, waiting up to `seconds` for the broker.
    public init(config: Config, store: Store, logger: Logger, seconds: Double = 10) throws(DaemonError) {
        self.store = store
        var options = try config.mqtt.clientOptions()
        // Its own client id and a clean session beside a running daemon; no will, so the daemon's status topic
        // never reads offline because a replay ended.
        options.clientID += "-replay"
        options.persistentSession = false
        options.sessionExpirySeconds = 0
        options.will = nil
        do {
            client = try MQTTClient(options: options, logger: logger)
        } catch {
            throw DaemonError("\(error)")
        }
        let outbox = Outbox(client: client, prefix: config.mqtt.prefix)
        self.outbox = outbox
        client.onPublished = { mid in outbox.acknowledged(mid: mid) }
        // With nothing to subscribe to, this comes with every connect.
        client.onSubscribed = { outbox.connected() }
        client.onFatal = { [fatal] failure in fatal.stop(DaemonError(config.mqtt.advice(for: failure))) }
        do {
            try client.start()
        } catch {
            throw DaemonError("\(error)")
        }
        try waitFor(seconds: seconds, "the broker \(config.mqtt.host):\(config.mqtt.port) did not accept a connection") {
            client.isConnected
        }
        // Sends what the database holds unpublished from before, once, so the replay's own events go out only once.
        try settle()
    }

    /// After a committed batch: its events, then whatever the broker acknowledged meanwhile.
    public func publish(_ events: [Pipeline.StoredEvent]) throws(DaemonError) {
        for event in events { outbox.publish(eventID: event.eventID, gaugeID: event.gaugeID, payload: event.payload) }
        try settle()
    }

    /// Waits (up to `seconds`) until every event is acknowledged, then disconnects.
    public func finish(seconds: Double = 10) throws(DaemonError) {
        defer { client.stop() }
        try waitFor(seconds: seconds, "the broker did not acknowledge \(outbox.pending) alert events") { () throws(DaemonError) -> Bool in
            try settle()
            return outbox.pending == 0
        }
    }

    private func settle() throws(DaemonError) {
        if let error = fatal.error { throw error }
        do {
            // A replay publishes events only: the retained states are the live daemon's.
            try outbox.settle(store: store, now: .now()) { _ in nil }
        } catch {
            throw DaemonError("database error: \(error)")
        }
    }

    private func waitFor(seconds: Double, _ failure: @autoclosure () -> String, _ done: () throws(DaemonError) -> Bool)
        throws(DaemonError)
    {
        var waited = 0.0
        while try !done() {
            guard waited < seconds else { throw DaemonError(failure()) }
            usleep(10_000)
            waited += 0.01
        }
    }
}
