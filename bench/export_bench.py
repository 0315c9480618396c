#!/usr/bin/python3
"""Export benchmark: pivotd against the floor of this machine and the baseline.

Generates each case's Avro cache with pivot-gen-avro (kept in --data and
reused), starts a real `pivotd serve`, submits one job per case over HTTP
and measures, in the same run:

  ours       POST -> status "completed", seconds (client side, 10 ms polling)
  peak RSS   the worker process's VmHWM (/proc, polled while it runs)
  floor      `cat` of the case's input files to /dev/null (warm cache), and
             `dd` writing as many bytes as the result, without and with fsync
             (the worker fsyncs its result before completing)
  baseline   tests/data/bench-baseline/baseline_pivot.py on the same data when
             --baseline run and the case is small enough, else the figure
             recorded in its README, labelled "recorded"

and prints one table. The cases headline-relay and headline-ocf (group
"relay") hold the same records, shaped like SpeedData's example.avsc, as
the relay's header-less files under a SpeedData root and as OCF files; run
together, their ratio is printed below the table. Benchmarks are not tests:
nothing here asserts a time.

    /usr/bin/python3 bench/export_bench.py --build BUILD_DIR [--cases headline,1khz]
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BASELINE = os.path.join(REPO, "tests", "data", "bench-baseline", "baseline_pivot.py")
API = "/api/v1/pivot"
START = "2025-01-01T00:00:00Z"

# name: channels, seconds, rate, codec, recorded baseline seconds (README), run baseline live?,
# file format (ocf, or relay: SpeedData's header-less blocks under a speeddata.root), record shape
CASES = {
    "smoke": (2, 60, 10, "null", None, True, "ocf", "signals"),
    "base10": (10, 600, 100, "null", 5.1, True, "ocf", "signals"),
    "headline": (100, 3600, 100, "null", 331.0, False, "ocf", "signals"),
    "1khz": (1, 3600, 1000, "null", 32.3, False, "ocf", "signals"),
    "1khz-10h": (1, 36000, 1000, "null", None, False, "ocf", "signals"),
    "deflate": (20, 3600, 100, "deflate", None, False, "ocf", "signals"),
    # The headline shape with records like SpeedData's example.avsc, as OCF
    # and as the relay writes it (one record per block): compared side by side.
    "headline-ocf": (100, 3600, 100, "null", None, False, "ocf", "example"),
    "headline-relay": (100, 3600, 100, "null", None, False, "relay", "example"),
    "relay-smoke-ocf": (2, 60, 10, "null", None, False, "ocf", "example"),
    "relay-smoke": (2, 60, 10, "null", None, False, "relay", "example"),
    # 40 channels whose records hold a string (`message`): for comparing
    # output formats (--format), whose string writing differs most.
    "strings40": (40, 600, 100, "null", None, False, "ocf", "example"),
}
# Names that stand for several cases.
GROUPS = {
    "relay": ["headline-ocf", "headline-relay"],
}


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1735689600 + seconds))


def generate(gen, data_root, name, case):
    """Writes the case's cache once; returns its data folder and the pivotd
    configuration it needs (relay files: speeddata.root, for their schemas)."""
    channels, seconds, rate, codec = case[:4]
    fmt, shape = case[6:8]
    out = os.path.join(data_root, name)
    stamp = os.path.join(out, ".generated")
    want = "%d %d %d %s %s %s\n" % (channels, seconds, rate, codec, fmt, shape)
    if fmt == "relay":
        data, config = os.path.join(out, "data"), 'speeddata:\n  root: "%s"\n' % out
        where = ["--speeddata-root", out]
    else:
        data, config, where = out, "", ["--out", out]
    if os.path.exists(stamp) and open(stamp).read() == want:
        return data, config
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([gen] + where + ["--format", fmt, "--shape", shape,
                    "--channels", str(channels), "--seconds", str(seconds),
                    "--rate", str(rate), "--codec", codec, "--start", START, "--jobs", "2"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(want)
    return data, config


def input_files(data):
    return sorted(glob.glob(os.path.join(data, "ch*", "*.avro")))


def floor_read(files):
    t0 = time.monotonic()
    subprocess.run(["cat"] + files, stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - t0


def floor_write(path, nbytes, fsync):
    mib = max(1, (nbytes + (1 << 20) - 1) >> 20)
    cmd = ["dd", "if=/dev/zero", "of=" + path, "bs=1M", "count=%d" % mib, "status=none"]
    if fsync:
        cmd.append("conv=fsync")
    t0 = time.monotonic()
    subprocess.run(cmd, check=True)
    dt = time.monotonic() - t0
    os.unlink(path)
    return dt


def worker_pids(server_pid):
    pids = []
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            text = open(status).read()
        except OSError:
            continue
        m = re.search(r"^PPid:\s+(\d+)", text, re.M)
        if m and int(m.group(1)) == server_pid:
            pids.append(int(status.split("/")[2]))
    return pids


def vm_hwm_kib(pid):
    try:
        m = re.search(r"^VmHWM:\s+(\d+) kB", open("/proc/%d/status" % pid).read(), re.M)
        return int(m.group(1)) if m else 0
    except OSError:
        return 0


class Server:
    def __init__(self, pivotd, plugins, data, state, env, config=""):
        self.pivotd, self.plugins, self.data, self.state = pivotd, plugins, data, state
        self.log_path = state + ".log"
        common = ["--state-dir", state, "--plugin-dir", plugins]
        if config:
            with open(state + ".yaml", "w") as f:
                f.write(config)
            common += ["--config", state + ".yaml"]
        self.key = None
        self.proc = subprocess.Popen(
            [pivotd, "serve", "--listen", "127.0.0.1:0", "--data-dir", data] + common,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.log_path, "wb"), env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            m = re.search(rb"listening on (http://[0-9.]+:\d+)", open(self.log_path, "rb").read())
            if m:
                self.base = m.group(1).decode()
                break
            if self.proc.poll() is not None:
                raise RuntimeError("pivotd serve exited:\n" + open(self.log_path).read())
            time.sleep(0.02)
        else:
            raise RuntimeError("pivotd serve did not start")
        out = subprocess.run([pivotd, "keys", "create", "--user", "bench"] + common,
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.key = out.stdout.decode().strip()
        self.http = requests.Session()
        self.http.headers["X-API-Key"] = self.key

    def export(self, channels, seconds, gzip=None, fmt=None):
        body = {"time_range": {"type": "absolute", "start": iso(0), "end": iso(seconds)},
                "channels": {"include": ["ch%03d" % c for c in range(channels)]},
                "options": {}}
        if gzip is not None:
            body["options"]["compression"] = {"gzip": gzip}
        if fmt is not None:
            body["options"]["format"] = fmt
        peak = 0
        t0 = time.monotonic()
        r = self.http.post(self.base + API + "/jobs", data=json.dumps(body),
                           headers={"Content-Type": "application/json"})
        if r.status_code != 202:
            raise RuntimeError("POST: %d %s" % (r.status_code, r.text))
        job_id = r.json()["job_id"]
        while True:
            for pid in worker_pids(self.proc.pid):
                peak = max(peak, vm_hwm_kib(pid))
            job = self.http.get(self.base + API + "/jobs/" + job_id).json()
            if job["status"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.01)
        dt = time.monotonic() - t0
        if job["status"] != "completed":
            raise RuntimeError("job %s: %s" % (job_id, json.dumps(job)))
        # The result's own size: the folder also holds its quick-look preview.
        size = job["result"]["file_size"]
        for p in glob.glob(os.path.join(self.state, "results", job_id + ".*")):
            os.unlink(p)
        return dt, peak / 1024.0, size

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_baseline(data, channels, seconds, out):
    cmd = ["/usr/bin/python3", BASELINE, "--data", data,
           "--channels", ",".join("ch%03d" % c for c in range(channels)),
           "--start", iso(0), "--end", iso(seconds), "--out", out]
    res = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    os.unlink(out)
    return json.loads(res.stdout.decode().strip().splitlines()[-1])["elapsed_s"]


def print_relay_ratios(rows):
    """For each relay case whose OCF twin (same records, OCF) ran too: relay
    time over OCF time, each over its floor, and the relay worker's RSS."""
    by_name = {r[0]: r for r in rows}
    for name, r in by_name.items():
        case = CASES[name]
        if case[6] != "relay":
            continue
        twin = [n for n in by_name if CASES[n][6] == "ocf" and CASES[n][:4] == case[:4] and
                CASES[n][7] == case[7]]
        if not twin:
            continue
        o = by_name[twin[0]]
        print("%s vs %s: relay/OCF %.2f (target <= 1.5); over their floors %.1f and %.1f; "
              "relay worker peak RSS %.0f MiB (target <= 100)"
              % (name, o[0], r[5] / o[5], r[5] / (r[7] + r[9]), o[5] / (o[7] + o[9]), r[6]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/pivotd, lib/pivot)")
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "pivot-bench-data"),
                    help="where generated caches are kept and reused")
    ap.add_argument("--cases", default="base10,headline,1khz,deflate",
                    help="comma-separated cases: " + ",".join(CASES) + "; or groups: " +
                         ", ".join("%s (%s)" % (g, ",".join(c)) for g, c in GROUPS.items()))
    ap.add_argument("--baseline", choices=["run", "recorded", "skip"], default="run",
                    help="run the baseline on the small cases (default), or only print "
                         "recorded figures")
    ap.add_argument("--format", default=None,
                    help="options.format of every job (default: the server's, hdf5)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per case; the median is shown")
    ap.add_argument("--decoders", default=None,
                    help="PIVOT_EXPORT_DECODERS for the worker (default: one per core)")
    ap.add_argument("--avro-decoder", choices=["auto", "libavro"], default="auto",
                    help="libavro measures the generic libavro reader instead of the compiled one")
    a = ap.parse_args()

    pivotd = os.path.join(a.build, "bin", "pivotd")
    gen = os.path.join(a.build, "bin", "pivot-gen-avro")
    plugins = os.path.join(a.build, "lib", "pivot")
    names = []
    for c in a.cases.split(","):
        for n in GROUPS.get(c, [c] if c else []):
            if n not in names:
                names.append(n)
    for n in names:
        if n not in CASES:
            ap.error("unknown case %s" % n)
    os.makedirs(a.data, exist_ok=True)
    env = dict(os.environ)
    if a.decoders is not None:
        env["PIVOT_EXPORT_DECODERS"] = a.decoders
    if a.avro_decoder == "libavro":
        env["PIVOT_AVRO_DECODER"] = "libavro"
    scratch = tempfile.mkdtemp(prefix="pivot-bench-", dir=a.data)
    rows = []
    try:
        for name in names:
            channels, seconds, rate, codec, recorded, live = CASES[name][:6]
            data, config = generate(gen, a.data, name, CASES[name])
            files = input_files(data)
            in_bytes = sum(os.path.getsize(f) for f in files)
            floor_read(files)  # warm the page cache
            server = Server(pivotd, plugins, data, os.path.join(scratch, "state-" + name), env,
                            config)
            try:
                # The deflate case also writes gzip level 1 output: the
                # compressed path end to end.
                gzip = 1 if codec == "deflate" else None
                runs = sorted(server.export(channels, seconds, gzip, a.format)
                              for _ in range(a.repeat))
            finally:
                server.stop()
            ours, rss, out_bytes = runs[len(runs) // 2]
            rss = max(r[1] for r in runs)
            rd = sorted(floor_read(files) for _ in range(3))[1]
            wr = floor_write(os.path.join(scratch, "dd.out"), out_bytes, False)
            wrs = floor_write(os.path.join(scratch, "dd.out"), out_bytes, True)
            base, label = None, ""
            if a.baseline == "run" and live:
                base, label = run_baseline(data, channels, seconds,
                                           os.path.join(scratch, "base.h5")), "measured"
            elif a.baseline != "skip" and recorded is not None:
                base, label = recorded, "recorded"
            rows.append((name, channels * seconds * rate, codec, in_bytes, out_bytes, ours, rss,
                         rd, wr, wrs, base, label))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    hdr = ("case", "records", "codec", "in MB", "out MB", "ours s", "M rec/s", "peak RSS MiB",
           "cat s", "dd s", "dd+fsync s", "floor s", "ours/floor", "baseline s", "speed-up")
    print("| " + " | ".join(hdr) + " |")
    print("|" + "|".join("---" for _ in hdr) + "|")
    for (name, rec, codec, ib, ob, ours, rss, rd, wr, wrs, base, label) in rows:
        floor = rd + wrs
        print("| " + " | ".join([
            name, ("%.1f M" % (rec / 1e6)) if rec >= 100000 else str(rec), codec, "%.0f" % (ib / 1e6), "%.0f" % (ob / 1e6),
            "%.3f" % ours, "%.1f" % (rec / ours / 1e6), "%.0f" % rss, "%.2f" % rd, "%.2f" % wr,
            "%.2f" % wrs, "%.2f" % floor, "%.1f" % (ours / floor),
            ("%.1f (%s)" % (base, label)) if base is not None else "-",
            ("%.0fx" % (base / ours)) if base is not None else "-"]) + " |")
    print("floor = cat of the inputs + dd of the result's size with fsync (the worker fsyncs); "
          "warm page cache; the deflate case writes gzip level 1 (shuffle) output")
    print_relay_ratios(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
