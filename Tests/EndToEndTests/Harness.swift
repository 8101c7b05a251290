import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A free TCP port on 127.0.0.1, found by letting the kernel pick one.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Int32 in
            guard bind(fd, sa, length) == 0 else { return -1 }
            return getsockname(fd, sa, &length)
        }
    }
    guard bound == 0 else { throw HarnessError("cannot find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("floodgauge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A child process whose output goes to a file, killed when the test ends.
///
/// Spawned with `posix_spawn` and an empty signal mask: Foundation's `Process` passes on the mask
/// of the test runner's worker thread, where SIGTERM is blocked, and a daemon's reaction to
/// SIGTERM is exactly what the tests need to see.
final class Child {
    let pid: pid_t
    let outputPath: String
    private var status: Int32?

    /// - Parameter environment: variables set for the child on top of this process's environment.
    init(_ executable: String, _ arguments: [String], output: String, environment: [String: String] = [:]) throws {
        outputPath = output
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let envp = variables.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw HarnessError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
        status = raw
        return false
    }

    /// Sends `signal` and waits for the exit; returns the exit code (128 + signal if it was killed).
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if isRunning { kill(pid, signal) }
        return wait()
    }

    /// Waits for the exit; returns the exit code (128 + signal if it was killed).
    func wait() -> Int32 {
        if status == nil {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = raw
        }
        let raw = status!
        return raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    }

    deinit { stop(signal: SIGKILL) }
}

/// Runs the built `floodgauge` with `arguments` to completion: its exit code and what it printed (stdout and
/// stderr, which is a file here: never a terminal).
func floodgauge(
    _ arguments: String..., environment: [String: String] = [:], in scratch: ScratchDirectory
) throws -> (code: Int32, output: String) {
    let child = try Child(
        try floodgaugeBinary(), arguments, output: scratch.path("cli-\(UUID().uuidString).out"),
        environment: environment)
    let code = child.wait()
    return (code, child.output.trimmingCharacters(in: .newlines))
}

/// Finds a program on PATH.
func which(_ name: String) throws -> String {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/sbin").split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    for directory in ["/usr/sbin", "/sbin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
        return "\(directory)/\(name)"
    }
    throw HarnessError("\(name) is not installed (scripts/install-deps installs it)")
}

/// The floodgauge binary SwiftPM built beside this test bundle.
func floodgaugeBinary() throws -> String {
    let testBinary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    var directory = testBinary.deletingLastPathComponent()
    // The test runner may live inside a bundle directory below the products directory.
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("floodgauge").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw HarnessError("floodgauge binary not found near \(testBinary.path)")
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// A private mosquitto on a free loopback port.
final class Broker {
    let port: Int
    /// What the test's clients (`mosquitto_pub`, `mosquitto_sub`) add to connect: TLS files, a login.
    var clientArguments: [String] = []
    private let config: String
    private let log: String
    private var child: Child

    /// - Parameter settings: mosquitto.conf lines added to the defaults.
    init(in scratch: ScratchDirectory, settings: [String] = []) throws {
        port = try freeLoopbackPort()
        config = scratch.path("mosquitto.conf")
        log = scratch.path("mosquitto.log")
        try (["listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false"] + settings)
            .map { $0 + "\n" }.joined()
            .write(toFile: config, atomically: true, encoding: .utf8)
        child = try Self.start(config: config, port: port, log: log)
    }

    private static func start(config: String, port: Int, log: String) throws -> Child {
        let child = try Child(try which("mosquitto"), ["-c", config], output: log)
        guard eventually(seconds: 10, { accepts(port: port) }) else {
            throw HarnessError("mosquitto did not start: \(child.output)")
        }
        return child
    }

    /// Stops the broker as its service would be stopped (SIGTERM: a persistent broker saves its sessions and their
    /// queued messages) and starts it again on the same port.
    func restart() throws {
        child.stop()
        child = try Self.start(config: config, port: port, log: log + ".\(Date().timeIntervalSince1970)")
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Publishes with the real `mosquitto_pub` client at QoS 1.
    func publish(topic: String, message: String, retain: Bool = false) throws {
        let pub = Process()
        pub.executableURL = URL(fileURLWithPath: try which("mosquitto_pub"))
        pub.arguments =
            ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-m", message] + (retain ? ["-r"] : [])
            + clientArguments
        try pub.run()
        pub.waitUntilExit()
        guard pub.terminationStatus == 0 else { throw HarnessError("mosquitto_pub failed") }
    }

    /// Publishes each line of `file` as one message at QoS 1, with one real `mosquitto_pub -l`: thousands of messages
    /// a second, where a process per message manages a few hundred.
    func publishLines(topic: String, file: String) throws {
        let pub = Process()
        pub.executableURL = URL(fileURLWithPath: try which("mosquitto_pub"))
        pub.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-l"] + clientArguments
        pub.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        try pub.run()
        pub.waitUntilExit()
        guard pub.terminationStatus == 0 else { throw HarnessError("mosquitto_pub -l failed") }
    }

    /// A real `mosquitto_sub` printing every message on `filter` as one line.
    func subscribe(_ filter: String, output: String) throws -> Child {
        let sub = try Child(
            try which("mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", filter, "-F", "%t %p"] + clientArguments,
            output: output)
        return sub
    }

    /// The message retained on `topic`, read by a fresh `mosquitto_sub`; `nil` if there is none within a second.
    func retained(_ topic: String) throws -> String? {
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: try which("mosquitto_sub"))
        sub.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-t", topic, "-C", "1", "-W", "1", "--retained-only"]
            + clientArguments
        let pipe = Pipe()
        sub.standardOutput = pipe
        try sub.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        sub.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        return text.isEmpty ? nil : text
    }

    deinit { child.stop(signal: SIGKILL) }
}

/// A daemon config with one TTN source on `v3/<name>/devices/+/up`, alerts on `<name>/…`, and one gauge (DevEUI
/// 70B3D57ED0001234, no stages unless given), its database and alert log in `scratch`; returns the config's path.
///
/// - Parameters:
///   - mqtt: more `[mqtt]` lines (TLS files, a login, the protocol).
///   - extra: more sections, such as `[metrics]`.
///   - file: the config's name in `scratch`, for tests that need two.
///   - gauge: more lines for the gauge (holds, thresholds).
func oneGaugeConfig(
    in scratch: ScratchDirectory, port: Int, name: String, mqtt: [String] = [], extra: String = "",
    file: String = "floodgauge.toml", database: String = "floodgauge.db", distanceToDatumMM: Int = 7200,
    gauge: [String] = [], stages: String = "[]"
) throws -> String {
    let config = scratch.path(file)
    try """
        [mqtt]
        port = \(port)
        client_id = "floodgauge-\(name)"
        prefix = "\(name)"
        \(mqtt.joined(separator: "\n"))

        [[source]]
        topic = "v3/\(name)/devices/+/up"
        format = "ttn-v3"

        [storage]
        database = "\(database)"

        [alerts]
        log = "alerts.log"

        [[gauge]]
        id = "kyll-kordel"
        name = "Kyll bei Kordel"
        dev_eui = "70B3D57ED0001234"
        distance_to_datum_mm = \(distanceToDatumMM)
        # Test uplinks reach back hours or days: silence on the wall clock is not what these tests are about.
        stale_after = "30d"
        \(gauge.joined(separator: "\n"))
        stages = \(stages)

        \(extra)
        """.write(toFile: config, atomically: true, encoding: .utf8)
    return config
}
