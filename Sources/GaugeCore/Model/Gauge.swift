/// The payload codecs floodgauge decodes (`spec/codecs.md`).
public enum Codec: String, CaseIterable, Sendable {
    case mpscV1 = "mpsc-v1"
    case draginoLDDS = "dragino-ldds"
    case draginoLMDS200 = "dragino-lmds200"
    case milesight
    case decentlab
    case vegapulsAir = "vegapuls-air"

    /// The device models this codec decodes; empty for `mpsc-v1`, whose frames are the same for
    /// every device.
    public var devices: [DeviceModel] { DeviceModel.allCases.filter { $0.codec == self } }
}

/// A vendor sensor model. The codec needs it: layouts, constants and whether the value is a
/// distance or a depth differ inside a family.
public enum DeviceModel: String, CaseIterable, Sendable {
    case ldds75, ldds20, ldds45
    case dds75LB = "dds75-lb", dds20LB = "dds20-lb", dds45LB = "dds45-lb"
    case lmds120, mds120LB = "mds120-lb"
    case lmds200, mds200LB = "mds200-lb"
    case em310UDL = "em310-udl", em400MUD = "em400-mud", em400UDL = "em400-udl", em400TLD = "em400-tld"
    case em410RDL = "em410-rdl", em500UDL = "em500-udl", em500SWL = "em500-swl"
    case dlMBX = "dl-mbx", dlRAD = "dl-rad", dlLID = "dl-lid", dlPR21 = "dl-pr21", dlPR26 = "dl-pr26"
    case dlPR36 = "dl-pr36", dlPR36CTD = "dl-pr36ctd", dlCTD10 = "dl-ctd10"
    case vegapulsAir41 = "vegapuls-air-41", vegapulsAir23 = "vegapuls-air-23"

    public var codec: Codec {
        switch self {
        case .ldds75, .ldds20, .ldds45, .dds75LB, .dds20LB, .dds45LB, .lmds120, .mds120LB: .draginoLDDS
        case .lmds200, .mds200LB: .draginoLMDS200
        case .em310UDL, .em400MUD, .em400UDL, .em400TLD, .em410RDL, .em500UDL, .em500SWL: .milesight
        case .dlMBX, .dlRAD, .dlLID, .dlPR21, .dlPR26, .dlPR36, .dlPR36CTD, .dlCTD10: .decentlab
        case .vegapulsAir41, .vegapulsAir23: .vegapulsAir
        }
    }

    /// Whether the model looks down at the water (`distance_mm`) or sits in it (`depth_mm`): it
    /// decides which gauge geometry applies.
    public var measuresDepth: Bool {
        switch self {
        case .ldds20, .dds20LB, .em500SWL, .dlPR21, .dlPR26, .dlPR36, .dlPR36CTD, .dlCTD10: true
        default: false
        }
    }
}

/// How the network server wraps an uplink on the MQTT topic a source subscribes to.
public enum EnvelopeFormat: String, CaseIterable, Sendable {
    case ttnV3 = "ttn-v3"
    case chirpstackV4 = "chirpstack-v4"
    case raw
}

/// One warning stage (Meldestufe), in cm above the gauge datum. Entered at or above `enterCM`,
/// left below `clearCM`; `clearCM < enterCM` is the hysteresis band.
public struct Stage: Sendable, Equatable {
    public var name: String
    public var enterCM: Double
    public var clearCM: Double

    public init(name: String, enterCM: Double, clearCM: Double) {
        self.name = name
        self.enterCM = enterCM
        self.clearCM = clearCM
    }
}

/// Where the gauge datum lies relative to the sensor.
public enum Geometry: Sendable, Equatable {
    /// A downward-looking sensor: `level = toDatumMM − distance`.
    case distance(toDatumMM: Int32)
    /// A submersible probe: `level = datumMM + depth`.
    case probe(datumMM: Int32)

    /// The water level in mm above the datum for a sample, or `nil` for a gap or a value the
    /// geometry cannot use (a depth on a distance sensor).
    @inlinable
    public func levelMM(_ value: SampleValue) -> Double? {
        switch (self, value) {
        case (.distance(let toDatum), .distance(let mm)): Double(toDatum) - mm
        case (.probe(let datum), .depth(let mm)): Double(datum) + mm
        default: nil
        }
    }
}

/// Everything floodgauge knows about one configured gauge.
public struct GaugeSettings: Sendable, Equatable {
    public var id: String
    public var name: String
    public var devEUI: UInt64
    public var codec: Codec
    public var device: DeviceModel?
    public var river: String?
    public var latitude: Double?
    public var longitude: Double?
    public var geometry: Geometry
    /// Ordered from the lowest stage (1) to the highest.
    public var stages: [Stage]
    /// Consecutive samples at or above a stage's `enterCM` before it is entered.
    public var enterHold: Int
    /// Consecutive samples below a stage's `clearCM` before it is left.
    public var clearHold: Int
    public var rate: RateSettings
    public var plausibility: PlausibilitySettings
    public var health: HealthSettings

    public init(
        id: String, name: String, devEUI: UInt64, codec: Codec, device: DeviceModel? = nil,
        river: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
        geometry: Geometry, stages: [Stage], enterHold: Int = 1, clearHold: Int = 1,
        rate: RateSettings = RateSettings(), plausibility: PlausibilitySettings = PlausibilitySettings(),
        health: HealthSettings = HealthSettings()
    ) {
        self.id = id
        self.name = name
        self.devEUI = devEUI
        self.codec = codec
        self.device = device
        self.river = river
        self.latitude = latitude
        self.longitude = longitude
        self.geometry = geometry
        self.stages = stages
        self.enterHold = enterHold
        self.clearHold = clearHold
        self.rate = rate
        self.plausibility = plausibility
        self.health = health
    }

    /// The name of stage `stage` (1-based), `nil` for no stage or one the gauge does not have.
    public func stageName(_ stage: Int?) -> String? {
        guard let stage, stage > 0, stage <= stages.count else { return nil }
        return stages[stage - 1].name
    }
}
