/// An MQTT topic filter (MQTT 3.1.1 §4.7): which subscription a message arrived on, or which source a captured
/// message belongs to. Matches the topic's bytes in place.
public struct TopicFilter: Sendable {
    private enum Level: Equatable {
        case exact([UInt8])
        /// `+`: any one level.
        case single
        /// `#`: any number of levels, none too; only last.
        case rest
    }

    private let levels: [Level]

    public init(_ filter: String) {
        levels = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { level in
            switch Array(level) {
            case [UInt8(ascii: "+")]: .single
            case [UInt8(ascii: "#")]: .rest
            case let bytes: .exact(bytes)
            }
        }
    }

    /// Whether `topic` (UTF-8) matches. Wildcards in the first level never match the broker's own `$…` topics.
    public func matches(_ topic: UnsafeRawBufferPointer) -> Bool {
        if topic.first == UInt8(ascii: "$"), levels.first == .single || levels.first == .rest { return false }
        var start = 0
        for level in levels {
            if level == .rest { return true }
            // The topic has fewer levels than the filter.
            guard start <= topic.count else { return false }
            var end = start
            while end < topic.count, topic[end] != UInt8(ascii: "/") { end += 1 }
            if case .exact(let bytes) = level {
                guard end - start == bytes.count, bytes.indices.allSatisfy({ topic[start + $0] == bytes[$0] }) else {
                    return false
                }
            }
            start = end + 1
        }
        // Every level of the topic was matched, none left over.
        return start == topic.count + 1
    }

    public func matches(_ topic: String) -> Bool {
        var topic = topic
        return topic.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }
}
