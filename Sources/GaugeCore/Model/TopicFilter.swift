/// MQTT topic filters (MQTT 3.1.1 §4.7): which source a message belongs to when it was not received through a
/// subscription, as in a capture file.
public enum TopicFilter {
    /// Whether `topic` matches `filter`: `+` stands for one level, a final `#` for any number (none too), and
    /// wildcards at the start never match the broker's own `$…` topics.
    public static func matches(_ filter: String, _ topic: String) -> Bool {
        if topic.hasPrefix("$") && (filter.hasPrefix("+") || filter.hasPrefix("#")) { return false }
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in filterLevels.enumerated() {
            if level == "#" { return true }
            guard index < topicLevels.count, level == "+" || level == topicLevels[index] else { return false }
        }
        return filterLevels.count == topicLevels.count
    }
}
