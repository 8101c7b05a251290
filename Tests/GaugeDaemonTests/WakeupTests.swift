import Foundation
import Testing

@testable import GaugeDaemon

/// The pipeline thread's sleep: woken by a signal from another thread long before its timeout, never put to sleep
/// when work is already there, and not woken by a message while it is awake.
@Suite("Wakeup")
struct WakeupTests {
    /// Runs `sleep` with a timeout of a minute and returns how long it slept.
    private static func timedSleep(_ wakeup: Wakeup, isIdle: () -> Bool = { true }) -> Duration {
        ContinuousClock().measure { wakeup.sleep(milliseconds: 60_000, if: isIdle) }
    }

    @Test("a signal from another thread ends the sleep, and a message wakes a sleeping pipeline")
    func signalWakes() throws {
        let wakeup = try Wakeup()
        for signal in [wakeup.signal, wakeup.signalIfSleeping] {
            let signaller = Thread {
                Thread.sleep(forTimeInterval: 0.2)
                signal()
            }
            signaller.start()
            #expect(Self.timedSleep(wakeup) < .seconds(30))
        }
    }

    @Test("with work waiting it does not sleep at all")
    func noSleepWithWork() throws {
        let wakeup = try Wakeup()
        #expect(Self.timedSleep(wakeup, isIdle: { false }) < .seconds(30))
    }

    @Test("a signal given while awake ends the next sleep at once; a message while awake does not")
    func signalsWhileAwake() throws {
        let wakeup = try Wakeup()
        wakeup.signal()
        #expect(Self.timedSleep(wakeup) < .seconds(30))
        // Consumed by that sleep: the next one waits for its own signal (or its timeout, cut short here).
        wakeup.signalIfSleeping()
        let short = ContinuousClock().measure { wakeup.sleep(milliseconds: 300, if: { true }) }
        #expect(short >= .milliseconds(250))
    }
}
