// The envelope messages the benchmarks parse, embedded so the benchmark needs no file at run time.
//
// The `docs…` messages are byte-for-byte copies of `shared/vectors/envelopes/` (where each one's source is
// recorded); the sha256 of each copy is given so a reader can check it. The `realistic…` messages were written
// for these benchmarks: what TTS v3 (3.3x) and ChirpStack v4 publish on MQTT for one uplink heard by three
// gateways (compact JSON, correlation ids, decoded payload, gateway tokens and locations), carrying the mpsc-v1
// "worked example" frame of `shared/vectors/mpsc-v1.json` (1103002A003C0300050E1000D70FA00F820F64).

enum Messages {
    /// `shared/vectors/envelopes/tts-v3/tts-docs-mqtt-uplink.json` (1261 bytes, sha256 ae7ff5344677714150783a7bd5bc9c68ae51e7e60a02baab8539a33def8ca576).
    static let docsTTNMQTTUplink = #"""
{
  "end_device_ids": {
    "device_id": "dev1",
    "application_ids": {
      "application_id": "app1"
    },
    "dev_eui": "4200000000000000",
    "join_eui": "4200000000000000",
    "dev_addr": "01DA1F15"
  },
  "correlation_ids": [
    "gs:conn:01D2CSNX7FJVKQPCVG612QF1TX",
    "gs:uplink:01D2CV8HF62ME0D7MZWE38HHH8",
    "ns:uplink:01D2CV8HF6FYJHKZ45YY1DB3MR",
    "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:01D2CV8HF6XR7ZFVK768PDG3J4",
    "as:up:01D2CV8HNGJ57G25BW0FCZNY07"
  ],
  "uplink_message": {
    "session_key_id": "AWiZpAyXrAfEkUNkBljRoA==",
    "f_port": 15,
    "frm_payload": "VGVtcGVyYXR1cmUgPSAwLjA=",
    "rx_metadata": [
      {
        "gateway_ids": {
          "gateway_id": "eui-0242020000247803",
          "eui": "0242020000247803"
        },
        "time": "2019-01-29T13:02:34.981Z",
        "timestamp": 1283325000,
        "rssi": -35,
        "snr": 5,
        "uplink_token": "CiIKIAoUZXVpLTAyNDIwMjAwMDAyNDc4MDMSCAJCAgAAJHgDEMj49+ME"
      }
    ],
    "settings": {
      "data_rate": {
        "lora": {
          "bandwidth": 125000,
          "spreading_factor": 7
        }
      },
      "coding_rate": "4/6",
      "frequency": "868500000",
      "gateway_channel_index": 2,
      "device_channel_index": 2
    }
  }
}

"""#

    /// `shared/vectors/envelopes/tts-v3/tts-docs-data-formats-uplink.repaired.json` (2073 bytes, sha256 22b1a7a50e10772e5f840946405c6a1fa405c39898e208dae708f27f3e7d256c).
    static let docsTTNDataFormatsUplink = #"""
{
  "end_device_ids": {
    "device_id": "dev1",
    "application_ids": {
      "application_id": "app1"
    },
    "dev_eui": "0004A30B001C0530",
    "join_eui": "800000000000000C",
    "dev_addr": "00BCB929"
  },
  "correlation_ids": [
    "as:up:01E0WZGT6Y7657CPFPE5WEYDSQ",
    "gs:conn:01E0WDEC6T5T4XXBAX7S1VMFKE",
    "gs:uplink:01E0WZGSZWT07NE5TS2APTV1Z9",
    "ns:uplink:01E0WZGSZXZXZS8RFAWZX0F2FY",
    "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:01E0WZGSZXGE1KS577PFBWRJEE"
  ],
  "received_at": "2020-02-12T15:15:46.014773143Z",
  "uplink_message": {
    "session_key_id": "AXA50tHUGUucuzS/bCGMNw==",
    "f_cnt": 1,
    "frm_payload": "gkHe",
    "decoded_payload": {
      "temperature": 1.0,
      "luminosity": 0.64
    },
    "rx_metadata": [
      {
        "gateway_ids": {
          "gateway_id": "gtw1",
          "eui": "9C5C8E00001A05C4"
        },
        "time": "2020-02-12T15:15:45.787Z",
        "timestamp": 2463457000,
        "rssi": -35,
        "channel_rssi": -35,
        "snr": 5,
        "uplink_token": "ChIKEAoEZ3R3MRIInFyOAAAaBcQQ6L3Vlgk=",
        "channel_index": 2
      }
    ],
    "settings": {
      "data_rate": {
        "lora": {
          "bandwidth": 125000,
          "spreading_factor": 7
        }
      },
      "coding_rate": "4/6",
      "frequency": "868300000",
      "timestamp": 2463457000,
      "time": "2020-02-12T15:15:45.787Z"
    },
    "consumed_airtime": "0.056576s",
    "locations": {
      "user": {
        "latitude": 37.97155556731436,
        "longitude": 23.72678801175413,
        "altitude": 10,
        "source": "SOURCE_REGISTRY"
      }
    },
    "version_ids": {
      "brand_id": "the-things-products",
      "model_id": "the-things-uno",
      "hardware_version": "1.0",
      "firmware_version": "quickstart",
      "band_id": "US_902_928"
    },
    "network_ids": {
      "net_id": "000013",
      "tenant_id": "tenant1",
      "cluster_id": "nam1"
    },
    "attributes": {
      "key1": "value1",
      "key2": "value2"
    },
    "received_at" : "2020-02-12T15:15:45.789585559Z"
  }
}

"""#

    /// `shared/vectors/envelopes/chirpstack-v4/chirpstack-docs-event-up.json` (959 bytes, sha256 64b17d4d247a6deff07497e30dd8954b3b7a152e11e92fe5d8b5625e006e4ce9).
    static let docsChirpStackUp = #"""
{
	"deduplicationId": "3ac7e3c4-4401-4b8d-9386-a5c902f9202d",
	"time": "2022-07-18T09:34:15.775023242+00:00",
	"deviceInfo": {
		"tenantId": "52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
		"tenantName": "ChirpStack",
		"applicationId": "17c82e96-be03-4f38-aef3-f83d48582d97",
		"applicationName": "Test application",
		"deviceProfileId": "14855bf7-d10d-4aee-b618-ebfcb64dc7ad",
		"deviceProfileName": "Test device-profile",
		"deviceName": "Test device",
		"devEui": "0101010101010101",
		"tags": {
			"key": "value"
		}
	},
	"devAddr": "00189440",
	"dr": 1,
	"fPort": 1,
	"data": "qg==",
	"rxInfo": [{
		"gatewayId": "0016c001f153a14c",
		"uplinkId": 4217106255,
		"rssi": -36,
		"snr": 10.5,
		"context": "E3OWOQ==",
		"metadata": {
			"region_name": "eu868",
			"region_common_name": "EU868"
		}
	}],
	"txInfo": {
		"frequency": 867100000,
		"modulation": {
			"lora": {
				"bandwidth": 125000,
				"spreadingFactor": 11,
				"codeRate": "CR_4_5"
			}
		}
	}
}

"""#

    /// A TTS v3 uplink as published on `v3/{app}@ttn/devices/{device}/up` (2036 bytes).
    static let realisticTTN = #"""
{"end_device_ids":{"device_id":"mpsc-gauge-0042","application_ids":{"application_id":"floodgauge-lahn"},"dev_eui":"70B3D57ED0061A2C","join_eui":"70B3D57ED0000001","dev_addr":"260B4F1E"},"correlation_ids":["as:up:01JD4Q3M4V6Y2N8KX0R5T7B9CD","gs:conn:01JD3ZP2K9W3E5R7T9Y1U3I5O7","gs:uplink:01JD4Q3M1Q3W5E7R9T1Y3U5I7O","ns:uplink:01JD4Q3M2A4S6D8F0G2H4J6K8L"],"received_at":"2026-11-20T14:03:27.482915307Z","uplink_message":{"session_key_id":"AYv2kP3QeJ1r8mZcXo4bWg==","f_port":1,"f_cnt":18342,"frm_payload":"EQMAKgA8AwAFDhAA1w+gD4IPZA==","decoded_payload":{"seq":42,"interval_s":60,"age_s":5,"battery_mv":3600,"temperature_c":21.5,"distance_mm":[4000,3970,3940]},"rx_metadata":[{"gateway_ids":{"gateway_id":"gw-giessen-wehr","eui":"B827EBFFFE8C2A11"},"time":"2026-11-20T14:03:27.251Z","timestamp":2837465123,"rssi":-104,"channel_rssi":-104,"snr":-2.75,"uplink_token":"Ch0KGwoPZ3ctZ2llc3Nlbi13ZWhyEgi4J+v//owqERCj2Z2JChoMCM/G+rkGEMD6mL8BIODF2KzCVQ==","channel_index":4,"received_at":"2026-11-20T14:03:27.260180412Z"},{"gateway_ids":{"gateway_id":"gw-lahnau-kirche","eui":"AC1F09FFFE06B3D7"},"time":"2026-11-20T14:03:27.251Z","timestamp":2837465126,"rssi":-91,"channel_rssi":-91,"snr":7.5,"uplink_token":"Ch4KHAoQZ3ctbGFobmF1LWtpcmNoZRIIrB8J//4Gs9cQo9mdiQoaDAjPxvq5BhCA4r+/ASDgxdiswlU=","channel_index":4,"received_at":"2026-11-20T14:03:27.263180412Z"},{"gateway_ids":{"gateway_id":"gw-wetzlar-dom","eui":"0016C001FF1A8E42"},"time":"2026-11-20T14:03:27.251Z","timestamp":2837465130,"rssi":-112,"channel_rssi":-112,"snr":-9.25,"uplink_token":"Ch0KGwoPZ3ctd2V0emxhci1kb20SCAAWwAH/Go5CEKPZnYkKGgwIz8b6uQYQwLPHvwEg4MXYrMJV","channel_index":4,"received_at":"2026-11-20T14:03:27.267180412Z"}],"settings":{"data_rate":{"lora":{"bandwidth":125000,"spreading_factor":9,"coding_rate":"4/5"}},"frequency":"867500000","timestamp":2837465123,"time":"2026-11-20T14:03:27.251Z"},"received_at":"2026-11-20T14:03:27.271903112Z","consumed_airtime":"0.226304s","network_ids":{"net_id":"000013","ns_id":"EC656E0000000181","tenant_id":"ttn","cluster_id":"eu1"}}}
"""#

    /// A ChirpStack v4 `up` event as published on `application/{id}/device/{dev_eui}/event/up` (1955 bytes).
    static let realisticChirpStack = #"""
{"deduplicationId":"8f3b2c1e-5a47-4d90-b6e2-91c0d4a7f35b","time":"2026-11-20T14:03:27.268141903+00:00","deviceInfo":{"tenantId":"52f14cd4-c6f1-4fbd-8f87-4025e1d49242","tenantName":"Wasserverband Lahn","applicationId":"17c82e96-be03-4f38-aef3-f83d48582d97","applicationName":"floodgauge","deviceProfileId":"14855bf7-d10d-4aee-b618-ebfcb64dc7ad","deviceProfileName":"MPSC gauge v1 (EU868, class A)","deviceName":"pegel-giessen-0042","devEui":"70b3d57ed0061a2c","deviceClassEnabled":"CLASS_A","tags":{"river":"Lahn","site":"Giessen Wehr"}},"devAddr":"260b4f1e","adr":true,"dr":3,"fCnt":18342,"fPort":1,"confirmed":false,"data":"EQMAKgA8AwAFDhAA1w+gD4IPZA==","object":{"seq":42.0,"interval_s":60.0,"age_s":5.0,"battery_mv":3600.0,"temperature_c":21.5},"rxInfo":[{"gatewayId":"b827ebfffe8c2a11","uplinkId":41873,"gwTime":"2026-11-20T14:03:27.251+00:00","nsTime":"2026-11-20T14:03:27.266141903+00:00","rssi":-104,"snr":-2.75,"channel":4,"location":{"latitude":50.5803,"longitude":8.6732,"altitude":171.0},"context":"qGxHAw==","metadata":{"region_config_id":"eu868","region_common_name":"EU868"},"crcStatus":"CRC_OK"},{"gatewayId":"ac1f09fffe06b3d7","uplinkId":52270,"gwTime":"2026-11-20T14:03:27.251+00:00","nsTime":"2026-11-20T14:03:27.264141903+00:00","rssi":-91,"snr":7.5,"channel":4,"location":{"latitude":50.5911,"longitude":8.6004,"altitude":164.0},"context":"J5dPmQ==","metadata":{"region_config_id":"eu868","region_common_name":"EU868"},"crcStatus":"CRC_OK"},{"gatewayId":"0016c001ff1a8e42","uplinkId":3391,"gwTime":"2026-11-20T14:03:27.251+00:00","nsTime":"2026-11-20T14:03:27.271141903+00:00","rssi":-112,"snr":-9.25,"channel":4,"location":{"latitude":50.5528,"longitude":8.5042,"altitude":205.0},"context":"u2Rk1A==","metadata":{"region_config_id":"eu868","region_common_name":"EU868"},"crcStatus":"CRC_OK"}],"txInfo":{"frequency":867500000,"modulation":{"lora":{"bandwidth":125000,"spreadingFactor":9,"codeRate":"CR_4_5"}}},"regionConfigId":"eu868"}
"""#
}
