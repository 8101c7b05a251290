/// Turns an FRMPayload into a reading with the codec a gauge is configured with.
public enum PayloadDecoder {
    /// Decodes `bytes` with `codec` into `reading`, which the caller keeps and reuses: a reading is a few hundred
    /// bytes of inline samples, and writing it in place instead of returning it through every layer of the codec
    /// is most of what makes a frame cheap to decode.
    ///
    /// - Parameters:
    ///   - device: the device model, which every vendor codec needs (its layout, constants and
    ///     distance-or-depth differ by model); `mpsc-v1` ignores it.
    ///   - fPort: the uplink's FPort, for vendor codecs that send different frames on different ports; `nil`
    ///     when the envelope did not carry one. `mpsc-v1` ignores it: its first byte says what the frame is.
    ///   - reading: overwritten with the frame's reading; unspecified when the frame is rejected.
    /// - Throws: the codec's reason for rejecting the frame.
    @inlinable
    public static func decode(
        _ codec: Codec,
        device: DeviceModel?,
        fPort: UInt8?,
        _ bytes: UnsafeRawBufferPointer,
        into reading: inout Reading
    ) throws(DecodeError) {
        // Each vendor codec checks that the model is one of its own; without a model none can decode.
        switch (codec, device) {
        case (.mpscV1, _): try MPSCv1.decode(bytes, into: &reading)
        case (.draginoLDDS, let device?): try DraginoLDDS.decode(device, fPort: fPort, bytes, into: &reading)
        case (.draginoLMDS200, let device?): try DraginoLMDS200.decode(device, fPort: fPort, bytes, into: &reading)
        case (.milesight, let device?): try Milesight.decode(device, bytes, into: &reading)
        case (.decentlab, let device?): try Decentlab.decode(device, bytes, into: &reading)
        case (.vegapulsAir, let device?): try VegapulsAir.decode(device, bytes, into: &reading)
        case (_, nil): throw DecodeError("vendor codec needs a device model")
        }
    }

    /// Decodes `bytes` into a new reading: for one-off decodes (`floodgauge decode`, tests).
    public static func decode(
        _ codec: Codec,
        device: DeviceModel?,
        fPort: UInt8?,
        _ bytes: UnsafeRawBufferPointer
    ) throws(DecodeError) -> Reading {
        var reading = Reading(kind: .measurement)
        try decode(codec, device: device, fPort: fPort, bytes, into: &reading)
        return reading
    }
}
