import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small tmpfs, so a test can fill the disk under the daemon or its checkpoints; mounting needs root, which CI has.
public final class SmallFileSystem {
    public let path: String

    /// Mounts `bytes` of tmpfs at `path` (created if missing); `nil` when mounting is not allowed here.
    public init?(at path: String, bytes: Int) {
        self.path = path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path]) else { return nil }
    }

    /// Free bytes for an unprivileged writer.
    public var available: Int {
        var stats = statvfs()
        statvfs(path, &stats)
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    deinit { _ = Self.run("/bin/umount", [path]) }

    public static var canMount: Bool {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("mount-probe-\(getpid())").path
        return SmallFileSystem(at: probe, bytes: 65536) != nil
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
