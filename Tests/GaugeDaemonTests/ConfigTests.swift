import Foundation
import GaugeCore
import Testing

@testable import GaugeDaemon

@Suite("Config")
struct ConfigTests {
    static let file = "/etc/floodgauge/floodgauge.toml"

    static let minimalSource = """
        [[source]]
        topic = "v3/+/devices/+/up"
        format = "ttn-v3"

        """
    static let minimalGauge = """
        [[gauge]]
        id = "kyll-kordel"
        name = "Kyll bei Kordel"
        dev_eui = "70B3D57ED0064A01"
        distance_to_datum_mm = 7200
        stages = []

        """
    /// The smallest config that loads: one source, one gauge.
    static let minimal = minimalSource + minimalGauge

    /// What `check-config` prints for `text`: one line per problem, none for a good config.
    func problems(_ text: String, file: String = file) -> [String] {
        do {
            _ = try Config.parse(text: text, file: file)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    // MARK: - Example configs

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the operator's example config loads without problems", arguments: ["floodgauge.toml", "demo.toml"])
    func exampleConfigLoads(name: String) throws {
        let path = Self.repository.appendingPathComponent("Config/\(name)").path
        #expect(throws: Never.self) { try Config.load(path: path) }
    }

    @Test("the demo config: private broker port, both envelope formats, data beside the config")
    func demoConfig() throws {
        let directory = Self.repository.appendingPathComponent("Config").path
        let config = try Config.load(path: directory + "/demo.toml")
        #expect(config.mqtt.host == "127.0.0.1")
        #expect(config.mqtt.port == 18830)
        #expect(config.sources.map(\.format) == [.ttnV3, .chirpstackV4])
        #expect(config.sources.map(\.topic) == ["v3/+/devices/+/up", "application/+/device/+/event/up"])
        #expect(config.storage.database == directory + "/demo-data/floodgauge.db")
        #expect(config.alerts.log == directory + "/demo-data/alerts.log")
        #expect(config.alerts.language == .de)
        #expect(config.gauges.map(\.river) == ["Kyll", "Prüm", "Nims"])
        for gauge in config.gauges {
            #expect(gauge.codec == .mpscV1)
            guard case .distance(let toDatum) = gauge.geometry else {
                Issue.record("\(gauge.id) has no distance geometry")
                continue
            }
            #expect((6000...8000).contains(toDatum))
            #expect(gauge.stages.count == 4)
            #expect(gauge.stages.allSatisfy { $0.clearCM < $0.enterCM })
        }
    }

    @Test("the operator's example reads DevEUIs in any case and applies its gauge defaults")
    func operatorExample() throws {
        let config = try Config.load(path: Self.repository.appendingPathComponent("Config/floodgauge.toml").path)
        #expect(
            config.gauges.map(\.devEUI) == [
                0x70B3_D57E_D006_4A01, 0x70B3_D57E_D006_4A02, 0x70B3_D57E_D006_4A03, 0x24E1_2412_6C47_7A01,
            ])
        #expect(config.gauges.map(\.enterHold) == [2, 2, 1, 2])
        #expect(config.gauges.map(\.clearHold) == [2, 2, 2, 2])
        #expect(config.gauges[3].codec == .milesight && config.gauges[3].device == .em500SWL)
        #expect(config.gauges[3].geometry == .probe(datumMM: -150))
        #expect(config.storage.database == "/var/lib/floodgauge/floodgauge.db")
    }

    // MARK: - Defaults

    @Test("what the file leaves out takes the documented defaults")
    func defaults() throws {
        let config = try Config.parse(text: Self.minimal, file: Self.file)
        #expect(config.mqtt == Config.MQTT())
        #expect(config.mqtt.host == "127.0.0.1")
        #expect(config.mqtt.port == 1883)
        #expect(config.mqtt.clientID == "floodgauge")
        #expect(config.mqtt.username == nil)
        #expect(config.mqtt.passwordFile == nil)
        #expect(config.mqtt.keepaliveSeconds == 60)
        #expect(config.mqtt.protocolVersion == .v5)
        #expect(config.mqtt.prefix == "floodgauge")
        #expect(config.sources == [Config.Source(topic: "v3/+/devices/+/up", format: .ttnV3, qos: 1)])
        #expect(config.storage.database == "/var/lib/floodgauge/floodgauge.db")
        #expect(config.alerts.log == "/var/log/floodgauge/alerts.log")
        #expect(config.alerts.language == .de)
        #expect(
            config.gauges == [
                GaugeSettings(
                    id: "kyll-kordel",
                    name: "Kyll bei Kordel",
                    devEUI: 0x70B3_D57E_D006_4A01,
                    codec: .mpscV1,
                    geometry: .distance(toDatumMM: 7200),
                    stages: [],
                    enterHold: 1,
                    clearHold: 1
                )
            ]
        )
    }

