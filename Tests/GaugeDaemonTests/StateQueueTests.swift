import Testing

@testable import GaugeDaemon

@Suite("State queue")
struct StateQueueTests {
    /// Sends what `next` offers, message ids counting up from `firstMid`; returns what went out.
    private static func sendAll(
        _ queue: inout StateQueue, firstMid: Int32 = 1, at now: Int64 = 0
    ) -> [(mid: Int32, gaugeID: String)] {
        var sent: [(Int32, String)] = []
        var mid = firstMid
        while let gaugeID = queue.next() {
            queue.sent(mid: mid, at: now)
            sent.append((mid, gaugeID))
            mid += 1
        }
        return sent
    }

    @Test("a gauge that changes while it waits is sent once, in the order gauges first waited")
    func latestWins() {
        var queue = StateQueue(window: 8, ackTimeoutMilliseconds: 1000)
        for i in 1...10 {
            queue.update(gaugeID: "a")
            if i == 5 { queue.update(gaugeID: "b") }
        }
        #expect(Self.sendAll(&queue).map(\.gaugeID) == ["a", "b"])
    }

    @Test("at most `window` states in flight; each acknowledgement frees one slot, and unknown ids free none")
    func window() {
        var queue = StateQueue(window: 3, ackTimeoutMilliseconds: 1000)
        for i in 0..<5 { queue.update(gaugeID: "g\(i)") }
        #expect(Self.sendAll(&queue).map(\.gaugeID) == ["g0", "g1", "g2"])
        queue.acknowledged(mid: 99)
        #expect(queue.next() == nil)
        queue.acknowledged(mid: 2)
        #expect(Self.sendAll(&queue, firstMid: 4).map(\.gaugeID) == ["g3"])
        queue.acknowledged(mid: 1)
        queue.acknowledged(mid: 3)
        #expect(Self.sendAll(&queue, firstMid: 5).map(\.gaugeID) == ["g4"])
    }

    @Test("one state per gauge in flight: a change meanwhile waits for the acknowledgement, then goes as the newest")
    func oneInFlightPerGauge() {
        var queue = StateQueue(window: 8, ackTimeoutMilliseconds: 1000)
        queue.update(gaugeID: "a")
        #expect(Self.sendAll(&queue).map(\.gaugeID) == ["a"])
        queue.update(gaugeID: "a")
        queue.update(gaugeID: "a")
        #expect(queue.next() == nil)
        queue.acknowledged(mid: 1)
        #expect(Self.sendAll(&queue, firstMid: 2).map(\.gaugeID) == ["a"])
        queue.acknowledged(mid: 2)
        #expect(queue.next() == nil)
    }

    @Test("a gauge that keeps changing does not starve one that waits")
    func fairness() {
        var queue = StateQueue(window: 1, ackTimeoutMilliseconds: 1000)
        queue.update(gaugeID: "busy")
        queue.update(gaugeID: "quiet")
        var order: [String] = []
        for mid in Int32(1)...4 {
            let gaugeID = queue.next()!
            queue.sent(mid: mid, at: 0)
            order.append(gaugeID)
            queue.update(gaugeID: "busy")
            queue.acknowledged(mid: mid)
        }
        #expect(order == ["busy", "quiet", "busy", "busy"])
    }

    @Test("after a reconnect every gauge is sent again, and acknowledgements from the old connection free nothing")
    func resendAll() {
        var queue = StateQueue(window: 2, ackTimeoutMilliseconds: 1000)
        for gaugeID in ["a", "b", "c"] { queue.update(gaugeID: gaugeID) }
        _ = Self.sendAll(&queue)
        queue.acknowledged(mid: 1)
        _ = Self.sendAll(&queue, firstMid: 3)
        queue.resendAll()
        let again = Self.sendAll(&queue, firstMid: 10)
        #expect(again.count == 2)
        queue.acknowledged(mid: 2)
        queue.acknowledged(mid: 3)
        #expect(queue.next() == nil)
        queue.acknowledged(mid: 10)
        queue.acknowledged(mid: 11)
        let rest = Self.sendAll(&queue, firstMid: 12)
        #expect(Set((again + rest).map(\.gaugeID)) == ["a", "b", "c"])
        #expect(rest.count == 1)
    }

    @Test("a state never acknowledged frees its slot after the timeout, and its gauge's newest state goes again")
    func expiry() {
        var queue = StateQueue(window: 1, ackTimeoutMilliseconds: 1000)
        queue.update(gaugeID: "a")
        queue.update(gaugeID: "b")
        _ = Self.sendAll(&queue, at: 0)
        queue.expire(now: 999)
        #expect(queue.next() == nil)
        queue.expire(now: 1000)
        #expect(Self.sendAll(&queue, firstMid: 2, at: 1000).map(\.gaugeID) == ["b"])
        queue.acknowledged(mid: 2)
        #expect(Self.sendAll(&queue, firstMid: 3, at: 1000).map(\.gaugeID) == ["a"])
        // The late acknowledgement of the given-up message frees no slot for the state waiting now.
        queue.update(gaugeID: "b")
        queue.acknowledged(mid: 1)
        #expect(queue.next() == nil)
    }

    @Test("what waits is one entry per gauge however many updates arrive")
    func boundedByGauges() {
        var queue = StateQueue(window: 4, ackTimeoutMilliseconds: 1000)
        for round in 0..<10_000 { queue.update(gaugeID: "g\(round % 50)") }
        var all: [(mid: Int32, gaugeID: String)] = []
        while case let more = Self.sendAll(&queue, firstMid: Int32(all.count + 1)), !more.isEmpty {
            #expect(more.count <= 4)
            for state in more { queue.acknowledged(mid: state.mid) }
            all += more
        }
        #expect(all.count == 50)
        #expect(Set(all.map(\.gaugeID)).count == 50)
    }

    @Test("a gauge no longer configured is forgotten: not sent, and not sent again after a reconnect")
    func forget() {
        var queue = StateQueue(window: 4, ackTimeoutMilliseconds: 1000)
        for gaugeID in ["a", "gone", "b"] { queue.update(gaugeID: gaugeID) }
        var sent: [String] = []
        while let gaugeID = queue.next() {
            if gaugeID == "gone" {
                queue.forget()
            } else {
                queue.sent(mid: Int32(sent.count + 1), at: 0)
                sent.append(gaugeID)
            }
        }
        #expect(sent == ["a", "b"])
        queue.resendAll()
        #expect(Set(Self.sendAll(&queue, firstMid: 10).map(\.gaugeID)) == ["a", "b"])
    }
}
