import Foundation
import Testing

/// The commands as an operator types them: output and exit codes (0 ok, 1 bad input, 2 usage).
@Suite struct CLITests {
    @Test func decodePrintsTheReadingOfTheWorkedExample() throws {
        let scratch = try ScratchDirectory()
        let (code, output) = try floodgauge("decode", "11 03 00 2A 00 3C 03 00 05 0E 10 00 D7 0F A0 0F 82 0F 64", in: scratch)
        #expect(code == 0)
        let reading = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(reading?["kind"] as? String == "measurement")
        #expect(reading?["battery_mv"] as? Int == 3600)
        let samples = reading?["samples"] as? [[String: Int]]
        #expect(samples?.map { $0["distance_mm"] } == [4000, 3970, 3940])
        #expect(samples?.map { $0["offset_s"] } == [-125, -65, -5])
    }

    @Test func decodeTakesBase64AsTheEnvelopesCarryIt() throws {
        let scratch = try ScratchDirectory()
        let frame = Data([0x11, 0x00, 0x00, 0x01, 0x03, 0x84, 0x01, 0x00, 0x00, 0x14, 0x00])
        let (code, output) = try floodgauge("decode", "--base64", frame.base64EncodedString(), in: scratch)
        #expect(code == 0)
        #expect(output.contains(#""distance_mm":5120"#))
    }

    @Test func vendorFramesDecodeWithTheirDeviceModelAndPort() throws {
        let scratch = try ScratchDirectory()
        // LDDS75 on fPort 2: battery 0x0B45 = 2885 mV, distance 0x0AF0 = 2800 mm, no temperature probe.
        let ldds = try floodgauge(
            "decode", "--codec", "dragino-ldds", "--device", "ldds75", "--fport", "2", "0B45 0AF0 00 0000 01",
            in: scratch)
        #expect(ldds.code == 0)
        #expect(ldds.output == #"{"kind":"measurement","samples":[{"offset_s":0,"distance_mm":2800}],"battery_mv":2885}"#)
        // The same bytes on the datalog port are not a reading.
        let datalog = try floodgauge(
            "decode", "--codec", "dragino-ldds", "--device", "ldds75", "--fport", "3", "0B450AF000000001", in: scratch)
        #expect(datalog.code == 1)
        #expect(datalog.output == #"{"kind":"error","error":"unsupported datalog frame"}"#)
        // EM500-SWL reports the water column in cm: 0x03E8 = 1000 cm.
        let swl = try floodgauge("decode", "--codec", "milesight", "--device", "em500-swl", "0377E803", in: scratch)
        #expect(swl.output == #"{"kind":"measurement","samples":[{"offset_s":0,"depth_mm":10000}]}"#)
    }

    @Test func aRejectedFramePrintsItsReasonAndExitsOne() throws {
        let scratch = try ScratchDirectory()
        let (code, output) = try floodgauge("decode", "1103002A00", in: scratch)
        #expect(code == 1)
        #expect(output == #"{"kind":"error","error":"truncated"}"#)
    }

    @Test(arguments: [
        ["decode"],
        ["decode", "zz"],
        ["decode", "--codec", "foo", "11"],
        ["decode", "--codec", "milesight", "0175"],
        ["decode", "--codec", "milesight", "--device", "ldds75", "0175"],
        ["no-such-command"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let scratch = try ScratchDirectory()
        let child = try Child(try floodgaugeBinary(), arguments, output: scratch.path("out"))
        #expect(child.wait() == 2, "\(child.output)")
        #expect(!child.output.isEmpty)
    }

    @Test func checkConfigAcceptsTheShippedConfigs() throws {
        let scratch = try ScratchDirectory()
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Config").standardized
        for name in ["floodgauge.toml", "demo.toml"] {
            let (code, output) = try floodgauge("check-config", "--config", config.appendingPathComponent(name).path, in: scratch)
            #expect(code == 0, "\(output)")
        }
    }

    @Test func checkConfigListsEveryProblemWithFileAndLine() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("bad.toml")
        try """
            [mqtt]
            port = 70000
            prot = "v5"

            [[source]]
            topic = "v3/+/devices/+/up"
            format = "ttn-v2"

            [[gauge]]
            id = "Kyll"
            name = "Kyll"
            dev_eui = "70B3D57ED0064A0"
            distance_to_datum_mm = 7200
            stages = [{ name = "Meldestufe 1", enter_cm = 250, clear_cm = 260 }]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let (code, output) = try floodgauge("check-config", "--config", path, in: scratch)
        #expect(code == 1)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(output)")
        for (line, key) in [(2, "mqtt.port"), (3, "mqtt.prot"), (7, "source[0].format"), (10, "gauge[0].id"),
            (12, "gauge[0].dev_eui"), (14, "gauge[0].stages[0].clear_cm")]
        {
            #expect(lines.contains { $0.hasPrefix("\(path):\(line): \(key): ") }, "no problem for \(key) in \(output)")
        }
    }

    @Test func theConfigComesFromTheEnvironmentWhenNotGiven() throws {
        let scratch = try ScratchDirectory()
        let (code, output) = try floodgauge(
            "check-config", environment: ["FLOODGAUGE_CONFIG": scratch.path("missing.toml")], in: scratch)
        #expect(code == 1)
        #expect(output == "\(scratch.path("missing.toml")): cannot read: No such file or directory")
    }
}