    @Test("every key set in the file is read")
    func everyKey() throws {
        let config = try Config.parse(
            text: """
                [mqtt]
                host = "broker.kreis.example"
                port = 8883
                client_id = "floodgauge-2"
                username = "fg"
                password_file = "/run/credentials/floodgauge.service/mqtt-password"
                keepalive_s = 30
                protocol = "v3.1.1"
                session_expiry = "2h"
                prefix = "kreis/pegel"

                [[source]]
                topic = "application/+/device/+/event/up"
                format = "chirpstack-v4"
                qos = 0
                shared_group = "floodgauge_1"

                [alerts]
                language = "en"

                [[gauge]]
                id = "kyll-kordel"
                name = "Kyll bei Kordel"
                dev_eui = "70b3d57ed0064a01"
                codec = "mpsc-v1"
                lat = 49.8339
                lon = 6
                river = "Kyll"
                distance_to_datum_mm = 7200
                stages = [{ name = "Meldestufe 1", enter_cm = 250.5, clear_cm = 240 }]
                enter_hold = 2
                clear_hold = 3
                rate_window = "30m"
                rate_min_samples = 4
                rate_min_coverage = 0.75
                rate_warn_cm_per_h = 15
                rate_alarm_cm_per_h = 40.5
                rate_clear_cm_per_h = 5
                min_cm = -20
                max_cm = 650
                max_jump_cm_per_min = 4
                max_future = "5m"
                stale_after = "1h30m"
                fault_gaps = 4
                battery_low_mv = 3250
                battery_low_pct = 15
                """,
            file: Self.file
        )
        #expect(
            config.mqtt
                == Config.MQTT(
                    host: "broker.kreis.example",
                    port: 8883,
                    clientID: "floodgauge-2",
                    username: "fg",
                    passwordFile: "/run/credentials/floodgauge.service/mqtt-password",
                    keepaliveSeconds: 30,
                    protocolVersion: .v311,
                    sessionExpirySeconds: 7200,
                    prefix: "kreis/pegel"
                )
        )
        #expect(
            config.sources == [
                Config.Source(
                    topic: "application/+/device/+/event/up",
                    format: .chirpstackV4,
                    qos: 0,
                    sharedGroup: "floodgauge_1"
                )
            ]
        )
        #expect(config.alerts.language == .en)
        #expect(
            config.gauges == [
                GaugeSettings(
                    id: "kyll-kordel",
                    name: "Kyll bei Kordel",
                    devEUI: 0x70B3_D57E_D006_4A01,
                    codec: .mpscV1,
                    river: "Kyll",
                    latitude: 49.8339,
                    longitude: 6,
                    geometry: .distance(toDatumMM: 7200),
                    stages: [Stage(name: "Meldestufe 1", enterCM: 250.5, clearCM: 240)],
                    enterHold: 2,
                    clearHold: 3,
                    rate: RateSettings(
                        windowSeconds: 1800, minSamples: 4, minCoverage: 0.75, warnCMPerHour: 15, alarmCMPerHour: 40.5,
                        clearCMPerHour: 5),
                    plausibility: PlausibilitySettings(
                        minCM: -20, maxCM: 650, maxJumpCMPerMinute: 4, maxFutureSeconds: 300),
                    health: HealthSettings(
                        staleAfterSeconds: 5400, faultGaps: 4, batteryLowMillivolts: 3250, batteryLowPercent: 15)
                )
            ]
        )
    }

    @Test("a gauge takes from [gauge_defaults] what it leaves out, and its own keys win")
    func gaugeDefaults() throws {
        let config = try Config.parse(
            text: """
                [[source]]
                topic = "v3/+/devices/+/up"
                format = "ttn-v3"

                [gauge_defaults]
                codec = "mpsc-v1"
                enter_hold = 3
                clear_hold = 2
                stale_after = "2h"
                rate_warn_cm_per_h = 30
                stages = [{ name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 }]

                [[gauge]]
                id = "kyll-kordel"
                name = "Kyll bei Kordel"
                dev_eui = "70B3D57ED0064A01"
                distance_to_datum_mm = 7200

                [[gauge]]
                id = "nims-alsdorf"
                name = "Nims bei Alsdorf"
                dev_eui = "70B3D57ED0064A03"
                distance_to_datum_mm = 6000
                clear_hold = 5
                stale_after = "30m"
                stages = []
                """,
            file: Self.file
        )
        let defaultStages = [Stage(name: "Meldestufe 1", enterCM: 150, clearCM: 140)]
        #expect(config.gauges.map(\.stages) == [defaultStages, []])
        #expect(config.gauges.map(\.enterHold) == [3, 3])
        #expect(config.gauges.map(\.clearHold) == [2, 5])
        #expect(config.gauges.map(\.codec) == [.mpscV1, .mpscV1])
        #expect(config.gauges.map(\.health.staleAfterSeconds) == [7200, 1800])
        #expect(config.gauges.map(\.rate.warnCMPerHour) == [30, 30])
    }

    @Test("detector limits that contradict each other are problems, wherever each half was set")
    func detectorProblems() {
        let text = """
            [gauge_defaults]
            rate_warn_cm_per_h = 30
            stale_after = "soon"

            [[gauge]]
            id = "kyll-kordel"
            name = "Kyll bei Kordel"
            dev_eui = "70B3D57ED0064A01"
            distance_to_datum_mm = 7200
            stages = []
            rate_alarm_cm_per_h = 25
            rate_clear_cm_per_h = 30
            min_cm = 100
            max_cm = 50
            max_future = "2d"
            rate_min_samples = 64
            """
        #expect(
            problems(Self.minimalSource + text) == [
                "\(Self.file):6: gauge_defaults.stale_after: must be a duration like \"90s\", \"15m\", \"2h\" or \"1h30m\"",
                "\(Self.file):14: gauge[0].rate_alarm_cm_per_h: must be above rate_warn_cm_per_h (30)",
                "\(Self.file):15: gauge[0].rate_clear_cm_per_h: must be below rate_warn_cm_per_h (30)",
                "\(Self.file):17: gauge[0].max_cm: must be above min_cm (100)",
                "\(Self.file):18: gauge[0].max_future: must be between 0s and 1d",
                "\(Self.file):19: gauge[0].rate_min_samples: must be between 2 and 32",
            ])
    }

    @Test("stages may also be written as [[gauge.stages]] blocks; their problems point into the block")
    func stagesAsTableBlocks() throws {
        let text =
            Self.minimalSource + """
                [[gauge]]
                id = "kyll-kordel"
                name = "Kyll bei Kordel"
                dev_eui = "70B3D57ED0064A01"
                distance_to_datum_mm = 7200

                [[gauge.stages]]
                name = "Meldestufe 1"
                enter_cm = 250
                clear_cm = 235

                [[gauge.stages]]
                name = "Meldestufe 2"
                enter_cm = 350
                clear_cm = 335
                """
        let config = try Config.parse(text: text, file: Self.file)
        #expect(config.gauges[0].stages.map(\.enterCM) == [250, 350])
        #expect(
            problems(text.replacingOccurrences(of: "clear_cm = 335", with: "clear_cm = 360")) == [
                "\(Self.file):18: gauge[0].stages[1].clear_cm: must be at or below enter_cm (350)"
            ]
        )
    }

    // MARK: - Paths

    @Test("relative paths are taken from the config file's directory, absolute ones are kept")
    func relativePaths() throws {
        let config = try Config.parse(
            text: Self.minimal + """
                [mqtt]
                password_file = "secrets/mqtt-password"
                [storage]
                database = "../data/floodgauge.db"
                [alerts]
                log = "/var/log/floodgauge/alerts.log"
                """,
            file: "/srv/floodgauge/conf/floodgauge.toml"
        )
        #expect(config.mqtt.passwordFile == "/srv/floodgauge/conf/secrets/mqtt-password")
        #expect(config.storage.database == "/srv/floodgauge/data/floodgauge.db")
        #expect(config.alerts.log == "/var/log/floodgauge/alerts.log")
    }

    @Test("paths are made absolute lexically: `.`, `..` and repeated slashes go, `..` stops at the root")
    func pathNormalisation() {
        #expect(FilePaths.absolute("a/./b//c/../d", from: "/srv/fg") == "/srv/fg/a/b/d")
        #expect(FilePaths.absolute("../../../x", from: "/srv/fg") == "/x")
        #expect(FilePaths.absolute("/var//lib/./floodgauge/", from: "/srv") == "/var/lib/floodgauge")
        #expect(FilePaths.directory(of: "/etc/floodgauge/floodgauge.toml") == "/etc/floodgauge")
        #expect(FilePaths.directory(of: "/floodgauge.toml") == "/")
    }

    @Test("a config named without a directory resolves its paths from the working directory")
    func configInWorkingDirectory() throws {
        let config = try Config.parse(
            text: Self.minimal + "[storage]\ndatabase = \"demo-data/floodgauge.db\"",
            file: "demo.toml"
        )
        let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        #expect(config.storage.database == workingDirectory.appendingPathComponent("demo-data/floodgauge.db").path)
    }

    // MARK: - Problems as the operator sees them

    @Test("a config with many mistakes reports each one, in file order, with its line and key")
    func everyProblemReported() {
        let text = """
            [mqtt]
            host = ""
            port = 70000
            keepalive_s = "60"
            protocol = "v4"
            prefix = "floodgauge/#"
            password = "geheim"

            [[source]]
            topic = "v3/+/devices/x#/up"
            format = "ttn"
            qos = 2

            [[source]]
            format = "raw"
            shared_group = "a b"

            [storage]
            databse = "floodgauge.db"

            [alerts]
            language = "fr"

            [gauge_defaults]
            enter_hold = 0
            dev_eui = "70B3D57ED0064A01"

            [[gauge]]
            id = "Kyll Kordel"
            name = ""
            dev_eui = "70B3D57ED0064A0"
            lat = 149.8
            lon = 6.6
            distance_to_datum_mm = 7200
            stages = [
                { name = "Meldestufe 1", enter_cm = 250, clear_cm = 260 },
                { name = "Meldestufe 2", enter_cm = 240, clear_cm = 230 },
                { name = "Meldestufe 3", enter_cm = 800, clear_cm = 790, colour = "red" },
            ]

            [[gauge]]
            id = "nims-alsdorf"
            name = "Nims bei Alsdorf"
            dev_eui = "70b3d57ed0064a03"
            probe_datum_mm = -200
            device = "ldds75"
            stages = []

            [[gauge]]
            id = "nims-alsdorf"
            name = "Nims (Kopie)"
            dev_eui = "70B3D57ED0064A03"
            lon = 6.47
            clear_hold = 101

            [mqttt]
            host = "127.0.0.1"
            """
        let f = Self.file
        #expect(
            problems(text) == [
                "\(f):2: mqtt.host: must not be empty",
                "\(f):3: mqtt.port: must be between 1 and 65535",
                "\(f):4: mqtt.keepalive_s: must be an integer, found \"60\"",
                "\(f):5: mqtt.protocol: must be one of \"v5\", \"v3.1.1\", found \"v4\"",
                "\(f):6: mqtt.prefix: must not contain the wildcards \"+\" or \"#\"",
                "\(f):7: mqtt.password: never put the password in the config: write it to a file only floodgauge "
                    + "can read, and set password_file",
                "\(f):10: source[0].topic: \"#\" must be the whole last level, as in \"a/#\"",
                "\(f):11: source[0].format: must be one of \"ttn-v3\", \"chirpstack-v4\", \"raw\", found \"ttn\"",
                "\(f):12: source[0].qos: QoS 2 loses messages on a crash with libmosquitto; use 1",
                "\(f):14: source[1].topic: is required",
                "\(f):16: source[1].shared_group: must be letters, digits, \"_\" and \"-\" only",
                "\(f):19: storage.databse: unknown key (did you mean \"database\"?)",
                "\(f):22: alerts.language: must be one of \"de\", \"en\", found \"fr\"",
                "\(f):25: gauge_defaults.enter_hold: must be between 1 and 100",
                "\(f):26: gauge_defaults.dev_eui: belongs to each [[gauge]], not to [gauge_defaults]",
                "\(f):29: gauge[0].id: must be 1 to 64 characters of a-z, 0-9 and \"-\"",
                "\(f):30: gauge[0].name: must not be empty",
                "\(f):31: gauge[0].dev_eui: must be 16 hex digits, like \"70B3D57ED0012345\"",
                "\(f):32: gauge[0].lat: must be between -90.0 and 90.0",
                "\(f):34: gauge[0].distance_to_datum_mm: puts the sensor 720 cm above the datum, below stage "
                    + "\"Meldestufe 3\" (enter_cm 800), which could never be reached",
                "\(f):36: gauge[0].stages[0].clear_cm: must be at or below enter_cm (250)",
                "\(f):37: gauge[0].stages[1].enter_cm: must be above the enter_cm of the stage before (250)",
                "\(f):38: gauge[0].stages[2].colour: unknown key",
                "\(f):45: gauge[1].probe_datum_mm: codec mpsc-v1 measures distances: use distance_to_datum_mm",
                "\(f):46: gauge[1].device: must be absent: codec mpsc-v1 has one payload layout for all its devices",
                "\(f):49: gauge[2].lat: is required with lon",
                "\(f):49: gauge[2].distance_to_datum_mm: is required (or probe_datum_mm for a submersible probe)",
                "\(f):49: gauge[2].stages: is required (stages = [] for a gauge without level alerts)",
                "\(f):50: gauge[2].id: \"nims-alsdorf\" is already the id of gauge[1] (line 42)",
                "\(f):52: gauge[2].dev_eui: 70B3D57ED0064A03 is already the dev_eui of gauge[1] (line 44)",
                "\(f):54: gauge[2].clear_hold: must be between 1 and 100",
                "\(f):56: mqttt: unknown key (did you mean \"mqtt\"?)",
            ]
        )
    }

    @Test("unknown keys are errors at every level: document, sections, gauges and stage tables")
    func unknownKeys() {
        let text = """
            colour = "blue"
            [mqtt]
            hots = "broker"
            [[source]]
            topic = "v3/+/devices/+/up"
            format = "ttn-v3"
            qos_level = 1
            [[gauge]]
            id = "kyll-kordel"
            name = "Kyll bei Kordel"
            dev_eui = "70B3D57ED0064A01"
            distance_to_datum_mm = 7200
            stages = [{ name = "Meldestufe 1", enter = 250, clear_cm = 240 }]
            alarm_cm = 400
            """
        let f = Self.file
        #expect(
            problems(text) == [
                "\(f):1: colour: unknown key",
                "\(f):3: mqtt.hots: unknown key (did you mean \"host\"?)",
                "\(f):7: source[0].qos_level: unknown key",
                "\(f):13: gauge[0].stages[0].enter_cm: is required",
                "\(f):13: gauge[0].stages[0].enter: unknown key",
                "\(f):14: gauge[0].alarm_cm: unknown key",
            ]
        )
    }

    @Test("a file without sources or gauges says what is missing")
    func nothingConfigured() {
        let f = Self.file
        #expect(
            problems("[mqtt]\nport = 1883\n") == [
                "\(f):1: source: at least one [[source]] is required",
                "\(f):1: gauge: at least one [[gauge]] is required",
            ]
        )
        #expect(
            problems("source = []\n\ngauge = []\n") == [
                "\(f):1: source: at least one [[source]] is required",
                "\(f):3: gauge: at least one [[gauge]] is required",
            ]
        )
        #expect(
            problems("[source]\ntopic = \"a\"\nformat = \"raw\"\n\n" + Self.minimalGauge) == [
                "\(f):1: source: must be an array of tables, found a table"
            ]
        )
    }

    @Test("a TOML syntax error is one problem with its line")
    func syntaxError() {
        #expect(
            problems("[mqtt]\nport = 1883\nhost = localhost\n") == [
                "\(Self.file):3: invalid value \"localhost\" (text needs quotes)"
            ]
        )
    }

    @Test("a file that cannot be read is one problem naming the reason")
    func unreadableFile() throws {
        let latin1 = FileManager.default.temporaryDirectory.appendingPathComponent("floodgauge-latin1.toml").path
        try Data(Array("river = \"Pr".utf8) + [0xFC] + Array("m\"".utf8)).write(to: URL(fileURLWithPath: latin1))
        defer { try? FileManager.default.removeItem(atPath: latin1) }

        for (path, reason) in [
            ("/nonexistent/floodgauge.toml", "No such file or directory"),
            ("/tmp", "Is a directory"),
            (latin1, "not UTF-8 text"),
        ] {
            let error = #expect(throws: ConfigError.self) { try Config.load(path: path) }
            #expect(error?.description == "\(path): cannot read: \(reason)")
        }
    }

    @Test("a mistake in [gauge_defaults] is reported once, where it is written, not once per gauge")
    func inheritedMistakeReportedOnce() {
        let text = """
            [gauge_defaults]
            device = "ldds75"

            """ + Self.minimalSource + Self.minimalGauge
            + Self.minimalGauge.replacingOccurrences(of: "kyll-kordel", with: "kyll-trier")
            .replacingOccurrences(of: "4A01", with: "4A02")
        #expect(
            problems(text) == [
                "\(Self.file):2: gauge_defaults.device: must be absent: codec mpsc-v1 has one payload layout for all "
                    + "its devices"
            ]
        )
    }

    @Test("topic filters take wildcards only as whole levels")
    func topicFilters() {
        func source(_ topic: String) -> String {
            "[[source]]\ntopic = \"\(topic)\"\nformat = \"raw\"\n\n" + Self.minimalGauge
        }
        let f = Self.file
        #expect(problems(source("gauges/raw/+/+")) == [])
        #expect(problems(source("#")) == [])
        #expect(
            problems(source("a/b+/c")) == [
                "\(f):2: source[0].topic: \"+\" must stand for a whole level, as in \"a/+/b\""
            ]
        )
        #expect(
            problems(source("a/#/c")) == ["\(f):2: source[0].topic: \"#\" must be the whole last level, as in \"a/#\""]
        )
        #expect(problems(source("")) == ["\(f):2: source[0].topic: must not be empty"])
    }

    @Test("vendor gauges name a device model of their codec, and the model decides the geometry")
    func deviceModels() throws {
        func gauge(_ keys: String) -> String {
            Self.minimalSource + """
                [[gauge]]
                id = "enz-neuerburg"
                name = "Enz in Neuerburg"
                dev_eui = "A84041000181C0DE"
                stages = []
                \(keys)

                """
        }
        let f = Self.file
        let config = try Config.parse(
            text: gauge("codec = \"milesight\"\ndevice = \"em500-swl\"\nprobe_datum_mm = -350"), file: f)
        #expect(config.gauges[0].device == .em500SWL)
        #expect(config.gauges[0].geometry == .probe(datumMM: -350))

        #expect(
            problems(gauge("codec = \"decentlab\"\ndistance_to_datum_mm = 5000")) == [
                "\(f):4: gauge[0].device: is required for codec decentlab: one of \"dl-mbx\", \"dl-rad\", \"dl-lid\", "
                    + "\"dl-pr21\", \"dl-pr26\", \"dl-pr36\", \"dl-pr36ctd\", \"dl-ctd10\""
            ])
        #expect(
            problems(gauge("codec = \"dragino-ldds\"\ndevice = \"em310-udl\"\ndistance_to_datum_mm = 5000")) == [
                "\(f):10: gauge[0].device: \"em310-udl\" is a milesight model; codec dragino-ldds takes \"ldds75\", "
                    + "\"ldds20\", \"ldds45\", \"dds75-lb\", \"dds20-lb\", \"dds45-lb\", \"lmds120\", \"mds120-lb\""
            ])
        // An LDDS20 sits under a tank bottom and measures the water column: a depth, not a distance.
        #expect(
            problems(gauge("codec = \"dragino-ldds\"\ndevice = \"ldds20\"\ndistance_to_datum_mm = 5000")) == [
                "\(f):11: gauge[0].distance_to_datum_mm: ldds20 measures depth: use probe_datum_mm"
            ])
        #expect(
            problems(gauge("codec = \"vegapuls-air\"\ndevice = \"vegapuls-air-41\"\nprobe_datum_mm = 0")) == [
                "\(f):11: gauge[0].probe_datum_mm: vegapuls-air-41 measures distance: use distance_to_datum_mm"
            ])
        let unknown = problems(gauge("codec = \"milesight\"\ndevice = \"em999\"\ndistance_to_datum_mm = 5000"))
        #expect(unknown.count == 1)
        #expect(unknown.first?.hasPrefix("\(f):10: gauge[0].device: must be one of \"ldds75\"") == true, "\(unknown)")
    }

    @Test("the error prints one problem per line")
    func errorDescription() {
        let error = ConfigError(problems: [
            ConfigProblem(file: "a.toml", line: 3, key: "mqtt.port", message: "must be between 1 and 65535"),
            ConfigProblem(file: "a.toml", line: 9, key: nil, message: "expected a value, found \",\""),
        ])
        #expect(
            error.description
                == "a.toml:3: mqtt.port: must be between 1 and 65535\na.toml:9: expected a value, found \",\""
        )
    }
}

