/// What an envelope says about one uplink, besides its FRMPayload (which goes to the caller's buffer).
public struct Uplink: Sendable, Equatable {
    /// `nil` when the envelope does not name the device (a TTS message may leave out `dev_eui`).
    public var devEUI: UInt64?
    /// `nil` when the envelope carries none: unknown, not 0, since an application uplink has FPort ≥ 1.
    public var fPort: UInt8?
    /// 0 when absent: the network servers leave out zero values.
    public var fCnt: UInt32
    /// How many FRMPayload bytes were written to the start of the caller's payload buffer.
    public var payloadCount: Int
    /// When the network server received the uplink; `nil` means "use the arrival time".
    public var receivedAt: Timestamp?
    /// The strongest RSSI (dBm) over all gateways that heard the uplink.
    public var bestRSSI: Double?
    /// The best SNR (dB) over all gateways, taken separately from the RSSI.
    public var bestSNR: Double?
    /// ChirpStack's id for the uplink after it merged the gateways' copies.
    public var deduplicationID: DeduplicationID?

    public init(
        devEUI: UInt64? = nil,
        fPort: UInt8? = nil,
        fCnt: UInt32 = 0,
        payloadCount: Int,
        receivedAt: Timestamp? = nil,
        bestRSSI: Double? = nil,
        bestSNR: Double? = nil,
        deduplicationID: DeduplicationID? = nil
    ) {
        self.devEUI = devEUI
        self.fPort = fPort
        self.fCnt = fCnt
        self.payloadCount = payloadCount
        self.receivedAt = receivedAt
        self.bestRSSI = bestRSSI
        self.bestSNR = bestSNR
        self.deduplicationID = deduplicationID
    }
}

/// A UUID as two integers, so an uplink stays a fixed-size value.
public struct DeduplicationID: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses the canonical form `3ac7e3c4-4401-4b8d-9386-a5c902f9202d` (hex digits of either case).
    public init?(_ text: UnsafeRawBufferPointer) {
        guard text.count == 36 else { return nil }
        var value = (high: UInt64(0), low: UInt64(0))
        var digits = 0
        for (offset, character) in text.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let digit = Hex.digit(character) else { return nil }
            if digits < 16 {
                value.high = value.high << 4 | UInt64(digit)
            } else {
                value.low = value.low << 4 | UInt64(digit)
            }
            digits += 1
        }
        self.init(high: value.high, low: value.low)
    }

    /// The canonical lowercase form, as ChirpStack prints it.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { text in
            Hex.write(high >> 32, digits: 8, uppercase: false, to: text, at: 0)
            Hex.write(high >> 16, digits: 4, uppercase: false, to: text, at: 9)
            Hex.write(high, digits: 4, uppercase: false, to: text, at: 14)
            Hex.write(low >> 48, digits: 4, uppercase: false, to: text, at: 19)
            Hex.write(low, digits: 12, uppercase: false, to: text, at: 24)
            for dash in [8, 13, 18, 23] { text[dash] = UInt8(ascii: "-") }
            return 36
        }
    }
}

/// What one MQTT message turned out to be.
public enum EnvelopeResult: Sendable, Equatable {
    case uplink(Uplink)
    /// A join, status, log or other event on an uplink topic: counted and ignored.
    case notUplink
}

/// Reads the network server's wrapping of an uplink (the formats of a source in `product.md`), in place.
public enum Envelope {
    /// The FRMPayload buffer a caller needs: LoRaWAN's largest is 242 bytes.
    public static let payloadCapacity = 256

