import Foundation
import GaugeCore
import Testing

/// The outcome of parsing one message, with the payload bytes copied out for comparison.
private struct Parsed {
    var result: EnvelopeResult
    var payload: [UInt8]

    var uplink: Uplink? { if case .uplink(let uplink) = result { uplink } else { nil } }
}

private func parse(
    _ format: EnvelopeFormat,
    _ message: some Collection<UInt8>,
    topic: String = "",
    capacity: Int = 256
) -> Result<Parsed, DecodeError> {
    let message = Array(message)
    var payload = [UInt8](repeating: 0, count: capacity)
    return Array(topic.utf8).withUnsafeBytes { topic in
        message.withUnsafeBytes { message in
            payload.withUnsafeMutableBytes { buffer in
                Result { () throws(DecodeError) in
                    let result = try Envelope.parse(format, topic: topic, message: message, payload: buffer)
                    let count = if case .uplink(let uplink) = result { uplink.payloadCount } else { 0 }
                    return Parsed(result: result, payload: Array(buffer.prefix(count)))
                }
            }
        }
    }
}

@Suite struct EnvelopeTests {
    @Test func theIndexListsEveryEnvelopeFile() throws {
        let directory = SharedVectors.directory.appendingPathComponent("vectors/envelopes")
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
            .filter { $0.contains("/") }
        #expect(Set(files) == Set(SharedVectors.envelopes.map(\.file)))
        #expect(SharedVectors.envelopes.count == 11)  // as vectors/README.md says
    }

