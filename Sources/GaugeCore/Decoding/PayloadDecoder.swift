/// Turns an FRMPayload into a reading with the codec a gauge is configured with.
public enum PayloadDecoder {
    /// Decodes `bytes` with `codec`.
    ///
    /// - Parameters:
    ///   - device: the device model, for vendor codecs whose layout differs by model; `mpsc-v1` ignores it.
    ///   - fPort: the uplink's FPort, for vendor codecs that send different frames on different ports; `nil`
    ///     when the envelope did not carry one. `mpsc-v1` ignores it: its first byte says what the frame is.
    /// - Throws: the codec's reason for rejecting the frame.
    public static func decode(
        _ codec: Codec,
        device: String?,
        fPort: UInt8?,
        _ bytes: UnsafeRawBufferPointer
    ) throws(DecodeError) -> Reading {
        switch codec {
        case .mpscV1: try MPSCv1.decode(bytes)
        }
    }
}
