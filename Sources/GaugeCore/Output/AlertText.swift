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

    private var de: Bool { language == .de }

    /// What a commander reads: which gauge, what happened, the level and rate, and the threshold crossed.
    public func message(_ t: AlertTransition, gauge: GaugeSettings) -> String {
        "\(gauge.name): " + what(t, gauge: gauge)
    }

    private func what(_ t: AlertTransition, gauge: GaugeSettings) -> String {
        let level = t.levelCM.map(Self.cm) ?? "?"
        let threshold = t.threshold.map(format) ?? "?"
        switch (t.alert.kind, t.transition) {
        case (.level, .raised):
            let stage = name(of: t.stage, gauge: gauge)
            return de
                ? "\(stage) erreicht, Pegel \(level) (Schwelle \(threshold))\(trend(t))"
                : "\(stage) reached, level \(level) (threshold \(threshold))\(trend(t))"
        case (.level, .escalated):
            let stage = name(of: t.stage, gauge: gauge)
            return de
                ? "steigt auf \(stage), Pegel \(level) (Schwelle \(threshold))\(trend(t))"
                : "rising to \(stage), level \(level) (threshold \(threshold))\(trend(t))"
        case (.level, .deescalated):
            let stage = name(of: t.stage, gauge: gauge)
            return de
                ? "sinkt auf \(stage), Pegel \(level) (unter \(threshold))\(trend(t))"
                : "falling to \(stage), level \(level) (below \(threshold))\(trend(t))"
        case (.level, .cleared):
            let stage = name(of: t.previousStage, gauge: gauge)
            return de
                ? "Entwarnung, \(stage) aufgehoben, Pegel \(level) (unter \(threshold))\(trend(t))"
                : "all clear, \(stage) lifted, level \(level) (below \(threshold))\(trend(t))"

        case (.rate, .raised), (.rate, .escalated):
            let rate = t.rateCMPerHour.map(Self.rate) ?? "?"
            let alarm = t.stage == 2
            return de
                ? "Pegel steigt \(alarm ? "sehr " : "")schnell, \(rate) (\(alarm ? "Alarm" : "Warn")schwelle \(threshold)), Pegel \(level)"
                : "rising \(alarm ? "very " : "")fast, \(rate) (\(alarm ? "alarm" : "warning") threshold \(threshold)), level \(level)"
        case (.rate, .deescalated):
            let rate = t.rateCMPerHour.map(Self.rate) ?? "?"
            return de
                ? "Anstieg schwächt sich ab, \(rate) (unter \(threshold)), Pegel \(level)"
                : "rise slowing, \(rate) (below \(threshold)), level \(level)"
        case (.rate, .cleared):
            let rate = t.rateCMPerHour.map(Self.rate) ?? "?"
            return de
                ? "Anstieg beendet, \(rate) (unter \(threshold)), Pegel \(level)"
                : "rise over, \(rate) (below \(threshold)), level \(level)"

        case (.stale, .cleared):
            return de ? "sendet wieder, Pegel \(level)" : "reporting again, level \(level)"
        case (.stale, _):
            return de
                ? "keine Messwerte seit \(threshold) (\(lastSeen(t))); bestehende Warnungen bleiben in Kraft"
                : "no readings for \(threshold) (\(lastSeen(t))); active warnings stay in force"

        case (.fault, .cleared):
            return de ? "Sensor misst wieder, Pegel \(level)" : "sensor measuring again, level \(level)"
        case (.fault, _):
            let cause: String
            switch t.fault {
            case .deviceFault?: cause = de ? "Sensor meldet Störung (kein Echo oder Hardwarefehler)" : "sensor reports a fault (no echo or hardware error)"
            case .tilt?: cause = de ? "Sensor geneigt oder manipuliert" : "sensor tilted or tampered with"
            case .gaps?, nil: cause = de ? "\(threshold) in Folge ohne Messwert" : "\(threshold) in a row without a value"
            }
            return "\(cause) (\(lastSeen(t)))"

        case (.battery, .cleared):
            return de ? "Batterie wieder in Ordnung, \(battery(t))" : "battery fine again, \(battery(t))"
        case (.battery, _):
            return de
                ? "Batterie schwach, \(battery(t)) (Schwelle \(threshold))"
                : "battery low, \(battery(t)) (threshold \(threshold))"
        }
    }

    /// Where the river is heading, when the rate window allows saying so: a commander's next question.
    private func trend(_ t: AlertTransition) -> String {
        guard let rate = t.rateCMPerHour else { return "" }
        if abs(rate) < 1 { return de ? ", gleichbleibend" : ", steady" }
        let speed = Self.rate(abs(rate))
        return rate > 0 ? (de ? ", steigt \(speed)" : ", rising \(speed)") : (de ? ", fällt \(speed)" : ", falling \(speed)")
    }

    private func lastSeen(_ t: AlertTransition) -> String {
        guard let level = t.levelCM, let time = t.lastSeenAt else {
            return de ? "noch kein gültiger Messwert" : "no valid reading yet"
        }
        return de ? "letzter Pegel \(Self.cm(level)) um \(Self.clock(time))" : "last level \(Self.cm(level)) at \(Self.clock(time))"
    }

    private func battery(_ t: AlertTransition) -> String {
        [t.batteryMillivolts.map { "\($0) mV" }, t.batteryPercent.map { "\($0) %" }].compactMap { $0 }
            .joined(separator: ", ")
    }

    /// A threshold in its unit, as the message and the log line show it.
    private func format(_ threshold: Threshold) -> String {
        switch threshold {
        case .levelCM(let cm): Self.cm(cm)
        case .rateCMPerHour(let rate): Self.rate(rate)
        case .silenceSeconds(let seconds): Self.duration(seconds)
        case .gaps(let count): de ? "\(count) Messungen" : "\(count) readings"
        case .batteryMillivolts(let mv): "\(mv) mV"
        case .batteryPercent(let percent): "\(percent) %"
        }
    }

    /// One line for `tail -f`: UTC time, severity, transition, kind, gauge, level, stage, threshold and rate, the
    /// message and the event id, in columns that line up.
    public func logLine(_ t: AlertTransition, gauge: GaugeSettings) -> String {
        let stage = t.alert.kind == .level ? t.stage.map { $0 > 0 ? (de ? "Stufe \($0)" : "stage \($0)") : "-" } ?? "-" : "-"
        let columns = [
            t.observedAt.rfc3339, padded(t.severity.rawValue.uppercased(), 8), padded(t.transition.rawValue, 11),
            padded(t.alert.kind.rawValue, 7), "\(gauge.id) (\(gauge.name))", padded(t.levelCM.map(Self.cm) ?? "-", 9),
            padded(stage, 9), (de ? "Schwelle " : "threshold ") + padded(t.threshold.map(format) ?? "-", 9),
            (de ? "Anstieg " : "rate ") + (t.rateCMPerHour.map(Self.rate) ?? "-"),
        ]
        return columns.joined(separator: "  ") + "  | " + message(t, gauge: gauge) + "  [\(t.eventID)]"
    }

    /// The event integrators receive on `{prefix}/alerts/{gauge_id}`.
    public func eventJSON(_ t: AlertTransition, gauge: GaugeSettings, emittedAt: Timestamp, replay: Bool) -> String {
        let isLevel = t.alert.kind == .level
        var event = JSONWriter()
        event.field("schema", "floodgauge.alert.v1")
        event.field("event_id", t.eventID)
        event.field("alert_id", t.alert.alertID)
        event.field("transition", t.transition.rawValue)
        event.field("kind", t.alert.kind.rawValue)
        event.field("severity", t.severity.rawValue)
        event.field("stage", isLevel ? t.stage : nil)
        event.field("stage_name", isLevel ? gauge.stageName(t.stage) : nil)
        event.raw("gauge", Self.gaugeObject(gauge))
        event.field("observed_at", t.observedAt.rfc3339)
        event.field("emitted_at", emittedAt.rfc3339)
        event.field("raised_at", t.alert.raisedAt.rfc3339)
        event.field("level_cm", t.levelCM.map(Self.rounded))
        event.field("rate_cm_per_h", t.rateCMPerHour.map(Self.rounded))
        event.field("last_seen_at", t.lastSeenAt?.rfc3339)
        event.raw("threshold", thresholdJSON(t, gauge: gauge))
        if let cause = t.fault { event.field("fault_cause", cause.rawValue) }
        if let mv = t.batteryMillivolts { event.field("battery_mv", Int(mv)) }
        if let percent = t.batteryPercent { event.field("battery_pct", Int(percent)) }
        event.field("message", message(t, gauge: gauge))
        event.field("language", language.rawValue)
        event.field("replay", replay)
        return event.finished()
    }

    /// The gauge as events and state messages name it: who, where, which device.
    static func gaugeObject(_ gauge: GaugeSettings) -> String {
        var object = JSONWriter()
        object.field("id", gauge.id)
        object.field("name", gauge.name)
        object.field("river", gauge.river)
        object.field("lat", gauge.latitude)
        object.field("lon", gauge.longitude)
        object.field("dev_eui", Hex.format(gauge.devEUI))
        return object.finished()
    }

    /// The configured limits of the alert's detector and the one crossed, so an integrator needs no config.
    private func thresholdJSON(_ t: AlertTransition, gauge: GaugeSettings) -> String {
        var threshold = JSONWriter()
        switch t.alert.kind {
        case .level:
            if let stage = t.crossedStage, stage > 0, stage <= gauge.stages.count {
                let crossed = gauge.stages[stage - 1]
                threshold.field("stage", stage)
                threshold.field("name", crossed.name)
                threshold.field("enter_cm", crossed.enterCM)
                threshold.field("clear_cm", crossed.clearCM)
            }
        case .rate:
            threshold.field("warn_cm_per_h", gauge.rate.warnCMPerHour)
            threshold.field("alarm_cm_per_h", gauge.rate.alarmCMPerHour)
            threshold.field("clear_cm_per_h", gauge.rate.clearCMPerHour)
            threshold.field("window_s", gauge.rate.windowSeconds)
        case .stale:
            threshold.field("stale_after_s", gauge.health.staleAfterSeconds)
        case .fault:
            threshold.field("gaps", gauge.health.faultGaps)
        case .battery:
            threshold.field("low_mv", gauge.health.batteryLowMillivolts.map { Int($0) })
            threshold.field("low_pct", gauge.health.batteryLowPercent.map { Int($0) })
        }
        switch t.threshold {
        case .levelCM(let cm)?: threshold.field("crossed_cm", cm)
        case .rateCMPerHour(let rate)?: threshold.field("crossed_cm_per_h", rate)
        default: break
        }
        return threshold.finished()
    }

    private func name(of stage: Int?, gauge: GaugeSettings) -> String {
        gauge.stageName(stage) ?? (de ? "keine Stufe" : "no stage")
    }

    /// One decimal: a sensor's millimetres are noise to a commander, and a rate's fourth digit too.
    public static func rounded(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }

    public static func cm(_ value: Double) -> String {
        JSONWriter.number(rounded(value)) + " cm"
    }

    public static func rate(_ value: Double) -> String {
        JSONWriter.number(rounded(value)) + " cm/h"
    }

    static func duration(_ seconds: Int64) -> String {
        seconds % 3600 == 0 ? "\(seconds / 3600) h" : seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    /// `14:30 UTC`: the time of day a commander compares with the clock on the wall.
    static func clock(_ time: Timestamp) -> String {
        let text = time.rfc3339
        return String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    private func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
