import GaugeCore

/// One thing wrong with a config file, printed as `check-config` shows it: `file:line: key: message`.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The config file's path as it was given.
    public var file: String
    /// 1-based; `nil` only when the file could not be read at all.
    public var line: Int?
    /// The key path, such as `gauge[2].stages[0].enter_cm`. Indexes count from 0, in the order the file writes
    /// the elements (`[[gauge]]` blocks, entries of `stages`). `nil` for a TOML syntax error and an unreadable file.
    public var key: String?
    /// What is wrong, phrased to follow the key: "must be between 1 and 65535".
    public var message: String

    /// A problem as the loader records it; other checks of a config (such as one that opens the database) may
    /// report theirs the same way.
    public init(file: String, line: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`, leaving out the parts that are `nil`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let key { text += ": \(key)" }
        return text + ": " + message
    }
}

/// Every problem found in a config file, one per line when printed, in the order of the file.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// Never empty.
    public var problems: [ConfigProblem]

    /// Wraps problems found by ``Config/load(path:)`` or a later check.
    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// One problem per line, ready for stderr.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

extension Config {
    /// Reads and checks the config file at `path`.
    ///
    /// - Throws: ``ConfigError`` with every problem in the file, or with the one saying it cannot be read.
    public static func load(path: String) throws(ConfigError) -> Config {
        func unreadable(_ reason: String) -> ConfigError {
            ConfigError(problems: [ConfigProblem(file: path, line: nil, key: nil, message: "cannot read: \(reason)")])
        }
        let bytes: [UInt8]
        switch FilePaths.contents(of: path) {
        case .success(let contents): bytes = contents
        case .failure(let error): throw unreadable(error.reason)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw unreadable("not UTF-8 text") }
        return try parse(text: text, file: path)
    }

    /// Checks config text as if read from `file`: the name problems carry, and the place relative paths in the
    /// text are resolved from.
    ///
    /// A TOML syntax error ends the reading and is the only problem reported; otherwise every problem is.
    public static func parse(text: String, file: String) throws(ConfigError) -> Config {
        let document: TOMLTable
        do {
            document = try TOMLTable.parse(text)
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: file, line: error.line, key: nil, message: error.message)])
        }
        let log = ProblemLog(file: file)
        let schema = ConfigSchema(directory: FilePaths.directory(of: file))
        let config = TableReader.read(document, path: "", log: log, schema.readConfig)
        guard let config, log.problems.isEmpty else { throw ConfigError(problems: log.problemsByLine) }
        return config
    }
}

// MARK: - Schema

/// What each section of the file may hold and how its values are checked.
private struct ConfigSchema {
    /// The config file's directory (absolute), which relative paths in it start from.
    let directory: String

    func readConfig(_ r: inout TableReader) -> Config? {
        let mqtt = r.section("mqtt", readMQTT)
        let sources = r.tables("source", atLeastOne: true, readSource)
        let storage = r.section("storage", readStorage)
        let alerts = r.section("alerts", readAlerts)
        let metrics = r.section("metrics", readMetrics)
        let defaults = r.section("gauge_defaults", readGaugeDefaults)
        var identities = GaugeIdentities()
        let gauges = r.tables("gauge", atLeastOne: true) { gauge in
            readGauge(&gauge, defaults: defaults, identities: &identities)
        }
        guard let sources, let gauges else { return nil }
        return Config(mqtt: mqtt, sources: sources, storage: storage, alerts: alerts, gauges: gauges, metrics: metrics)
    }

    private func readMQTT(_ r: inout TableReader) -> Config.MQTT {
        var mqtt = Config.MQTT()
        r.update(&mqtt.host, "host", Rules.nonEmpty)
        r.update(&mqtt.port, "port", Rules.range(1...65535))
        r.update(&mqtt.clientID, "client_id", Rules.nonEmpty)
        mqtt.username = r.optional("username", Rules.nonEmpty)?.value
        mqtt.passwordFile = r.optional("password_file", absolutePath)?.value
        r.forbid(
            "password",
            because: "never put the password in the config: write it to a file only floodgauge can read, "
                + "and set password_file"
        )
        r.update(&mqtt.keepaliveSeconds, "keepalive_s", Rules.range(5...3600))
        r.update(&mqtt.protocolVersion, "protocol")
        r.update(&mqtt.sessionExpirySeconds, "session_expiry", Rules.duration(60...30 * 86_400))
        r.update(&mqtt.prefix, "prefix", Rules.topicPrefix)
        mqtt.caFile = r.optional("ca_file", absolutePath)?.value
        mqtt.certFile = r.optional("cert_file", absolutePath)?.value
        mqtt.keyFile = r.optional("key_file", absolutePath)?.value
        r.update(&mqtt.tlsVerifyHostname, "tls_verify_hostname")
        switch (r.has("cert_file"), r.has("key_file")) {
        case (true, false): r.report("key_file", "is required with cert_file")
        case (false, true): r.report("cert_file", "is required with key_file")
        default: break
        }
        for key in ["cert_file", "key_file", "tls_verify_hostname"] where r.has(key) && mqtt.caFile == nil {
            r.report(key, "needs ca_file: TLS is on only with a CA to check the broker against")
        }
        return mqtt
    }

    private func readMetrics(_ r: inout TableReader) -> Config.Metrics {
        var metrics = Config.Metrics()
        metrics.listen = r.optional("listen", Rules.listenAddress)?.value
        r.update(&metrics.allowRemote, "allow_remote")
        if let listen = metrics.listen, !listen.isLoopback, !metrics.allowRemote {
            r.report(
                "listen",
                "\(listen.host) is not a loopback address: the endpoint has no authentication; set allow_remote = true "
                    + "to serve it beyond this host")
        }
        return metrics
    }

    private func readSource(_ r: inout TableReader) -> Config.Source? {
        let topic = r.required("topic", Rules.topicFilter)
        let format: Located<EnvelopeFormat>? = r.required("format")
        let qos = r.optional("qos", Rules.qos)
        let sharedGroup = r.optional("shared_group", Rules.sharedGroup)
        guard let topic, let format else { return nil }
        var source = Config.Source(topic: topic.value, format: format.value, sharedGroup: sharedGroup?.value)
        if let qos { source.qos = qos.value }
        return source
    }

    private func readStorage(_ r: inout TableReader) -> Config.Storage {
        var storage = Config.Storage()
        r.update(&storage.database, "database", absolutePath)
        // The ring belongs beside the database unless the file says otherwise.
        storage.ring = FilePaths.absolute("floodgauge.ring", from: FilePaths.directory(of: storage.database))
        r.update(&storage.ring, "ring", absolutePath)
        r.update(&storage.retainUplinksSeconds, "retain_uplinks", Rules.retention)
        return storage
    }

    private func readAlerts(_ r: inout TableReader) -> Config.Alerts {
        var alerts = Config.Alerts()
        r.update(&alerts.log, "log", absolutePath)
        r.update(&alerts.language, "language")
        return alerts
    }

    private func absolutePath(_ path: String) throws(Invalid) -> String {
        FilePaths.absolute(try Rules.nonEmpty(path), from: directory)
    }

    // MARK: Gauges

    /// Keys that describe one gauge only, so a default for them would be wrong for all others.
    private static let perGaugeKeys = [
        "id", "name", "dev_eui", "lat", "lon", "river", "distance_to_datum_mm", "probe_datum_mm",
    ]

    private func readGaugeDefaults(_ r: inout TableReader) -> GaugeTemplate {
        for key in Self.perGaugeKeys {
            r.forbid(key, because: "belongs to each [[gauge]], not to [gauge_defaults]")
        }
        return readGaugeTemplate(&r)
    }

    private func readGaugeTemplate(_ r: inout TableReader) -> GaugeTemplate {
        GaugeTemplate(
            codec: r.optional("codec")?.value,
            device: r.optional("device"),
            stages: readStages(&r),
            detectorKeys: readDetectorKeys(&r)
        )
    }

    /// The detector keys: each sets one field of the gauge's settings, over the default's.
    private func readDetectorKeys(_ r: inout TableReader) -> [Setting] {
        var settings: [Setting] = []
        func read<T: TOMLConvertible, V>(_ key: String, _ rule: Rule<T, V>, into field: WritableKeyPath<GaugeSettings, V>) {
            if let value = r.optional(key, rule)?.value { settings.append { $0[keyPath: field] = value } }
        }
        func some<T, V>(_ rule: @escaping Rule<T, V>) -> Rule<T, V?> {
            { (value: T) throws(Invalid) -> V? in try rule(value) }
        }
        let positive = Rules.range(0.001...1_000_000.0)
        read("enter_hold", Rules.range(1...100), into: \.enterHold)
        read("clear_hold", Rules.range(1...100), into: \.clearHold)
        read("rate_window", Rules.duration(60...86_400), into: \.rate.windowSeconds)
        read("rate_min_samples", Rules.range(2...LevelWindow.capacity), into: \.rate.minSamples)
        read("rate_min_coverage", Rules.range(0.0...1.0), into: \.rate.minCoverage)
        read("rate_warn_cm_per_h", positive, into: \.rate.warnCMPerHour)
        read("rate_alarm_cm_per_h", positive, into: \.rate.alarmCMPerHour)
        read("rate_clear_cm_per_h", Rules.range(0.0...1_000_000.0), into: \.rate.clearCMPerHour)
        read("min_cm", some(Rules.range(-100_000.0...100_000.0)), into: \.plausibility.minCM)
        read("max_cm", some(Rules.range(-100_000.0...100_000.0)), into: \.plausibility.maxCM)
        read("max_jump_cm_per_min", positive, into: \.plausibility.maxJumpCMPerMinute)
        read("max_future", Rules.duration(0...86_400), into: \.plausibility.maxFutureSeconds)
        read("stale_after", Rules.duration(60...30 * 86_400), into: \.health.staleAfterSeconds)
        read("fault_gaps", Rules.range(1...100), into: \.health.faultGaps)
        read("battery_low_mv", some(Rules.millimetres(1...100_000)), into: \.health.batteryLowMillivolts)
        read("battery_low_pct", some(Rules.millimetres(1...100)), into: \.health.batteryLowPercent)
        return settings
    }

    /// Limits that only make sense together, checked once defaults and the gauge's own keys are merged.
    private func checkDetectors(_ gauge: GaugeSettings, in r: TableReader) {
        let rate = gauge.rate
        if rate.alarmCMPerHour <= rate.warnCMPerHour {
            r.report("rate_alarm_cm_per_h", "must be above rate_warn_cm_per_h (\(rate.warnCMPerHour.plain))")
        }
        if rate.clearCMPerHour >= rate.warnCMPerHour {
            r.report("rate_clear_cm_per_h", "must be below rate_warn_cm_per_h (\(rate.warnCMPerHour.plain))")
        }
        if let min = gauge.plausibility.minCM, let max = gauge.plausibility.maxCM, min >= max {
            r.report("max_cm", "must be above min_cm (\(min.plain))")
        }
    }

    private func readStages(_ r: inout TableReader) -> [Stage]? {
        var previousEnter: Double?
        return r.tables("stages") { stage -> Stage? in
            let name = stage.required("name", Rules.nonEmpty)
            let enter: Located<Double>? = stage.required("enter_cm")
            let clear: Located<Double>? = stage.required("clear_cm")
            if let enter, let clear, clear.value > enter.value {
                stage.report("clear_cm", "must be at or below enter_cm (\(enter.value.plain))")
            }
            if let enter, let previousEnter, enter.value <= previousEnter {
                stage.report("enter_cm", "must be above the enter_cm of the stage before (\(previousEnter.plain))")
            }
            previousEnter = enter?.value ?? previousEnter
            guard let name, let enter, let clear else { return nil }
            return Stage(name: name.value, enterCM: enter.value, clearCM: clear.value)
        }
    }

    private func readGauge(
        _ r: inout TableReader,
        defaults: GaugeTemplate,
        identities: inout GaugeIdentities
    ) -> GaugeSettings? {
        let id = r.required("id", Rules.slug)
        let name = r.required("name", Rules.nonEmpty)
        let devEUI = r.required("dev_eui", Rules.devEUI)
        identities.claim(id: id, devEUI: devEUI, in: r)
        let latitude = r.optional("lat", Rules.range(-90.0...90.0))
        let longitude = r.optional("lon", Rules.range(-180.0...180.0))
        switch (r.has("lat"), r.has("lon")) {
        case (true, false): r.report("lon", "is required with lat")
        case (false, true): r.report("lat", "is required with lon")
        default: break
        }
        let river = r.optional("river", Rules.nonEmpty)
        let distance = r.optional("distance_to_datum_mm", Rules.millimetres(1...100_000))
        let probe = r.optional("probe_datum_mm", Rules.millimetres(-100_000...100_000))
        let template = readGaugeTemplate(&r).filling(from: defaults)
        let codec = template.codec ?? Config.defaultCodec

        switch (r.has("distance_to_datum_mm"), r.has("probe_datum_mm")) {
        case (true, true):
            r.report("probe_datum_mm", "set either distance_to_datum_mm or probe_datum_mm, not both")
        case (false, false):
            r.report("distance_to_datum_mm", "is required (or probe_datum_mm for a submersible probe)")
        default:
            break
        }
        checkDevice(template.device, of: codec, in: r)
        if template.stages == nil && !r.has("stages") {
            r.report("stages", "is required (stages = [] for a gauge without level alerts)")
        }
        if let distance, let stages = template.stages {
            checkReachable(stages, sensorAt: distance, in: r)
        }

        guard let id, let name, let devEUI, let stages = template.stages,
            let geometry = distance.map({ Geometry.distance(toDatumMM: $0.value) })
                ?? probe.map({ Geometry.probe(datumMM: $0.value) })
        else { return nil }
        var gauge = GaugeSettings(
            id: id.value,
            name: name.value,
            devEUI: devEUI.value,
            codec: codec,
            device: template.device?.value,
            river: river?.value,
            latitude: latitude?.value,
            longitude: longitude?.value,
            geometry: geometry,
            stages: stages
        )
        for setting in template.detectorKeys { setting(&gauge) }
        checkDetectors(gauge, in: r)
        return gauge
    }

    /// The codec decides whether a device is needed and which; the device decides the geometry,
    /// since a probe's depth read as a distance would give levels upside down.
    private func checkDevice(_ device: Located<DeviceModel>?, of codec: Codec, in r: TableReader) {
        guard codec != .mpscV1 else {
            if let device {
                r.log.record(at: device, "must be absent: codec mpsc-v1 has one payload layout for all its devices")
            }
            if r.has("probe_datum_mm") {
                r.report("probe_datum_mm", "codec mpsc-v1 measures distances: use distance_to_datum_mm")
            }
            return
        }
        let models = codec.devices.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let device else {
            // A device that is there but unreadable has been reported already.
            if r.has("device") { return }
            return r.report("device", "is required for codec \(codec.rawValue): one of \(models)")
        }
        guard device.value.codec == codec else {
            return r.log.record(
                at: device, "\"\(device.value.rawValue)\" is a \(device.value.codec.rawValue) model; codec "
                    + "\(codec.rawValue) takes \(models)")
        }
        if device.value.measuresDepth, r.has("distance_to_datum_mm") {
            r.report("distance_to_datum_mm", "\(device.value.rawValue) measures depth: use probe_datum_mm")
        } else if !device.value.measuresDepth, r.has("probe_datum_mm") {
            r.report("probe_datum_mm", "\(device.value.rawValue) measures distance: use distance_to_datum_mm")
        }
    }

    /// A stage above the sensor face could never be entered, so its alert would silently never come.
    private func checkReachable(_ stages: [Stage], sensorAt distance: Located<Int32>, in r: TableReader) {
        let sensorCM = Double(distance.value) / 10
        guard let stage = stages.first(where: { $0.enterCM > sensorCM }) else { return }
        r.report(
            "distance_to_datum_mm",
            "puts the sensor \(sensorCM.plain) cm above the datum, below stage \"\(stage.name)\" "
                + "(enter_cm \(stage.enterCM.plain)), which could never be reached"
        )
    }
}

/// Sets one detector key on a gauge's settings.
private typealias Setting = (inout GaugeSettings) -> Void

/// The gauge keys `[gauge_defaults]` may set, read the same way there and in each `[[gauge]]`.
private struct GaugeTemplate {
    var codec: Codec?
    /// Located, because the codec decides whether a device is allowed, and it may be set elsewhere.
    var device: Located<DeviceModel>?
    var stages: [Stage]?
    /// Detector keys, in the order read.
    var detectorKeys: [Setting]

    /// A gauge's own keys, and `defaults` for those it leaves out.
    func filling(from defaults: GaugeTemplate) -> GaugeTemplate {
        GaugeTemplate(
            codec: codec ?? defaults.codec,
            device: device ?? defaults.device,
            stages: stages ?? defaults.stages,
            // The gauge's own settings apply last, so they win.
            detectorKeys: defaults.detectorKeys + detectorKeys
        )
    }
}

/// The gauge each id and DevEUI was first given to: each must name one gauge only.
private struct GaugeIdentities {
    private var ids: [String: (gauge: String, line: Int)] = [:]
    private var devEUIs: [UInt64: (gauge: String, line: Int)] = [:]

    mutating func claim(id: Located<String>?, devEUI: Located<UInt64>?, in gauge: TableReader) {
        if let id {
            Self.claim(id, shownAs: "\"\(id.value)\"", key: "id", in: gauge, owners: &ids)
        }
        if let devEUI {
            Self.claim(devEUI, shownAs: devEUI.value.hex16, key: "dev_eui", in: gauge, owners: &devEUIs)
        }
    }

    private static func claim<Value: Hashable>(
        _ value: Located<Value>,
        shownAs text: String,
        key: String,
        in gauge: TableReader,
        owners: inout [Value: (gauge: String, line: Int)]
    ) {
        if let owner = owners[value.value] {
            gauge.report(key, "\(text) is already the \(key) of \(owner.gauge) (line \(owner.line))")
        } else {
            owners[value.value] = (gauge.path, value.line)
        }
    }
}

/// Checks and conversions several keys share. Each returns the value to use or throws what is wrong with it.
private enum Rules {
    static func nonEmpty(_ text: String) throws(Invalid) -> String {
        guard !text.isEmpty else { throw Invalid("must not be empty") }
        return text
    }

    static func range<T: Comparable>(_ bounds: ClosedRange<T>) -> Rule<T, T> {
        { (value: T) throws(Invalid) -> T in
            guard bounds.contains(value) else {
                throw Invalid("must be between \(bounds.lowerBound) and \(bounds.upperBound)")
            }
            return value
        }
    }

    static func millimetres(_ bounds: ClosedRange<Int>) -> Rule<Int, Int32> {
        { (value: Int) throws(Invalid) -> Int32 in Int32(try range(bounds)(value)) }
    }

    static func slug(_ text: String) throws(Invalid) -> String {
        guard (1...64).contains(text.unicodeScalars.count),
            text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { throw Invalid("must be 1 to 64 characters of a-z, 0-9 and \"-\"") }
        return text
    }

    static func devEUI(_ text: String) throws(Invalid) -> UInt64 {
        guard text.utf8.count == 16, text.allSatisfy(\.isHexDigit), let value = UInt64(text, radix: 16) else {
            throw Invalid("must be 16 hex digits, like \"70B3D57ED0012345\"")
        }
        return value
    }

    static func topicFilter(_ filter: String) throws(Invalid) -> String {
        let levels = try nonEmpty(filter).split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("+") && level != "+" {
                throw Invalid("\"+\" must stand for a whole level, as in \"a/+/b\"")
            }
            if level.contains("#") && (level != "#" || index != levels.count - 1) {
                throw Invalid("\"#\" must be the whole last level, as in \"a/#\"")
            }
        }
        return filter
    }

    static func topicPrefix(_ prefix: String) throws(Invalid) -> String {
        guard try !nonEmpty(prefix).contains(where: { $0 == "+" || $0 == "#" }) else {
            throw Invalid("must not contain the wildcards \"+\" or \"#\"")
        }
        guard !prefix.hasSuffix("/") else { throw Invalid("must not end with \"/\"") }
        return prefix
    }

    static func sharedGroup(_ group: String) throws(Invalid) -> String {
        let allowed = { (scalar: Unicode.Scalar) in
            ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-"
        }
        guard !group.isEmpty, group.unicodeScalars.allSatisfy(allowed) else {
            throw Invalid("must be letters, digits, \"_\" and \"-\" only")
        }
        return group
    }

    static func duration(_ bounds: ClosedRange<Int64>) -> Rule<String, Int64> {
        { (text: String) throws(Invalid) -> Int64 in
            guard let seconds = DurationText.seconds(text) else {
                throw Invalid("must be a duration like \"90s\", \"15m\", \"2h\" or \"1h30m\"")
            }
            guard bounds.contains(seconds) else {
                throw Invalid(
                    "must be between \(DurationText.format(bounds.lowerBound)) and \(DurationText.format(bounds.upperBound))")
            }
            return seconds
        }
    }

    /// A duration of at least a day, or "forever".
    static func retention(_ text: String) throws(Invalid) -> Int64? {
        if text == "forever" { return nil }
        guard let seconds = DurationText.seconds(text), seconds >= 86_400 else {
            throw Invalid("must be \"forever\" or a duration of at least a day, like \"90d\"")
        }
        return seconds
    }

    static func listenAddress(_ text: String) throws(Invalid) -> ListenAddress {
        guard let address = ListenAddress(text) else {
            throw Invalid("must be an IP address and a port, like \"127.0.0.1:9108\" or \"[::1]:9108\"")
        }
        return address
    }

    static func qos(_ level: Int) throws(Invalid) -> Int {
        if level == 2 { throw Invalid("QoS 2 loses messages on a crash with libmosquitto; use 1") }
        guard level == 0 || level == 1 else { throw Invalid("must be 0 or 1") }
        return level
    }
}

extension Double {
    /// `250` rather than `250.0`, as an operator writes a level.
    fileprivate var plain: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}

extension UInt64 {
    /// A DevEUI as network servers print it: `70B3D57ED0012345`.
    fileprivate var hex16: String {
        let digits = String(self, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
