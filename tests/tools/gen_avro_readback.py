#!/usr/bin/python3
"""Reads pivot-gen-avro --with-mode output back with python-avro and checks
every field of every record against the documented formulas, exactly.

usage: gen_avro_readback.py --gen PATH
"""
import argparse
import calendar
import json
import math
import os
import subprocess
import sys
import tempfile

import avro.datafile
import avro.io

MODES = ["idle", "ramp", "hold", "vent"]
# 45 s at 7 Hz: every mode and the wrap back to "idle"; three files per channel.
CHANNELS, FIRST, SECONDS, RATE, SIGNALS, FILE_SECONDS = 2, 3, 45, 7, 3, 20
START = "2025-03-01T12:00:00.25+02:00"
# 2025-03-01T10:00:00.25Z, computed independently of the generator.
START_NS = calendar.timegm((2025, 3, 1, 10, 0, 0)) * 1_000_000_000 + 250_000_000
FIELDS = ["time"] + ["sig%d" % k for k in range(SIGNALS)] + ["counter", "mode"]


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


def check_channel(chk, out, c, codec):
    chdir = os.path.join(out, "ch%03d" % c)
    per_file = FILE_SECONDS * RATE
    n_total = SECONDS * RATE
    starts = [(START_NS + j * FILE_SECONDS * 1_000_000_000) // 1_000_000_000
              for j in range((n_total + per_file - 1) // per_file)]
    chk.eq("ch%03d files" % c, sorted(os.listdir(chdir)),
           sorted("data_%d.avro" % s for s in starts))
    i = 0
    w = [2.0 * math.pi * 0.5 * (k + 1) for k in range(SIGNALS)]
    for s in starts:
        path = os.path.join(chdir, "data_%d.avro" % s)
        with open(path, "rb") as fh:
            rd = avro.datafile.DataFileReader(fh, avro.io.DatumReader())
            chk.eq(path + " codec", rd.codec, codec)
            names = [f["name"] for f in json.loads(rd.schema)["fields"]]
            chk.eq(path + " fields", names, FIELDS)
            for rec in rd:
                chk.eq("%s[%d] keys" % (path, i), list(rec.keys()), FIELDS)
                chk.eq("%s[%d] time" % (path, i), rec["time"], START_NS + i * 10**9 // RATE)
                t = i / RATE
                for k in range(SIGNALS):
                    chk.eq("%s[%d] sig%d" % (path, i, k), rec["sig%d" % k],
                           (k + 1) * math.sin(w[k] * t + 0.1 * c))
                chk.eq("%s[%d] counter" % (path, i), rec["counter"], i & 0x7FFFFFFF)
                chk.eq("%s[%d] mode" % (path, i), rec["mode"], MODES[(i // (10 * RATE)) % 4])
                i += 1
            rd.close()
        chk.eq(path + " last index", i, min(n_total, (starts.index(s) + 1) * per_file))
    chk.eq("ch%03d records" % c, i, n_total)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    a = ap.parse_args()
    chk = Checker()
    with tempfile.TemporaryDirectory(prefix="gen_avro_rb_") as tmp:
        for codec in ("null", "deflate"):
            out = os.path.join(tmp, codec)
            r = subprocess.run(
                [a.gen, "--out", out, "--with-mode", "--codec", codec,
                 "--channels", str(CHANNELS), "--first-channel", str(FIRST),
                 "--seconds", str(SECONDS), "--rate", str(RATE), "--signals", str(SIGNALS),
                 "--file-seconds", str(FILE_SECONDS), "--start", START, "--block-records", "11"],
                capture_output=True, text=True, check=True)
            line = json.loads(r.stdout)
            chk.eq(codec + " summary records", line["records"], CHANNELS * SECONDS * RATE)
            chk.eq(codec + " summary files", line["files"], CHANNELS * 3)
            for c in range(FIRST, FIRST + CHANNELS):
                check_channel(chk, out, c, codec)
    print("%d passed, %d failed" % (chk.passed, chk.failed))
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
