import Foundation

// Uplinks as the network servers send them, for the tests that publish them through a real broker.

/// An `mpsc-v1` measurement frame: battery (3600 mV), no temperature, distances oldest first.
func mpscFrame(seq: UInt16, intervalS: UInt16 = 300, ageS: UInt16 = 0, distancesMM: [UInt16]) -> Data {
    var bytes: [UInt8] = [0x11, 0x01]
    for word in [seq, intervalS] { bytes += [UInt8(word >> 8), UInt8(word & 0xFF)] }
    bytes.append(UInt8(distancesMM.count))
    for word in [ageS, 3600] + distancesMM { bytes += [UInt8(word >> 8), UInt8(word & 0xFF)] }
    return Data(bytes)
}

func ttnUplink(devEUI: String, fCnt: Int, receivedAt: String, frame: Data) -> String {
    """
    {"end_device_ids":{"device_id":"gauge","application_ids":{"application_id":"pegel"},"dev_eui":"\(devEUI)"},\
    "received_at":"\(receivedAt)","uplink_message":{"f_port":10,"f_cnt":\(fCnt),\
    "frm_payload":"\(frame.base64EncodedString())","rx_metadata":[{"gateway_ids":{"gateway_id":"gw-a"},"rssi":-97,\
    "snr":7.5},{"gateway_ids":{"gateway_id":"gw-b"},"rssi":-91,"snr":3.25}],"received_at":"\(receivedAt)"}}
    """
}

func chirpstackUplink(devEUI: String, fCnt: Int, time: String, frame: Data) -> String {
    """
    {"deduplicationId":"\(UUID().uuidString.lowercased())","time":"\(time)","deviceInfo":{"tenantName":"Kreis",\
    "applicationName":"pegel","deviceName":"gauge","devEui":"\(devEUI.lowercased())"},"devAddr":"00189440",\
    "fCnt":\(fCnt),"fPort":10,"data":"\(frame.base64EncodedString())","rxInfo":[{"gatewayId":"0016c001f153a14c",\
    "rssi":-104,"snr":-2.5}]}
    """
}
