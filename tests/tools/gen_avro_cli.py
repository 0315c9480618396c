#!/usr/bin/python3
"""Command line of pivot-gen-avro: usage errors, --help, --start forms, --jobs
determinism and the JSON summary line.

usage: gen_avro_cli.py --gen PATH
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile

BASE = ["--channels", "2", "--seconds", "3", "--rate", "5"]


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def eq(self, what, actual, expected):
        if actual == expected:
            self.passed += 1
        else:
            self.failed += 1
            print("%s: got %r, expected %r" % (what, actual, expected))


def run(gen, args):
    return subprocess.run([gen] + args, capture_output=True, text=True)


def files_of(root):
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.relpath(os.path.join(d, f), root) for f in files]
    return sorted(out)


def same_tree(a, b):
    names = files_of(a)
    if not names or names != files_of(b):
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def check_usage_errors(chk, gen, tmp):
    out = os.path.join(tmp, "bad")
    bad = {
        "no arguments": [],
        "missing --out": BASE,
        "missing --rate": ["--out", out, "--channels", "2", "--seconds", "3"],
        "zero channels": ["--out", out, "--channels", "0", "--seconds", "3", "--rate", "5"],
        "rate not a number": ["--out", out] + BASE[:4] + ["--rate", "5x"],
        "rate above 1 GHz": ["--out", out] + BASE[:4] + ["--rate", "1000000001"],
        "negative signals": ["--out", out] + BASE + ["--signals", "-1"],
        "negative block records": ["--out", out] + BASE + ["--block-records", "-1"],
        "unknown codec": ["--out", out] + BASE + ["--codec", "gzip"],
        "no such day": ["--out", out] + BASE + ["--start", "2025-02-29T00:00:00Z"],
        "bad offset": ["--out", out] + BASE + ["--start", "2025-01-01T00:00:00+25:00"],
        "not a time": ["--out", out] + BASE + ["--start", "yesterday"],
        "beyond int64 ns": ["--out", out] + BASE + ["--start", "2263-01-01T00:00:00Z"],
        "unknown option": ["--out", out] + BASE + ["--bogus"],
        "stray argument": ["--out", out] + BASE + ["extra"],
        "value missing": ["--out", out] + BASE + ["--jobs"],
        "zero jobs": ["--out", out] + BASE + ["--jobs", "0"],
    }
    for what, args in bad.items():
        r = run(gen, args)
        chk.eq(what + ": exit code", r.returncode, 2)
        chk.eq(what + ": usage shown", r.stderr.startswith("usage: pivot-gen-avro"), True)
        chk.eq(what + ": error line", "pivot-gen-avro: error: " in r.stderr, True)
    chk.eq("nothing written on usage errors", os.path.exists(out), False)


def check_help(chk, gen):
    r = run(gen, ["--help"])
    chk.eq("--help exit code", r.returncode, 0)
    for formula in ["start_ns + (i * 1000000000) // rate",
                    "(k + 1) * sin(w_k * (i / rate) + 0.1 * c), w_k = 2*pi * 0.5 * (k + 1)",
                    "i & 0x7fffffff",
                    '["idle","ramp","hold","vent"][(i // (10 * rate)) % 4]']:
        chk.eq("--help documents " + formula, formula in r.stdout, True)


def check_start_forms(chk, gen, tmp):
    ref = os.path.join(tmp, "start_ref")
    run(gen, ["--out", ref] + BASE + ["--start", "2025-01-01T00:00:00Z"])
    chk.eq("default start file", files_of(ref)[0], "ch000/data_1735689600.avro")
    forms = ["2025-01-01T02:00:00+02:00", "2024-12-31T19:30:00-04:30", "2025-01-01t00:00:00z",
             "2025-01-01 00:00:00", "2025-01-01T00:00Z", "2025-01-01", "2025-01-01T00:00:00.0Z",
             "2025-01-01T01:00:00+0100"]
    for n, form in enumerate(forms):
        out = os.path.join(tmp, "start%d" % n)
        r = run(gen, ["--out", out] + BASE + ["--start", form])
        chk.eq(form + ": exit code", r.returncode, 0)
        chk.eq(form + ": same files as 2025-01-01T00:00:00Z", same_tree(out, ref), True)
    # A fraction moves the samples but not the file name (whole seconds, floored).
    out = os.path.join(tmp, "start_frac")
    run(gen, ["--out", out] + BASE + ["--start", "1969-12-31T23:59:59.999999999Z"])
    chk.eq("pre-epoch fraction file name", files_of(out)[0], "ch000/data_-1.avro")


def check_jobs_and_summary(chk, gen, tmp):
    args = ["--channels", "5", "--seconds", "30", "--rate", "50", "--signals", "2",
            "--file-seconds", "7", "--codec", "deflate"]
    one = os.path.join(tmp, "jobs1", "nested", "dir")
    three = os.path.join(tmp, "jobs3")
    r1 = run(gen, ["--out", one, "--jobs", "1"] + args)
    r3 = run(gen, ["--out", three, "--jobs", "3"] + args)
    chk.eq("--jobs 1 exit code", r1.returncode, 0)
    chk.eq("--jobs 3 exit code", r3.returncode, 0)
    chk.eq("--jobs does not change the bytes", same_tree(one, three), True)
    s = json.loads(r3.stdout)
    names = files_of(three)
    chk.eq("summary keys", list(s.keys()),
           ["generator", "records", "files", "bytes", "elapsed_s", "records_per_s"])
    chk.eq("summary generator", s["generator"], "pivot-gen-avro")
    chk.eq("summary records", s["records"], 5 * 30 * 50)
    chk.eq("summary files", s["files"], 25)
    chk.eq("files on disk", len(names), 25)
    chk.eq("summary bytes", s["bytes"],
           sum(os.path.getsize(os.path.join(three, f)) for f in names))
    with open(os.path.join(three, names[0]), "rb") as fh:
        chk.eq("magic", fh.read(4), b"Obj\x01")


def check_output_not_a_directory(chk, gen, tmp):
    path = os.path.join(tmp, "plain_file")
    with open(path, "w") as fh:
        fh.write("x")
    r = run(gen, ["--out", path] + BASE)
    chk.eq("--out is a file: exit code", r.returncode, 1)
    chk.eq("--out is a file: message", "Not a directory" in r.stderr, True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    a = ap.parse_args()
    chk = Checker()
    with tempfile.TemporaryDirectory(prefix="gen_avro_cli_") as tmp:
        check_usage_errors(chk, a.gen, tmp)
        check_help(chk, a.gen)
        check_start_forms(chk, a.gen, tmp)
        check_jobs_and_summary(chk, a.gen, tmp)
        check_output_not_a_directory(chk, a.gen, tmp)
    print("%d passed, %d failed" % (chk.passed, chk.failed))
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
