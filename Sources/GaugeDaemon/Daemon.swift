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
/// checkpointer copies SQLite's write-ahead log into the database file; the main thread waits
/// for signals.
public final class Daemon: @unchecked Sendable {
    private let config: Config
    /// Read again on SIGHUP.
    private let configPath: String
    private let logger: Logger
    private let notifier = ServiceNotifier()

    /// Big enough to ride out a slow disk for minutes at the gauges' rate; the broker holds the
    /// rest when it fills (QoS 1), so nothing is dropped.
    static let ringCapacity = 8 << 20

    public init(config: Config, configPath: String, logger: Logger) {
        self.config = config
        self.configPath = configPath
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
        // From here on commits only append to the write-ahead log; the checkpointer copies it into the file.
        let checkpointer = try Checkpointer(writer: store.connection, logger: logger)
        try checkpointer.start()
        defer { checkpointer.stop() }
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
        // The status topic, fatal broker failures, liveness and metrics.
        let liveness = Liveness()
        let fatal = FatalStop()
        let status = StatusTopic(prefix: config.mqtt.prefix)
        let metrics = MetricsBoard()
        client.attachDaemonHooks(status: status, liveness: liveness, fatal: fatal, settings: config.mqtt)
        let ready = FirstTime()
        let wakeup = try Wakeup()
        client.onMessage = { [ring] subscription, topic, payload in
            Self.enqueue(ring: ring, topic: topic, payload: payload, source: subscription)
            wakeup.signalIfSleeping()
        }
        client.onPublished = { mid in
            outbox.acknowledged(mid: mid)
            wakeup.signal()
        }
        client.onSubscribed = { [notifier, logger] in
            outbox.connected()
            wakeup.signal()
            if ready.check() {
                logger.info("subscribed; ready")
                notifier.ready(status: "subscribed")
            }
        }

        let processing = PipelineThread(
            ring: ring, pipeline: pipeline, store: store, outbox: outbox, alertLog: alertLog, logger: logger,
            retainUplinksSeconds: config.storage.retainUplinksSeconds, liveness: liveness, metrics: metrics,
            wakeup: wakeup)
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

        // systemd wants WATCHDOG=1 at least every half interval; STATUS= every few seconds is plenty for people.
        let watchdog = notifier.watchdogInterval.map { Int64($0 / 1000) }
        let tick = watchdog.map { Int(min(max($0 / 4, 10), 1000)) } ?? 1000
        var nextStatus = Liveness.monotonicMilliseconds()
        while true {
            if let signal = signals.wait(milliseconds: tick) {
                if signal == SIGHUP {
                    reload(processing)
                    continue
                }
                // A fatal broker error wakes this wait with SIGTERM too; its own line follows at the end.
                logger.info(fatal.error == nil ? "signal \(signal): draining and stopping" : "draining and stopping")
                break
            }
            // Only while the pipeline goes round: a stuck one gets the process killed and restarted.
            if let watchdog, liveness.isAlive(stallLimit: watchdog / 2) { notifier.watchdog() }
            if Liveness.monotonicMilliseconds() >= nextStatus {
                notifier.status(Self.status(metrics.snapshot.counters, connected: client.isConnected))
                nextStatus += 5000
            }
        }
        notifier.stopping()
        // Stop receiving first: everything the broker counts as delivered is in the ring, and the
        // pipeline commits all of it before it ends. Alerts it cannot publish now stay in the
        // outbox and are sent on the next start.
        processing.waitUntilIdle()
        status.publishOffline(client, at: .now())
        client.stop()
        let failure = processing.join()
        checkpointer.stop()
        metricsServer?.stop()
        // Both threads are gone, so nothing uses the mapping any more: it may be unmapped now.
        withExtendedLifetime(ringFile) {}
        let c = pipeline.counters
        logger.info(
            "stopped: \(c.messages) messages, \(c.uplinks) uplinks, \(c.samples) samples, \(c.rejects) rejects, \(c.transitions) alert transitions"
        )
        if let failure = fatal.error ?? failure { throw failure }
    }

    /// The line `systemctl status` shows.
    static func status(_ c: Pipeline.Counters, connected: Bool) -> String {
        "broker \(connected ? "connected" : "disconnected"); \(c.messages) messages, \(c.samples) samples, "
            + "\(c.rejects) rejects, \(c.openAlerts) active alerts"
    }

    /// SIGHUP: reopens the alert log and takes the config file's gauges and thresholds, between two batches, so no
    /// message waits for more than the reload and every unchanged gauge keeps its alerts and detector state. A
    /// config that no longer reads keeps the running one; what only a restart can change is said so.
    private func reload(_ processing: PipelineThread) {
        notifier.reloading()
        var reload = PipelineThread.Reload()
        do {
            let fresh = try Config.load(path: configPath)
            reload.gauges = fresh.gauges
            if fresh.mqtt != config.mqtt || fresh.sources != config.sources || fresh.storage != config.storage
                || fresh.alerts != config.alerts
            {
                logger.warning("SIGHUP: changes outside the gauges take effect at the next restart")
            }
        } catch {
            logger.error("SIGHUP: \(configPath) does not load, keeping the running gauges:\n\(error)")
        }
        guard processing.reload(reload) else {
            logger.error("SIGHUP: the pipeline did not take the reload within 30 s")
            return notifier.ready(status: "reload pending")
        }
        let gauges = reload.gauges.map { "\($0.count) gauges" } ?? "the running gauges"
        logger.notice("SIGHUP: alert log reopened; running with \(gauges)")
        notifier.ready(status: "reloaded: \(gauges)")
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
