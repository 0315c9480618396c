"""Faults the service must survive: the server killed with SIGKILL in the
middle of submissions, cache files removed or rewritten while jobs read
them."""

import os
import signal
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
RANGE = ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:30Z")


def body():
    return {"time_range": RANGE, "channels": {"include": ["ch000", "ch001"]}}


class FaultsTest(unittest.TestCase):
    def setUp(self):
        self.work = ph.WorkDir("pivot-faults-")
        self.data = self.work.sub("data")
        ph.Cache.generate(self.data, channels=2, seconds=30, rate=10, signals=2,
                          file_seconds=5)
        self.server = ph.Server(self.data, self.work.sub("state"))
        self.server.start()
        self.key = self.server.create_key("alice")

    def tearDown(self):
        if self.server.proc is not None:
            self.server.stop()
        self.work.close()

    def test_kill_9_during_submissions_loses_no_acknowledged_job(self):
        api = self.server.client(self.key)
        acknowledged = []
        errors = []

        def submit_all():
            for _ in range(50):
                try:
                    r, _ = api.post_job(body())
                except Exception as e:  # the server died under us
                    errors.append(e)
                    return
                if r.status_code == 202:
                    acknowledged.append(r.json()["job_id"])

        t = threading.Thread(target=submit_all)
        t.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.005)
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait()
        t.join(60)
        api.close()
        self.server._log.close()
        self.server.proc = None
        self.assertGreaterEqual(len(acknowledged), 20)
        self.assertLess(len(acknowledged), 50, "the kill came after every submission")

        db = os.path.join(self.server.state_dir, "jobs.db")
        con = sqlite3.connect(db)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            stored = {row[0] for row in con.execute("SELECT id FROM jobs")}
        finally:
            con.close()
        self.assertEqual(set(acknowledged) - stored, set())

        # Every acknowledged job is back after a restart, and runs to the end:
        # jobs left processing by the killed server are queued again.
        self.server.start()
        api = self.server.client(self.key)
        try:
            for job_id in acknowledged:
                self.assertEqual(api.get(JOBS + "/" + job_id).status_code, 200)
            # The kill may land after the store committed a submission but
            # before its 202 went out: that job is stored, unacknowledged, and
            # queued last. It runs like any other, and until it ends its
            # partial files are rightly there; so every stored job is waited
            # for before results/ is looked at.
            for job_id in acknowledged + sorted(stored - set(acknowledged)):
                job = api.wait(job_id, timeout=60)
                self.assertEqual(job["status"], "completed", job)
                self.assertEqual(job["result"]["samples_exported"], 600)
            # No job runs any more: no worker, old or new, may have left a
            # partial file (result or preview) behind.
            parts = [n for n in os.listdir(os.path.join(self.server.state_dir, "results"))
                     if n.endswith(".part")]
            self.assertEqual(parts, [])
        finally:
            api.close()

    def test_a_held_write_lock_is_503_store_busy_and_loses_nothing(self):
        """What a worker stopped inside one of its job-store writes does to
        the store: another process holds the write lock. A POST waits about
        5 s, then is 503 store-busy with Retry-After and queues nothing;
        reads go on (WAL); once the lock is released the same POST succeeds."""
        api = self.server.client(self.key)
        con = sqlite3.connect(os.path.join(self.server.state_dir, "jobs.db"),
                              isolation_level=None)
        try:
            done = api.wait(api.submit(body()), timeout=60)
            self.assertEqual(done["status"], "completed", done)
            con.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            r, _ = api.post_job(body())
            waited = time.monotonic() - started
            self.assertEqual(r.status_code, 503, r.text)
            self.assertEqual(r.headers["Content-Type"], "application/problem+json")
            self.assertEqual(r.headers["Retry-After"], "2")
            self.assertEqual(r.json()["type"], "/api/v1/problems/store-busy")
            self.assertGreaterEqual(waited, 4.0)
            # Reads do not need the write lock.
            self.assertEqual(api.job(done["job_id"])["status"], "completed")
            con.execute("ROLLBACK")
            listed = api.get(JOBS).json()
            self.assertEqual([j["job_id"] for j in listed["jobs"]], [done["job_id"]])
            job = api.wait(api.submit(body()), timeout=60)
            self.assertEqual(job["status"], "completed", job)
        finally:
            con.close()
            api.close()

    def assert_ended_cleanly(self, api, ids):
        """Each job completed with what was there or failed with a reason
        (never a worker killed by a signal); the server answers and no
        partial result remains."""
        for job_id in ids:
            job = api.wait(job_id, timeout=120)
            self.assertIn(job["status"], ("completed", "failed"), job)
            if job["status"] == "failed":
                self.assertIsInstance(job["error"], str)
                self.assertNotEqual(job["error"], "")
                self.assertNotIn("signal", job["error"])
        self.assertEqual(api.get("/api/v1/health").status_code, 200)
        results = os.listdir(os.path.join(self.server.state_dir, "results"))
        self.assertEqual([n for n in results if n.endswith(".part")], [])

    def test_cache_files_removed_while_jobs_read_them(self):
        api = self.server.client(self.key)
        try:
            ids = [api.submit(body()) for _ in range(6)]
            for name in sorted(os.listdir(os.path.join(self.data, "ch001")))[1:]:
                os.unlink(os.path.join(self.data, "ch001", name))
            self.assert_ended_cleanly(api, ids)
        finally:
            api.close()


    def test_cache_files_rewritten_while_jobs_read_them(self):
        """The relay rewriting files under running jobs: truncated in place,
        overwritten with garbage in place, replaced by a shorter file
        through a rename. Every job ends completed or failed with a
        message; nothing crashes and no partial result remains."""
        api = self.server.client(self.key)
        try:
            ids = [api.submit(body()) for _ in range(6)]
            expected = []
            for channel in ("ch000", "ch001"):
                names = sorted(os.listdir(os.path.join(self.data, channel)))
                for k, name in enumerate(names):
                    path = os.path.join(self.data, channel, name)
                    size = os.path.getsize(path)
                    # Each file is one block of 50 records (5 s at 10 Hz):
                    # cut, or overwritten from its middle to its end (sync
                    # marker included), none has a whole block left. The
                    # newest file of a channel may be one the relay is
                    # still writing, so only the older ones are reported.
                    if k + 1 < len(names):
                        expected.append('channel "%s": %s: damaged data: the file ends inside '
                                        'a block' % (channel, name))
                    if k % 3 == 0:
                        os.truncate(path, size // 3)
                    elif k % 3 == 1:
                        with open(path, "r+b") as f:
                            f.seek(size // 2)
                            f.write(b"\xff" * min(4096, size - size // 2))
                    else:
                        with open(path, "rb") as f:
                            head = f.read(size // 2)
                        with open(path + ".new", "wb") as f:
                            f.write(head)
                        os.rename(path + ".new", path)
            self.assert_ended_cleanly(api, ids)
            # A job submitted after the rewrites reads the damaged files
            # deterministically: it completes with the readable part, and
            # a warning names each damaged file (without the server's paths).
            job = api.wait(api.submit(body()), timeout=120)
            self.assertEqual(job["status"], "completed", job)
            self.assertEqual(job["result"]["warnings"], expected)
        finally:
            api.close()

    def test_damaged_schema_is_a_warning_not_a_failure(self):
        """A file whose header holds a schema that is not JSON costs that
        file's records, reported once in one sentence naming the file by its
        name; the job completes with the rest and says it is partial."""
        name = "data_1735689610.avro"
        path = os.path.join(self.data, "ch001", name)
        with open(path, "rb") as f:
            raw = f.read()
        self.assertEqual(raw.count(b'"fields":['), 1)
        with open(path, "wb") as f:
            f.write(raw.replace(b'"fields":[', b'"fields"::'))
        api = self.server.client(self.key)
        try:
            job = api.wait(api.submit(body()), timeout=60)
            self.assertEqual(job["status"], "completed", job)
            result = job["result"]
            self.assertEqual(result["warnings"], [
                'channel "ch001": %s: the schema in its header is not usable' % name])
            self.assertIs(result["partial"], True)
            self.assertEqual(result["samples_exported"], 300 + 250)
            self.assertNotIn(self.data, " ".join(result["warnings"]))
        finally:
            api.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
