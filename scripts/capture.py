"""mpsc-v1 frames and floodgauge capture files, for the scripts that write fixtures and benchmark captures.

The formats are ../shared/spec/mpsc-gauge-payload-v1.md and the README's "Capture files".
"""
import base64, json, struct

FLAG_BAT, FLAG_FLT, FLAG_TLT = 0x01, 0x08, 0x10
SAMPLE_SPACING_S = 300  # multi-sample frames: one sample every 5 minutes
NO_ECHO = 0xFFFF  # no valid echo: a gap


def mpsc_frame(seq, flags, distances, age_s, battery_mv):
    """A measurement frame; `battery_mv` is sent only when `flags` has FLAG_BAT."""
    header = struct.pack(">BBHHBH", 0x11, flags, seq & 0xFFFF, SAMPLE_SPACING_S, len(distances), age_s)
    battery = struct.pack(">H", battery_mv) if flags & FLAG_BAT else b""
    return header + battery + b"".join(struct.pack(">H", d) for d in distances)


def iso(t):
    """RFC 3339 in UTC with milliseconds, as floodgauge writes times."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def header_line(created, sources):
    """The first line of a capture; `sources` are the config's [[source]] tables."""
    sources = [{"topic": s["topic"], "format": s["format"]} for s in sources]
    return json.dumps({"floodgauge_capture": 1, "created": iso(created), "sources": sources})


def message_line(arrived, topic, payload):
    return json.dumps({"t": iso(arrived), "topic": topic, "qos": 1, "payload_b64": base64.b64encode(payload).decode()})
