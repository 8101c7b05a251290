import GaugeCore
import GaugeMQTT
import GaugeStore
import Synchronization

/// Publishes committed alert events and records the broker's acknowledgements; keeps the retained per-gauge
/// state topics current.
///
/// Events are in the store before they are published; an event counts as published only when
/// the broker has acknowledged it (QoS 1), so events in flight when the process dies are sent
/// again on the next connect, with the same `event_id`.
///
/// States go out a few at a time, each gauge's newest (`StateQueue`), not as fast as batches change them:
/// libmosquitto keeps what it cannot send yet in its own memory, without bound.
///
/// - Important: `publish`, `stateChanged` and `settle` run on the pipeline thread; `acknowledged` and `connected`
///   on the network thread; `pending` anywhere.
final class Outbox: @unchecked Sendable {
    private let client: MQTTClient
    private let prefix: String
    /// Message id → event id of events sent and not yet acknowledged. Pipeline thread only.
    private var inFlight: [Int32: String] = [:]
    /// Message ids the broker acknowledged, handed from the network thread.
    private let acks = Mutex<[Int32]>([])
    /// Set on every (re)connect: what was in flight on the old connection must be sent again.
    private let resendNeeded = Atomic(false)
    /// `inFlight.count`, readable from any thread (shutdown waits for it to reach 0).
    private let inFlightCount = Atomic(0)
    /// The gauges whose state is due, every gauge again after a reconnect: a broker without persistence forgets
    /// retained messages when it restarts. Pipeline thread only.
    ///
    /// The window stays below the 20 messages libmosquitto keeps in flight by default, so an event published
    /// meanwhile goes out at once instead of queueing behind states; a larger one would only queue in the library.
    private var states = StateQueue(window: 16, ackTimeoutMilliseconds: 30_000)

    init(client: MQTTClient, prefix: String) {
        self.client = client
        self.prefix = prefix
    }

    /// Events sent and not yet acknowledged; safe to read from any thread. States are not counted: a stop does
    /// not wait for them, as the next start sends every gauge's state.
    var pending: Int { inFlightCount.load(ordering: .relaxed) }

    func acknowledged(mid: Int32) {
        acks.withLock { $0.append(mid) }
    }

    func connected() {
        resendNeeded.store(true, ordering: .releasing)
    }

    func publish(eventID: String, gaugeID: String, payload: String) {
        guard client.isConnected else { return }  // stays unpublished in the store; sent on connect
        do {
            let mid = try client.publish(topic: "\(prefix)/alerts/\(gaugeID)", payload: payload, qos: 1, retain: false)
            inFlight[mid] = eventID
            inFlightCount.store(inFlight.count, ordering: .relaxed)
        } catch {
            // Left unpublished in the store: the next connect sends it.
        }
    }

    /// A gauge's state changed (committed): `settle` sends it when its turn comes, as it is then.
    func stateChanged(gaugeID: String) {
        states.update(gaugeID: gaugeID)
    }

    /// Marks acknowledged events published and, after a reconnect, re-sends every event the
    /// store still holds as unpublished and queues every gauge's state again; then sends the states
    /// waiting, as far as the window allows, each as `state` renders it (`nil`: the gauge is gone).
    func settle(store: Store, now: Timestamp, state: (String) -> String?) throws(SQLiteError) {
        let mids = acks.withLock { acks in
            defer { acks.removeAll(keepingCapacity: true) }
            return acks
        }
        var eventIDs: [String] = []
        for mid in mids {
            if let eventID = inFlight.removeValue(forKey: mid) {
                eventIDs.append(eventID)
            } else {
                states.acknowledged(mid: mid)
            }
        }
        if !eventIDs.isEmpty {
            try store.transaction { () throws(SQLiteError) in
                for eventID in eventIDs { try store.markPublished(eventID: eventID, at: now) }
            }
        }
        inFlightCount.store(inFlight.count, ordering: .relaxed)
        // Disconnected, states only wait: each gauge's newest, however often it changes meanwhile.
        guard client.isConnected else { return }
        if resendNeeded.exchange(false, ordering: .acquiring) {
            inFlight.removeAll()
            inFlightCount.store(0, ordering: .relaxed)
            states.resendAll()
            for event in try store.unpublishedEvents() {
                publish(eventID: event.eventID, gaugeID: event.gaugeID, payload: event.payload)
            }
        }
        sendStates(state)
    }

    /// Sends waiting states while the window has room. Events are published before this, so none waits behind them.
    private func sendStates(_ state: (String) -> String?) {
        let now = Liveness.monotonicMilliseconds()
        states.expire(now: now)
        while let gaugeID = states.next() {
            guard let payload = state(gaugeID) else {
                states.forget()
                continue
            }
            let topic = "\(prefix)/gauges/\(gaugeID)/state"
            // A failure means the link is going down: the state waits for the reconnect, which sends it anyway.
            guard let mid = try? client.publish(topic: topic, payload: payload, qos: 1, retain: true) else { return }
            states.sent(mid: mid, at: now)
        }
    }
}