    /// Extracts the uplink from one MQTT message and writes its FRMPayload into `payload`.
    ///
    /// - `ttn-v3`: an uplink is a message with `uplink_message`; the receive time is
    ///   `uplink_message.received_at`, else the top-level `received_at`.
    /// - `chirpstack-v4`: an uplink is an `up` event, one with `data`, `fPort` or `rxInfo`; it must have
    ///   `deviceInfo`, which a ChirpStack v3 message lacks.
    /// - `raw`: the message is the FRMPayload; the topic's last two levels are the DevEUI and the FPort, and
    ///   the receive time is left to the caller (the arrival time).
    ///
    /// Nothing is allocated on the heap for the messages network servers send. Only unusual text falls back to
    /// allocating: an RSSI or SNR with more than 15 significant digits, or an escaped field too long for the stack.
    ///
    /// - Parameters:
    ///   - topic: the topic the message arrived on; only `raw` reads it.
    ///   - payload: where the FRMPayload goes; `payloadCapacity` bytes are always enough.
    /// - Throws: a reason naming what is wrong: invalid JSON ("invalid JSON: …"), an uplink without a payload
    ///   ("uplink has no payload"), a field of the wrong shape, or a payload that does not fit `payload`.
    public static func parse(
        _ format: EnvelopeFormat,
        topic: UnsafeRawBufferPointer,
        message: UnsafeRawBufferPointer,
        payload: UnsafeMutableRawBufferPointer
    ) throws(DecodeError) -> EnvelopeResult {
        switch format {
        case .ttnV3:
            var fields = UplinkFields()
            try JSONScanner.scan(message, fields: UplinkFields.ttnFields) { field, value in fields.take(field, value) }
            return fields.isUplink ? .uplink(try fields.uplink(payload: payload)) : .notUplink
        case .chirpstackV4:
            var fields = UplinkFields()
            try JSONScanner.scan(message, fields: UplinkFields.chirpStackFields) { field, value in
                fields.take(field, value)
            }
            guard fields.isUplink else { return .notUplink }
            guard fields.hasDeviceInfo else { throw DecodeError("up event has no deviceInfo: not ChirpStack v4") }
            return .uplink(try fields.uplink(payload: payload))
        case .raw:
            return .uplink(try rawUplink(topic: topic, message: message, payload: payload))
        }
    }

    private static func rawUplink(
        topic: UnsafeRawBufferPointer,
        message: UnsafeRawBufferPointer,
        payload: UnsafeMutableRawBufferPointer
    ) throws(DecodeError) -> Uplink {
        let slash = UInt8(ascii: "/")
        guard let portSlash = topic.lastIndex(of: slash) else {
            throw DecodeError("topic does not end in /{dev_eui}/{f_port}")
        }
        let euiStart = topic[..<portSlash].lastIndex(of: slash).map { $0 + 1 } ?? 0
        guard let devEUI = Hex.parseUInt64(UnsafeRawBufferPointer(rebasing: topic[euiStart..<portSlash])) else {
            throw DecodeError("topic's dev_eui level is not 16 hex digits")
        }
        guard let fPort = UInt8(decimalDigits: UnsafeRawBufferPointer(rebasing: topic[(portSlash + 1)...])) else {
            throw DecodeError("topic's f_port level is not a number from 0 to 255")
        }
        guard message.count <= payload.count else { throw DecodeError("payload too large") }
        // One copy of at most 242 bytes keeps a single contract for every format: the payload is in `payload`.
        if !message.isEmpty { payload.copyMemory(from: message) }
        return Uplink(devEUI: devEUI, fPort: fPort, payloadCount: message.count)
    }
}

/// The fields of an uplink as the JSON scan finds them, kept as views into the message and converted only once
/// the whole message has proved valid JSON, so invalid JSON is always reported as such.
private struct UplinkFields {
    var isUplink = false
    var hasDeviceInfo = false
    var devEUI: JSONValue?
    var fPort: JSONValue?
    var fCnt: JSONValue?
    var payload: JSONValue?
    var receivedAt: JSONValue?
    /// TTS: the application server's `received_at`, used when the network server's is missing.
    var applicationServerReceivedAt: JSONValue?
    var deduplicationID: JSONValue?
    var bestRSSI: Double?
    var bestSNR: Double?

    /// What a value found by the scan is, for both formats.
    enum Field {
        /// TTS: `uplink_message`, which makes the message an uplink.
        case uplinkMessage
        /// ChirpStack: `deviceInfo`, which a ChirpStack v3 message lacks.
        case deviceInfo
        /// ChirpStack: `rxInfo`, which only an uplink has.
        case rxInfo
        case applicationServerReceivedAt
        case devEUI
        case fPort
        case fCnt
        case payload
        case receivedAt
        case deduplicationID
        case rssi
        case snr
    }

