#!/usr/bin/python3
"""pivot-gen-avro must write byte-identical files to the reference gen_avro.py.

usage: gen_avro_compare.py --gen PATH --baseline DIR
Exits 77 (reported as skipped) when DIR/gen_avro.py does not exist.
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77

# Each case exercises a different path: odd rates, zero and several signals,
# both codecs, file rotation, explicit and default block sizes, blocks cut by
# the 64000-byte sync interval, a shifted first channel, start offsets and
# fractions, and times before 1970 (floor division of the file start).
CASES = [
    ["--channels", "3", "--seconds", "25", "--rate", "7", "--signals", "4",
     "--file-seconds", "10", "--first-channel", "5", "--block-records", "13"],
    ["--channels", "2", "--seconds", "3", "--rate", "1000", "--signals", "1",
     "--file-seconds", "2", "--codec", "deflate"],
    ["--channels", "2", "--seconds", "3", "--rate", "1000", "--signals", "0",
     "--file-seconds", "1", "--codec", "deflate", "--start", "2024-02-29T23:59:59.25+01:00"],
    ["--channels", "2", "--seconds", "12", "--rate", "1000", "--signals", "4",
     "--file-seconds", "5", "--block-records", "5000", "--start", "1969-12-31T23:59:55.5Z"],
    ["--channels", "2", "--seconds", "12", "--rate", "1000", "--signals", "4",
     "--file-seconds", "5", "--block-records", "5000", "--codec", "deflate",
     "--first-channel", "998"],
    ["--channels", "1", "--seconds", "7", "--rate", "3", "--signals", "2",
     "--file-seconds", "600", "--block-records", "1", "--start", "2025-06-30T08:15:42.123456789Z"],
]


def tree(root):
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.relpath(os.path.join(d, f), root) for f in files]
    return sorted(out)


def summary(stdout):
    line = json.loads(stdout.strip().splitlines()[-1])
    return line["records"], line["files"], line["bytes"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    ap.add_argument("--baseline", required=True)
    a = ap.parse_args()
    ref = os.path.join(a.baseline, "gen_avro.py")
    if not os.path.isfile(ref):
        print("SKIP: reference generator %s not found" % ref)
        return SKIP
    failed = set()
    with tempfile.TemporaryDirectory(prefix="gen_avro_cmp_") as tmp:
        for n, case in enumerate(CASES):
            c_out = os.path.join(tmp, "c%d" % n)
            p_out = os.path.join(tmp, "p%d" % n)
            c = subprocess.run([a.gen, "--out", c_out, "--jobs", "2"] + case,
                               capture_output=True, text=True, check=True)
            p = subprocess.run([sys.executable, ref, "--out", p_out, "--jobs", "1"] + case,
                               capture_output=True, text=True, check=True)
            names = tree(p_out)
            if tree(c_out) != names or not names:
                print("case %d: file lists differ:\n  C:  %s\n  py: %s" % (n, tree(c_out), names))
                failed.add(n)
                continue
            _, mismatch, errors = filecmp.cmpfiles(c_out, p_out, names, shallow=False)
            if mismatch or errors:
                print("case %d: files differ: %s" % (n, mismatch + errors))
                failed.add(n)
            if summary(c.stdout) != summary(p.stdout):
                print("case %d: summaries differ: %s vs %s" % (n, c.stdout, p.stdout))
                failed.add(n)
            print("case %d: %d files compared" % (n, len(names)))
    print("%d passed, %d failed" % (len(CASES) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
