#if canImport(Glibc)
    import Glibc
#endif

/// The little of file paths and files the config needs, on the C library: Foundation would add about 5 MB of shared
/// libraries to every floodgauge process for these few lines.
enum FilePaths {
    /// `path` as an absolute path without `.`, `..` or repeated slashes; a relative one starts from `directory`.
    static func absolute(_ path: String, from directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The absolute directory `file` is in; a relative `file` is taken from the working directory.
    static func directory(of file: String) -> String {
        let path = absolute(file, from: workingDirectory)
        return path == "/" ? "/" : absolute("..", from: path)
    }

    private static var workingDirectory: String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// The file's bytes, or the system's reason it cannot be read ("No such file or directory").
    static func contents(of path: String) -> Result<[UInt8], FileError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(FileError()) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return .success(bytes) }
            guard count > 0 else {
                if errno == EINTR { continue }
                return .failure(FileError())
            }
            bytes += chunk[..<count]
        }
    }

    /// `errno` as the system words it, taken when the error happened.
    struct FileError: Error {
        let reason = String(cString: strerror(errno))
    }
}
