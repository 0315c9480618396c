#!/usr/bin/python3
"""GET /metrics against a real pivotd: the values move as jobs are submitted,
refused, completed, failed and cancelled; the text passes `promtool check
metrics`; a real Prometheus server scrapes it (its API reports up == 1); and
a peer outside metrics.allow gets the 404 of an unknown path.

A job is held in `processing` by SIGSTOPping its worker (as test_job_control
does), with jobs.max_concurrent 1 so that the next one waits in the queue.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

API = h.API
# The small job writes well under this, the whole cache well over it.
MAX_OUTPUT = 300000

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """The samples of a Prometheus text page: {(name, ((label, value), ...)): float}."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if m is None:
            raise AssertionError("not a sample line: %r" % line)
        labels = tuple(sorted(LABEL.findall(m.group(2) or "")))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MetricsTest(h.ServerCase):
    WORK_PREFIX = "pivot-metrics-"
    # allow as a YAML list (test_service writes it as one string).
    CONFIG = ("metrics:\n  allow: [127.0.0.1/32, \"::1\"]\n  max_users: 1\n"
              "jobs:\n  max_concurrent: 1\n  max_output_bytes: %d\n" % MAX_OUTPUT)
    USER = None  # alice and bob, made once the server runs

    @classmethod
    def write_data(cls, data):
        cls.cache = h.Cache.generate(data, channels=4, seconds=600, rate=1000, signals=4,
                                     file_seconds=120)

    @classmethod
    def after_start(cls):
        cls.big = {
            "time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
            "channels": {"include": cls.cache.channel_names()},
        }
        cls.small = dict(cls.big, channels={"include": ["ch000"]},
                         time_range=h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"))
        cls.alice = cls.client(cls.server.create_key("alice"))
        cls.bob = cls.client(cls.server.create_key("bob"))
        cls.frozen = []

    @classmethod
    def tearDownClass(cls):
        for pid in cls.frozen:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        super().tearDownClass()

    def scrape_text(self):
        """GET /metrics with no key, as Prometheus sends it."""
        with urllib.request.urlopen(self.server.base + "/metrics", timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.headers["Content-Type"],
                             "text/plain; version=0.0.4; charset=utf-8")
            return resp.read().decode()

    def scrape(self):
        return parse_metrics(self.scrape_text())

    @staticmethod
    def value(samples, name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))))

    def assert_jobs(self, samples, **counts):
        for status in ("queued", "processing", "completed", "failed", "cancelled", "expired"):
            self.assertEqual(self.value(samples, "pivot_jobs", status=status),
                             counts.get(status, 0), status)

    def test_1_values_follow_the_jobs(self):
        m = self.scrape()
        self.assert_jobs(m)
        self.assertEqual(self.value(m, "pivot_job_submissions_total"), 0)
        self.assertEqual(self.value(m, "pivot_queue_length"), 0)
        self.assertEqual(self.value(m, "pivot_auth_failures_total"), 0)
        self.assertEqual(self.value(m, "pivot_workers"), 0)

        ops = "pivot_job_store_operation_duration_seconds_count"
        reads, writes = self.value(m, ops, kind="read"), self.value(m, ops, kind="write")

        # Completed: one submission, a run time and a result size.
        done = self.alice.wait(self.alice.submit(self.small))
        self.assertEqual(done["status"], "completed")
        m = self.scrape_once_counted("completed", 1)
        self.assert_jobs(m, completed=1)
        self.assertEqual(self.value(m, "pivot_job_submissions_total"), 1)
        self.assertEqual(self.value(m, "pivot_jobs_finished_total", status="completed"), 1)
        self.assertEqual(self.value(m, "pivot_job_written_bytes_count"), 1)
        self.assertEqual(self.value(m, "pivot_job_written_bytes_sum"),
                         done["result"]["file_size"])
        # The store's operations are timed: the job's insert and its claim are
        # writes, the status reads of the wait reads; every one in a bucket.
        self.assertGreaterEqual(self.value(m, ops, kind="write") - writes, 2)
        self.assertGreaterEqual(self.value(m, ops, kind="read") - reads, 1)
        for kind in ("read", "write"):
            self.assertEqual(self.value(m, "pivot_job_store_operation_duration_seconds_bucket",
                                        kind=kind, le="+Inf"), self.value(m, ops, kind=kind))
        self.assertEqual(self.value(m, "pivot_job_run_duration_seconds_count"), 1)
        self.assertEqual(self.value(m, "pivot_http_requests_total", route="jobs", status="202"),
                         1)
        self.assertGreaterEqual(
            self.value(m, "pivot_http_request_duration_seconds_count", route="job"), 1)

        # Refused: a body that names no channels, and a wrong key.
        r, _ = self.alice.post_job({"time_range": self.big["time_range"]})
        self.assertEqual(r.status_code, 400)
        reason = r.json()["type"].rsplit("/", 1)[-1]
        r = self.alice.request("GET", API + "/jobs", headers={"X-API-Key": "pk_wrong"})
        self.assertEqual(r.status_code, 401)
        m = self.scrape()
        self.assertEqual(self.value(m, "pivot_job_refusals_total", reason=reason), 1)
        self.assertEqual(self.value(m, "pivot_auth_failures_total"), 1)
        self.assertEqual(self.value(m, "pivot_job_submissions_total"), 1)

        # Processing, held; the next job waits in the queue.
        held = self.alice.submit(self.big)
        pid = h.worker_pid(held)
        h.stop_worker(pid, self.state)
        self.frozen.append(pid)
        queued = self.bob.submit(self.small)
        time.sleep(0.3)
        m = self.scrape()
        self.assert_jobs(m, completed=1, processing=1, queued=1)
        self.assertEqual(self.value(m, "pivot_queue_length"), 1)
        self.assertGreater(self.value(m, "pivot_queue_oldest_age_seconds"), 0.2)
        self.assertEqual(self.value(m, "pivot_workers"), 1)
        with open("/proc/%d/statm" % pid) as f:
            resident = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        self.assertEqual(self.value(m, "pivot_worker_resident_memory_bytes", worker="sum"),
                         resident)
        # max_users 1: alice (two jobs today) is shown, bob is counted as not shown.
        self.assertEqual(self.value(m, "pivot_quota_jobs_last_day", user="alice"), 2)
        self.assertIsNone(self.value(m, "pivot_quota_jobs_last_day", user="bob"))
        self.assertEqual(self.value(m, "pivot_quota_users_not_shown"), 1)

        # Cancelled: the queued job at once, the held one when it runs again.
        self.assertEqual(self.bob.delete(API + "/jobs/" + queued).status_code, 200)
        self.assertEqual(self.alice.delete(API + "/jobs/" + held).status_code, 202)
        os.kill(pid, signal.SIGCONT)
        self.frozen.remove(pid)
        self.assertEqual(self.alice.wait(held, timeout=20)["status"], "cancelled")
        m = self.scrape_once_counted("cancelled", 1)
        self.assert_jobs(m, completed=1, cancelled=2)
        self.assertEqual(self.value(m, "pivot_queue_length"), 0)
        self.assertEqual(self.value(m, "pivot_jobs_finished_total", status="cancelled"), 1)

        # Failed: the whole cache is more than jobs.max_output_bytes.
        failed = self.alice.wait(self.alice.submit(self.big), timeout=60)
        self.assertEqual(failed["status"], "failed", failed)
        m = self.scrape_once_counted("failed", 1)
        self.assert_jobs(m, completed=1, cancelled=2, failed=1)
        self.assertEqual(self.value(m, "pivot_jobs_finished_total", status="failed"), 1)
        self.assertEqual(self.value(m, "pivot_job_submissions_total"), 4)
        self.assertEqual(self.value(m, "pivot_job_written_bytes_count"), 1)
        self.assertEqual(self.value(m, "pivot_job_run_duration_seconds_count"), 3)

    def scrape_once_counted(self, status, n):
        """The worker records the job's end, the server counts it once the
        worker has exited: a scrape right after the status changed may come
        in between. Scrapes until the count is there, for at most 10 s."""
        deadline = time.monotonic() + 10
        m = self.scrape()
        while (self.value(m, "pivot_jobs_finished_total", status=status) != n and
               time.monotonic() < deadline):
            time.sleep(0.05)
            m = self.scrape()
        return m

    def test_2_promtool_accepts_the_page(self):
        text = self.scrape_text()
        p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        self.assertEqual(p.stdout.decode().strip(), "")

    def test_3_other_peers_get_404(self):
        # 127.0.0.2 is loopback but outside metrics.allow (127.0.0.1/32).
        port = int(self.server.base.rsplit(":", 1)[1])
        for path in ("/metrics", "/no-such-path"):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                           source_address=("127.0.0.2", 0))
            c.request("GET", path)
            r = c.getresponse()
            body = json.loads(r.read())
            c.close()
            self.assertEqual(r.status, 404)
            self.assertEqual(body["type"], "/api/v1/problems/not-found")

    def test_4_prometheus_scrapes_it(self):
        prom_dir = tempfile.mkdtemp(prefix="pivot-prom-")
        target = urllib.parse.urlsplit(self.server.base).netloc
        port = free_port()
        config = os.path.join(prom_dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: pivot\n    metrics_path: /metrics\n"
                    "    static_configs:\n      - targets: ['%s']\n" % target)
        log = open(os.path.join(prom_dir, "prometheus.log"), "wb")
        proc = subprocess.Popen(
            ["prometheus", "--config.file=" + config,
             "--storage.tsdb.path=" + os.path.join(prom_dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % port],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            up = completed = None
            deadline = time.monotonic() + 40
            query = "http://127.0.0.1:%d/api/v1/query?query=" % port
            while time.monotonic() < deadline and (up != "1" or completed is None):
                time.sleep(0.5)
                try:
                    with urllib.request.urlopen(query + "up", timeout=5) as resp:
                        result = json.loads(resp.read())["data"]["result"]
                    up = result[0]["value"][1] if result else None
                    q = urllib.parse.quote('pivot_jobs{status="completed"}')
                    with urllib.request.urlopen(query + q, timeout=5) as resp:
                        result = json.loads(resp.read())["data"]["result"]
                    completed = result[0]["value"][1] if result else None
                except OSError:
                    continue
            self.assertEqual(up, "1")
            self.assertEqual(completed, "1")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
            shutil.rmtree(prom_dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
