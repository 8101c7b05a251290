import Foundation
import Testing

/// Every input a fuzz target once failed on (`scripts/fuzz`, README "Fuzzing"), replayed through that target's
/// own checks (`FuzzTarget.swift`, shared with `Fuzz/`). Each runs in a child process, so an input that crashes
/// again fails its own test instead of ending the whole run; `FUZZ_TARGET=<target> FuzzGauge <file>` shows why.
@Suite struct FuzzRegressionTests {
    /// `Tests/Fixtures/fuzz-regressions/<target>-<what it broke>`: the bytes libFuzzer saved, unchanged.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-regressions", isDirectory: true)

    /// A missing directory stops the run loudly: an empty list would pass.
    static let files: [String] = {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "README.md" }
                .sorted()
        } catch {
            fatalError("cannot list \(directory.path): \(error)")
        }
    }()

    @Test(arguments: files)
    func replay(_ file: String) async throws {
        let target = try #require(
            FuzzTarget.allCases.first { file.hasPrefix($0.name + "-") },
            "name it <target>-<what it broke>, the target one of \(FuzzTarget.allCases.map(\.name))"
        )
        let input = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(file)))
        // An exit test's captures must spell out their types.
        await #expect(processExitsWith: .success) { [name = target.name as String, input = input as [UInt8]] in
            input.withUnsafeBytes { FuzzTarget(name: name)?.run($0) }
        }
    }
}
