extension Reading {
    /// The reading as the one JSON object `floodgauge decode` prints (the reading model of `product.md`), with
    /// the key names of the shared vectors. Fields the frame did not report are left out.
    ///
    /// ```json
    /// {"kind":"measurement","samples":[{"offset_s":-5,"distance_mm":3940}],"battery_mv":3600,"temperature_c":21.5}
    /// ```
    public var json: String {
        var object = JSONWriter()
        object.field("kind", kind.rawValue)
        object.raw("samples", samplesJSON)
        object.reported("battery_mv", batteryMillivolts.map(Int.init))
        object.reported("battery_pct", batteryPercent.map(Int.init))
        object.reported("temperature_c", temperatureCelsius)
        object.reported("fault", fault)
        object.reported("tilt", tilt)
        object.reported("device_alarm", deviceAlarm)
        object.reported("seq", sequence.map(Int.init))
        object.reported("interval_s", intervalSeconds.map(Int.init))
        object.reported("age_s", ageSeconds.map(Int.init))
        if let status {
            object.field("fw_version", "\(status.firmwareMajor).\(status.firmwareMinor)")
            object.field("reset_cause", status.resetCause.name)
            object.field("uptime_s", Int(status.uptimeSeconds))
            object.field("signal_quality", Int(status.signalQualityPercent))
        }
        return object.finished()
    }

    /// The object `floodgauge decode` prints for a rejected frame: `{"kind":"error","error":"<reason>"}`.
    public static func errorJSON(reason: String) -> String {
        var object = JSONWriter()
        object.field("kind", "error")
        object.field("error", reason)
        return object.finished()
    }

    private var samplesJSON: String {
        var text = "["
        for (index, sample) in samples.enumerated() {
            var object = JSONWriter()
            object.field("offset_s", Int(sample.offsetSeconds))
            switch sample.value {
            case .distance(let mm): object.field("distance_mm", mm)
            case .depth(let mm): object.field("depth_mm", mm)
            case .gap(let reason): object.field("gap", reason.rawValue)
            }
            text += (index == 0 ? "" : ",") + object.finished()
        }
        return text + "]"
    }
}

extension JSONWriter {
    // The reading model leaves out what a device did not report, rather than writing null.
    fileprivate mutating func reported(_ key: String, _ value: Int?) {
        if let value { field(key, value) }
    }

    fileprivate mutating func reported(_ key: String, _ value: Double?) {
        if let value { field(key, value) }
    }

    fileprivate mutating func reported(_ key: String, _ value: Bool?) {
        if let value { field(key, value) }
    }
}
