/// The retained `{prefix}/gauges/{gauge_id}/state` message: where a gauge stands now, for dashboards and
/// control-room software that subscribe once and want the picture without replaying every event.
public enum GaugeStateJSON {
    public static func render(_ monitor: GaugeMonitor, updatedAt: Timestamp) -> String {
        let gauge = monitor.gauge
        let memory = monitor.savedMemory
        let level = monitor.activeAlert(.level)

        let alerts = monitor.activeAlerts.map { alert in
            var object = JSONWriter()
            object.field("alert_id", alert.alertID)
            object.field("kind", alert.kind.rawValue)
            object.field("severity", alert.severity.rawValue)
            object.field("stage", alert.kind == .level ? alert.stage : nil)
            object.field("raised_at", alert.raisedAt.rfc3339)
            return object.finished()
        }

        var state = JSONWriter()
        state.field("schema", "floodgauge.state.v1")
        state.raw("gauge", AlertText.gaugeObject(gauge))
        state.field("level_cm", memory.lastValid.map { AlertText.rounded($0.cm) })
        state.field("observed_at", memory.lastValid?.time.rfc3339)
        state.field("stage", level?.stage ?? 0)
        state.field("stage_name", gauge.stageName(level?.stage))
        state.field("rate_cm_per_h", monitor.rateCMPerHour.map(AlertText.rounded))
        state.field("battery_mv", memory.batteryMillivolts.map { Int($0) })
        state.field("battery_pct", memory.batteryPercent.map { Int($0) })
        state.field("stale", monitor.activeAlert(.stale) != nil)
        state.raw("active_alerts", "[" + alerts.joined(separator: ",") + "]")
        state.field("updated_at", updatedAt.rfc3339)
        return state.finished()
    }
}
