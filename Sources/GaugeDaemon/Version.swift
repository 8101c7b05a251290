/// floodgauge's release, as the status topic and the metrics report it.
public enum FloodgaugeVersion {
    public static let text = "0.1.0"
}
