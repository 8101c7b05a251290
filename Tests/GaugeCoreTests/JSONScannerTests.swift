import Foundation
import GaugeCore
import Testing

/// A scan's outcome: for each value at one of `fields`' paths, the field's label and the value.
private func scan(_ bytes: [UInt8], fields: JSONFieldSet<String> = [:]) -> Result<[String], DecodeError> {
    bytes.withUnsafeBytes { text in
        Result { () throws(DecodeError) in
            var visits: [String] = []
            try JSONScanner.scan(text, fields: fields) { field, value in visits.append("\(field)=\(describe(value))") }
            return visits
        }
    }
}

private func scan(_ text: String, fields: JSONFieldSet<String> = [:]) -> Result<[String], DecodeError> {
    scan(Array(text.utf8), fields: fields)
}

private func describe(_ value: JSONValue) -> String {
    switch value {
    case .object: "{"
    case .array: "["
    case .string(let string): "\"" + string.withUTF8 { String(decoding: $0, as: UTF8.self) } + "\""
    case .number(let number): String(decoding: number.text, as: UTF8.self)
    case .bool(let bool): "\(bool)"
    case .null: "null"
    }
}

/// Runs `body` on the single value of `text`.
private func withValue<R>(_ text: String, _ body: (JSONValue) -> R) throws -> R {
    var result: R?
    try Array(text.utf8).withUnsafeBytes { bytes in
        try JSONScanner.scan(bytes, fields: ["top": ""]) { _, value in result = body(value) }
    }
    return try #require(result)
}

private func double(_ text: String) throws -> Double? {
    try withValue(text) { value -> Double? in if case .number(let number) = value { number.double } else { nil } }
}

private func integer<T: FixedWidthInteger>(_ text: String, as: T.Type) throws -> T? {
    try withValue(text) { value -> T? in if case .number(let number) = value { number.integer(as: T.self) } else { nil }
    }
}

private func nested(_ depth: Int) -> String {
    String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
}

