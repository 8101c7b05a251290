/// Turns an FRMPayload into a reading with the codec a gauge is configured with.
public enum PayloadDecoder {
    /// Decodes `bytes` with `codec`.
    ///
    /// - Parameters:
    ///   - device: the device model, which every vendor codec needs (its layout, constants and
    ///     distance-or-depth differ by model); `mpsc-v1` ignores it.
    ///   - fPort: the uplink's FPort, for vendor codecs that send different frames on different ports; `nil`
    ///     when the envelope did not carry one. `mpsc-v1` ignores it: its first byte says what the frame is.
    /// - Throws: the codec's reason for rejecting the frame.
    public static func decode(
        _ codec: Codec,
        device: DeviceModel?,
        fPort: UInt8?,
        _ bytes: UnsafeRawBufferPointer
    ) throws(DecodeError) -> Reading {
        if codec == .mpscV1 { return try MPSCv1.decode(bytes) }
        guard let device, device.codec == codec else { throw DecodeError("device model does not belong to the codec") }
        switch codec {
        case .mpscV1: return try MPSCv1.decode(bytes)
        case .draginoLDDS: return try DraginoLDDS.decode(device, fPort: fPort, bytes)
        case .draginoLMDS200: return try DraginoLMDS200.decode(device, fPort: fPort, bytes)
        case .milesight: return try Milesight.decode(device, bytes)
        case .decentlab: return try Decentlab.decode(device, bytes)
        case .vegapulsAir: return try VegapulsAir.decode(device, bytes)
        }
    }
}
