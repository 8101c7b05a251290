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
/// - Important: `publish` and `settle` run on the pipeline thread; `acknowledged` and `connected`
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
    /// Each gauge's latest state, sent again after a reconnect: a broker without persistence forgets retained
    /// messages when it restarts. Pipeline thread only.
    private var states: [String: String] = [:]

    init(client: MQTTClient, prefix: String) {
        self.client = client
        self.prefix = prefix
    }

    /// Events sent and not yet acknowledged; safe to read from any thread.
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

    /// Publishes a gauge's state, retained, replacing the last one. Not tracked like events: only the newest state
    /// matters, and it is sent again on every reconnect.
    func publishState(gaugeID: String, payload: String) {
        states[gaugeID] = payload
        guard client.isConnected else { return }
        _ = try? client.publish(topic: "\(prefix)/gauges/\(gaugeID)/state", payload: payload, qos: 1, retain: true)
    }

    /// Marks acknowledged events published and, after a reconnect, re-sends every event the
    /// store still holds as unpublished, and every gauge's state.
    func settle(store: Store, now: Timestamp) throws(SQLiteError) {
        let mids = acks.withLock { acks in
            defer { acks.removeAll(keepingCapacity: true) }
            return acks
        }
        if !mids.isEmpty {
            try store.transaction { () throws(SQLiteError) in
                for mid in mids {
                    if let eventID = inFlight.removeValue(forKey: mid) {
                        try store.markPublished(eventID: eventID, at: now)
                    }
                }
            }
        }
        inFlightCount.store(inFlight.count, ordering: .relaxed)
        guard client.isConnected, resendNeeded.exchange(false, ordering: .acquiring) else { return }
        inFlight.removeAll()
        inFlightCount.store(0, ordering: .relaxed)
        for event in try store.unpublishedEvents() {
            publish(eventID: event.eventID, gaugeID: event.gaugeID, payload: event.payload)
        }
        for (gaugeID, payload) in states {
            publishState(gaugeID: gaugeID, payload: payload)
        }
    }
}
