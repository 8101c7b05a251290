#if canImport(Glibc)
    import Glibc
#endif

/// An IP address and TCP port to listen on: `127.0.0.1:9108` or `[::1]:9108`. Numeric only, so the config says
/// exactly which interface is exposed, without a resolver deciding.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            // An IPv6 address needs its brackets: without them its last group would read as the port.
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard Self.family(of: String(host)) != nil, let number = Int(port), (1...65535).contains(number) else {
            return nil
        }
        self.host = String(host)
        self.port = number
    }

    /// `AF_INET` or `AF_INET6` for a numeric address, `nil` for anything else.
    static func family(of host: String) -> Int32? {
        var buffer = in6_addr()
        if inet_pton(AF_INET, host, &buffer) == 1 { return AF_INET }
        if inet_pton(AF_INET6, host, &buffer) == 1 { return AF_INET6 }
        return nil
    }

    /// 127.0.0.0/8 or ::1: reachable from this host only.
    public var isLoopback: Bool {
        var address = in6_addr()
        if inet_pton(AF_INET, host, &address) == 1 {
            return withUnsafeBytes(of: &address) { $0[0] } == 127
        }
        var loopback = in6addr_loopback
        return inet_pton(AF_INET6, host, &address) == 1 && memcmp(&address, &loopback, MemoryLayout<in6_addr>.size) == 0
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
