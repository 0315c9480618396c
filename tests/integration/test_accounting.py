"""Accounting holds under races and repeated faults: a quota lets through
exactly as many parallel submissions as it allows, every re-queue of a job
counts an attempt, and the job shows what it asked for even at the epoch."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
SMALL = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:02Z"),
         "channels": {"include": ["ch000"]}}
# Every sample of every channel: long enough to find its worker running.
BIG = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
       "channels": {"pattern": "ch*"}}


class QuotaRaceTest(ph.ServerCase):
    WORK_PREFIX = "pivot-accounting-"
    # Enough HTTP threads that the submissions really run in parallel.
    CONFIG = "api:\n  threads: 8\njobs:\n  max_concurrent: 1\n"
    USER = None

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=2, seconds=10, rate=10, signals=1)

    def quota_set(self, user, *args):
        cmd = [ph.pivotd_path(), "quota", "set", "--user", user] + list(args) + \
            self.server._common_args()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr.decode())

    def race(self, key, n, send):
        """n clients, each with its own connection, send at one instant;
        returns the status codes."""
        clients = [self.client(key) for _ in range(n)]
        for c in clients:  # connect first, so that the requests start together
            self.assertEqual(c.get(ph.API + "/quota").status_code, 200)
        barrier = threading.Barrier(n, timeout=30)
        codes = []
        lock = threading.Lock()

        def one(c):
            barrier.wait()
            code = send(c).status_code
            with lock:
                codes.append(code)

        threads = [threading.Thread(target=one, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(len(codes), n)
        return codes

    def test_jobs_per_day_is_exact_under_30_parallel_posts(self):
        key = self.server.create_key("racer")
        self.quota_set("racer", "--jobs-per-day", "5")
        codes = self.race(key, 30, lambda c: c.post_job(SMALL)[0])
        self.assertEqual((codes.count(202), codes.count(429)), (5, 25), sorted(codes))
        listed = self.client(key).get(JOBS + "?limit=100").json()
        self.assertEqual(listed["total"], 5)

    def test_synchronous_exports_count_against_the_same_quota(self):
        key = self.server.create_key("syncer")
        self.quota_set("syncer", "--jobs-per-day", "3")
        query = (ph.API + "/export?channels=ch000&start=2025-01-01T00:00:00Z"
                 "&end=2025-01-01T00:00:01Z")
        codes = self.race(key, 12, lambda c: c.get(query, timeout=60))
        self.assertEqual((codes.count(200), codes.count(429)), (3, 9), sorted(codes))


if __name__ == "__main__":
    unittest.main(verbosity=2)
