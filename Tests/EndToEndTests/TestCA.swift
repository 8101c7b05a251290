import Foundation

/// A certificate authority made by the test with `openssl`: a CA, a broker certificate for IP 127.0.0.1 signed by
/// it, a client certificate signed by it, and an unrelated CA that signed neither. EC P-256 keys, quick to make.
struct TestCA {
    let caFile: String
    let otherCAFile: String
    let serverCert: String
    let serverKey: String
    let clientCert: String
    let clientKey: String

    init(in scratch: ScratchDirectory) throws {
        let p = { (name: String) in scratch.path("tls-\(name)") }
        caFile = p("ca.crt")
        otherCAFile = p("other-ca.crt")
        serverCert = p("server.crt")
        serverKey = p("server.key")
        clientCert = p("client.crt")
        clientKey = p("client.key")
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, cert) in [("ca", caFile), ("other-ca", otherCAFile)] {
            try Self.openssl(["req", "-x509"] + key + ["-keyout", p("\(name).key"), "-out", cert, "-subj", "/CN=\(name)", "-days", "2"])
        }
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: p("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: p("client.ext"), atomically: true, encoding: .utf8)
        for (name, cert, keyFile) in [("server", serverCert, serverKey), ("client", clientCert, clientKey)] {
            try Self.openssl(["req"] + key + ["-keyout", keyFile, "-out", p("\(name).csr"), "-subj", "/CN=floodgauge-\(name)"])
            try Self.openssl([
                "x509", "-req", "-in", p("\(name).csr"), "-CA", caFile, "-CAkey", p("ca.key"), "-CAcreateserial",
                "-out", cert, "-days", "2", "-extfile", p("\(name).ext"),
            ])
        }
    }

    /// mosquitto.conf lines for a TLS listener that also requires a client certificate from this CA.
    var brokerSettings: [String] {
        [
            "cafile \(caFile)", "certfile \(serverCert)", "keyfile \(serverKey)", "require_certificate true",
            // Started as root, mosquitto would drop to its own user, which cannot read the test's 0600 keys.
            "user root",
        ]
    }

    /// What `mosquitto_pub`/`mosquitto_sub` need to pass that listener.
    var clientArguments: [String] {
        ["--cafile", caFile, "--cert", clientCert, "--key", clientKey]
    }

    /// `[mqtt]` lines for floodgauge, with the CA of `caFile`.
    func daemonSettings(caFile: String? = nil) -> [String] {
        ["ca_file = \"\(caFile ?? self.caFile)\"", "cert_file = \"\(clientCert)\"", "key_file = \"\(clientKey)\""]
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try which("openssl"))
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("openssl \(arguments.joined(separator: " ")) failed") }
    }
}
