import CLibFuzzer
import GaugeCore
import Glibc

/// A libFuzzer binary for every target: `FUZZ_TARGET` picks one, and all arguments are libFuzzer's own
/// (flags, corpus directories, inputs to replay). Its `-fork` and `-jobs` children inherit the environment.
/// `FUZZ_TARGET=list` prints the targets, each vendor codec with its models in the order byte 0 picks them.
@main
enum FuzzMain {
    /// Set before libFuzzer starts and only read after: the callback is a C function and captures nothing.
    nonisolated(unsafe) static var target = FuzzTarget.codec(.mpscV1)

    static func main() {
        let name = getenv("FUZZ_TARGET").map { String(cString: $0) }
        if name == "list" {
            for target in FuzzTarget.allCases {
                switch target {
                case .codec(let codec):
                    print((["codec", codec.rawValue] + codec.devices.map(\.rawValue)).joined(separator: " "))
                case .envelope(let format): print("envelope", format.rawValue)
                case .captureLine: print("capture", target.name)
                }
            }
            exit(0)
        }
        guard let target = name.flatMap(FuzzTarget.init(name:)) else {
            let names = FuzzTarget.allCases.map(\.name).joined(separator: ", ")
            print("set FUZZ_TARGET to one of: \(names) (FUZZ_TARGET=list shows the device models too)")
            exit(2)
        }
        Self.target = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}

/// libFuzzer's conventional entry point, called with each input.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzMain.target.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
