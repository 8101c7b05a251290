/// The language of alert messages and log lines.
public enum AlertLanguage: String, Sendable, CaseIterable {
    case de, en
}

/// Renders alert transitions for people (the message, the alert log line) and for integrators
/// (the event JSON of `alert-event.schema.json`).
public struct AlertText: Sendable {
    public var language: AlertLanguage

    public init(language: AlertLanguage) {
        self.language = language
    }

    /// What a commander reads: the level, the stage by its configured name, and the threshold.
    public func message(_ t: AlertTransition, gauge: GaugeSettings) -> String {
        let level = t.levelCM.map { "\(Self.cm($0))" } ?? "?"
        let threshold = t.thresholdCM.map(Self.cm) ?? "?"
        let stageName = name(of: t.stage, gauge: gauge)
        let previous = name(of: t.previousStage, gauge: gauge)
        switch (language, t.transition) {
        case (.de, .raised):
            return "\(gauge.name): \(stageName) erreicht, Pegel \(level) (Schwelle \(threshold))"
        case (.de, .escalated):
            return "\(gauge.name): steigt auf \(stageName), Pegel \(level) (Schwelle \(threshold))"
        case (.de, .deescalated):
            return "\(gauge.name): sinkt auf \(stageName), Pegel \(level) (unter \(threshold))"
        case (.de, .cleared):
            return "\(gauge.name): Entwarnung, \(previous) aufgehoben, Pegel \(level) (unter \(threshold))"
        case (.en, .raised):
            return "\(gauge.name): \(stageName) reached, level \(level) (threshold \(threshold))"
        case (.en, .escalated):
            return "\(gauge.name): rising to \(stageName), level \(level) (threshold \(threshold))"
        case (.en, .deescalated):
            return "\(gauge.name): falling to \(stageName), level \(level) (below \(threshold))"
        case (.en, .cleared):
            return "\(gauge.name): all clear, \(previous) lifted, level \(level) (below \(threshold))"
        }
    }

    /// One line for `tail -f`: UTC time, severity, transition, gauge, level, stage and threshold,
    /// rate, the message and the alert id, in columns that line up.
    public func logLine(_ t: AlertTransition, gauge: GaugeSettings) -> String {
        let stageWord = language == .de ? "Stufe" : "stage"
        let stage = t.stage.map { $0 > 0 ? "\(stageWord) \($0)" : "-" } ?? "-"
        let level = t.levelCM.map(Self.cm) ?? "-"
        let threshold = t.thresholdCM.map(Self.cm) ?? "-"
        let rate = "-"
        let columns = [
            t.observedAt.rfc3339, padded(t.severity.rawValue.uppercased(), 8), padded(t.transition.rawValue, 11),
            "\(gauge.id) (\(gauge.name))", padded(level, 9), padded(stage, 9),
            (language == .de ? "Schwelle " : "threshold ") + threshold,
            (language == .de ? "Anstieg " : "rate ") + rate,
        ]
        return columns.joined(separator: "  ") + "  | " + message(t, gauge: gauge) + "  [\(t.eventID)]"
    }

    /// The event integrators receive on `{prefix}/alerts/{gauge_id}`.
    public func eventJSON(_ t: AlertTransition, gauge: GaugeSettings, emittedAt: Timestamp, replay: Bool) -> String {
        var gaugeObject = JSONWriter()
        gaugeObject.field("id", gauge.id)
        gaugeObject.field("name", gauge.name)
        gaugeObject.field("river", gauge.river)
        gaugeObject.field("lat", gauge.latitude)
        gaugeObject.field("lon", gauge.longitude)
        gaugeObject.field("dev_eui", Hex.format(gauge.devEUI))

        var threshold = JSONWriter()
        if let stage = t.crossedStage, stage > 0, stage <= gauge.stages.count {
            let crossed = gauge.stages[stage - 1]
            threshold.field("stage", stage)
            threshold.field("name", crossed.name)
            threshold.field("enter_cm", crossed.enterCM)
            threshold.field("clear_cm", crossed.clearCM)
        }
        threshold.field("crossed_cm", t.thresholdCM)

        var event = JSONWriter()
        event.field("schema", "floodgauge.alert.v1")
        event.field("event_id", t.eventID)
        event.field("alert_id", t.alert.alertID)
        event.field("transition", t.transition.rawValue)
        event.field("kind", t.alert.kind.rawValue)
        event.field("severity", t.severity.rawValue)
        event.field("stage", t.stage)
        event.field("stage_name", t.stage.flatMap { $0 > 0 ? gauge.stages[$0 - 1].name : nil })
        event.raw("gauge", gaugeObject.finished())
        event.field("observed_at", t.observedAt.rfc3339)
        event.field("emitted_at", emittedAt.rfc3339)
        event.field("raised_at", t.alert.raisedAt.rfc3339)
        event.field("level_cm", t.levelCM)
        event.field("rate_cm_per_h", nil as Double?)
        event.field("last_seen_at", t.alert.lastObservedAt.rfc3339)
        event.raw("threshold", threshold.finished())
        event.field("message", message(t, gauge: gauge))
        event.field("language", language.rawValue)
        event.field("replay", replay)
        return event.finished()
    }

    private func name(of stage: Int?, gauge: GaugeSettings) -> String {
        guard let stage, stage > 0, stage <= gauge.stages.count else {
            return language == .de ? "keine Stufe" : "no stage"
        }
        return gauge.stages[stage - 1].name
    }

    /// Levels are shown in whole centimetres unless the value has a fraction worth showing.
    static func cm(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return JSONWriter.number(rounded) + " cm"
    }

    private func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
