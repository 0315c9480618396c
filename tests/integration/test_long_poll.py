"""Long polling against a real pivotd: GET /jobs/{id}?wait= answers when the
job's status or whole percent changes (a worker starting it, its progress on
the progress pipe, its end, its deletion), when the request's If-None-Match
names another state, or when the wait ends; bad waits are 400 problems."""

import os
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as h  # noqa: E402
from test_job_control import freeze_worker  # noqa: E402

API = h.API


class Waiter(threading.Thread):
    """One long-poll GET on its own thread; .response once it answered."""

    def __init__(self, server, key, job_id, query, headers=None):
        super().__init__(daemon=True)
        # A client of its own: a requests session is not shared across threads.
        self.client = server.client(key)
        self.path, self.headers = API + "/jobs/" + job_id + query, headers
        self.response = None

    def run(self):
        try:
            self.response = self.client.get(self.path, headers=self.headers, timeout=90)
        finally:
            self.client.close()


class LongPollTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = h.WorkDir("pivot-longpoll-")
        cls.cache = h.Cache.generate(cls.work.sub("data"), channels=4, seconds=600, rate=1000,
                                     signals=4, file_seconds=120)
        cls.body = {"time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
                    "channels": {"include": cls.cache.channel_names()},
                    "options": {"compression": "none"}}
        cls.state = cls.work.sub("state")
        config = h.write_config(cls.work.sub("pivot.yaml"), "jobs:\n  max_concurrent: 1\n")
        cls.server = h.Server(cls.cache.data_dir, cls.state, config).start()
        cls.api = cls.server.client(cls.server.create_key("alice"))
        cls.frozen = []

    @classmethod
    def tearDownClass(cls):
        for pid in cls.frozen:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        cls.api.close()
        rc = cls.server.stop()
        cls.work.close()
        assert rc == 0, "pivotd exited with %r" % (rc,)

    def wait_get(self, job_id, query, headers=None):
        return self.api.get(API + "/jobs/" + job_id + query, headers=headers, timeout=90)

    def test_bad_waits_are_400(self):
        job_id = self.api.submit(dict(self.body, channels={"include": ["ch000"]}))
        for value, detail in (
                ("soon", "wait: \"soon\" is not a duration; use seconds (wait=30, wait=0.5) "
                         "or ISO 8601 (wait=PT30S), at most 60 s"),
                ("", "wait: \"\" is not a duration; use seconds (wait=30, wait=0.5) "
                     "or ISO 8601 (wait=PT30S), at most 60 s"),
                ("PT61S", "wait: \"PT61S\" is 61000 ms; a request waits at most 60 s "
                          "(wait=60 or wait=PT60S): ask again after it answers"),
                ("90", "wait: \"90\" is 90000 ms; a request waits at most 60 s "
                       "(wait=60 or wait=PT60S): ask again after it answers")):
            r = self.wait_get(job_id, "?wait=" + value)
            self.assertEqual(r.status_code, 400, value)
            self.assertEqual(r.headers["Content-Type"], "application/problem+json")
            self.assertEqual((r.json()["field"], r.json()["detail"]), ("wait", detail))
        self.api.wait(job_id)

    def test_start_end_progress_and_deletion_wake_waiters(self):
        first = self.api.submit(self.body)
        pid = freeze_worker(first, self.state)
        self.frozen.append(pid)
        second = self.api.submit(dict(self.body, channels={"include": ["ch000"]}))
        third = self.api.submit(dict(self.body, channels={"include": ["ch001"]}))

        # Nothing changes while the only worker is stopped: the wait ends,
        # not before it is over (the upper bounds only catch a hang).
        started = time.monotonic()
        r = self.wait_get(second, "?wait=0.3")
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertEqual((r.status_code, r.json()["status"]), (200, "queued"))
        self.assertEqual(r.headers["ETag"], 'W/"queued-0"')
        self.assertEqual(r.headers["Cache-Control"], "no-store")
        started = time.monotonic()
        r = self.wait_get(second, "?wait=PT0.2S", headers={"If-None-Match": 'W/"queued-0"'})
        self.assertGreaterEqual(time.monotonic() - started, 0.2)
        self.assertEqual((r.status_code, r.headers["ETag"]), (200, 'W/"queued-0"'))
        # Compared weakly, in a list, as a proxy may send it: still the same state.
        started = time.monotonic()
        r = self.wait_get(second, "?wait=0.2",
                          headers={"If-None-Match": '"other-1", "queued-0"'})
        self.assertGreaterEqual(time.monotonic() - started, 0.2)
        self.assertEqual(r.headers["ETag"], 'W/"queued-0"')
        # An If-None-Match of another state is answered at once.
        started = time.monotonic()
        r = self.wait_get(second, "?wait=60", headers={"If-None-Match": 'W/"processing-40"'})
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(r.headers["ETag"], 'W/"queued-0"')

        key = self.api.key
        waiters = [Waiter(self.server, key, second, "?wait=60"),
                   Waiter(self.server, key, third, "?wait=60", {"If-None-Match": 'W/"queued-0"'}),
                   Waiter(self.server, key, first, "?wait=60")]
        for w in waiters:
            w.start()
        # Cancelling the queued third job answers its waiter; deleting the
        # cancelled job then leaves nothing to wait for: 404.
        self.assertEqual(self.api.delete(API + "/jobs/" + third).status_code, 200)
        waiters[1].join(30)
        self.assertEqual(waiters[1].response.status_code, 200)
        self.assertEqual(waiters[1].response.json()["status"], "cancelled")
        self.assertEqual(waiters[1].response.headers["ETag"], 'W/"cancelled-0"')
        # The first job's progress and end, then the second one's start.
        os.kill(pid, signal.SIGCONT)
        waiters[2].join(30)
        first_seen = waiters[2].response.json()
        self.assertEqual(waiters[2].response.status_code, 200)
        self.assertNotEqual((first_seen["status"], first_seen["progress"]), ("processing", 0))
        waiters[0].join(30)
        self.assertEqual(waiters[0].response.status_code, 200)
        self.assertIn(waiters[0].response.json()["status"], ("processing", "completed"))

        # Following the first job: every answer differs from the one before.
        seen = [(first_seen["status"], first_seen["progress"])]
        etag = waiters[2].response.headers["ETag"]
        while seen[-1][0] != "completed" and len(seen) < 200:
            r = self.wait_get(first, "?wait=30", headers={"If-None-Match": etag})
            job = r.json()
            self.assertNotEqual(r.headers["ETag"], etag)
            etag = r.headers["ETag"]
            seen.append((job["status"], job["progress"]))
        self.assertEqual(seen[-1], ("completed", 100))
        self.assertEqual(len(set(seen)), len(seen))
        # A finished job is answered at once, whatever the wait.
        started = time.monotonic()
        r = self.wait_get(first, "?wait=60", headers={"If-None-Match": 'W/"completed-100"'})
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual((r.status_code, r.headers["ETag"]), (200, 'W/"completed-100"'))
        self.assertNotIn("Retry-After", r.headers)
        print("first job seen as", seen, file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
