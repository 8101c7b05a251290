#if canImport(Glibc)
    import Glibc
#endif

/// One answer of ``HTTPServer``.
struct HTTPResponse: Sendable {
    var status: Int
    var contentType = "text/plain; charset=utf-8"
    var body: String
}

/// The smallest HTTP/1.1 server that serves a Prometheus scrape: GET and HEAD of a path, one connection at a time,
/// each closed after its answer, on its own thread.
///
/// A scrape is one request every few seconds from one client, so there is no keep-alive, no request body and no
/// concurrency; a client that stalls is cut off by the socket timeouts and costs the next one a few seconds at
/// most.
final class HTTPServer: @unchecked Sendable {
    private let listener: Int32
    private let respond: @Sendable (String) -> HTTPResponse
    private var thread: pthread_t?

    /// Longest request head read; a scraper sends a few hundred bytes.
    static let requestLimit = 8192

    /// Binds and listens at once, so a port in use stops the daemon at start, not later.
    init(address: ListenAddress, respond: @escaping @Sendable (String) -> HTTPResponse) throws(DaemonError) {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        let failure = { (what: String) in DaemonError("cannot serve metrics on \(address): \(what)") }
        let rc = getaddrinfo(address.host, String(address.port), &hints, &info)
        guard rc == 0, let info else { throw failure(String(cString: gai_strerror(rc))) }
        defer { freeaddrinfo(info) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(String(cString: strerror(errno))) }
        var on: Int32 = 1
        // A restarted daemon must not wait for the old connections' TIME_WAIT to bind again.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw failure(reason)
        }
        listener = fd
        self.respond = respond
    }

    func start() throws(DaemonError) {
        thread = try startThread("metrics") { self.serve() }
    }

    /// Ends the thread: shutting the listening socket down makes its `accept` return.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        if let thread { pthread_join(thread, nil) }
        thread = nil
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            answer(connection)
            close(connection)
        }
    }

    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = readHead(connection) else { return }
        // "GET /metrics?x=1 HTTP/1.1": the method, and the path without its query.
        // Scalars, not Characters: "\r\n" is one Character.
        let words = String(head.unicodeScalars.prefix { $0 != "\r" && $0 != "\n" }).split(separator: " ")
        var response: HTTPResponse
        if words.count != 3 || !words[2].hasPrefix("HTTP/1.") {
            response = HTTPResponse(status: 400, body: "bad request\n")
        } else if words[0] != "GET" && words[0] != "HEAD" {
            response = HTTPResponse(status: 405, body: "only GET and HEAD\n")
        } else {
            response = respond(String(words[1].prefix { $0 != "?" }))
        }
        let body = Array(response.body.utf8)
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        text += "Content-Type: \(response.contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        if response.status == 405 { text += "Allow: GET, HEAD\r\n" }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if words.first != "HEAD" { bytes += body }
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            sent += count
        }
    }

    /// The request up to its blank line, or `nil` if the client closed, stalled, or sent too much.
    private func readHead(_ connection: Int32) -> String? {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while head.count < Self.requestLimit {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            head += buffer[..<count]
            if containsBlankLine(head) {
                return String(decoding: head, as: UTF8.self)
            }
        }
        return nil
    }

    private func containsBlankLine(_ bytes: [UInt8]) -> Bool {
        bytes.indices.dropLast(3).contains { bytes[$0..<$0 + 4].elementsEqual("\r\n\r\n".utf8) }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 503: "Service Unavailable"
        default: ""
        }
    }
}