    @Test(arguments: SharedVectors.envelopes)
    func sharedEnvelope(_ vector: EnvelopeVector) throws {
        let entry = vector.entry
        if entry["valid_json"] == .bool(false) {
            // The published TTS example lacks the comma after "attributes": {...}.
            #expect(parse(.ttnV3, vector.message).failureReason == "invalid JSON: expected ',' or '}'")
            return
        }
        if entry["format"] == .string("chirpstack-v3") {
            #expect(
                parse(.chirpstackV4, vector.message).failureReason
                    == "up event has no deviceInfo: not ChirpStack v4"
            )
            return
        }
        let format = try #require(EnvelopeFormat(rawValue: entry["format"].stringValue))
        let parsed = try parse(format, vector.message).get()
        guard entry["is_uplink"] == .bool(true) else {
            #expect(parsed.result == .notUplink)
            return
        }
        let uplink = try #require(parsed.uplink)
        #expect(uplink.devEUI.map { String(format: "%016llX", $0) } == entry["dev_eui"].string)
        #expect(uplink.fPort.map { JSON.integer(Int64($0)) } ?? .null == entry["f_port"])
        #expect(JSON.integer(Int64(uplink.fCnt)) == entry["f_cnt"])
        #expect(hexString(parsed.payload) == entry["payload_hex"].string)
        #expect(uplink.bestRSSI == entry["best_rssi"].number)
        #expect(uplink.bestSNR == entry["best_snr"].number)
        #expect(uplink.deduplicationID?.description == entry["deduplication_id"].string)
        if let receivedAt = entry["received_at"].string {
            // Compared as an instant, through Foundation's parser; the uplink keeps milliseconds.
            let expected = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(receivedAt)
            let actual = try #require(uplink.receivedAt)
            #expect(abs(Double(actual.unixMilliseconds) / 1000 - expected.timeIntervalSince1970) < 0.001)
        } else {
            #expect(uplink.receivedAt == nil)
        }
    }

    // MARK: - ttn-v3 beyond the published examples

    @Test func bestRSSIAndSNRAreTakenSeparately() throws {
        let message = """
            {"uplink_message":{"frm_payload":"AQ==","rx_metadata":[
              {"rssi":-120,"snr":7.25},{"rssi":-90,"snr":-3},{"gateway_ids":{"gateway_id":"no-metadata"}},
              {"rssi":"-10","snr":null}]}}
            """
        let uplink = try #require(parse(.ttnV3, message.utf8).get().uplink)
        #expect(uplink.bestRSSI == -90)
        #expect(uplink.bestSNR == 7.25)
    }

    @Test func receiveTimeFallsBackToTheApplicationServers() throws {
        let message = #"{"received_at":"2020-02-12T15:15:46.014Z","uplink_message":{"frm_payload":"AQ=="}}"#
        let uplink = try #require(parse(.ttnV3, message.utf8).get().uplink)
        #expect(uplink.receivedAt == Timestamp(unixMilliseconds: 1_581_520_546_014))
    }

    @Test func escapesAreReadForTheFieldsAndNames() throws {
        // `\/` is how some encoders (PHP's) write the slash of base64; `\u005f` is `_`.
        let message =
            #"{"end_device_ids":{"dev\u005feui":"0004a30b001c0530"},"#
            + #""uplink_message":{"f\u005fport":7,"frm_payload":"\/w=="}}"#
        let parsed = try parse(.ttnV3, message.utf8).get()
        #expect(parsed.uplink?.devEUI == 0x0004_A30B_001C_0530)
        #expect(parsed.uplink?.fPort == 7)
        #expect(parsed.payload == [0xFF])
    }

    @Test func nullMembersCountAsAbsent() throws {
        #expect(try parse(.ttnV3, #"{"uplink_message":null}"#.utf8).get().result == .notUplink)
        let uplink = try #require(
            parse(.ttnV3, #"{"uplink_message":{"f_port":null,"f_cnt":null,"frm_payload":"AQ=="}}"#.utf8).get().uplink
        )
        #expect(uplink.fPort == nil && uplink.fCnt == 0)
    }

    @Test(arguments: [
        (#"{"uplink_message":{"f_port":1}}"#, "uplink has no payload"),
        (#"{"uplink_message":{"frm_payload":"..."}}"#, "payload is not base64"),
        (#"{"uplink_message":{"frm_payload":1}}"#, "payload is not base64"),
        (
            #"{"end_device_ids":{"dev_eui":"0004A30B"},"uplink_message":{"frm_payload":"AQ=="}}"#,
            "DevEUI is not 16 hex digits"
        ),
        (#"{"uplink_message":{"f_port":256,"frm_payload":"AQ=="}}"#, "FPort is not an integer from 0 to 255"),
        (#"{"uplink_message":{"f_port":"15","frm_payload":"AQ=="}}"#, "FPort is not an integer from 0 to 255"),
        (#"{"uplink_message":{"f_port":1.5,"frm_payload":"AQ=="}}"#, "FPort is not an integer from 0 to 255"),
        (#"{"uplink_message":{"f_cnt":-1,"frm_payload":"AQ=="}}"#, "FCnt is not a 32-bit unsigned integer"),
        (
            #"{"uplink_message":{"frm_payload":"AQ==","received_at":"yesterday"}}"#,
            "receive time is not an RFC 3339 date-time"
        ),
        (#"{"uplink_message":{"frm_payload":"AQ=="}} {}"#, "invalid JSON: trailing characters after the value"),
    ])
    func rejectsTTN(message: String, reason: String) {
        #expect(parse(.ttnV3, message.utf8).failureReason == reason)
    }

    @Test func aPayloadLargerThanTheBufferIsRejected() {
        let base64 = Data(repeating: 0x11, count: 300).base64EncodedString()
        let message = #"{"uplink_message":{"frm_payload":"\#(base64)"}}"#
        #expect(parse(.ttnV3, message.utf8).failureReason == "payload too large")
        #expect(parse(.ttnV3, message.utf8, capacity: 300).failureReason == nil)
    }

    // MARK: - chirpstack-v4 beyond the published examples

    @Test(arguments: [
        (#"{"deviceInfo":{"devEui":"0101010101010101"},"fPort":1}"#, "uplink has no payload"),
        (#"{"deviceInfo":{"devEui":"0101010101010101"},"data":"..."}"#, "payload is not base64"),
        (#"{"deviceInfo":{},"data":"qg==","time":"2022-07-18 09:34"}"#, "receive time is not an RFC 3339 date-time"),
        (#"{"deviceInfo":{},"data":"qg==","deduplicationId":"3ac7e3c4"}"#, "deduplicationId is not a UUID"),
        (#"{"devEUI":"0202020202020202","fPort":5,"data":"qg=="}"#, "up event has no deviceInfo: not ChirpStack v4"),
    ])
    func rejectsChirpStack(message: String, reason: String) {
        #expect(parse(.chirpstackV4, message.utf8).failureReason == reason)
    }

    @Test func chirpStackEventsWithoutUplinkFieldsAreNotUplinks() throws {
        let ack = #"{"deviceInfo":{"devEui":"0101010101010101"},"queueItemId":"x","acknowledged":true,"fCntDown":3}"#
        #expect(try parse(.chirpstackV4, ack.utf8).get().result == .notUplink)
    }

    // MARK: - raw

    @Test(
        arguments: [
            ("gauges/raw/0004A30B001C0530/10", 0x0004_A30B_001C_0530, 10),
            ("0004a30b001c0530/255", 0x0004_A30B_001C_0530, 255),
            ("a/FFFFFFFFFFFFFFFF/0", UInt64.max, 0),
        ] as [(String, UInt64, UInt8)]
    )
    func rawTopicNamesDeviceAndPort(topic: String, devEUI: UInt64, fPort: UInt8) throws {
        let frame: [UInt8] = [0x11, 0x00, 0x00, 0x01]
        let parsed = try parse(.raw, frame, topic: topic).get()
        #expect(parsed.uplink == Uplink(devEUI: devEUI, fPort: fPort, payloadCount: frame.count))
        #expect(parsed.payload == frame)
    }

    @Test(arguments: [
        ("", "topic does not end in /{dev_eui}/{f_port}"),
        ("0004A30B001C0530", "topic does not end in /{dev_eui}/{f_port}"),
        ("gauges/0004A30B001C0530", "topic's dev_eui level is not 16 hex digits"),
        ("gauges/0004A30B001C053/10", "topic's dev_eui level is not 16 hex digits"),
        ("gauges/0004A30B001C053G/10", "topic's dev_eui level is not 16 hex digits"),
        ("gauges/0004A30B001C0530/", "topic's f_port level is not a number from 0 to 255"),
        ("gauges/0004A30B001C0530/256", "topic's f_port level is not a number from 0 to 255"),
        ("gauges/0004A30B001C0530/+1", "topic's f_port level is not a number from 0 to 255"),
    ])
    func rejectsRawTopic(topic: String, reason: String) {
        #expect(parse(.raw, [0x11], topic: topic).failureReason == reason)
    }

    @Test func rawPayloadMustFitTheBuffer() throws {
        let topic = "g/0004A30B001C0530/10"
        #expect(parse(.raw, [UInt8](repeating: 1, count: 257), topic: topic).failureReason == "payload too large")
        // An empty message is an uplink with an empty payload; the codec says what is wrong with it.
        #expect(try parse(.raw, [], topic: topic).get().uplink?.payloadCount == 0)
    }
}
