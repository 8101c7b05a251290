#!/usr/bin/env python3
"""Writes Fixtures/demo-flood.jsonl: a winter flood on Kyll, Prüm and Nims as the gauges of
Config/demo.toml would report it, as a floodgauge capture file.

Each gauge sends an mpsc-v1 frame every 15 minutes with three samples 5 minutes apart. The Kyll
rises through Meldestufe 3, the Prüm through 2, the Nims just into 1; all fall back. Kyll and
Nims come through The Things Stack, the Prüm through ChirpStack. A join message, an uplink from
an unknown device and a corrupt frame show how floodgauge keeps what it cannot use.
Deterministic: the same file every run.
"""
import base64, datetime, json, math, pathlib, random, tomllib, uuid

from capture import FLAG_BAT, header_line, iso, message_line, mpsc_frame

root = pathlib.Path(__file__).resolve().parent.parent
config = tomllib.loads((root / "Config/demo.toml").read_text())
gauges = {g["id"]: g for g in config["gauge"]}
random.seed(2021)

START = datetime.datetime(2026, 11, 20, 0, 0, tzinfo=datetime.timezone.utc)
HOURS = 17
# (base level cm, peak level cm, hour of the peak, network)
FLOODS = {
    "kyll-kordel": (120, 470, 7.0, "ttn"),
    "pruem-pruemzurlay": (100, 300, 8.0, "chirpstack"),
    "nims-alsdorf": (90, 195, 7.5, "ttn"),
}


def level_cm(flood, hours):
    base, peak, at, _ = flood
    # A flood wave rises faster than it falls: a skewed bump, zero before the rain starts.
    x = hours / at
    return base + (peak - base) * (x ** 3 * math.exp(3 * (1 - x)) if x > 0 else 0)


def ttn(gauge, fcnt, received, frame):
    return {
        "end_device_ids": {"device_id": gauge["id"], "application_ids": {"application_id": "eifel-pegel"},
                           "dev_eui": gauge["dev_eui"]},
        "received_at": iso(received + datetime.timedelta(milliseconds=180)),
        "uplink_message": {"f_port": 10, "f_cnt": fcnt, "frm_payload": base64.b64encode(frame).decode(),
                           "rx_metadata": [{"gateway_ids": {"gateway_id": "gw-bitburg"},
                                            "rssi": -101 + random.randint(-4, 4), "snr": 6.5}],
                           "received_at": iso(received)},
    }


def chirpstack(gauge, fcnt, received, frame):
    return {
        "deduplicationId": str(uuid.UUID(int=random.getrandbits(128))), "time": iso(received),
        "deviceInfo": {"tenantName": "Eifelkreis", "applicationName": "eifel-pegel", "deviceName": gauge["id"],
                       "devEui": gauge["dev_eui"].lower()},
        "fCnt": fcnt, "fPort": 10, "data": base64.b64encode(frame).decode(),
        "rxInfo": [{"gatewayId": "0016c001f153a14c", "rssi": -108 + random.randint(-3, 3), "snr": -1.5}],
    }


def topic(gauge, network):
    if network == "ttn":
        return f"v3/eifel-pegel@kreis-bitburg-pruem/devices/{gauge['id']}/up"
    return f"application/eifel-pegel/device/{gauge['dev_eui'].lower()}/event/up"


messages = []
for gid, flood in FLOODS.items():
    gauge = gauges[gid]
    for n in range(HOURS * 4):
        received = START + datetime.timedelta(minutes=15 * n, seconds=random.randint(0, 40))
        age = random.randint(2, 20)
        distances = []
        for i in range(3):
            t = received - datetime.timedelta(seconds=age + (2 - i) * 300)
            hours = (t - START).total_seconds() / 3600
            cm = level_cm(flood, hours) + random.uniform(-1.5, 1.5)
            distances.append(round(gauge["distance_to_datum_mm"] - cm * 10))
        if gid == "kyll-kordel" and n == 30:
            distances[1] = 0xFFFF  # spray on the radar: one sample without an echo
        frame = mpsc_frame(n + 1, FLAG_BAT, distances, age, 3600 - n)
        envelope = ttn(gauge, n + 1, received, frame) if flood[3] == "ttn" else chirpstack(gauge, n + 1, received, frame)
        messages.append((received, topic(gauge, flood[3]), envelope))

# What floodgauge must keep but cannot use.
stranger = {"id": "unbekannt", "dev_eui": "70B3D57ED00DEFFF"}
messages.append((START + datetime.timedelta(hours=3, minutes=1), topic(stranger, "ttn"),
                 ttn(stranger, 1, START + datetime.timedelta(hours=3, minutes=1), mpsc_frame(1, FLAG_BAT, [5000], 0, 3300))))
corrupt = ttn(gauges["nims-alsdorf"], 999, START + datetime.timedelta(hours=4, minutes=2), b"\x11\x01\x00\x07")
messages.append((START + datetime.timedelta(hours=4, minutes=2), topic(gauges["nims-alsdorf"], "ttn"), corrupt))
join = {"end_device_ids": {"device_id": "kyll-kordel", "dev_eui": gauges["kyll-kordel"]["dev_eui"]},
        "join_accept": {"session_key_id": "AWiZpAyXrAfEkUNkBljRoA=="}}
messages.append((START + datetime.timedelta(minutes=1), topic(gauges["kyll-kordel"], "ttn"), join))

messages.sort(key=lambda m: m[0])
out = root / "Fixtures/demo-flood.jsonl"
with out.open("w") as f:
    f.write(header_line(START, config["source"]) + "\n")
    for received, t, envelope in messages:
        payload = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
        # Network servers forward within a second or two of reception.
        arrived = received + datetime.timedelta(milliseconds=700)
        f.write(message_line(arrived, t, payload) + "\n")
print(f"wrote {len(messages)} messages to {out.relative_to(root)}")
