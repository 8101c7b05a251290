#!/usr/bin/env python3
"""Alert latency: publishes frames that cross a stage and times each one until its alert event arrives.

    probe_alerts.py --port P --prefix PREFIX --probes N [--gauges G] [--timeout S]

The probe gauges are probe-0 … probe-(G-1) (DevEUI 70B3D57EBF000000 + index, 6000 mm above the datum, one stage
entered at 300 cm and left below 250 cm). Probe i goes to gauge i % G and is, in turns for each gauge, a level of
350 cm (the stage is entered: `raised`) or 100 cm (`cleared`). Each is a TTN v3 uplink with one sample, timed now;
its alert event is the one for that gauge whose observed_at is that time. The latency is from just before the
publish call to the event's arrival, both on this process's monotonic clock. Probes go one at a time, 10–40 ms
apart, so they fall anywhere in the daemon's batches. Prints one JSON object: latencies in ms, how many events
never came, and for each event how long after the publish (on the wall clock, to the millisecond) floodgauge says it
emitted it: the part of the latency before the event left the pipeline.
"""
import argparse
import base64
import calendar
import json
import random
import socket
import struct
import threading
import time

import paho.mqtt.client as mqtt

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--prefix", default="floodgauge")
parser.add_argument("--probes", type=int, default=250)
parser.add_argument("--gauges", type=int, default=10)
parser.add_argument("--timeout", type=float, default=2.0)
args = parser.parse_args()

expected = None  # (gauge id, observed_at) of the probe in flight
arrived = threading.Event()
subscribed = threading.Event()
received_at = 0.0
emitted_at = ""


def on_message(client, userdata, message):
    global received_at, emitted_at
    now = time.monotonic()
    event = json.loads(message.payload)
    if (event["gauge"]["id"], event["observed_at"]) == expected:
        received_at, emitted_at = now, event["emitted_at"]
        arrived.set()


client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-probe")
client.on_message = on_message
client.on_connect = lambda client, userdata, flags, reason, properties: client.subscribe(f"{args.prefix}/alerts/+", 1)
client.on_subscribe = lambda *_: subscribed.set()
client.connect("127.0.0.1", args.port)
# Nagle's algorithm would hold this client's small packets back for the broker's delayed ACK (up to 40 ms): the
# latency measured is floodgauge's, not the prober's.
client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
client.loop_start()
subscribed.wait(10)

latencies, to_emitted, missing, f_cnt = [], [], 0, 0
last_ms = 0
for i in range(args.probes):
    gauge = i % args.gauges
    level_cm = 350 if (i // args.gauges) % 2 == 0 else 100
    # One sample (n = 1, age 0): its data time is the uplink's, which must be newer than the gauge's last one.
    ms = max(int(time.time() * 1000), last_ms + 1)
    last_ms = ms
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"
    frame = struct.pack(">BBHHBHH", 0x11, 0, i & 0xFFFF, 60, 1, 0, 6000 - level_cm * 10)
    f_cnt += 1
    uplink = {
        "end_device_ids": {"device_id": f"probe-{gauge}", "dev_eui": f"70B3D57EBF{gauge:06X}"},
        "received_at": stamp,
        "uplink_message": {"f_port": 10, "f_cnt": f_cnt, "frm_payload": base64.b64encode(frame).decode(),
                           "rx_metadata": [{"gateway_ids": {"gateway_id": "gw-probe"}, "rssi": -90, "snr": 7.5}],
                           "received_at": stamp},
    }
    payload = json.dumps(uplink, separators=(",", ":"))
    expected = (f"probe-{gauge}", stamp)
    arrived.clear()
    sent_at, sent_wall = time.monotonic(), time.time()
    client.publish(f"v3/floodgauge-bench@ttn/devices/probe-{gauge}/up", payload, qos=1)
    if arrived.wait(args.timeout):
        latencies.append((received_at - sent_at) * 1000)
        emitted = calendar.timegm(time.strptime(emitted_at[:19], "%Y-%m-%dT%H:%M:%S")) + float(emitted_at[19:-1])
        to_emitted.append((emitted - sent_wall) * 1000)
    else:
        missing += 1
    time.sleep(random.uniform(0.010, 0.040))

client.loop_stop()
print(json.dumps({"latencies_ms": latencies, "to_emitted_ms": to_emitted, "missing": missing}))
