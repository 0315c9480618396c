#!/usr/bin/python3
"""API latency under slow look-ups and a submission flood, against a real pivotd.

While one client asks for a channel whose `describe` takes 2 s (the bench
source `slow_describe`, tests/plugins/slow_describe.c, built into
BUILD/bench-plugins) and `wrk` POSTs small jobs at its full rate on 20
connections, paced probes measure:

  health       GET /api/v1/health, no key (the event loop alone)
  status       GET /api/v1/pivot/jobs/{id} of other users (a key check and a
               job-store read on a blocking-work thread)

Each probe sends one request every --interval ms, in turn on four
persistent connections (the kernel spreads connections over the event
loops), and records its latency; a request still unanswered at the end of
a phase counts as an error with the time it has waited. The figures are
printed as one table, next to the same probes with no load. Every loop is bounded by --seconds
and talks to 127.0.0.1 only. Benchmarks are not tests: nothing here asserts
a figure.

    /usr/bin/python3 bench/api_latency.py --build BUILD_DIR [--seconds 10]
"""
import argparse
import glob
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

API = "/api/v1/pivot"
SMALL = {"time_range": {"type": "absolute", "start": "2025-01-01T00:00:00Z",
                        "end": "2025-01-01T00:00:01Z"},
         "channels": {"include": ["ch000"]}}
POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "%s"
wrk.body = '%s'
"""
# Submissions must be stored, not refused by a quota, for the flood to write.
CONFIG = """source: slow_describe
quotas:
  max_queued_jobs: 1000000
  jobs_per_day: 100000000
