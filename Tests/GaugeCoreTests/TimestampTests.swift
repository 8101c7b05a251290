import Testing

@testable import GaugeCore

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-22T10:00:00Z", 1_795_341_600_000),
        ("2026-11-22T10:00:00.123Z", 1_795_341_600_123),
        ("2022-07-18T09:34:15.775023242+00:00", 1_658_136_855_775),
        ("2020-02-12T15:15:45.789585559Z", 1_581_520_545_789),
        ("2026-11-22T11:00:00+01:00", 1_795_341_600_000),
        ("1969-12-31T23:59:59.5Z", -500),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
    ] as [(String, Int64)])
    func parsesRFC3339(text: String, milliseconds: Int64) {
        #expect(Timestamp.parseRFC3339(text)?.unixMilliseconds == milliseconds)
    }

    @Test(arguments: [
        "", "2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2026-11-22T24:00:00Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00Zjunk", "2026-11-22T10:00:00+0100",
    ])
    func rejectsWhatIsNotRFC3339(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test(arguments: [Int64(0), 1_795_341_600_123, -500, 951_782_400_000, 4_102_444_800_000])
    func formatsAndParsesBackExactly(milliseconds: Int64) {
        let time = Timestamp(unixMilliseconds: milliseconds)
        #expect(Timestamp.parseRFC3339(time.rfc3339) == time)
    }

    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp(unixMilliseconds: 1_795_341_600_123).rfc3339 == "2026-11-22T10:00:00.123Z")
        #expect(Timestamp(unixMilliseconds: -500).rfc3339 == "1969-12-31T23:59:59.500Z")
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("90s", 90), ("15m", 900), ("2h", 7200), ("7d", 604_800), ("1h30m", 5400), ("1d2h3m4s", 93_784), ("0s", 0),
    ] as [(String, Int64)])
    func readsWhatOperatorsWrite(text: String, seconds: Int64) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "15", "m", "15 m", "1m1h", "1h1h", "-5m", "1.5h", "15min", "99999999999999999999s"])
    func rejectsAnythingElse(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}

extension DurationTextTests {
    @Test(arguments: [0, 59, 60, 5400, 86_400, 93_784] as [Int64])
    func formatsWhatItReads(seconds: Int64) {
        #expect(DurationText.seconds(DurationText.format(seconds)) == seconds)
    }
}