    static let ttnFields: JSONFieldSet<Field> = [
        .uplinkMessage: "uplink_message",
        .applicationServerReceivedAt: "received_at",
        .devEUI: "end_device_ids.dev_eui",
        .fPort: "uplink_message.f_port",
        .fCnt: "uplink_message.f_cnt",
        .payload: "uplink_message.frm_payload",
        .receivedAt: "uplink_message.received_at",
        .rssi: "uplink_message.rx_metadata[].rssi",
        .snr: "uplink_message.rx_metadata[].snr",
    ]

    static let chirpStackFields: JSONFieldSet<Field> = [
        .deviceInfo: "deviceInfo",
        .fPort: "fPort",
        .fCnt: "fCnt",
        .payload: "data",
        .rxInfo: "rxInfo",
        .receivedAt: "time",
        .deduplicationID: "deduplicationId",
        .devEUI: "deviceInfo.devEui",
        .rssi: "rxInfo[].rssi",
        .snr: "rxInfo[].snr",
    ]

    mutating func take(_ field: Field, _ value: JSONValue) {
        if case .null = value { return }  // an explicit null says no more than a missing member
        switch field {
        case .uplinkMessage:
            if case .object = value { isUplink = true }
        case .deviceInfo:
            if case .object = value { hasDeviceInfo = true }
        case .rxInfo:
            isUplink = true
        case .applicationServerReceivedAt: applicationServerReceivedAt = value
        case .devEUI: devEUI = value
        case .fPort:
            // For ChirpStack, FPort or data make a message an uplink; for TTS, `uplink_message` already has.
            isUplink = true
            fPort = value
        case .fCnt: fCnt = value
        case .payload:
            isUplink = true
            payload = value
        case .receivedAt: receivedAt = value
        case .deduplicationID: deduplicationID = value
        case .rssi: Self.keepBest(&bestRSSI, value)
        case .snr: Self.keepBest(&bestSNR, value)
        }
    }

    /// Gateway metadata only informs: a gateway entry without a numeric value is skipped rather than costing
    /// the uplink, whose reading may be the one that shows a flood.
    private static func keepBest(_ best: inout Double?, _ value: JSONValue) {
        guard case .number(let number) = value else { return }
        let candidate = number.double
        if best.map({ candidate > $0 }) ?? true { best = candidate }
    }

    /// Converts the fields and writes the decoded FRMPayload into `payload`.
    func uplink(payload buffer: UnsafeMutableRawBufferPointer) throws(DecodeError) -> Uplink {
        guard let payload else { throw DecodeError("uplink has no payload") }
        var uplink = Uplink(payloadCount: 0, bestRSSI: bestRSSI, bestSNR: bestSNR)
        if let devEUI {
            uplink.devEUI = try Self.string(devEUI, DecodeError("DevEUI is not 16 hex digits"), Hex.parseUInt64)
        }
        if let fPort {
            uplink.fPort = try Self.integer(fPort, DecodeError("FPort is not an integer from 0 to 255"))
        }
        if let fCnt {
            uplink.fCnt = try Self.integer(fCnt, DecodeError("FCnt is not a 32-bit unsigned integer"))
        }
        guard case .string(let base64) = payload else { throw DecodeError("payload is not base64") }
        uplink.payloadCount = try base64.withUTF8 { text throws(DecodeError) in try Base64.decode(text, into: buffer) }
        if let time = receivedAt ?? applicationServerReceivedAt {
            uplink.receivedAt = try Self.string(
                time,
                DecodeError("receive time is not an RFC 3339 date-time"),
                Timestamp.parseRFC3339
            )
        }
        if let deduplicationID {
            uplink.deduplicationID = try Self.string(
                deduplicationID,
                DecodeError("deduplicationId is not a UUID"),
                DeduplicationID.init
            )
        }
        return uplink
    }

    private static func integer<T: FixedWidthInteger>(
        _ value: JSONValue,
        _ error: DecodeError
    ) throws(DecodeError) -> T {
        guard case .number(let number) = value, let integer = number.integer(as: T.self) else { throw error }
        return integer
    }

    private static func string<T>(
        _ value: JSONValue,
        _ error: DecodeError,
        _ parse: (UnsafeRawBufferPointer) -> T?
    ) throws(DecodeError) -> T {
        guard case .string(let string) = value, let parsed = string.withUTF8(parse) else { throw error }
        return parsed
    }
}