"""


class Server:
    def __init__(self, build, tmp):
        self.pivotd = os.path.join(build, "bin", "pivotd")
        plugins = os.path.join(tmp, "plugins")
        os.mkdir(plugins)
        for so in glob.glob(os.path.join(build, "lib", "pivot", "*.so")) + \
                [os.path.join(build, "bench-plugins", "slow_describe.so")]:
            os.symlink(os.path.abspath(so), os.path.join(plugins, os.path.basename(so)))
        config = os.path.join(tmp, "pivot.yaml")
        with open(config, "w") as f:
            f.write(CONFIG)
        data = os.path.join(tmp, "data")
        os.mkdir(data)
        state = os.path.join(tmp, "state")
        self.common = ["--state-dir", state, "--plugin-dir", plugins, "--config", config]
        self.log_path = state + ".log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.pivotd, "serve", "--listen", "127.0.0.1:0",
                                      "--data-dir", data] + self.common,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            m = re.search(rb"listening on http://([0-9.]+):(\d+)",
                          open(self.log_path, "rb").read())
            if m:
                self.host, self.port = m.group(1).decode(), int(m.group(2))
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("pivotd did not start:\n" + open(self.log_path).read())

    def key(self, user):
        return subprocess.run([self.pivotd, "keys", "create", "--user", user] + self.common,
                              check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True).stdout.strip()

    def connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def request(conn, method, path, key=None, body=None):
    headers = {"X-API-Key": key} if key else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


class Probe(threading.Thread):
    """Sends GET path every interval until stop, in turn on CONNECTIONS
    persistent connections (the kernel spreads connections over the event
    loops: one would see one loop only); keeps each latency in ms."""
    CONNECTIONS = 4

    def __init__(self, server, path, key, interval, stop):
        super().__init__(daemon=True)
        self.server, self.path, self.key = server, path, key
        self.interval, self.stop = interval, stop
        self.ms, self.errors = [], 0
        self.pending_since = None  # when the request under way was sent

    def run(self):
        conns = [self.server.connect() for _ in range(self.CONNECTIONS)]
        next_at = time.monotonic()
        n = 0
        while not self.stop.is_set():
            t0 = self.pending_since = time.monotonic()
            status, _ = request(conns[n % len(conns)], "GET", self.path, self.key)
            self.pending_since = None
            self.ms.append((time.monotonic() - t0) * 1000.0)
            if status != 200:
                self.errors += 1
            n += 1
            next_at += self.interval
            self.stop.wait(max(0.0, next_at - time.monotonic()))
        for c in conns:
            c.close()


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100.0))] if v else float("nan")


def run_probes(server, probes, seconds):
    """Runs the probes for seconds; returns them, finished."""
    stop = threading.Event()
    threads = [Probe(server, path, key, interval, stop) for path, key, interval in probes]
    for t in threads:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join(10)
        # A request still unanswered counts with what it has waited so far.
        since = t.pending_since
        if t.is_alive() and since is not None:
            t.ms.append((time.monotonic() - since) * 1000.0)
            t.errors += 1
    return threads


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/, lib/pivot, bench-plugins)")
    ap.add_argument("--seconds", type=int, default=10, help="length of each phase")
    ap.add_argument("--connections", type=int, default=20, help="wrk connections POSTing")
    ap.add_argument("--interval", type=float, default=10.0, help="ms between a probe's requests")
    a = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("api_latency: wrk is not installed (apt-get install wrk)")
    if not os.path.exists(os.path.join(a.build, "bench-plugins", "slow_describe.so")):
        sys.exit("api_latency: build the bench source first (target test_plugin_slow_describe)")
    tmp = tempfile.mkdtemp(prefix="pivot-api-latency-")
    server = Server(a.build, tmp)
    rows = []
    try:
        keys = {u: server.key(u) for u in ("flood", "slowpoke", "alice", "bob")}
        conn = server.connect()
        jobs = {}
        for user in ("alice", "bob"):
            status, body = request(conn, "POST", API + "/jobs", keys[user], json.dumps(SMALL))
            if status != 202:
                sys.exit("api_latency: POST as %s gave %d: %s" % (user, status, body))
            jobs[user] = json.loads(body)["job_id"]
        conn.close()
        interval = a.interval / 1000.0
        probes = [("/api/v1/health", None, interval)] + \
                 [(API + "/jobs/" + jobs[u], keys[u], interval) for u in ("alice", "bob")]

        idle = run_probes(server, probes, a.seconds)

        # The slow client: one request at a time, each describing "slow" (2 s).
        stop_slow = threading.Event()
        slow_times = []

        def slow_client():
            c = server.connect()
            while not stop_slow.is_set():
                t0 = time.monotonic()
                request(c, "GET", API + "/channels?pattern=slow", keys["slowpoke"])
                slow_times.append(time.monotonic() - t0)
            c.close()

        slow = threading.Thread(target=slow_client, daemon=True)
        slow.start()
        script = os.path.join(tmp, "post.lua")
        with open(script, "w") as f:
            f.write(POST_LUA % (keys["flood"], json.dumps(SMALL)))
        flood = subprocess.Popen(["wrk", "-t1", "-c%d" % a.connections, "-d%ds" % (a.seconds + 2),
                                  "--latency", "-s", script,
                                  "http://%s:%d%s/jobs" % (server.host, server.port, API)],
                                 stdout=subprocess.PIPE, text=True)
        time.sleep(1.0)  # the flood and a slow describe are under way
        busy = run_probes(server, probes, a.seconds)
        out = flood.communicate(timeout=a.seconds + 60)[0]
        stop_slow.set()
        slow.join(10)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    posts = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    names = ["health", "status (alice)", "status (bob)"]
    print("%-34s %8s %8s %8s %8s %7s %7s" % ("probe", "requests", "p50 ms", "p99 ms", "max ms",
                                             "> 20 ms", "errors"))
    for phase, threads in (("idle", idle), ("under load", busy)):
        for name, t in zip(names, threads):
            rows.append(("%s, %s" % (name, phase), len(t.ms), pct(t.ms, 50), pct(t.ms, 99),
                         max(t.ms) if t.ms else float("nan"), sum(1 for v in t.ms if v > 20),
                         t.errors))
    for row in rows:
        print("%-34s %8d %8.2f %8.2f %8.2f %7d %7d" % row)
    print("load: POST /jobs %.0f/s on %d connections (%s non-2xx); GET /channels?pattern=slow "
          "%d answered, %.2f s each on average"
          % (posts, a.connections, bad.group(1) if bad else "0", len(slow_times),
             sum(slow_times) / len(slow_times) if slow_times else float("nan")))


if __name__ == "__main__":
    main()
