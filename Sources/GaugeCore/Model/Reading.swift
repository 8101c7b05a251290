/// Why a sample carries no value: a gap is never a value. `codecs.md` says which device sentinel
/// maps to which reason.
public enum GapReason: String, Sendable, CaseIterable {
    /// The radar or ultrasonic sensor found no echo (`0xFFFF` in `mpsc-v1`).
    case noEcho = "no_echo"
    case noSensor = "no_sensor"
    case invalidReading = "invalid_reading"
    case noTarget = "no_target"
    case sensorError = "sensor_error"
    case outOfRange = "out_of_range"
    /// A float the device sent as NaN or infinity.
    case nan
    case unknownUnit = "unknown_unit"
}

/// What one sample measured.
public enum SampleValue: Sendable, Equatable {
    /// Distance from the sensor face down to the water surface (downward-looking sensor).
    /// Millimetres with decimals where the device resolves finer (float32 radar distances).
    case distance(mm: Double)
    /// Depth of water above a submersible probe; decimals where the device resolves finer (a
    /// DL-PR26 pressure step is 0.31 mm).
    case depth(mm: Double)
    case gap(GapReason)
}

/// One sample of a reading, timed relative to the uplink.
public struct Sample: Sendable, Equatable {
    /// Seconds relative to the uplink's receive time: 0 or negative.
    public var offsetSeconds: Int32
    public var value: SampleValue

    @inlinable
    public init(offsetSeconds: Int32, value: SampleValue) {
        self.offsetSeconds = offsetSeconds
        self.value = value
    }
}

/// The samples of one frame, stored inline so a reading never touches the heap.
public struct SampleList: Sendable, RandomAccessCollection {
    public static let capacity = 16

    @usableFromInline var storage: InlineArray<16, Sample>
    @usableFromInline var _count: Int
    public var count: Int { _count }

    @inlinable
    public init() {
        storage = InlineArray(repeating: Sample(offsetSeconds: 0, value: .gap(.noEcho)))
        _count = 0
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    @inlinable
    public subscript(position: Int) -> Sample {
        precondition(position >= 0 && position < count, "sample index out of range")
        return storage[position]
    }

    /// Forgets the samples; their slots are overwritten by the next appends, not cleared.
    @inlinable
    public mutating func removeAll() {
        _count = 0
    }

    /// Appends a sample. Codecs check their sample count against `capacity` before they append.
    @inlinable
    public mutating func append(_ sample: Sample) {
        precondition(count < Self.capacity, "more samples than a frame can hold")
        storage[count] = sample
        _count += 1
    }
}

/// Device facts from a status frame.
public struct DeviceStatus: Sendable, Equatable {
    public var firmwareMajor: UInt8
    public var firmwareMinor: UInt8
    public var resetCause: ResetCause
    public var uptimeSeconds: UInt32
    public var signalQualityPercent: UInt8

    public enum ResetCause: UInt8, Sendable {
        case powerOn = 0, watchdog, brownOut, software, other

        public var name: String {
            switch self {
            case .powerOn: "power-on"
            case .watchdog: "watchdog"
            case .brownOut: "brown-out"
            case .software: "software"
            case .other: "other"
            }
        }
    }

    public init(
        firmwareMajor: UInt8, firmwareMinor: UInt8, resetCause: ResetCause, uptimeSeconds: UInt32,
        signalQualityPercent: UInt8
    ) {
        self.firmwareMajor = firmwareMajor
        self.firmwareMinor = firmwareMinor
        self.resetCause = resetCause
        self.uptimeSeconds = uptimeSeconds
        self.signalQualityPercent = signalQualityPercent
    }
}

/// What every codec yields for one frame: the reading model of the product specification.
/// A fixed-size value: decoding allocates nothing.
public struct Reading: Sendable {
    public enum Kind: String, Sendable {
        case measurement, status
    }

    public var kind: Kind
    public var samples = SampleList()
    public var batteryMillivolts: Int32?
    public var batteryPercent: Int32?
    public var temperatureCelsius: Double?
    public var fault: Bool?
    public var tilt: Bool?
    public var deviceAlarm: Bool?
    public var sequence: UInt16?
    public var intervalSeconds: UInt16?
    public var ageSeconds: UInt16?
    public var status: DeviceStatus?

    @inlinable
    public init(kind: Kind) {
        self.kind = kind
    }

    /// Makes this reading what `Reading(kind:)` makes, without rewriting the sample slots: codecs decode into a
    /// reading the caller reuses, and clearing 16 inline samples per frame would cost more than the decoding.
    @inlinable
    public mutating func reset(_ kind: Kind) {
        self.kind = kind
        samples.removeAll()
        batteryMillivolts = nil
        batteryPercent = nil
        temperatureCelsius = nil
        fault = nil
        tilt = nil
        deviceAlarm = nil
        sequence = nil
        intervalSeconds = nil
        ageSeconds = nil
        status = nil
    }
}
