/// Placeholder until the codec lands: rejects every frame.
public enum Decentlab {
    public static func decode(_ device: DeviceModel, _ frame: UnsafeRawBufferPointer) throws(DecodeError) -> Reading {
        throw DecodeError("codec not implemented yet")
    }
}
