/// What the retained state topics still need: the gauges whose newest state is not yet sent, and the states sent and
/// not yet acknowledged.
///
/// States are "latest wins": a gauge that changes ten times while it waits is sent once, with its state as it is
/// when its turn comes (`Outbox` renders it then), and only one of its states is in flight at a time. With at most
/// `window` in flight in all, what waits is bounded by the number of gauges, never by the message rate. Pure
/// bookkeeping: `Outbox` does the sending.
struct StateQueue {
    private struct Gauge {
        /// The gauge changed since its last state went out: it is queued, or will be once its state in flight is
        /// settled.
        var unsent: Bool
        var inFlight: Bool
    }

    /// How many states may be sent and not yet acknowledged.
    let window: Int
    /// A state whose acknowledgement has not come after this long counts as lost, and its gauge is sent again: a
    /// broker that refuses a publish (a quota, an ACL) answers with a code the client only logs, and each refusal
    /// would otherwise hold a slot until the next reconnect.
    let ackTimeoutMilliseconds: Int64

    private var gauges: [String: Gauge] = [:]
    /// The queue of gauges to send, each once: `leaving` reversed, then `arriving`. First in, first out, so a busy
    /// gauge cannot starve one that waits; two arrays keep both ends O(1).
    private var leaving: [String] = []
    private var arriving: [String] = []
    /// Message id → the gauge it carries and when it was sent (monotonic milliseconds).
    private var inFlight: [Int32: (gaugeID: String, sentAt: Int64)] = [:]

    init(window: Int, ackTimeoutMilliseconds: Int64) {
        self.window = window
        self.ackTimeoutMilliseconds = ackTimeoutMilliseconds
    }

    /// The gauge's state changed: queues it, unless it waits already.
    mutating func update(gaugeID: String) {
        guard var gauge = gauges[gaugeID] else {
            gauges[gaugeID] = Gauge(unsent: true, inFlight: false)
            arriving.append(gaugeID)
            return
        }
        if !gauge.unsent && !gauge.inFlight { arriving.append(gaugeID) }
        gauge.unsent = true
        gauges[gaugeID] = gauge
    }

    /// The gauge whose state to send next, if one waits and the window has room; `sent` or `forget` takes it off
    /// the queue.
    mutating func next() -> String? {
        guard inFlight.count < window else { return nil }
        if leaving.isEmpty {
            leaving = arriving.reversed()
            arriving.removeAll(keepingCapacity: true)
        }
        return leaving.last
    }

    /// The state `next` returned went out as message `mid`.
    mutating func sent(mid: Int32, at now: Int64) {
        let gaugeID = leaving.removeLast()
        gauges[gaugeID]!.unsent = false
        gauges[gaugeID]!.inFlight = true
        inFlight[mid] = (gaugeID, now)
    }

    /// The gauge `next` returned is no longer configured: it leaves the queue and is never sent again.
    mutating func forget() {
        gauges[leaving.removeLast()] = nil
    }

    /// The broker acknowledged message `mid`, which may be no state's.
    mutating func acknowledged(mid: Int32) {
        guard let gaugeID = inFlight.removeValue(forKey: mid)?.gaugeID else { return }
        settle(gaugeID)
    }

    /// Gives up on the states in flight for longer than `ackTimeoutMilliseconds`: their gauges are sent again.
    mutating func expire(now: Int64) {
        for (mid, state) in inFlight where now - state.sentAt >= ackTimeoutMilliseconds {
            inFlight[mid] = nil
            gauges[state.gaugeID]!.unsent = true
            settle(state.gaugeID)
        }
    }

    /// After a reconnect: the broker may have lost any state (one without persistence forgets them all), and what
    /// was in flight on the old connection is not waited for.
    mutating func resendAll() {
        inFlight.removeAll()
        leaving.removeAll()
        arriving = Array(gauges.keys)
        for gaugeID in arriving {
            gauges[gaugeID]!.unsent = true
            gauges[gaugeID]!.inFlight = false
        }
    }

    /// The gauge's state is no longer in flight: a newer one waiting joins the queue.
    private mutating func settle(_ gaugeID: String) {
        gauges[gaugeID]!.inFlight = false
        if gauges[gaugeID]!.unsent { arriving.append(gaugeID) }
    }
}
