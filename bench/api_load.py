#!/usr/bin/python3
"""API load benchmark: status polls and submissions against a real pivotd.

Runs wrk (Debian package `wrk`) on loopback against `pivotd serve` and prints
one table, each figure beside a floor measured in the same run:

  floor        GET /api/v1/health: no key, no job store; the HTTP stack alone
  poll idle    GET /api/v1/pivot/jobs/{id} with a key, no export running
  poll busy    the same while three exports run (the scheduler's maximum)
  submit       POST /api/v1/pivot/jobs of a small job (1 channel, 1 s)

Every request loop is bounded by --seconds and talks to 127.0.0.1 only.
Benchmarks are not tests: nothing here asserts a figure.

    /usr/bin/python3 bench/api_load.py --build BUILD_DIR [--seconds 10] [--connections 50]
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import requests

API = "/api/v1/pivot"
START = "2025-01-01T00:00:00Z"
POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "%s"
wrk.body = '{"time_range":{"type":"absolute","start":"2025-01-01T00:00:00Z",' ..
           '"end":"2025-01-01T00:00:01Z"},"channels":{"include":["ch000"]}}'
"""


def wrk(url, seconds, connections, threads, key=None, script=None):
    """Runs wrk; returns (requests/s, p50 ms, p99 ms, non-2xx count)."""
    cmd = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency"]
    if key is not None:
        cmd += ["-H", "X-API-Key: " + key]
    if script is not None:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], check=True, stdout=subprocess.PIPE, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct(50), pct(99), int(bad.group(1)) if bad else 0


class Server:
    def __init__(self, build, data, state):
        self.pivotd = os.path.join(build, "bin", "pivotd")
        self.common = ["--state-dir", state, "--plugin-dir", os.path.join(build, "lib", "pivot")]
        self.log_path = state + ".log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.pivotd, "serve", "--listen", "127.0.0.1:0",
                                      "--data-dir", data] + self.common,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            m = re.search(rb"listening on (http://[0-9.]+:\d+)", open(self.log_path, "rb").read())
            if m:
                self.base = m.group(1).decode()
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("pivotd did not start")
        self.key = subprocess.run([self.pivotd, "keys", "create", "--user", "bench"] + self.common,
                                  check=True, stdout=subprocess.PIPE,
                                  text=True).stdout.strip()

    def post(self, body):
        r = requests.post(self.base + API + "/jobs", json=body,
                          headers={"X-API-Key": self.key}, timeout=30)
        r.raise_for_status()
        return r.json()["job_id"]

    def status(self, job_id):
        return requests.get(self.base + API + "/jobs/" + job_id,
                            headers={"X-API-Key": self.key}, timeout=30).json()["status"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/, lib/pivot)")
    ap.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--data", help="data directory to keep between runs (default: temporary)")
    a = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("api_load: wrk is not installed (apt-get install wrk)")
    tmp = tempfile.mkdtemp(prefix="pivot-api-load-")
    data = a.data or os.path.join(tmp, "data")
    # Exports long enough to outlast a wrk run: 30 channels x 1 h x 100 Hz each.
    if not os.path.isdir(os.path.join(data, "ch029")):
        subprocess.run([os.path.join(a.build, "bin", "pivot-gen-avro"), "--out", data,
                        "--channels", "30", "--seconds", "3600", "--rate", "100",
                        "--start", START], check=True, stdout=subprocess.DEVNULL)
    server = Server(a.build, data, os.path.join(tmp, "state"))
    rows = []
    try:
        small = {"time_range": {"type": "absolute", "start": START,
                                "end": "2025-01-01T00:00:01Z"},
                 "channels": {"include": ["ch000"]}}
        job = server.post(small)
        while server.status(job) != "completed":
            time.sleep(0.05)
        url = server.base + API + "/jobs/" + job
        rows.append(("floor: GET /api/v1/health",) +
                    wrk(server.base + "/api/v1/health", a.seconds, a.connections, a.threads))
        rows.append(("GET job, idle",) +
                    wrk(url, a.seconds, a.connections, a.threads, key=server.key))
        big = {"time_range": {"type": "absolute", "start": START,
                              "end": "2025-01-01T01:00:00Z"},
               "channels": {"pattern": "ch0*"}}
        stop = threading.Event()
        peak = [0, 0]  # lowest and highest number of exports seen running

        def feed():
            """Keeps the scheduler's three slots busy with exports for the whole run."""
            mine = []
            low = None
            while not stop.is_set():
                mine = [j for j in mine if server.status(j) in ("queued", "processing")]
                running = sum(1 for j in mine if server.status(j) == "processing")
                low = running if low is None else min(low, running)
                peak[1] = max(peak[1], running)
                while len(mine) < 5:
                    mine.append(server.post(big))
                time.sleep(0.05)
            peak[0] = low or 0
            for j in mine:
                requests.delete(server.base + API + "/jobs/" + j,
                                headers={"X-API-Key": server.key}, timeout=30)

        feeder = threading.Thread(target=feed)
        feeder.start()
        time.sleep(1.0)  # let three exports start
        busy = wrk(url, a.seconds, a.connections, a.threads, key=server.key)
        stop.set()
        feeder.join()
        rows.append(("GET job, %d-%d exports running" % (peak[0], peak[1]),) + busy)
        script = os.path.join(tmp, "post.lua")
        with open(script, "w") as f:
            f.write(POST_LUA % server.key)
        rows.append(("POST small job",) +
                    wrk(server.base + API + "/jobs", a.seconds, a.connections, a.threads,
                        script=script))
    finally:
        server.stop()
        shutil.rmtree(tmp if a.data is None else os.path.join(tmp, "state"), ignore_errors=True)
    print("%-42s %12s %9s %9s %8s" % ("case", "requests/s", "p50 ms", "p99 ms", "non-2xx"))
    for name, rps, p50, p99, bad in rows:
        print("%-42s %12.0f %9.2f %9.2f %8d" % (name, rps, p50, p99, bad))
    floor = rows[0][1]
    for name, rps, *_ in rows[1:]:
        print("%-42s %11.0f%% of the floor" % (name, 100.0 * rps / floor))


if __name__ == "__main__":
    main()