// MARK: - TLS and metrics (issue 6)

extension ConfigTests {
    @Test("[mqtt] TLS keys: relative paths from the config's directory, host name checking on unless turned off")
    func tlsKeys() throws {
        let config = try Config.parse(
            text: """
                [mqtt]
                port = 8883
                ca_file = "tls/ca.crt"
                cert_file = "/etc/floodgauge/tls/client.crt"
                key_file = "tls/client.key"

                [metrics]
                listen = "[::1]:9108"

                """ + Self.minimal,
            file: "/etc/floodgauge/floodgauge.toml")
        #expect(config.mqtt.caFile == "/etc/floodgauge/tls/ca.crt")
        #expect(config.mqtt.certFile == "/etc/floodgauge/tls/client.crt")
        #expect(config.mqtt.keyFile == "/etc/floodgauge/tls/client.key")
        #expect(config.mqtt.tlsVerifyHostname)
        #expect(config.metrics == Config.Metrics(listen: ListenAddress("[::1]:9108"), allowRemote: false))
        #expect(config.metrics.listen?.isLoopback == true)

        let plain = try Config.parse(text: Self.minimal, file: Self.file)
        #expect(plain.mqtt.caFile == nil)
        #expect(plain.metrics.listen == nil)
        let optedOut = try Config.parse(
            text: "[mqtt]\nca_file = \"/ca.crt\"\ntls_verify_hostname = false\n" + Self.minimal, file: Self.file)
        #expect(!optedOut.mqtt.tlsVerifyHostname)
        let remote = try Config.parse(
            text: "[metrics]\nlisten = \"0.0.0.0:9108\"\nallow_remote = true\n" + Self.minimal, file: Self.file)
        #expect(remote.metrics.listen == ListenAddress("0.0.0.0:9108"))
    }

