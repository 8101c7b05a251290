import CMosquitto

/// A broker problem that reconnecting cannot mend: the broker refused the login, or TLS failed. The client stops
/// and reports it once, so the service ends and whoever runs it (systemd's `Restart=`) takes over, instead of
/// retrying a wrong password every second for ever.
///
/// Everything else (a broker that is down, a connection that dropped, a broker that is busy) is transient: the
/// client reconnects by itself.
public struct MQTTFailure: Error, Sendable, CustomStringConvertible {
    /// Which setting the operator has to look at.
    public enum Cause: Sendable, Equatable {
        /// Username or password, or what the broker lets that user do.
        case credentials
        /// The client id (refused, or banned).
        case clientID
        /// The MQTT protocol version.
        case protocolVersion
        /// The TLS handshake: CA, certificate, host name, or a listener that does not speak TLS.
        case tls
        /// The library itself (out of memory, an option it does not support).
        case library
    }

    public let cause: Cause
    /// What happened, in the library's or the broker's words.
    public let reason: String

    public var description: String { reason }

    /// The failure a CONNACK reason code stands for, or `nil` if it is a success or worth retrying.
    ///
    /// MQTT 3.1.1 return codes 1, 2, 4, 5 and the matching v5 reason codes need the operator; 3 "server
    /// unavailable" and v5's busy, quota, rate and "use another server" codes pass. libmosquitto 2.0.11 retries a
    /// refused 3.1.1 login for ever and ends its loop on any v5 refusal (`notes/platform.md` §2), so the decision
    /// is made here, where the code is known, for both.
    init?(connack code: Int32, mqtt5: Bool) {
        let cause: Cause
        switch (mqtt5, code) {
        case (false, 1), (true, 0x84): cause = .protocolVersion
        case (false, 2), (true, 0x85), (true, 0x8A): cause = .clientID
        case (false, 4), (false, 5), (true, 0x86), (true, 0x87), (true, 0x8C): cause = .credentials
        default: return nil
        }
        self.init(cause: cause, reason: "the broker refused the connection: \(Self.connackText(code, mqtt5: mqtt5))")
    }

    /// The broker's CONNACK code in words, without the library's closing full stop.
    static func connackText(_ code: Int32, mqtt5: Bool) -> String {
        let text = String(cString: mqtt5 ? mosquitto_reason_string(code) : mosquitto_connack_string(code))
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// The failure a libmosquitto error code stands for, or `nil` if reconnecting may help.
    ///
    /// - Parameter detail: the library's last error log line (OpenSSL's reason for a TLS failure), if any.
    init?(code: Int32, detail: String?) {
        let text = String(cString: mosquitto_strerror(code)) + (detail.map { " (\($0))" } ?? "")
        switch mosq_err_t(rawValue: code) {
        case MOSQ_ERR_TLS: self.init(cause: .tls, reason: "TLS handshake failed: \(text)")
        // Only MQTT v5 extended authentication gives this.
        case MOSQ_ERR_AUTH: self.init(cause: .credentials, reason: "authentication failed: \(text)")
        case MOSQ_ERR_NOMEM, MOSQ_ERR_INVAL, MOSQ_ERR_NOT_SUPPORTED: self.init(cause: .library, reason: text)
        default: return nil
        }
    }

    init(cause: Cause, reason: String) {
        self.cause = cause
        self.reason = reason
    }
}
