import Foundation
import GaugeCore

// MARK: - The JSONDecoder baseline

/// What a Swift developer would write: Codable structs for just the fields floodgauge needs, one `JSONDecoder`
/// kept for the life of the process with `.iso8601` dates (which takes TTS's and ChirpStack's nanosecond
/// fractions), `Data(base64Encoded:)` for the payload, the DevEUI as hex and the deduplication id as a `UUID`.
/// Keys are spelled out with `CodingKeys`, not `.convertFromSnakeCase`, so the baseline pays no key conversion.
struct Baseline {
    struct Uplink {
        var devEUI: UInt64?
        var fPort: UInt8?
        var fCnt: UInt32
        var payload: Data
        var receivedAt: Date?
        var bestRSSI: Double?
        var bestSNR: Double?
        var deduplicationID: UUID?
    }

    struct Invalid: Error {
        var reason: String
    }

    let format: EnvelopeFormat
    let decoder: JSONDecoder

    init(_ format: EnvelopeFormat) {
        self.format = format
        decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
    }

    func uplink(_ data: Data) throws -> Uplink {
        switch format {
        case .ttnV3:
            let message = try decoder.decode(TTNMessage.self, from: data)
            guard let uplink = message.uplinkMessage else { throw Invalid(reason: "not an uplink") }
            guard let text = uplink.frmPayload, let payload = Data(base64Encoded: text) else {
                throw Invalid(reason: "no payload")
            }
            return Uplink(
                devEUI: try message.endDeviceIDs?.devEUI.map(Self.eui),
                fPort: uplink.fPort,
                fCnt: uplink.fCnt ?? 0,
                payload: payload,
                receivedAt: uplink.receivedAt ?? message.receivedAt,
                bestRSSI: uplink.rxMetadata?.compactMap(\.rssi).max(),
                bestSNR: uplink.rxMetadata?.compactMap(\.snr).max()
            )
        case .chirpstackV4:
            let event = try decoder.decode(ChirpStackUpEvent.self, from: data)
            guard let text = event.data, let payload = Data(base64Encoded: text) else {
                throw Invalid(reason: "no payload")
            }
            return Uplink(
                devEUI: try Self.eui(event.deviceInfo.devEui),
                fPort: event.fPort,
                fCnt: event.fCnt ?? 0,
                payload: payload,
                receivedAt: event.time,
                bestRSSI: event.rxInfo?.compactMap(\.rssi).max(),
                bestSNR: event.rxInfo?.compactMap(\.snr).max(),
                deduplicationID: event.deduplicationId
            )
        case .raw:
            fatalError("raw messages are not JSON")
        }
    }

    private static func eui(_ text: String) throws -> UInt64 {
        guard text.utf8.count == 16, let value = UInt64(text, radix: 16) else { throw Invalid(reason: "DevEUI") }
        return value
    }
}

struct TTNMessage: Decodable {
    struct EndDeviceIDs: Decodable {
        var devEUI: String?
        enum CodingKeys: String, CodingKey { case devEUI = "dev_eui" }
    }

    struct UplinkMessage: Decodable {
        var fPort: UInt8?
        var fCnt: UInt32?
        var frmPayload: String?
        var receivedAt: Date?
        var rxMetadata: [RxMetadata]?

        enum CodingKeys: String, CodingKey {
            case fPort = "f_port"
            case fCnt = "f_cnt"
            case frmPayload = "frm_payload"
            case receivedAt = "received_at"
            case rxMetadata = "rx_metadata"
        }
    }

    struct RxMetadata: Decodable {
        var rssi: Double?
        var snr: Double?
    }

    var endDeviceIDs: EndDeviceIDs?
    var receivedAt: Date?
    var uplinkMessage: UplinkMessage?

    enum CodingKeys: String, CodingKey {
        case endDeviceIDs = "end_device_ids"
        case receivedAt = "received_at"
        case uplinkMessage = "uplink_message"
    }
}

struct ChirpStackUpEvent: Decodable {
    struct DeviceInfo: Decodable {
        var devEui: String
    }

    struct RxInfo: Decodable {
        var rssi: Double?
        var snr: Double?
    }

    var deduplicationId: UUID?
    var time: Date?
    var deviceInfo: DeviceInfo
    var fPort: UInt8?
    var fCnt: UInt32?
    var data: String?
    var rxInfo: [RxInfo]?
}

extension Baseline.Uplink {
    /// Stops the suite when the baseline and the in-place parser disagree about a message: the two must do the
    /// same work for the ratio to mean anything.
    func assertSameAs(_ inPlace: (GaugeCore.Uplink, [UInt8]), message: String) {
        let (uplink, payload) = inPlace
        func check(_ same: Bool, _ field: String) {
            if !same { fatalError("\(message): baseline and in-place parser disagree on \(field)") }
        }
        check(devEUI == uplink.devEUI, "DevEUI")
        check(fPort == uplink.fPort, "FPort")
        check(fCnt == uplink.fCnt, "FCnt")
        check(Array(self.payload) == payload, "payload")
        check(bestRSSI == uplink.bestRSSI, "best RSSI")
        check(bestSNR == uplink.bestSNR, "best SNR")
        // `Timestamp` keeps milliseconds; a `Date` is a binary fraction of a second, so allow 1 ms of rounding.
        let milliseconds = receivedAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) }
        let inPlaceMilliseconds = uplink.receivedAt?.unixMilliseconds
        check(
            (milliseconds == nil) == (inPlaceMilliseconds == nil)
                && abs((milliseconds ?? 0) - (inPlaceMilliseconds ?? 0)) <= 1,
            "receive time"
        )
        let uuid = deduplicationID.map { id in
            withUnsafeBytes(of: id.uuid) { bytes in
                (
                    high: bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) },
                    low: bytes.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                )
            }
        }
        check(
            uuid?.high == uplink.deduplicationID?.high && uuid?.low == uplink.deduplicationID?.low,
            "deduplication id"
        )
    }
}
