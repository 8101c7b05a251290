import Foundation
import GaugeCore
import Testing

/// The read-only vectors in `shared/`, which sits beside the repository (CI clones it there), or wherever
/// `FLOODGAUGE_SHARED` points.
enum SharedVectors {
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["FLOODGAUGE_SHARED"] {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // <repo>/Tests/GaugeCoreTests/SharedVectors.swift → <repo>/../shared
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
    }()

    /// A file's bytes. A missing file stops the run loudly: an empty vector list would pass every test.
    static func data(_ path: String) -> Data {
        let url = directory.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            fatalError("cannot read \(url.path): put shared/ beside the repository or set FLOODGAUGE_SHARED")
        }
        return data
    }

    static func json(_ path: String) -> JSON {
        do {
            return JSON(try JSONSerialization.jsonObject(with: data(path), options: [.fragmentsAllowed]))
        } catch {
            fatalError("\(path) is not JSON: \(error)")
        }
    }

    static let mpsc: [MPSCVector] = json("vectors/mpsc-v1.json")["vectors"].arrayValue.map(MPSCVector.init)
    static let envelopes: [EnvelopeVector] =
        json("vectors/envelopes/index.json")["envelopes"].arrayValue.map(EnvelopeVector.init)
    static let codecs: [CodecVector] = json("vectors/codecs.json")["vectors"].arrayValue.map(CodecVector.init)
}

/// One vendor frame of `codecs.json`.
struct CodecVector: Sendable, CustomTestStringConvertible {
    let id: String
    let codec: String
    let device: String
    let fPort: UInt8?
    let bytes: [UInt8]
    let expect: JSON

    init(_ json: JSON) {
        id = json["id"].stringValue
        codec = json["codec"].stringValue
        device = json["device"].stringValue
        fPort = json["fPort"].number.map { UInt8($0) }
        bytes = hexBytes(json["hex"].stringValue)
        expect = json["expect"]
    }

    var testDescription: String { id }
}

/// One frame of `mpsc-v1.json`.
struct MPSCVector: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let valid: Bool
    let expect: JSON
    /// The reason an invalid frame must be rejected for.
    let reason: String?

    init(_ json: JSON) {
        name = json["name"].stringValue
        bytes = hexBytes(json["hex"].stringValue)
        valid = json["valid"] == .bool(true)
        expect = json["expect"]
        reason = json["reason"].string
    }

    var testDescription: String { name }
}

/// One entry of `envelopes/index.json`.
struct EnvelopeVector: Sendable, CustomTestStringConvertible {
    let file: String
    let entry: JSON

    init(_ json: JSON) {
        file = json["file"].stringValue
        entry = json
    }

    var message: Data { SharedVectors.data("vectors/envelopes/" + file) }
    var testDescription: String { file }
}

/// A JSON document as test data: `Sendable`, so it can be a test argument, and keeping integers apart from
/// decimals, which `vectors/README.md` compares differently.
enum JSON: Sendable, Equatable, CustomStringConvertible {
    case object([String: JSON])
    case array([JSON])
    case string(String)
    case integer(Int64)
    case decimal(Double)
    case bool(Bool)
    case null

