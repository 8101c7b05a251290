/// Placeholder until the codec lands: rejects every frame.
public enum DraginoLMDS200 {
    public static func decode(_ device: DeviceModel, fPort: UInt8?, _ frame: UnsafeRawBufferPointer) throws(DecodeError) -> Reading {
        throw DecodeError("codec not implemented yet")
    }
}
