#!/usr/bin/env python3
"""The Python baseline: what a county's IT would write instead of floodgauge.

paho-mqtt and sqlite3: decode each mpsc-v1 frame with struct (TTN v3 envelopes with json and base64 first), insert
one row per sample, commit every 1000 messages, WAL mode.

    paho_sqlite.py --port P --topic FILTER --format raw|ttn --qos Q --count N --gauges GAUGES.json --db PATH

GAUGES.json maps each DevEUI to [gauge id, distance to datum in mm]. Prints "subscribed" once subscribed, then,
after N messages or --idle seconds without one, "count=N first=T last=T" (CLOCK_REALTIME seconds of the first
message and of the commit that stored the last) and waits for SIGTERM, so the benchmark can read the process's
CPU time and peak RSS from /proc before it goes.
"""
import argparse
import base64
import calendar
import json
import signal
import sqlite3
import struct
import time

import paho.mqtt.client as mqtt

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--topic", required=True)
parser.add_argument("--format", choices=["raw", "ttn"], required=True)
parser.add_argument("--qos", type=int, default=1)
parser.add_argument("--count", type=int, required=True)
parser.add_argument("--gauges", required=True)
parser.add_argument("--db", required=True)
parser.add_argument("--idle", type=float, default=10)
args = parser.parse_args()

gauges = json.load(open(args.gauges))
db = sqlite3.connect(args.db)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS samples (gauge TEXT, time REAL, level_mm INTEGER, distance_mm INTEGER)")

count = 0
first = last = 0.0


def decode(frame, received):
    """mpsc-v1 measurement frame → [(time, distance_mm or None)], oldest first."""
    if frame[0] != 0x11:
        return []
    flags, seq, interval, n, age = struct.unpack_from(">BHHBH", frame, 1)
    offset = 9 + 2 * (flags & 1) + 2 * (flags >> 1 & 1)
    distances = struct.unpack_from(f">{n}H", frame, offset)
    return [(received - age - (n - 1 - i) * interval, None if d == 0xFFFF else d) for i, d in enumerate(distances)]


def on_message(client, userdata, message):
    global count, first, last
    now = time.time()
    if count == 0:
        first = now
    if args.format == "ttn":
        uplink = json.loads(message.payload)
        dev_eui = uplink["end_device_ids"]["dev_eui"]
        frame = base64.b64decode(uplink["uplink_message"]["frm_payload"])
        # datetime.fromisoformat takes at most microseconds; TTS writes nanoseconds.
        stamp = uplink["uplink_message"]["received_at"]
        received = calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + float("0" + stamp[19:-1])
    else:
        dev_eui = message.topic.split("/")[-2]
        frame = message.payload
        received = now
    gauge = gauges.get(dev_eui.upper())
    if gauge:
        gauge_id, datum = gauge
        for t, distance in decode(frame, received):
            level = None if distance is None else datum - distance
            db.execute("INSERT INTO samples VALUES (?, ?, ?, ?)", (gauge_id, t, level, distance))
    count += 1
    if count % 1000 == 0 or count == args.count:
        db.commit()
        last = time.time()


def on_subscribe(client, userdata, mid, reason_codes, properties):
    print("subscribed", flush=True)


client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
client.on_message = on_message
client.on_connect = lambda client, userdata, flags, reason, properties: client.subscribe(args.topic, args.qos)
client.on_subscribe = on_subscribe
client.connect("127.0.0.1", args.port)
seen, quiet_since = 0, time.time()
while count < args.count:
    client.loop(timeout=0.1)
    if count != seen:
        seen, quiet_since = count, time.time()
    elif time.time() - quiet_since > args.idle:
        db.commit()
        last = time.time()
        break
print(f"count={count} first={first:.6f} last={last:.6f}", flush=True)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
while True:
    client.loop(timeout=1.0)