    @Test("TLS and metrics mistakes are reported with their line and key")
    func tlsAndMetricsProblems() {
        let f = Self.file
        #expect(
            problems(
                """
                [mqtt]
                cert_file = "/client.crt"
                tls_verify_hostname = "no"

                [metrics]
                listen = "192.168.1.5:9108"
                allow_remote = 1

                """ + Self.minimal) == [
                "\(f):1: mqtt.key_file: is required with cert_file",
                "\(f):2: mqtt.cert_file: needs ca_file: TLS is on only with a CA to check the broker against",
                "\(f):3: mqtt.tls_verify_hostname: must be true or false, found \"no\"",
                "\(f):3: mqtt.tls_verify_hostname: needs ca_file: TLS is on only with a CA to check the broker against",
                "\(f):6: metrics.listen: 192.168.1.5 is not a loopback address: the endpoint has no authentication; "
                    + "set allow_remote = true to serve it beyond this host",
                "\(f):7: metrics.allow_remote: must be true or false, found 1",
            ])
        for bad in ["localhost:9108", "127.0.0.1", "127.0.0.1:0", "[::1:9108", "127.0.0.1:http"] {
            #expect(
                problems("[metrics]\nlisten = \"\(bad)\"\n" + Self.minimal) == [
                    "\(f):2: metrics.listen: must be an IP address and a port, like \"127.0.0.1:9108\" or \"[::1]:9108\""
                ], "\(bad)")
        }
    }
}
