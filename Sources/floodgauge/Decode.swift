import ArgumentParser
import GaugeCore

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode one payload and print it as JSON.",
        discussion: """
            Prints the reading model: kind, samples (offset_s and distance_mm, depth_mm or gap) and \
            what the device reports. A rejected frame prints {"kind":"error","error":"<reason>"} \
            and exits 1.
            """
    )

    @Option(help: "The payload codec: \(Codec.allCases.map(\.rawValue).joined(separator: ", ")).")
    var codec: String = Codec.mpscV1.rawValue

    @Option(help: "The device model, which vendor codecs need: \(DeviceModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var device: String?

    @Option(name: .customLong("fport"), help: "The LoRaWAN FPort the frame arrived on.")
    var fPort: UInt8?

    @Option(name: .customLong("base64"), help: "The payload as base64 instead of hex.")
    var base64: String?

    @Argument(help: "The payload as hex digits, in one word or several (`11 03 00 2A …`).")
    var hex: [String] = []

    func validate() throws {
        guard hex.isEmpty != (base64 == nil) else {
            throw ValidationError("give the payload either as HEX or with --base64")
        }
        guard let codec = Codec(rawValue: codec) else {
            throw ValidationError("unknown codec '\(codec)'; known: \(Codec.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let device {
            guard let model = DeviceModel(rawValue: device) else {
                throw ValidationError("unknown device model '\(device)'")
            }
            guard model.codec == codec else {
                throw ValidationError("device '\(device)' belongs to codec \(model.codec.rawValue), not \(codec.rawValue)")
            }
        } else if codec != .mpscV1 {
            let models = codec.devices.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("codec \(codec.rawValue) needs --device: one of \(models)")
        }
    }

    func run() throws {
        var bytes = [UInt8](repeating: 0, count: 512)
        let count: Int
        do {
            count = try bytes.withUnsafeMutableBytes { buffer in
                if let base64 {
                    return try Array(base64.utf8).withUnsafeBytes { try Base64.decode($0, into: buffer) }
                }
                return try Hex.decode(hex.joined().filter { !$0.isWhitespace }, into: buffer)
            }
        } catch {
            throw CommandFailure(message: "cannot read the payload: \(error)", code: Exit.usage)
        }
        let codec = Codec(rawValue: codec)!
        let device = device.flatMap(DeviceModel.init(rawValue:))
        do {
            let reading = try bytes.withUnsafeBytes { buffer throws(DecodeError) in
                try PayloadDecoder.decode(
                    codec, device: device, fPort: fPort, UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            print(reading.json)
        } catch {
            print(Reading.errorJSON(reason: "\(error)"))
            throw ExitCode(Exit.badInput)
        }
    }
}
