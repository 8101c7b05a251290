import GaugeMQTT

#if canImport(Glibc)
    import Glibc
#endif

extension Config.MQTT {
    /// The client options for this config. Reads the password file: the password lives only in
    /// memory, never in the config or the log.
    func clientOptions() throws(DaemonError) -> MQTTClient.Options {
        MQTTClient.Options(
            host: host, port: port, clientID: clientID, username: username, password: try password(),
            keepaliveSeconds: keepaliveSeconds, useMQTT5: protocolVersion == .v5,
            sessionExpirySeconds: UInt32(sessionExpirySeconds))
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
