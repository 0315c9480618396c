"""Accounting holds under races and repeated faults: a quota lets through
exactly as many parallel submissions as it allows, every re-queue of a job
counts an attempt, and the job shows what it asked for even at the epoch."""

import os
import signal
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




def wait_gone(pid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while os.path.exists("/proc/%d/cmdline" % pid) and time.monotonic() < deadline:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return
        time.sleep(0.01)


class AttemptsTest(ph.ServerCase):
    WORK_PREFIX = "pivot-attempts-"
    CONFIG = "jobs:\n  max_attempts: 2\n"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=4, seconds=600, rate=1000, signals=4,
                          file_seconds=120)

    def test_sigterm_three_times_fails_the_job_within_max_attempts(self):
        job_id = self.api.submit(BIG)
        pid = None
        terms = 0
        for _ in range(3):
            pid = ph.find_worker(job_id, other_than=pid)
            if pid is None:
                break
            # Its SIGTERM handler is in place once it says it starts.
            started = "job %s: starting (pid %d)" % (job_id, pid)
            deadline = time.monotonic() + 10
            while started not in self.server.log() and time.monotonic() < deadline:
                time.sleep(0.002)
            # Stopped outside a job-store write, told to stop, let go: the
            # worker sees SIGTERM at its next batch, as from a shutdown.
            ph.stop_worker(pid, self.state)
            os.kill(pid, signal.SIGTERM)
            os.kill(pid, signal.SIGCONT)
            terms += 1
            wait_gone(pid)
        job = self.api.wait(job_id, timeout=60)
        self.assertEqual(terms, 2, "the job was started again after its last attempt")
        self.assertEqual(job["status"], "failed", job)
        self.assertEqual(job["attempts"], 2)
        self.assertEqual(job["error"], "the job was interrupted 2 times (jobs.max_attempts) "
                                       "before it could finish; giving up")
        self.assertEqual(sorted(os.listdir(os.path.join(self.state, "results"))), [])


class EpochTest(ph.ServerCase):
    """Data and a job range that start at the epoch itself."""
    WORK_PREFIX = "pivot-epoch-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=1, seconds=4, rate=10, signals=1,
                          start="1970-01-01T00:00:00Z")

    def test_a_range_starting_at_the_epoch_shows_its_start(self):
        body = {"time_range": ph.absolute("1970-01-01T00:00:00Z", "1970-01-01T00:00:02Z"),
                "channels": {"include": ["ch000"]}}
        job, _ = self.run_export(body)
        self.assertEqual(job["time_range"], {"start": "1970-01-01T00:00:00Z",
                                             "end": "1970-01-01T00:00:02Z"})
        self.assertEqual(job["result"]["time_range_actual"],
                         {"start": "1970-01-01T00:00:00Z", "end": "1970-01-01T00:00:01.9Z"})
        self.assertEqual(job["result"]["channels"][0]["first"], "1970-01-01T00:00:00Z")
        r = self.api.get(ph.API + "/channels")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual([(c["name"], c["first"]) for c in r.json()["channels"]],
                         [("ch000", "1970-01-01T00:00:00Z")])


class KeyExpiryTest(unittest.TestCase):
    def test_an_expiry_past_the_year_9999_is_refused(self):
        work = ph.WorkDir("pivot-keys-")
        self.addCleanup(work.close)
        cmd = [ph.pivotd_path(), "keys", "create", "--user", "alice", "--state-dir",
               work.sub("state"), "--plugin-dir", ph.plugin_dir()]
        out = subprocess.run(cmd + ["--expires", "9999999d"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertEqual(out.stdout, b"")
        self.assertIn('--expires "9999999d" ends after the year 9999', out.stderr.decode())
        listed = subprocess.run([ph.pivotd_path(), "keys", "list", "--state-dir",
                                 work.sub("state"), "--plugin-dir", ph.plugin_dir()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertNotIn(b"alice", listed.stdout)
        # A long but representable expiry is still taken.
        out = subprocess.run(cmd + ["--expires", "1000w"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
