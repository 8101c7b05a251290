import GaugeCore
import GaugeMQTT
import GaugeStore
import GaugeSystemd
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `floodgauge run`: MQTT in, through the ring and the pipeline, into SQLite; alerts out to the
/// alert topic, the alert log and the logger.
///
/// Threads: libmosquitto's network thread copies each message into the ring file and returns
/// (then the PUBACK leaves, and the message survives the process); the pipeline thread drains
/// the ring in batches, one transaction each, then publishes and logs the batch's alerts; the
/// main thread waits for signals.
public final class Daemon: @unchecked Sendable {
    private let config: Config
    private let logger: Logger
    private let notifier = ServiceNotifier()

    /// Big enough to ride out a slow disk for minutes at the gauges' rate; the broker holds the
    /// rest when it fills (QoS 1), so nothing is dropped.
    static let ringCapacity = 8 << 20

    public init(config: Config, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then drains and returns.
    public func run() throws(DaemonError) {
        let signals = SignalWaiter([SIGTERM, SIGINT, SIGHUP])

        let store: Store
        do {
            store = try Store(path: config.storage.database)
            try store.saveGauges(config.gauges, at: .now())
        } catch {
            throw DaemonError("cannot open database: \(error)")
        }
        let alertLog = try AlertLog(path: config.alerts.log)
        let pipeline: Pipeline
        do {
            pipeline = try Pipeline(
                formats: config.sources.map(\.format), gauges: config.gauges, language: config.alerts.language,
                store: store, replay: false)
        } catch {
            throw DaemonError("cannot load alert state: \(error)")
        }
        let ringFile = try RingFile(path: config.storage.ring, capacity: Self.ringCapacity)
        if let recovery = ringFile.recovery { logger.error("\(recovery)") }
        let ring = ringFile.ring

        let client: MQTTClient
        do {
            client = try MQTTClient(options: try config.mqtt.clientOptions(), logger: logger)
        } catch {
            throw DaemonError("\(error)")
        }
        for source in config.sources {
            client.subscribe(source.topic, qos: Int32(source.qos), sharedGroup: source.sharedGroup)
        }
        let outbox = Outbox(client: client, prefix: config.mqtt.prefix)
        // Issue 6: the status topic, fatal broker failures, liveness and metrics.
        let liveness = Liveness()
        let fatal = FatalStop()
        let status = StatusTopic(prefix: config.mqtt.prefix)
        let metrics = MetricsBoard()
        client.attachDaemonHooks(status: status, liveness: liveness, fatal: fatal, settings: config.mqtt)
        let ready = FirstTime()
        client.onMessage = { [ring] subscription, topic, payload in
            Self.enqueue(ring: ring, topic: topic, payload: payload, source: subscription)
        }
        client.onPublished = { mid in outbox.acknowledged(mid: mid) }
        client.onSubscribed = { [notifier, logger] in
            outbox.connected()
            if ready.check() {
                logger.info("subscribed; ready")
                notifier.ready(status: "subscribed")
            }
        }

        let processing = PipelineThread(
            ring: ring, pipeline: pipeline, store: store, outbox: outbox, alertLog: alertLog, logger: logger,
            retainUplinksSeconds: config.storage.retainUplinksSeconds, liveness: liveness, metrics: metrics)
        // What the ring still holds was acknowledged to the broker before the last run ended: it
        // reaches SQLite before anything new is accepted.
        let left = try processing.drain()
        if left > 0 { logger.notice("stored \(left) messages the ring held from the previous run") }
        let metricsServer = try MetricsEndpoint(
            board: metrics, liveness: liveness, ring: ring, outbox: outbox, client: client
        ).serve(at: config.metrics.listen)
        try processing.start()
        do {
            try client.start()
        } catch {
            _ = processing.join()
            throw DaemonError("\(error)")
        }

        while true {
            let signal = signals.wait()
            if signal == SIGHUP {
                logger.info("SIGHUP: reloading is not supported yet; ignored")
                continue
            }
            logger.info("signal \(signal): draining and stopping")
            break
        }
        notifier.stopping()
        // Stop receiving first: everything the broker counts as delivered is in the ring, and the
        // pipeline commits all of it before it ends. Alerts it cannot publish now stay in the
        // outbox and are sent on the next start.
        processing.waitUntilIdle()
        status.publishOffline(client, at: .now())
        client.stop()
        let failure = processing.join()
        metricsServer?.stop()
        // Both threads are gone, so nothing uses the mapping any more: it may be unmapped now.
        withExtendedLifetime(ringFile) {}
        let c = pipeline.counters
        logger.info(
            "stopped: \(c.messages) messages, \(c.uplinks) uplinks, \(c.samples) samples, \(c.rejects) rejects, \(c.transitions) alert transitions"
        )
        if let failure = fatal.error ?? failure { throw failure }
    }

    /// Runs on libmosquitto's thread: one copy into the ring, then return. When the ring is full
    /// it waits: the PUBACK is held back and the broker keeps the rest.
    static func enqueue(ring: SPSCRing, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, source: Int) {
        let arrivedAt = Timestamp.now()
        while !IngestMessage.tryPush(
            into: ring, arrivedAt: arrivedAt, sourceIndex: source, topic: topic, payload: payload)
        {
            usleep(200)
        }
    }
}

/// True exactly once: the first (re)connect makes the daemon ready, later ones do not.
private final class FirstTime: Sendable {
    private let passed = Atomic(false)

    func check() -> Bool { !passed.exchange(true, ordering: .acquiringAndReleasing) }
}
