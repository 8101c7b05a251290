#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the shared vectors (scripts/fuzz runs it).

Usage: FUZZ_TARGET=list FuzzGauge | seeds.py VECTORS_DIR OUT_DIR

The fuzz binary's target list is read from stdin, so the device-model order that byte 0 of a vendor input picks
from, and the DevEUI-to-gauge mapping of the envelope targets, come from the Swift code that decodes them
(Fuzz/Sources/FuzzGauge/FuzzTarget.swift describes the input layouts).
"""
import base64
import json
import sys
from pathlib import Path

vectors_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])

# "codec <name> <model>…", "envelope <name>" and "capture capture" lines.
models = {}
envelopes = []
for kind, name, *rest in (line.split() for line in sys.stdin if line.strip()):
    if kind == "codec":
        models[name] = rest
    else:
        envelopes.append(name)
# The envelope targets' gauge for DevEUI d is decoders[d % len(decoders)]: each codec's models, or the codec.
decoders = [(codec, model) for codec, names in models.items() for model in names or [None]]

# Every frame with what decodes it: (codec, model, FPort, bytes).
# mpsc-v1 ignores the FPort; 1 is the first application port.
frames = [("mpsc-v1", None, 1, bytes.fromhex(v["hex"]))
          for v in json.loads((vectors_dir / "mpsc-v1.json").read_text())["vectors"]]
frames += [(v["codec"], v["device"], v["fPort"], bytes.fromhex(v["hex"]))
           for v in json.loads((vectors_dir / "codecs.json").read_text())["vectors"]]
if not frames or set(codec for codec, *_ in frames) - set(models):
    sys.exit(f"{vectors_dir}: no frames, or frames of a codec the fuzzer does not know")

seeds = {target: [] for target in list(models) + envelopes}
index = json.loads((vectors_dir / "envelopes/index.json").read_text())["envelopes"]
for entry in index:
    message = (vectors_dir / "envelopes" / entry["file"]).read_bytes()
    # A ChirpStack v3 message is what a chirpstack-v4 source must reject.
    target = "chirpstack-v4" if entry["format"] == "chirpstack-v3" else entry["format"]
    seeds[target].append(message)

# Each frame also arrives in every envelope format, from the DevEUI of a gauge configured with its codec.
def template(target):
    entry = next(e for e in index if e["format"] == target and e["is_uplink"] and e["valid_json"] and e["dev_eui"])
    return json.loads((vectors_dir / "envelopes" / entry["file"]).read_text())


templates = {target: template(target) for target in ("ttn-v3", "chirpstack-v4")}
for codec, model, port, frame in frames:
    dev_eui = f"{decoders.index((codec, model)):016X}"
    data = base64.b64encode(frame).decode()
    ttn = templates["ttn-v3"]
    ttn["end_device_ids"]["dev_eui"] = dev_eui
    ttn["uplink_message"].update(f_port=port, frm_payload=data)
    seeds["ttn-v3"].append(json.dumps(ttn).encode())
    chirpstack = templates["chirpstack-v4"]
    chirpstack["deviceInfo"]["devEui"] = dev_eui.lower()
    chirpstack.update(fPort=port, data=data)
    seeds["chirpstack-v4"].append(json.dumps(chirpstack).encode())
    topic = f"application/fuzz/{dev_eui}/{port}".encode()
    seeds["raw"].append(bytes([len(topic)]) + topic + frame)
    if model is None:
        seeds[codec].append(frame)
    else:
        seeds[codec].append(bytes([models[codec].index(model), port]) + frame)

# Capture lines: the demo flood's first lines (header, TTN and ChirpStack uplinks), and mosquitto_sub's format.
capture = (Path(__file__).resolve().parent.parent / "Fixtures/demo-flood.jsonl").read_bytes().splitlines()
seeds["capture"] = capture[:4] + [b"2026-11-22T10:00:00+0000 v3/app/devices/kyll/up " + frames[0][3].hex().encode(),
                                   b"2026-11-22T11:00:05+0100 a/with space 00FF"]

for target, inputs in seeds.items():
    directory = out_dir / target
    directory.mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(inputs):
        (directory / f"seed-{number:03}").write_bytes(data)
