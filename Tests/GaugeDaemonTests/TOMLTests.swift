import Foundation
import GaugeCore
import Testing

@testable import GaugeDaemon

@Suite("TOML reader")
struct TOMLTests {
    @Test("strings: escapes, literal, multi-line, line-ending backslash")
    func strings() throws {
        let document = try TOMLTable.parse(
            #"""
            basic = "tab\there \"quoted\" \\ \u00FCber \U0001F30A"
            literal = 'C:\path\no escapes'
            multi = """
            Kyll
              bei Kordel"""
            joined = """\
                Meldestufe \
                1"""
            raw = '''
            first line
            'quoted' \n'''
            quotes = """two quotes at the end"""""
            "quoted key" = 1
            'literal key' = 2
            """#
        )
        #expect(document.string("basic") == "tab\there \"quoted\" \\ über 🌊")
        #expect(document.string("literal") == #"C:\path\no escapes"#)
        #expect(document.string("multi") == "Kyll\n  bei Kordel")
        #expect(document.string("joined") == "Meldestufe 1")
        #expect(document.string("raw") == "first line\n'quoted' \\n")
        #expect(document.string("quotes") == "two quotes at the end\"\"")
        #expect(document.integer("quoted key") == 1)
        #expect(document.integer("literal key") == 2)
    }

    @Test("numbers and booleans")
    func numbers() throws {
        let document = try TOMLTable.parse(
            """
            a = 1_000
            b = +17
            c = -42
            d = 0xDEAD_beef
            e = 0o755
            f = 0b1101
            g = 0
            h = 3.14
            i = -0.5e3
            j = 6.626E-34
            k = 1e6
            l = inf
            m = -inf
            n = nan
            o = true
            p = false
            """
        )
        #expect(document.integer("a") == 1000)
        #expect(document.integer("b") == 17)
        #expect(document.integer("c") == -42)
        #expect(document.integer("d") == 0xDEAD_BEEF)
        #expect(document.integer("e") == 0o755)
        #expect(document.integer("f") == 13)
        #expect(document.integer("g") == 0)
        #expect(document.float("h") == 3.14)
        #expect(document.float("i") == -500)
        #expect(document.float("j") == 6.626e-34)
        #expect(document.float("k") == 1e6)
        #expect(document.float("l") == .infinity)
        #expect(document.float("m") == -.infinity)
        #expect(document.float("n")?.isNaN == true)
        #expect(document.boolean("o") == true)
        #expect(document.boolean("p") == false)
    }

    @Test("tables, dotted keys, arrays of tables and inline tables nest as written")
    func structure() throws {
        let document = try TOMLTable.parse(
            """
            [mqtt]
            host = "broker"
            tls.ca = "/etc/ssl/ca.pem"
            tls.verify = true

            [deep.nested . table]
            x = 1

            [[gauge]]
            id = "a"
            [gauge.extra]
            note = "belongs to gauge a"

            [[gauge]]
            id = "b"
            stages = [ { name = "MS 1", enter_cm = 150 }, { name = "MS 2", enter_cm = 200 } ]
            point = { lat = 49.8, lon = 6.6, label.text = "Kordel" }
            """
        )
        #expect(document.string("mqtt.host") == "broker")
        #expect(document.string("mqtt.tls.ca") == "/etc/ssl/ca.pem")
        #expect(document.boolean("mqtt.tls.verify") == true)
        #expect(document.integer("deep.nested.table.x") == 1)

        let gauges = try #require(document.array("gauge"))
        #expect(gauges.count == 2)
        #expect(gauges[0].table?.string("id") == "a")
        #expect(gauges[0].table?.string("extra.note") == "belongs to gauge a")
        let second = try #require(gauges[1].table)
        #expect(second.array("stages")?.count == 2)
        #expect(second.array("stages")?[1].table?.integer("enter_cm") == 200)
        #expect(second.float("point.lat") == 49.8)
        #expect(second.string("point.label.text") == "Kordel")
        #expect(document.entries.map(\.key) == ["mqtt", "deep", "gauge"])
    }

    @Test("arrays over several lines, with comments and a trailing comma; inline tables over lines")
    func multiLineArrays() throws {
        let document = try TOMLTable.parse(
            """
            stages = [
                # lowest first
                { name = "Meldestufe 1", enter_cm = 150, clear_cm = 140 },  # Kordel
                {
                    name = "Meldestufe 2",
                    enter_cm = 200,
                    clear_cm = 190,
                },
            ]
            empty = [ ]
            mixed = [1, "two", [3.0]]
            """
        )
        let stages = try #require(document.array("stages"))
        #expect(stages.map(\.line) == [3, 4])
        #expect(stages[1].table?.entries.map(\.line) == [5, 6, 7])
        #expect(document.array("empty")?.isEmpty == true)
        #expect(document.array("mixed")?.count == 3)
        #expect(document["empty"]?.line == 10)
    }

    @Test("every key and value carries its line, also after multi-line strings and arrays")
    func lines() throws {
        let document = try TOMLTable.parse(
            """
            # comment
            first = 1

            text = \"\"\"
            one
            two\"\"\"
            after = true
            [section]
            inner = [
              1,
              2,
            ]
            last = "x"
            """
        )
        #expect(document["first"]?.line == 2)
        #expect(document["text"]?.line == 4)
        #expect(document["after"]?.line == 7)
        #expect(document["section"]?.line == 8)
        let section = try #require(document.table("section"))
        #expect(section.line == 8)
        #expect(section["inner"]?.line == 9)
        #expect(section.array("inner")?.map(\.line) == [10, 11])
        #expect(section["last"]?.line == 13)
    }

    @Test("CRLF line ends and a byte-order mark read like LF")
    func windowsLineEnds() throws {
        let document = try TOMLTable.parse("\u{FEFF}a = 1\r\n[t]\r\nb = \"x\" # c\r\n")
        #expect(document.integer("a") == 1)
        #expect(document["t"]?.line == 2)
        #expect(document.table("t")?["b"]?.line == 3)
    }

    struct SyntaxCase: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let message: String
        var testDescription: String { message }
    }

    @Test(
        "mistakes are reported with their line",
        arguments: [
            SyntaxCase(text: "a = 1\nb = 2\na = 3", line: 3, message: "key \"a\" is already set on line 1"),
            SyntaxCase(
                text: "[mqtt]\nhost = \"a\"\n\n[mqtt]\nport = 1",
                line: 4,
                message: "table [mqtt] is already defined on line 1"
            ),
            SyntaxCase(
                text: "[a]\nb.c = 1\n[a.b]",
                line: 3,
                message: "table [a.b] is already defined on line 2"
            ),
            SyntaxCase(
                text: "[a.b]\nx = 1\n[a]\nb.y = 2",
                line: 4,
                message: "cannot add to \"b\" with a dotted key: it is defined on line 1"
            ),
            SyntaxCase(
                text: "t = { a = 1 }\n[t.b]",
                line: 2,
                message: "\"t\" is already defined on line 1 and cannot be extended"
            ),
            SyntaxCase(
                text: "gauge = []\n[[gauge]]",
                line: 2,
                message: "cannot append to [[gauge]]: it is defined on line 1"
            ),
            SyntaxCase(
                text: "a = 1\nname = \"Kyll\n",
                line: 2,
                message: "unterminated string (use \"\"\" for text over several lines)"
            ),
            SyntaxCase(text: "x = 1\ntext = \"\"\"\nnever closed", line: 2, message: "unterminated multi-line string"),
            SyntaxCase(text: "a = \"\\q\"", line: 1, message: "invalid escape \\q in a string"),
            SyntaxCase(text: "a = \"\\uD800\"", line: 1, message: "\\u needs 4 hex digits of a Unicode scalar value"),
            SyntaxCase(text: "\n\nport = 01883", line: 3, message: "invalid value \"01883\""),
            SyntaxCase(text: "a = 1__000", line: 1, message: "invalid value \"1__000\""),
            SyntaxCase(text: "a = 1.", line: 1, message: "invalid value \"1.\""),
            SyntaxCase(text: "host = localhost", line: 1, message: "invalid value \"localhost\" (text needs quotes)"),
            SyntaxCase(
                text: "since = 2026-11-22T10:00:00Z",
                line: 1,
                message: "dates and times are not supported: 2026-11-22T10:00:00Z"
            ),
            SyntaxCase(text: "a = 1 2", line: 1, message: "expected the end of the line, found \"2\""),
            SyntaxCase(text: "a 1", line: 1, message: "expected \"=\" after the key a, found \"1\""),
            SyntaxCase(text: "a =", line: 1, message: "expected a value, found the end of the file"),
            SyntaxCase(
                text: "a = [\n1,\n2\n3]",
                line: 4,
                message: "expected \",\" or \"]\" in the array opened on line 1, found \"3\""
            ),
            SyntaxCase(text: "a = [1,,2]", line: 1, message: "expected a value, found \",\""),
            SyntaxCase(
                text: "[a\nb = 1",
                line: 1,
                message: "expected \"]\" to close the header, found the end of the line"
            ),
            SyntaxCase(
                text: "[[a]\n",
                line: 1,
                message: "expected \"]\" to close the [[header]], found the end of the line"
            ),
            SyntaxCase(text: "= 1", line: 1, message: "expected a key, found \"=\""),
            SyntaxCase(text: "a = 1 # bell \u{07}", line: 1, message: "control character U+0007 in a comment"),
        ]
    )
    func syntaxErrors(_ example: SyntaxCase) {
        #expect(throws: TOMLError(line: example.line, example.message)) {
            try TOMLTable.parse(example.text)
        }
    }
}

// MARK: - Reading the tree in tests

extension TOMLTable {
    /// The value at a dotted path of plain keys.
    fileprivate func value(_ path: String) -> TOMLValue? {
        var table = self
        let keys = path.split(separator: ".").map(String.init)
        for key in keys.dropLast() {
            guard case .table(let child)? = table[key]?.value.kind else { return nil }
            table = child
        }
        return table[keys[keys.count - 1]]?.value
    }

    fileprivate func string(_ path: String) -> String? { value(path).flatMap { String.converted(from: $0) } }
    fileprivate func integer(_ path: String) -> Int? { value(path).flatMap { Int.converted(from: $0) } }
    fileprivate func boolean(_ path: String) -> Bool? {
        guard case .boolean(let flag)? = value(path)?.kind else { return nil }
        return flag
    }
    fileprivate func float(_ path: String) -> Double? {
        guard case .float(let number)? = value(path)?.kind else { return nil }
        return number
    }
    fileprivate func array(_ path: String) -> [TOMLValue]? {
        guard case .array(let elements)? = value(path)?.kind else { return nil }
        return elements
    }
    fileprivate func table(_ path: String) -> TOMLTable? { value(path).flatMap { TOMLTable.converted(from: $0) } }
}

extension TOMLValue {
    fileprivate var table: TOMLTable? { TOMLTable.converted(from: self) }
}
