#!/usr/bin/python3
"""Listing benchmark: GET /api/v1/pivot/channels over many small files.

Generates with pivot-gen-avro a SpeedData installation (--speeddata-root:
relay files, config/relay.yaml, config/agents/*.avsc; records shaped like
example.avsc) of --channels channels with --files files each, a few records
per file (kept in --data and reused), or the same as OCF files with
--format ocf. Starts a real `pivotd serve` on loopback and prints, client
side:

  cold   the first GET after the server started: every file's bounds are
         read (first block, last block found from the end); median over
         --repeat fresh servers
  warm   later GETs on the same keep-alive connection: the bounds come from
         the source's cache, keyed by file identity, so each file is only
         stat()ed; median of --warm requests

The bounds cache belongs to an HTTP thread's source instance (api.threads,
default 2), so the first request each thread serves is a cold one; one
connection stays on one thread. The page cache is warm throughout: only
the server's own cache is cold. Benchmarks are not tests: nothing here
asserts a time.

    /usr/bin/python3 bench/channels_bench.py --build BUILD_DIR [--channels 100 --files 100]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from export_bench import API, START, Server


def generate(gen, data_root, fmt, channels, files, per_file):
    """The installation (relay) or cache folder (ocf), written once; returns
    the data folder and the pivotd configuration it needs."""
    out = os.path.join(data_root, "channels-%s-%dx%dx%d" % (fmt, channels, files, per_file))
    stamp = os.path.join(out, ".generated")
    if fmt == "relay":
        data, config = os.path.join(out, "data"), 'speeddata:\n  root: "%s"\n' % out
        where = ["--speeddata-root", out]
    else:
        data, config, where = out, "", ["--out", out]
    if not os.path.exists(stamp):
        shutil.rmtree(out, ignore_errors=True)
        # One file a second, per_file records in each.
        subprocess.run([gen] + where + ["--format", fmt, "--shape", "example",
                        "--channels", str(channels), "--seconds", str(files),
                        "--rate", str(per_file), "--file-seconds", "1", "--start", START,
                        "--jobs", "2"], check=True, stdout=subprocess.DEVNULL)
        open(stamp, "w").close()
    return data, config


def get_channels(server):
    t0 = time.monotonic()
    r = server.http.get(server.base + API + "/channels")
    dt = time.monotonic() - t0
    if r.status_code != 200:
        raise RuntimeError("GET /channels: %d %s" % (r.status_code, r.text))
    return dt, r.json()["channels"], len(r.content)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/pivotd, lib/pivot)")
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "pivot-bench-data"),
                    help="where generated data is kept and reused")
    ap.add_argument("--format", choices=["relay", "ocf"], default="relay")
    ap.add_argument("--channels", type=int, default=100)
    ap.add_argument("--files", type=int, default=100, help="files per channel")
    ap.add_argument("--records", type=int, default=4, help="records per file")
    ap.add_argument("--repeat", type=int, default=3, help="fresh servers, for the cold figure")
    ap.add_argument("--warm", type=int, default=10, help="warm requests per server")
    a = ap.parse_args()

    pivotd = os.path.join(a.build, "bin", "pivotd")
    gen = os.path.join(a.build, "bin", "pivot-gen-avro")
    plugins = os.path.join(a.build, "lib", "pivot")
    os.makedirs(a.data, exist_ok=True)
    data, config = generate(gen, a.data, a.format, a.channels, a.files, a.records)
    scratch = tempfile.mkdtemp(prefix="pivot-channels-bench-", dir=a.data)
    cold, warm = [], []
    try:
        for run in range(a.repeat):
            server = Server(pivotd, plugins, data, os.path.join(scratch, "state%d" % run),
                            dict(os.environ), config)
            try:
                dt, channels, size = get_channels(server)
                cold.append(dt)
                bad = [c["name"] for c in channels if c.get("error") or c.get("first") is None]
                if len(channels) != a.channels or bad:
                    raise RuntimeError("listed %d channels, without bounds: %s"
                                       % (len(channels), ", ".join(bad[:5])))
                warm += [get_channels(server)[0] for _ in range(a.warm)]
            finally:
                server.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print("| case | files | cold ms (median of %d) | warm ms (median of %d) | warm min ms | "
          "response KB |" % (len(cold), len(warm)))
    print("|---|---|---|---|---|---|")
    print("| %s: %d ch x %d files x %d records | %d | %.1f | %.1f | %.1f | %.0f |"
          % (a.format, a.channels, a.files, a.records, a.channels * a.files,
             statistics.median(cold) * 1e3, statistics.median(warm) * 1e3, min(warm) * 1e3,
             size / 1024.0))
    print("warm target: <= 50 ms for 100 channels x 100 files (issue 13, item 8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
