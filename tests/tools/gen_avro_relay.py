#!/usr/bin/python3
"""pivot-gen-avro --format relay: header-less files exactly like SpeedData's C
relay, read back block by block by an independent reader (python-avro's
DatumReader over a BinaryDecoder) with the .avsc the generator wrote. Every
block must be count 1, a byte size equal to the datum's length, the datum,
and the fixed marker; every value must match the documented formulas. Also
the example shape in OCF, the SpeedData-style configuration of
--speeddata-root, an unchanged --format ocf, and the refused combinations.

usage: gen_avro_relay.py --gen PATH
"""
import argparse
import calendar
import filecmp
import io
import json
import math
import os
import subprocess
import sys
import tempfile

import avro.datafile
import avro.io
import avro.schema
import yaml

MARKER = bytes.fromhex("a48a1e90050424780a68337fc2509563")
MODES = ["idle", "ramp", "hold", "vent"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
# 45 s at 7 Hz in files of 20 s: three files per channel, the last one short.
CHANNELS, FIRST, SECONDS, RATE, SIGNALS, FILE_SECONDS = 2, 3, 45, 7, 3, 20
START = "2025-03-01T12:00:00.25+02:00"
# 2025-03-01T10:00:00.25Z, computed independently of the generator.
START_NS = calendar.timegm((2025, 3, 1, 10, 0, 0)) * 1_000_000_000 + 250_000_000
COMMON = ["--channels", str(CHANNELS), "--first-channel", str(FIRST), "--seconds", str(SECONDS),
          "--rate", str(RATE), "--file-seconds", str(FILE_SECONDS), "--start", START,
          "--jobs", "2"]
SIGNAL_FIELDS = ["time"] + ["sig%d" % k for k in range(SIGNALS)] + ["counter", "mode"]
EXAMPLE_FIELDS = ["time", "message", "counter", "sine_wave", "ramp", "square_wave", "noise"]
MASK64 = (1 << 64) - 1


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def eq(self, what, actual, expected):
        if actual == expected:
            self.passed += 1
        else:
            self.failed += 1
            if self.failed <= 20:
                print("%s: got %r, expected %r" % (what, actual, expected))


def splitmix64(state):
    """One step; returns (new state, output)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def time_of(i):
    return START_NS + i * 10**9 // RATE


def expected_signals(c, i):
    t = i / RATE
    rec = {"time": time_of(i)}
    for k in range(SIGNALS):
        rec["sig%d" % k] = (k + 1) * math.sin(2.0 * math.pi * 0.5 * (k + 1) * t + 0.1 * c)
    rec["counter"] = i & 0x7FFFFFFF
    rec["mode"] = MODES[(i // (10 * RATE)) % 4]
    return rec


def expected_example(c, i):
    _, z = splitmix64(((c & 0xFFFFFFFF) << 32) ^ i)
    return {
        "time": time_of(i),
        "message": WORDS[i % 8],
        "counter": i & 0x7FFFFFFF,
        "sine_wave": math.sin(2 * math.pi * i / 20.0 + 0.1 * c),
        "ramp": (i % 40) / 40.0 * 2.0 - 1.0,
        "square_wave": 1.0 if (i % 20) < 10 else -1.0,
        "noise": (z >> 11) * 2.0**-53 - 0.5,
    }


def file_starts():
    per_file = FILE_SECONDS * RATE
    n_total = SECONDS * RATE
    return [(START_NS + j * FILE_SECONDS * 10**9) // 10**9
            for j in range((n_total + per_file - 1) // per_file)]


def relay_records(chk, path, schema):
    """Every datum of a header-less relay file, checking each block's frame."""
    with open(path, "rb") as fh:
        data = fh.read()
    chk.eq(path + " has no OCF header", data[:4] != b"Obj\x01", True)
    buf = io.BytesIO(data)
    decoder = avro.io.BinaryDecoder(buf)
    reader = avro.io.DatumReader(schema)
    records = []
    # Each block holds at least one byte of datum plus the marker: bounded by the size.
    for _ in range(len(data)):
        if buf.tell() == len(data):
            break
        chk.eq("%s block %d count" % (path, len(records)), decoder.read_long(), 1)
        size = decoder.read_long()
        at = buf.tell()
        records.append(reader.read(decoder))
        chk.eq("%s block %d byte size" % (path, len(records) - 1), buf.tell() - at, size)
        chk.eq("%s block %d marker" % (path, len(records) - 1), buf.read(16), MARKER)
    chk.eq(path + " read to its end", buf.tell(), len(data))
    return records


def ocf_records(chk, path):
    with open(path, "rb") as fh:
        rd = avro.datafile.DataFileReader(fh, avro.io.DatumReader())
        records = list(rd)
        rd.close()
    return records


def check_channel(chk, data_dir, c, fields, expected, read):
    """read(path) gives the records of one file; checks all files of channel c."""
    chdir = os.path.join(data_dir, "ch%03d" % c)
    starts = file_starts()
    chk.eq("ch%03d files" % c, sorted(os.listdir(chdir)),
           sorted("data_%d.avro" % s for s in starts))
    i = 0
    for s in starts:
        path = os.path.join(chdir, "data_%d.avro" % s)
        for rec in read(path):
            chk.eq("%s[%d] fields" % (path, i), list(rec.keys()), fields)
            chk.eq("%s[%d]" % (path, i), rec, expected(c, i))
            i += 1
    chk.eq("ch%03d records" % c, i, SECONDS * RATE)


def load_schema(chk, path, fields):
    with open(path) as fh:
        text = fh.read()
    schema = avro.schema.parse(text)
    chk.eq(path + " fields", [f.name for f in schema.fields], fields)
    # The time unit rides on the field, as in SpeedData's example.avsc.
    chk.eq(path + " time logicalType", json.loads(text)["fields"][0].get("logicalType"),
           "timestamp-nanos")
    return schema


def run(gen, args):
    return subprocess.run([gen] + args, capture_output=True, text=True, timeout=120)


def check_signals_relay(chk, gen, tmp):
    out, avsc = os.path.join(tmp, "sig"), os.path.join(tmp, "sig-avsc")
    r = run(gen, ["--out", out, "--format", "relay", "--with-mode", "--signals", str(SIGNALS),
                  "--write-avsc", avsc] + COMMON)
    chk.eq("signals relay exit " + r.stderr, r.returncode, 0)
    line = json.loads(r.stdout)
    chk.eq("signals relay summary records", line["records"], CHANNELS * SECONDS * RATE)
    chk.eq("avsc files", sorted(os.listdir(avsc)),
           ["ch%03d.avsc" % c for c in range(FIRST, FIRST + CHANNELS)])
    for c in range(FIRST, FIRST + CHANNELS):
        schema = load_schema(chk, os.path.join(avsc, "ch%03d.avsc" % c), SIGNAL_FIELDS)
        check_channel(chk, out, c, SIGNAL_FIELDS, expected_signals,
                      lambda p, s=schema: relay_records(chk, p, s))


def check_example(chk, gen, tmp):
    root = os.path.join(tmp, "speeddata")
    r = run(gen, ["--speeddata-root", root, "--format", "relay", "--shape", "example"] + COMMON)
    chk.eq("example relay exit " + r.stderr, r.returncode, 0)
    with open(os.path.join(root, "config", "global.yaml")) as fh:
        chk.eq("global.yaml", yaml.safe_load(fh), {"storage": {"avro_path": "./data"}})
    with open(os.path.join(root, "config", "relay.yaml")) as fh:
        relay = yaml.safe_load(fh)
    chk.eq("relay.yaml", relay, {"channels": [
        {"name": "ch%03d" % c, "port": 26000 + k, "schema": "config/agents/ch%03d.avsc" % c}
        for k, c in enumerate(range(FIRST, FIRST + CHANNELS))]})
    data = os.path.join(root, yaml.safe_load(open(os.path.join(root, "config",
                                                               "global.yaml")))
                        ["storage"]["avro_path"])
    for ch in relay["channels"]:
        c = int(ch["name"][2:])
        schema = load_schema(chk, os.path.join(root, ch["schema"]), EXAMPLE_FIELDS)
        check_channel(chk, data, c, EXAMPLE_FIELDS, expected_example,
                      lambda p, s=schema: relay_records(chk, p, s))
    # The same shape as object container files, read by the OCF reader.
    out = os.path.join(tmp, "example-ocf")
    r = run(gen, ["--out", out, "--shape", "example"] + COMMON)
    chk.eq("example ocf exit " + r.stderr, r.returncode, 0)
    for c in range(FIRST, FIRST + CHANNELS):
        check_channel(chk, out, c, EXAMPLE_FIELDS, expected_example,
                      lambda p: ocf_records(chk, p))


def check_ocf_unchanged(chk, gen, tmp):
    a, b = os.path.join(tmp, "ocf-default"), os.path.join(tmp, "ocf-named")
    chk.eq("default run", run(gen, ["--out", a] + COMMON).returncode, 0)
    chk.eq("--format ocf run", run(gen, ["--out", b, "--format", "ocf"] + COMMON).returncode, 0)
    for c in range(FIRST, FIRST + CHANNELS):
        names = sorted(os.listdir(os.path.join(a, "ch%03d" % c)))
        _, mismatch, errors = filecmp.cmpfiles(os.path.join(a, "ch%03d" % c),
                                               os.path.join(b, "ch%03d" % c), names,
                                               shallow=False)
        chk.eq("ch%03d --format ocf is the default" % c, (mismatch, errors), ([], []))
        with open(os.path.join(a, "ch%03d" % c, names[0]), "rb") as fh:
            chk.eq("ocf magic", fh.read(4), b"Obj\x01")


def check_refusals(chk, gen, tmp):
    out = os.path.join(tmp, "bad")
    base = ["--channels", "1", "--seconds", "1", "--rate", "1"]
    cases = {
        "relay with deflate": (["--out", out, "--format", "relay", "--codec", "deflate"],
                               "--format relay: the relay writes uncompressed blocks"),
        "relay with blocks": (["--out", out, "--format", "relay", "--block-records", "5"],
                              "--format relay: the relay writes one record per block"),
        "example with signals": (["--out", out, "--shape", "example", "--signals", "2"],
                                 "--shape example: the example shape has fixed fields"),
        "example with mode": (["--out", out, "--shape", "example", "--with-mode"],
                              "--shape example: the example shape has fixed fields"),
        "unknown format": (["--out", out, "--format", "avro"],
                           "--format: invalid choice: 'avro' (choose from 'ocf', 'relay')"),
        "unknown shape": (["--out", out, "--shape", "x"],
                          "--shape: invalid choice: 'x' (choose from 'signals', 'example')"),
        "root and out": (["--out", out, "--speeddata-root", out],
                         "--speeddata-root: it places the data and the .avsc files itself"),
        "root and avsc": (["--speeddata-root", out, "--write-avsc", out],
                          "--speeddata-root: it places the data and the .avsc files itself"),
        "neither out nor root": ([], "the following argument is required: --out "
                                     "(or --speeddata-root)"),
    }
    for what, (args, message) in cases.items():
        r = run(gen, args + base)
        chk.eq(what + " exit", r.returncode, 2)
        chk.eq(what + " message", message in r.stderr, True)
    chk.eq("nothing written", os.path.exists(out), False)
    # --block-records 1 is what the relay does anyway.
    r = run(gen, ["--out", out, "--format", "relay", "--block-records", "1"] + base)
    chk.eq("relay with one record per block", r.returncode, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    a = ap.parse_args()
    chk = Checker()
    with tempfile.TemporaryDirectory(prefix="gen_avro_relay_") as tmp:
        check_signals_relay(chk, a.gen, tmp)
        check_example(chk, a.gen, tmp)
        check_ocf_unchanged(chk, a.gen, tmp)
        check_refusals(chk, a.gen, tmp)
    print("%d passed, %d failed" % (chk.passed, chk.failed))
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
