import GaugeMQTT

#if canImport(Glibc)
    import Glibc
#endif

extension Config.MQTT {
    /// The client options for this config. Reads the password file: the password lives only in
    /// memory, never in the config or the log. The files TLS needs are checked here, so a missing one is named
    /// rather than reported as libmosquitto's "invalid arguments".
    func clientOptions() throws(DaemonError) -> MQTTClient.Options {
        MQTTClient.Options(
            host: host, port: port, clientID: clientID, username: username, password: try password(),
            keepaliveSeconds: keepaliveSeconds, useMQTT5: protocolVersion == .v5,
            sessionExpirySeconds: UInt32(sessionExpirySeconds), will: StatusTopic(prefix: prefix).will,
            tls: try tls())
    }

    private func tls() throws(DaemonError) -> MQTTClient.TLS? {
        guard let caFile else { return nil }
        for (key, path) in [("ca_file", caFile), ("cert_file", certFile), ("key_file", keyFile)] {
            guard let path, access(path, R_OK) != 0 else { continue }
            throw DaemonError("cannot read \(key) \(path): \(String(cString: strerror(errno)))")
        }
        return MQTTClient.TLS(caFile: caFile, certFile: certFile, keyFile: keyFile, verifyHostname: tlsVerifyHostname)
    }

    /// What the operator has to fix for a failure the client gave up on: one line, naming the config keys.
    func advice(for failure: MQTTFailure) -> String {
        let fix =
            switch failure.cause {
            case .credentials:
                "check username and the password in password_file, and that the broker lets this user connect"
            case .clientID: "check client_id: the broker refused or banned \"\(clientID)\""
            case .protocolVersion: "the broker does not speak protocol \"\(protocolVersion.rawValue)\": change protocol"
            case .tls:
                "check that ca_file signed the broker's certificate, that the certificate names \"\(host)\", "
                    + "and that port \(port) is a TLS listener"
            case .library: "the MQTT library failed"
            }
        return "MQTT broker \(host):\(port): \(failure.reason); \(fix)"
    }

    private func password() throws(DaemonError) -> String? {
        guard let passwordFile else { return nil }
        guard let file = fopen(passwordFile, "r") else {
            throw DaemonError("cannot read password_file \(passwordFile): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        // An editor's trailing newline is not part of the password.
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