    /// Converts what `JSONSerialization` returns.
    init(_ value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let object as [String: Any]: self = .object(object.mapValues(JSON.init))
        case let array as [Any]: self = .array(array.map(JSON.init))
        case let number as NSNumber:
            // On Linux `NSNumber` bridges to Bool, Int and Double alike; its type code tells what was written.
            switch String(cString: number.objCType) {
            case "c", "B": self = .bool(number.boolValue)
            case "d", "f": self = .decimal(number.doubleValue)
            default: self = .integer(number.int64Value)
            }
        default: self = .null
        }
    }

    /// Parses JSON text, or records an issue and returns nil.
    init?(parsing text: String) {
        do {
            self.init(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
        } catch {
            Issue.record("not JSON (\(error)): \(text)")
            return nil
        }
    }

    subscript(key: String) -> JSON {
        if case .object(let object) = self, let value = object[key] { value } else { .null }
    }

    var string: String? { if case .string(let string) = self { string } else { nil } }
    var stringValue: String { string ?? "" }
    var arrayValue: [JSON] { if case .array(let array) = self { array } else { [] } }
    var keys: Set<String> { if case .object(let object) = self { Set(object.keys) } else { [] } }

    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .decimal(let value): value
        default: nil
        }
    }

    var description: String {
        switch self {
        case .object(let object):
            "{" + object.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        case .array(let array): "[" + array.map(\.description).joined(separator: ",") + "]"
        case .string(let string): "\"\(string)\""
        case .integer(let value): "\(value)"
        case .decimal(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }
}

/// Where `actual` differs from `expected` by the rules of `vectors/README.md` ("How a test compares"): only the
/// keys `expected` has are checked at the top level, a `null` there means absent or null, samples must have the
/// same keys, integers must be equal and decimals equal within 1e-6 relative.
func differences(actual: JSON, expected: JSON, at path: String = "", sameKeys: Bool = false) -> [String] {
    switch expected {
    case .object(let members):
        guard case .object(let actualMembers) = actual else { return ["\(path): \(actual) is not an object"] }
        var found: [String] = []
        if sameKeys, actual.keys != expected.keys {
            found.append("\(path): keys \(actual.keys.sorted()) instead of \(expected.keys.sorted())")
        }
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let actualValue = actualMembers[key] else {
                if value != .null { found.append("\(path).\(key): missing, expected \(value)") }
                continue
            }
            found += differences(actual: actualValue, expected: value, at: "\(path).\(key)")
        }
        return found
    case .array(let elements):
        let actualElements = actual.arrayValue
        guard case .array = actual, actualElements.count == elements.count else {
            return ["\(path): \(actual) instead of \(expected)"]
        }
        return zip(actualElements, elements).enumerated().flatMap { index, pair in
            differences(actual: pair.0, expected: pair.1, at: "\(path)[\(index)]", sameKeys: true)
        }
    case .integer(let value):
        return actual.number == Double(value) ? [] : ["\(path): \(actual) instead of \(value)"]
    case .decimal(let value):
        guard let number = actual.number, abs(number - value) <= 1e-6 * abs(value) else {
            return ["\(path): \(actual) instead of \(value)"]
        }
        return []
    case .string, .bool, .null:
        return actual == expected ? [] : ["\(path): \(actual) instead of \(expected)"]
    }
}

/// Bytes from hex digits (test data is well-formed).
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}

/// Uppercase hex of bytes, written independently of `Hex.format`.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02X", $0) }.joined()
}

extension Result {
    /// The rejection's reason, or nil when there was none.
    var failureReason: String? {
        if case .failure(let error) = self { "\(error)" } else { nil }
    }
}

/// The reading under the vectors' key names, mapped here independently of `Reading.json`. Vendor vectors list
/// no sample offsets (every vendor sample is at offset 0), so they compare without them.
func readingModel(_ reading: Reading, offsets: Bool = true) -> JSON {
    var model: [String: JSON] = ["kind": .string(reading.kind.rawValue)]
    model["samples"] = .array(
        reading.samples.map { sample in
            var object: [String: JSON] = offsets ? ["offset_s": .integer(Int64(sample.offsetSeconds))] : [:]
            switch sample.value {
            case .distance(let mm): object["distance_mm"] = .decimal(mm)
            case .depth(let mm): object["depth_mm"] = .decimal(mm)
            case .gap(let reason): object["gap"] = .string(reason.rawValue)
            }
            return .object(object)
        }
    )
    model["battery_mv"] = reading.batteryMillivolts.map { .integer(Int64($0)) }
    model["battery_pct"] = reading.batteryPercent.map { .integer(Int64($0)) }
    model["temperature_c"] = reading.temperatureCelsius.map(JSON.decimal)
    model["fault"] = reading.fault.map(JSON.bool)
    model["tilt"] = reading.tilt.map(JSON.bool)
    model["device_alarm"] = reading.deviceAlarm.map(JSON.bool)
    model["seq"] = reading.sequence.map { .integer(Int64($0)) }
    model["interval_s"] = reading.intervalSeconds.map { .integer(Int64($0)) }
    model["age_s"] = reading.ageSeconds.map { .integer(Int64($0)) }
    if let status = reading.status {
        model["fw_version"] = .string("\(status.firmwareMajor).\(status.firmwareMinor)")
        model["reset_cause"] = .string(status.resetCause.name)
        model["uptime_s"] = .integer(Int64(status.uptimeSeconds))
        model["signal_quality"] = .integer(Int64(status.signalQualityPercent))
    }
    return .object(model)
}