@Suite struct JSONScannerTests {
    @Test(arguments: [
        (#"{"a":1 "b":2}"#, "invalid JSON: expected ',' or '}'"),
        ("[1 2]", "invalid JSON: expected ',' or ']'"),
        (#"{"a":1,}"#, "invalid JSON: trailing comma"),
        ("[1,]", "invalid JSON: trailing comma"),
        ("[1,,2]", "invalid JSON: expected a value"),
        ("[,1]", "invalid JSON: expected a value"),
        (#"{"a":}"#, "invalid JSON: expected a value"),
        (#"{"a" 1}"#, "invalid JSON: expected ':'"),
        ("{1:2}", "invalid JSON: expected a member name"),
        ("{'a':1}", "invalid JSON: expected a member name"),
        (#"{"a":1"#, "invalid JSON: unexpected end"),
        ("[1,2", "invalid JSON: unexpected end"),
        ("[", "invalid JSON: unexpected end"),
        ("", "invalid JSON: unexpected end"),
        (" \n\t ", "invalid JSON: unexpected end"),
        (#"{"a":"x"#, "invalid JSON: unterminated string"),
        (#"{"a\"#, "invalid JSON: bad escape"),
        (#""\x""#, "invalid JSON: bad escape"),
        (#""\'""#, "invalid JSON: bad escape"),
        (#""\u12G4""#, "invalid JSON: bad escape"),
        (#""\u12""#, "invalid JSON: bad escape"),
        ("\"a\tb\"", "invalid JSON: control character in string"),
        ("\"a\nb\"", "invalid JSON: control character in string"),
        ("\"\u{0}\"", "invalid JSON: control character in string"),
        ("{} {}", "invalid JSON: trailing characters after the value"),
        ("1 2", "invalid JSON: trailing characters after the value"),
        (#"{"a":1}}"#, "invalid JSON: trailing characters after the value"),
        ("0x10", "invalid JSON: trailing characters after the value"),
        ("01", "invalid JSON: bad number"),
        ("-01", "invalid JSON: bad number"),
        ("1.", "invalid JSON: bad number"),
        ("1.e5", "invalid JSON: bad number"),
        ("-", "invalid JSON: bad number"),
        ("-a", "invalid JSON: bad number"),
        ("1e", "invalid JSON: bad number"),
        ("1e+", "invalid JSON: bad number"),
        (".5", "invalid JSON: expected a value"),
        ("+1", "invalid JSON: expected a value"),
        ("NaN", "invalid JSON: expected a value"),
        ("Infinity", "invalid JSON: expected a value"),
        ("tru", "invalid JSON: expected a value"),
        ("nul", "invalid JSON: expected a value"),
        ("True", "invalid JSON: expected a value"),
        ("\u{FEFF}{}", "invalid JSON: expected a value"),
        (nested(33), "invalid JSON: nested too deeply"),
        (
            String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33),
            "invalid JSON: nested too deeply"
        ),
    ])
    func rejectsInvalidJSON(text: String, reason: String) {
        #expect(scan(text).failureReason == reason)
    }

    @Test(
        arguments: [
            ([0x22, 0xFF, 0x22], "a byte that never starts UTF-8"),
            ([0x22, 0xC0, 0xAF, 0x22], "overlong /"),
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], "overlong three-byte /"),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], "a UTF-16 surrogate"),
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "past U+10FFFF"),
            ([0x22, 0xE2, 0x82, 0x22], "a cut sequence"),
            ([0x22, 0x80, 0x22], "a lone continuation byte"),
        ] as [([UInt8], String)]
    )
    func rejectsBadUTF8(bytes: [UInt8], what: String) {
        #expect(scan(bytes).failureReason == "invalid JSON: bad UTF-8", "\(what)")
    }

    @Test(arguments: [
        "{}", "[]", "0", "-0", "1E+2", "-1.5e-3", "true", "null", #""""#, "\"€ 𝄞 ü\"", #""\ud83d\ude00 \udead""#,
        #" {"a" : [ 1 , -0.5e-3 , true , false , null , "x" , { } , [ ] ] } "#, "\r\n[\t1\r\n]\n",
        #""\"\\\/\b\f\n\r\t\u00E9""#, nested(32),
        String(repeating: #"{"a":"#, count: 32) + "1" + String(repeating: "}", count: 32),
    ])
    func acceptsValidJSON(text: String) {
        #expect(scan(text).failureReason == nil)
    }

    @Test func reportsTheValuesAtTheFieldsInDocumentOrder() throws {
        let visits = try scan(
            #"{"a":{"b":[1,{"c":"x"}],"d":null},"e":[],"f":{"c":true}}"#,
            fields: [
                "top": "", "a": "a", "a.b": "a.b", "a.b[]": "a.b[]", "a.b[].c": "a.b[].c", "a.d": "a.d", "e": "e",
                "e[]": "e[]", "f": "f", "f.c": "f.c",
            ]
        ).get()
        #expect(
            visits == [
                "top={", "a={", "a.b=[", "a.b[]=1", "a.b[]={", "a.b[].c=\"x\"", "a.d=null", "e=[", "f={", "f.c=true",
            ]
        )
    }

    @Test func fieldsMatchWholeNamesOnly() throws {
        let text = #"{"ab":{"c":1},"a":{"bc":2,"b":3},"x":[[3]],"abc":4}"#
        let visits = try scan(text, fields: ["ab.c": "ab.c", "a.bc": "a.bc", "x[][]": "x[][]", "ab": "ab"]).get()
        #expect(visits == ["ab={", "ab.c=1", "a.bc=2", "x[][]=3"])
    }

    @Test func fieldsMatchByDepth() throws {
        // The same name at other depths, or under another parent, is another path.
        let text = #"{"rssi":1,"a":{"rssi":2,"b":{"rssi":3}},"b":{"rssi":4},"c":[{"rssi":5}]}"#
        let visits = try scan(text, fields: ["rssi": "rssi", "a.b.rssi": "a.b.rssi", "c[].rssi": "c[].rssi"]).get()
        #expect(visits == ["rssi=1", "a.b.rssi=3", "c[].rssi=5"])
    }

    @Test func fieldsMatchInEveryElementOfAnArrayOfObjects() throws {
        let text = #"[{"g":{"id":"a"},"rssi":-1,"snr":2},{},{"snr":3},{"rssi":[-4],"snr":{"rssi":5}}]"#
        let visits = try scan(text, fields: ["rssi": "[].rssi", "snr": "[].snr", "id": "[].g.id"]).get()
        #expect(visits == ["id=\"a\"", "rssi=-1", "snr=2", "snr=3", "rssi=[", "snr={"])
    }

    @Test func fieldsInsideTheirOwnFieldsAreReportedToo() throws {
        let text = #"{"u":{"p":1,"m":[{"r":2}]}}"#
        let visits = try scan(text, fields: ["u": "u", "p": "u.p", "m": "u.m", "r": "u.m[].r"]).get()
        #expect(visits == ["u={", "p=1", "m=[", "r=2"])
    }

    @Test func nothingOutsideTheFieldsIsReportedButAllIsValidated() throws {
        // `b` is a dead subtree: its members share names with the fields, yet only `a.x` and `a.y` are reported.
        let text = #"{"b":{"x":1,"a":{"x":2},"y":[{"x":3}]},"a":{"y":"z","q":{"x":4},"x":5}}"#
        #expect(try scan(text, fields: ["x": "a.x", "y": "a.y"]).get() == ["y=\"z\"", "x=5"])
        let broken = #"{"b":{"x":1,"a":{"x":2},"y":[{"x":3},]},"a":{"x":5}}"#
        #expect(scan(broken, fields: ["x": "a.x"]).failureReason == "invalid JSON: trailing comma")
    }

    @Test func escapedMemberNamesMatchTheirText() throws {
        let text = #"{"f\u005fport":1,"\u00e9":2,"u":{"\u0072ssi":3,"rss\u0069x":4},"f_port\n":5}"#
        let visits = try scan(text, fields: ["port": "f_port", "e": "é", "rssi": "u.rssi"]).get()
        #expect(visits == ["port=1", "e=2", "rssi=3"])
    }

    @Test func namesOfEveryLengthCompareWhole() throws {
        // Names compare eight bytes at a time: differences in the first, middle and last word all count.
        let text = #"{"abcdefgh":1,"abcdefgX":2,"abcdefghijklmnopq":3,"abcdefghiXklmnopq":4,"abcdefghijklmnopX":5}"#
        let visits = try scan(text, fields: ["8": "abcdefgh", "17": "abcdefghijklmnopq", "X": "Xbcdefgh"]).get()
        #expect(visits == ["8=1", "17=3"])
    }

    @Test func unescapesStrings() throws {
        let text = try withValue(#""\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00\udead!""#) { value -> [UInt8] in
            if case .string(let string) = value { string.withUTF8 { Array($0) } } else { [] }
        }
        #expect(text == Array("\"\\/\u{8}\u{C}\n\r\t\u{E9}€😀\u{FFFD}!".utf8))
    }

    @Test func stringsWithoutEscapesAreReadInPlace() throws {
        let bytes = Array(#"{"k":"value"}"#.utf8)
        try bytes.withUnsafeBytes { text in
            var offset: Int?
            try JSONScanner.scan(text, fields: ["k": "k"]) { _, value in
                if case .string(let string) = value {
                    #expect(!string.hasEscapes)
                    offset = string.withUTF8 { $0.baseAddress! - text.baseAddress! }
                }
            }
            #expect(offset == 6)
        }
    }

    @Test(
        arguments: [
            ("255", 255), ("0", 0), ("-0", 0), ("256", nil), ("-1", nil), ("1.0", nil), ("1e2", nil),
        ] as [(String, UInt8?)]
    )
    func readsIntegers(text: String, expected: UInt8?) throws {
        #expect(try integer(text, as: UInt8.self) == expected)
    }

    @Test func readsSignedIntegersToTheirLimits() throws {
        #expect(try integer("-128", as: Int8.self) == -128)
        #expect(try integer("127", as: Int8.self) == 127)
        #expect(try integer("-129", as: Int8.self) == nil)
        #expect(try integer("128", as: Int8.self) == nil)
    }

    /// Every conversion must give the nearest double, the same as the standard library's parser.
    @Test(arguments: [
        "-35", "10.5", "-7.25", "0.1", "0.30000000000000004", "1e2", "1E-3", "-0", "37.97155556731436",
        "123456789012345678901234567890", "9007199254740993", "1.7976931348623157e308", "5e-324",
        "2.2250738585072014e-308", "1e22", "1e23", "0.000001", "1e400", "-1e400", "1e-400",
    ])
    func readsDoubles(text: String) throws {
        let expected = try #require(Double(text))
        let actual = try #require(try double(text))
        #expect(actual == expected && actual.sign == expected.sign, "\(actual) for \(text)")
    }
}
