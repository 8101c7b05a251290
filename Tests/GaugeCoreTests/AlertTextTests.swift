import Testing

@testable import GaugeCore

/// The texts a commander reads, in both languages, for every kind of alert.
@Suite struct AlertTextTests {
    private func events(_ build: (inout MonitorRun) -> Void) -> [AlertTransition] {
        var gauge = testGauge
        gauge.health.batteryLowMillivolts = 3300
        var run = MonitorRun(gauge)
        build(&run)
        return run.events
    }

    private func messages(_ language: AlertLanguage, _ build: (inout MonitorRun) -> Void) -> [String] {
        var gauge = testGauge
        gauge.health.batteryLowMillivolts = 3300
        return events(build).map { AlertText(language: language).message($0, gauge: gauge) }
    }

    @Test func levelAlertsNameTheStageLevelThresholdAndTrend() {
        let flood: (inout MonitorRun) -> Void = { $0.feed([100, 120, 140, 160, 210, 150, 100, 100, 100]) }
        let de = messages(.de, flood).filter { !$0.contains("Anstieg") && !$0.contains("schnell") }
        #expect(
            de == [
                "Kyll bei Kordel: Meldestufe 1 erreicht, Pegel 160 cm (Schwelle 150 cm), steigt 80 cm/h",
                "Kyll bei Kordel: steigt auf Meldestufe 2, Pegel 210 cm (Schwelle 200 cm), steigt 104 cm/h",
                // The hour's window still rises when the level turns: the trend says what the window says.
                "Kyll bei Kordel: sinkt auf Meldestufe 1, Pegel 150 cm (unter 190 cm), steigt 52 cm/h",
                "Kyll bei Kordel: Entwarnung, Meldestufe 1 aufgehoben, Pegel 100 cm (unter 140 cm), fällt 36 cm/h",
            ])
        let en = messages(.en, flood).filter { $0.contains("Meldestufe") }
        #expect(en.first == "Kyll bei Kordel: Meldestufe 1 reached, level 160 cm (threshold 150 cm), rising 80 cm/h")
    }

    @Test func rateAlertsSayHowFastAgainstWhichThreshold() {
        let rise: (inout MonitorRun) -> Void = { $0.feed([50, 57.5, 65, 80, 95, 110]) }
        let de = messages(.de, rise).filter { $0.contains("schnell") }
        #expect(
            de == [
                "Kyll bei Kordel: Pegel steigt schnell, 30 cm/h (Warnschwelle 20 cm/h), Pegel 65 cm",
                "Kyll bei Kordel: Pegel steigt sehr schnell, 54 cm/h (Alarmschwelle 50 cm/h), Pegel 110 cm",
            ])
        #expect(
            messages(.en, rise).filter { $0.contains("fast") }.first
                == "Kyll bei Kordel: rising fast, 30 cm/h (warning threshold 20 cm/h), level 65 cm")
    }

    @Test func aSilentGaugeSaysSinceWhenAndThatWarningsStand() {
        let silence: (inout MonitorRun) -> Void = { run in
            run.feed(160, atMinute: 0)
            run.checkSilence(atMinute: 45)
            run.feed(150, atMinute: 60)
        }
        #expect(
            messages(.de, silence).filter { !$0.contains("Meldestufe") } == [
                "Kyll bei Kordel: keine Messwerte seit 45 min (letzter Pegel 160 cm um 11:06 UTC); bestehende Warnungen bleiben in Kraft",
                "Kyll bei Kordel: sendet wieder, Pegel 150 cm",
            ])
        #expect(
            messages(.en, silence).filter { !$0.contains("Meldestufe") }.first
                == "Kyll bei Kordel: no readings for 45 min (last level 160 cm at 11:06 UTC); active warnings stay in force")
    }

    @Test func faultAndBatteryAlertsSayWhatIsWrong() {
        let device: (inout MonitorRun) -> Void = { run in
            var tilted = Reading(kind: .measurement)
            tilted.tilt = true
            tilted.batteryMillivolts = 3250
            run.device(tilted, atMinute: 0)
            var fine = Reading(kind: .measurement)
            fine.batteryMillivolts = 3600
            run.device(fine, atMinute: 15)
        }
        #expect(
            messages(.de, device) == [
                "Kyll bei Kordel: Sensor geneigt oder manipuliert (noch kein gültiger Messwert)",
                "Kyll bei Kordel: Batterie schwach, 3250 mV (Schwelle 3300 mV)",
                "Kyll bei Kordel: Sensor misst wieder, Pegel ?",
                "Kyll bei Kordel: Batterie wieder in Ordnung, 3600 mV",
            ])
        #expect(messages(.en, device)[1] == "Kyll bei Kordel: battery low, 3250 mV (threshold 3300 mV)")
    }

    @Test func theLogLineHasEveryColumnAndTheEventID() {
        let first = events { $0.feed([100, 120, 140, 160]) }.first { $0.alert.kind == .level }!
        let line = AlertText(language: .de).logLine(first, gauge: testGauge)
        #expect(
            line == "2026-11-18T11:51:40.000Z  MINOR     raised       level    kyll-kordel (Kyll bei Kordel)  160 cm     "
                + "Stufe 1    Schwelle 150 cm     Anstieg 80 cm/h  | Kyll bei Kordel: Meldestufe 1 erreicht, Pegel 160 cm "
                + "(Schwelle 150 cm), steigt 80 cm/h  [kyll-kordel:level:2026-11-18T11:51:40.000Z#1]")
    }
}
