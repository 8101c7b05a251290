import GaugeCore
import GaugeMQTT

/// `/metrics` and `/healthz`: what the HTTP server answers, from the pipeline's copied state and the values other
/// threads may read live (the ring's fill, the outbox, the broker link, liveness).
struct MetricsEndpoint: Sendable {
    let board: MetricsBoard
    let liveness: Liveness
    let ring: SPSCRing
    let outbox: Outbox
    let client: MQTTClient

    func respond(to path: String) -> HTTPResponse {
        let now = Timestamp.now()
        switch path {
        case "/metrics":
            return HTTPResponse(status: 200, contentType: Exposition.contentType, body: exposition(now: now))
        case "/healthz":
            // The watchdog's own judgement: 503 exactly when systemd would stop getting WATCHDOG=1.
            if let problem = liveness.problem() { return HTTPResponse(status: 503, body: problem + "\n") }
            return HTTPResponse(status: 200, body: "ok\n")
        default:
            return HTTPResponse(status: 404, body: "not found; try /metrics or /healthz\n")
        }
    }

    func exposition(now: Timestamp) -> String {
        let snapshot = board.snapshot
        let c = snapshot.counters
        var out = Exposition()
        out.family("floodgauge_build_info", .gauge, "The running floodgauge release.", [([("version", FloodgaugeVersion.text)], 1)])
        out.family("floodgauge_messages_total", .counter, "MQTT messages taken from the ingest ring.", Double(c.messages))
        out.family("floodgauge_uplinks_total", .counter, "Uplinks stored, copies not included.", Double(c.uplinks))
        out.family(
            "floodgauge_duplicate_uplinks_total", .counter, "Copies of uplinks already stored, not stored again.",
            Double(c.duplicates))
        out.family("floodgauge_samples_total", .counter, "Samples stored.", Double(c.samples))
        // A gauge, not a counter: a jump the next sample confirms is taken back.
        out.family(
            "floodgauge_implausible_samples", .gauge, "Samples stored flagged and kept out of the detectors.",
            Double(c.implausible))
        out.family("floodgauge_rejected_messages_total", .counter, "Messages stored as rejects, with the reason.", Double(c.rejects))
        out.family(
            "floodgauge_ignored_messages_total", .counter, "Messages that are not uplinks (joins, status, log events).",
            Double(c.ignored))
        out.family(
            "floodgauge_unknown_device_uplinks_total", .counter, "Uplinks from a DevEUI no gauge has, stored undecoded.",
            Double(c.unknownDevices))
        out.family("floodgauge_alert_transitions_total", .counter, "Alert transitions stored.", Double(c.transitions))
        out.family(
            "floodgauge_active_alerts", .gauge, "Open alerts by kind and severity.",
            AlertKind.allCases.flatMap { kind in
                Severity.allCases.map { severity in
                    ([("kind", kind.rawValue), ("severity", severity.rawValue)],
                        Double(snapshot.activeAlerts[kind]?[severity] ?? 0))
                }
            })
        out.family(
            "floodgauge_ring_used_bytes", .gauge, "Bytes of messages received and not yet committed to SQLite.",
            Double(ring.usedBytes))
        out.family("floodgauge_ring_capacity_bytes", .gauge, "Size of the ingest ring.", Double(ring.capacity))
        out.family(
            "floodgauge_outbox_pending_events", .gauge, "Alert events published and not yet acknowledged by the broker.",
            Double(outbox.pending))
        out.family("floodgauge_broker_connected", .gauge, "1 while connected to the MQTT broker.", client.isConnected ? 1 : 0)
        out.family("floodgauge_alive", .gauge, "1 while /healthz and the watchdog see the daemon alive.", liveness.isAlive() ? 1 : 0)
        out.family(
            "floodgauge_gauge_last_sample_age_seconds", .gauge,
            "Seconds since the data time of the gauge's newest sample, valid or not.",
            ages(snapshot.gauges.map { ($0.id, $0.newestSample) }, now: now))
        out.family(
            "floodgauge_gauge_last_valid_sample_age_seconds", .gauge,
            "Seconds since the data time of the gauge's newest valid level.",
            ages(snapshot.gauges.map { ($0.id, $0.lastValid) }, now: now))
        return out.text
    }

    /// One sample per gauge that has a time; a gauge that never reported has no age.
    private func ages(_ times: [(String, Timestamp?)], now: Timestamp)
        -> [(labels: [(name: String, value: String)], value: Double)]
    {
        times.compactMap { gauge, time in
            time.map { ([("gauge", gauge)], Double(now.unixMilliseconds - $0.unixMilliseconds) / 1000) }
        }
    }
}

extension MetricsEndpoint {
    /// Starts serving at `address`; `nil` serves nothing.
    func serve(at address: ListenAddress?) throws(DaemonError) -> HTTPServer? {
        guard let address else { return nil }
        let server = try HTTPServer(address: address, respond: respond(to:))
        try server.start()
        return server
    }
}
