#!/usr/bin/python3
"""Compression benchmark: compressed exports beside uncompressed ones and
beside the path before the compression threads, in one run.

For each case (generated with pivot-gen-avro like export_bench.py, kept in
--data and reused) it starts one real `pivotd serve` per variant and
submits the same job over HTTP; it prints, side by side:

  wall s      POST -> status "completed" (client side, 10 ms polling)
  CPU s       user+sys of pivotd and its worker over the job (the worker's
              time reaches pivotd's cutime/cstime once it is reaped), so
              the use of both cores shows as CPU s > wall s
  peak RSS    the worker's VmHWM
  out MB      the result, and its ratio to the case's uncompressed result
  floor       `cat` of the inputs + `dd` of the result's size with fsync

Variants:
  none        "compression": "none"
  gzip1       {"gzip": 1}: shuffle + deflate on the compression threads
              (plugins.hdf5.compression_threads, default one per core) with
              direct chunk writes; deflate-coded input inflated by libdeflate
  gzip1-old   {"gzip": 1} the path before: HDF5's deflate filter on the
              writer thread (compression_threads: 0) and zlib's inflate
              (PIVOT_AVRO_INFLATE=zlib)

Cases: headline (100 ch x 1 h x 100 Hz, signals), deflate (20 ch x 1 h x
100 Hz, deflate-coded input), example40 (40 ch x 600 s of records shaped
like SpeedData's example.avsc, whose string column HDF5 compresses on its
own path), relay-fixture (tests/data/speeddata-relay, the real relay files;
sizes only: it is small). Not a test: nothing asserts a time.

    /usr/bin/python3 bench/compression_bench.py --build BUILD_DIR \
        [--cases headline,deflate] [--variants none,gzip1,gzip1-old] [--repeat 1]
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_bench as eb  # noqa: E402

REPO = eb.REPO
FIXTURE = os.path.join(REPO, "tests", "data", "speeddata-relay")
# Its records: 2026-12-04, example at 100 Hz and temperature at 10 Hz.
FIXTURE_RANGE = ("2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z")

# name: export_bench case to generate (None: the relay fixture), variants run by default
CASES = {
    "headline": ("headline", ["none", "gzip1"]),
    "deflate": ("deflate", ["gzip1-old", "gzip1"]),
    "example40": ("strings40", ["none", "gzip1"]),
    "relay-fixture": (None, ["none", "gzip1"]),
    "smoke": ("smoke", ["none", "gzip1", "gzip1-old"]),
}
VARIANTS = {
    # compression option, extra config, extra environment
    "none": ("none", "", {}),
    "gzip1": ({"gzip": 1}, "", {}),
    "gzip1-old": ({"gzip": 1}, "plugins:\n  hdf5:\n    compression_threads: \"0\"\n",
                  {"PIVOT_AVRO_INFLATE": "zlib"}),
}


def cpu_seconds(pid):
    """utime + stime + cutime + cstime of pid (its reaped children included)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_job(server, body):
    """One job: wall seconds, CPU seconds, peak RSS MiB, result bytes."""
    peak = 0
    cpu0 = cpu_seconds(server.proc.pid)
    t0 = time.monotonic()
    r = server.http.post(server.base + eb.API + "/jobs", data=json.dumps(body),
                         headers={"Content-Type": "application/json"})
    if r.status_code != 202:
        raise RuntimeError("POST: %d %s" % (r.status_code, r.text))
    job_id = r.json()["job_id"]
    while True:
        for pid in eb.worker_pids(server.proc.pid):
            peak = max(peak, eb.vm_hwm_kib(pid))
        job = server.http.get(server.base + eb.API + "/jobs/" + job_id).json()
        if job["status"] in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.01)
    wall = time.monotonic() - t0
    if job["status"] != "completed":
        raise RuntimeError("job %s: %s" % (job_id, json.dumps(job)))
    # The worker's CPU time reaches pivotd once pivotd has reaped it.
    deadline = time.monotonic() + 5
    while eb.worker_pids(server.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    cpu = cpu_seconds(server.proc.pid) - cpu0
    paths = [os.path.join(server.state, "results", n)
             for n in os.listdir(os.path.join(server.state, "results")) if n.startswith(job_id)]
    size = sum(os.path.getsize(p) for p in paths)
    for p in paths:
        os.unlink(p)
    return wall, cpu, peak / 1024.0, size


def body_for(case, channels, seconds, compression):
    if case is None:
        start, end = FIXTURE_RANGE
        include = ["example", "temperature"]
    else:
        start, end = eb.iso(0), eb.iso(seconds)
        include = ["ch%03d" % c for c in range(channels)]
    return {"time_range": {"type": "absolute", "start": start, "end": end},
            "channels": {"include": include},
            "options": {"compression": compression}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/pivotd, lib/pivot)")
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "pivot-bench-data"),
                    help="where generated caches are kept and reused")
    ap.add_argument("--cases", default="headline,deflate,example40,relay-fixture",
                    help="comma-separated: " + ",".join(CASES))
    ap.add_argument("--variants", default=None,
                    help="comma-separated variants for every case (default: each case's own): "
                         + ",".join(VARIANTS))
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant; the median is shown")
    a = ap.parse_args()

    pivotd = os.path.join(a.build, "bin", "pivotd")
    gen = os.path.join(a.build, "bin", "pivot-gen-avro")
    plugins = os.path.join(a.build, "lib", "pivot")
    os.makedirs(a.data, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="pivot-cbench-", dir=a.data)
    rows = []
    try:
        for name in a.cases.split(","):
            if name not in CASES:
                ap.error("unknown case %s" % name)
            gen_case, variants = CASES[name]
            if a.variants:
                variants = a.variants.split(",")
            if gen_case is None:
                data = os.path.join(FIXTURE, "data")
                config = 'speeddata:\n  root: "%s"\n' % FIXTURE
                files = [os.path.join(d, f) for d, _, fs in os.walk(data) for f in fs
                         if f.endswith(".avro")]
                channels = seconds = records = 0
                codec = "relay"
            else:
                case = eb.CASES[gen_case]
                channels, seconds, rate, codec = case[:4]
                data, config = eb.generate(gen, a.data, gen_case, case)
                files = eb.input_files(data)
                records = channels * seconds * rate
            in_bytes = sum(os.path.getsize(f) for f in files)
            eb.floor_read(files)  # warm the page cache
            for v in variants:
                compression, extra_config, extra_env = VARIANTS[v]
                env = dict(os.environ)
                env.update(extra_env)
                state = os.path.join(scratch, "state-%s-%s" % (name, v))
                server = eb.Server(pivotd, plugins, data, state, env, config + extra_config)
                try:
                    body = body_for(gen_case, channels, seconds, compression)
                    runs = [run_job(server, body) for _ in range(a.repeat)]
                finally:
                    server.stop()
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                rss = max(r[2] for r in runs)
                out = runs[0][3]
                rd = eb.floor_read(files)
                wrs = eb.floor_write(os.path.join(scratch, "dd.out"), out, True)
                rows.append((name, v, records, codec, in_bytes, out, wall, cpu, rss, rd + wrs))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    hdr = ("case", "variant", "records", "codec", "in MB", "out MB", "out ratio", "wall s",
           "CPU s (user+sys)", "CPU/wall", "peak RSS MiB", "floor s", "wall/floor",
           "wall vs first")
    print("| " + " | ".join(hdr) + " |")
    print("|" + "|".join("---" for _ in hdr) + "|")
    first = {}
    plain = {}
    for r in rows:
        first.setdefault(r[0], r)
        if r[1] == "none":
            plain[r[0]] = r
    for (name, v, rec, codec, ib, ob, wall, cpu, rss, floor) in rows:
        base = plain.get(name)
        print("| " + " | ".join([
            name, v, ("%.1f M" % (rec / 1e6)) if rec >= 100000 else (str(rec) if rec else "-"), codec, "%.1f" % (ib / 1e6),
            "%.1f" % (ob / 1e6), ("%.2fx" % (base[5] / ob)) if base else "-", "%.2f" % wall,
            "%.2f" % cpu, "%.2f" % (cpu / wall), "%.0f" % rss, "%.2f" % floor,
            "%.1f" % (wall / floor), "%.2fx" % (wall / first[name][6])]) + " |")
    print("out ratio = uncompressed result / this result (same case, same run); "
          "floor = cat of the inputs + dd of this result's size with fsync; "
          "wall vs first = this variant's wall time over the case's first variant's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
