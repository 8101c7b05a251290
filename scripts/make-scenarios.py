#!/usr/bin/env python3
"""Writes Fixtures/scenarios/<name>/capture.jsonl for every scenario directory, from its hand-written
hydrograph.txt and its config.toml.

A hydrograph reads like a gauge log (see Fixtures/scenarios/README.md for the whole format):

    start 2026-11-20T00:00Z
    # time  gauge        level_cm   extras
    0:00    kyll-kordel  182
    0:15    kyll-kordel  184,gap,187   battery=3410
    0:30    kyll-kordel  gap           fault

Each line becomes one mpsc-v1 measurement frame, sent on the raw topic gauges/<DEVEUI>/10 and arriving
at the line's time (the raw format takes the arrival time as the receive time). Levels become distances
with the gauge's distance_to_datum_mm. Several levels make one multi-sample frame, 5 minutes apart, the
newest at the line's time (or `age=` minutes earlier).

Deterministic: no randomness, no clock; the same files every run.
"""
import datetime, pathlib, re, sys, tomllib

from capture import FLAG_BAT, FLAG_FLT, FLAG_TLT, NO_ECHO, header_line, message_line, mpsc_frame

root = pathlib.Path(__file__).resolve().parent.parent
scenarios = root / "Fixtures/scenarios"

DEFAULT_BATTERY_MV = 3600  # a fresh Li-SOCl2 cell
# A DevEUI no gauge has needs some geometry to turn its levels into distances.
UNKNOWN_DISTANCE_TO_DATUM_MM = 5000


class HydrographError(Exception):
    pass


def parse_time(text):
    """`H:MM` after the start; hours may run past 24 (`30:15` is day 2, 06:15)."""
    match = re.fullmatch(r"(\d+):([0-5]\d)", text)
    if not match:
        raise HydrographError(f"time {text!r} is not H:MM")
    return datetime.timedelta(hours=int(match[1]), minutes=int(match[2]))


def parse_start(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)


def distance_mm(token, datum_mm):
    if token == "gap":
        return NO_ECHO
    mm = round(datum_mm - float(token) * 10)
    if not 0 <= mm < NO_ECHO:
        raise HydrographError(f"level {token} cm gives distance {mm} mm, which a frame cannot carry")
    return mm


def devices(config):
    """Gauge id or DevEUI → (DevEUI, distance_to_datum_mm)."""
    known = {}
    for gauge in config["gauge"]:
        eui = gauge["dev_eui"].upper()
        known[gauge["id"]] = known[eui] = (eui, gauge["distance_to_datum_mm"])
    return known


def frames(hydrograph, config):
    """Yields (arrival time, topic, frame bytes) per hydrograph line, in the file's order."""
    known = devices(config)
    start = None
    seq = {}
    for number, raw in enumerate(hydrograph.splitlines(), 1):
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        try:
            if line[0] == "start":
                start = parse_start(line[1])
                continue
            if start is None:
                raise HydrographError("a `start` line must come first")
            if len(line) < 3:
                raise HydrographError("expected: <time> <gauge> <levels> [extras]")
            time, device, levels, extras = parse_time(line[0]), line[1], line[2], line[3:]
            if device in known:
                eui, datum = known[device]
            elif re.fullmatch(r"[0-9A-Fa-f]{16}", device):
                eui, datum = device.upper(), UNKNOWN_DISTANCE_TO_DATUM_MM
            else:
                raise HydrographError(f"{device!r} is neither a gauge id of config.toml nor a DevEUI")
            flags, battery, age_min = FLAG_BAT, DEFAULT_BATTERY_MV, 0
            for extra in extras:
                key, _, value = extra.partition("=")
                if extra == "fault":
                    flags |= FLAG_FLT
                elif extra == "tilt":
                    flags |= FLAG_TLT
                elif key == "battery":
                    battery = int(value)
                elif key == "age":
                    age_min = int(value)
                else:
                    raise HydrographError(f"unknown extra {extra!r}")
            distances = [distance_mm(token, datum) for token in levels.split(",")]
            if not 1 <= len(distances) <= 16:
                raise HydrographError("a frame holds 1 to 16 samples")
            seq[eui] = seq.get(eui, 0) + 1
            frame = mpsc_frame(seq[eui], flags, distances, age_min * 60, battery)
            yield start + time, f"gauges/{eui}/10", frame
        except (HydrographError, ValueError, IndexError) as error:
            raise HydrographError(f"line {number}: {error}") from None
    if start is None:
        raise HydrographError("no `start` line")


def start_of(hydrograph):
    for raw in hydrograph.splitlines():
        line = raw.split("#", 1)[0].split()
        if line and line[0] == "start":
            return parse_start(line[1])


def write_capture(directory):
    config = tomllib.loads((directory / "config.toml").read_text())
    hydrograph = (directory / "hydrograph.txt").read_text()
    messages = list(frames(hydrograph, config))
    # Arrival order is time order; lines at the same time keep the file's order (sorted() is stable).
    messages = sorted(messages, key=lambda m: m[0])
    # The header's `created` is the hydrograph's start: expected.txt counts its times from it.
    lines = [header_line(start_of(hydrograph), config["source"])]
    lines += [message_line(arrived, topic, frame) for arrived, topic, frame in messages]
    (directory / "capture.jsonl").write_text("\n".join(lines) + "\n")
    return len(messages)


def main():
    failed = False
    for directory in sorted(p for p in scenarios.iterdir() if (p / "hydrograph.txt").exists()):
        try:
            count = write_capture(directory)
            print(f"{directory.relative_to(root)}/capture.jsonl: {count} messages")
        except HydrographError as error:
            print(f"{directory.relative_to(root)}/hydrograph.txt: {error}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
