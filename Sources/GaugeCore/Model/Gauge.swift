/// The payload codecs floodgauge decodes. Issue 3 adds the vendor codecs.
public enum Codec: String, CaseIterable, Sendable {
    case mpscV1 = "mpsc-v1"
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
    public func levelMM(_ value: SampleValue) -> Int32? {
        switch (self, value) {
        case (.distance(let toDatum), .distance(let mm)): toDatum - mm
        case (.probe(let datum), .depth(let mm)): datum + mm
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
    public var device: String?
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

    public init(
        id: String, name: String, devEUI: UInt64, codec: Codec, device: String? = nil,
        river: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
        geometry: Geometry, stages: [Stage], enterHold: Int = 1, clearHold: Int = 1
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
    }
}
