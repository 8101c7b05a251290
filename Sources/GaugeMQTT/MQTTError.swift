import CMosquitto

/// A libmosquitto call that failed: what floodgauge was doing and the library's reason.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let context: String

    public var description: String {
        "\(context): \(String(cString: mosquitto_strerror(code)))"
    }

    /// Throws when `rc` is not `MOSQ_ERR_SUCCESS`.
    static func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(MQTTError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError(code: rc, context: context()) }
    }
}
