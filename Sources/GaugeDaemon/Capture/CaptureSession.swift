import GaugeCore
import GaugeMQTT
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `floodgauge capture`: subscribes to the configured sources beside the running daemon and writes what arrives to
/// a capture file, until enough messages or time have passed, or SIGINT/SIGTERM.
public enum CaptureSession {
    /// Returns how many messages were written.
    public static func run(
        config: Config, out: String, count: Int?, seconds: Int64?, logger: Logger
    ) throws(DaemonError) -> Int {
        let signals = SignalWaiter([SIGTERM, SIGINT])
        let writer = try CaptureWriter(path: out, sources: config.sources, created: .now(), limit: count)
        var options = try config.mqtt.clientOptions()
        // Its own client id and a clean session, so the daemon keeps its session and the messages queued for it;
        // no will, so stopping the capture never marks the daemon offline.
        options.clientID += "-capture"
        options.persistentSession = false
        options.sessionExpirySeconds = 0
        options.will = nil
        let client: MQTTClient
        do {
            client = try MQTTClient(options: options, logger: logger)
        } catch {
            throw DaemonError("\(error)")
        }
        // Each filter as it is, never in the daemon's shared group: a capture sees every message without taking
        // any from the daemon.
        for source in config.sources {
            client.subscribe(source.topic, qos: Int32(source.qos))
        }
        let fatal = FatalStop()
        let qos = config.sources.map(\.qos)
        client.onMessage = { subscription, topic, payload in
            let limitReached = Result { () throws(DaemonError) in
                try writer.append(time: .now(), topic: topic, qos: qos[min(subscription, qos.count - 1)], payload: payload)
            }
            switch limitReached {
            // Wakes the main thread's wait, which then stops as for SIGTERM.
            case .success(true): kill(getpid(), SIGTERM)
            case .success(false): break
            case .failure(let error): fatal.stop(error)
            }
        }
        client.onSubscribed = { logger.info("subscribed; capturing to \(out)") }
        client.onFatal = { failure in fatal.stop(DaemonError(config.mqtt.advice(for: failure))) }
        do {
            try client.start()
        } catch {
            throw DaemonError("\(error)")
        }
        let deadline = seconds.map { Liveness.monotonicMilliseconds() + $0 * 1000 }
        while signals.wait(milliseconds: 100) == nil {
            if let deadline, Liveness.monotonicMilliseconds() >= deadline { break }
        }
        client.stop()
        if let error = fatal.error { throw error }
        return writer.count
    }
}
