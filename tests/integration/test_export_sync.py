#!/usr/bin/python3
"""GET /api/v1/pivot/export, SpeedData's synchronous endpoint on top of the jobs:
the file in one request, its limits, its errors, and a client that leaves."""

import os
import signal
import sys
import time
import unittest

import h5py
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402
from pivot_harness import worker_pid  # noqa: E402

API = h.API
EXPORT = API + "/export"


class ExportSyncTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = h.WorkDir("pivot-sync-")
        cls.cache = h.Cache.generate(cls.work.sub("data"), channels=3, seconds=600, rate=100,
                                     signals=2, with_mode=True)
        cls.server = h.Server(cls.work.sub("data"), cls.work.sub("state"))
        cls.server.start()
        cls.api = cls.server.client(cls.server.create_key("alice"))

    @classmethod
    def tearDownClass(cls):
        cls.api.close()
        rc = cls.server.stop()
        cls.work.close()
        assert rc == 0, rc

    def problem(self, r, status, slug, field=None):
        self.assertEqual(r.status_code, status, r.text)
        self.assertEqual(r.headers["Content-Type"], h.PROBLEM_CT)
        body = r.json()
        self.assertEqual(body["type"], "/api/v1/problems/" + slug)
        self.assertEqual(body["status"], status)
        self.assertEqual(body["instance"], EXPORT)
        self.assertEqual(body.get("field"), field)
        return body

    def test_start_end_returns_the_file_of_an_equivalent_job(self):
        start, end = "2025-01-01T00:01:00Z", "2025-01-01T00:03:30Z"
        r = self.api.get(EXPORT, params={"start": start, "end": end,
                                         "channels": "ch002,ch000", "signals": "sig1,mode"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["Content-Type"], "application/x-hdf5")
        self.assertEqual(int(r.headers["Content-Length"]), len(r.content))
        path = self.work.sub("sync.h5")
        with open(path, "wb") as f:
            f.write(r.content)
        idx = self.cache.indices_in(h.parse_rfc3339_ns(start), h.parse_rfc3339_ns(end))
        self.assertEqual(len(idx), 15000)
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(f.keys()), ["ch000", "ch002"])
            for c in (0, 2):
                g = f["ch%03d" % c]
                # `mode`'s short values take rows of 8 bytes: the `string8` dimension.
                self.assertEqual(sorted(g.keys()), ["mode", "sig1", "string8", "time"])
                self.assertEqual(g["time"][:].tolist(), [self.cache.time_of(i) for i in idx])
                self.assertEqual(g["sig1"][:].tolist(),
                                 [self.cache.sig_value(1, c, i) for i in idx])
            self.assertEqual(f.attrs["requested_start_iso"], start)
            self.assertEqual(f.attrs["requested_end_iso"], end)
            job_id = f.attrs["job_id"]
        # It is an ordinary, completed job of the caller.
        job = self.api.job(job_id)
        self.assertEqual(job["status"], "completed")
        self.assertEqual(job["result"]["file_size"], len(r.content))
        self.assertEqual(r.headers["Content-Disposition"],
                         'attachment; filename="pivot-%s.h5"' % job_id)

    def test_duration_forms(self):
        # start + seconds, end + ISO 8601, and an encoded +01:00 offset.
        cases = [({"start": "2025-01-01T00:00:00Z", "duration": "90"}, 0, 9000),
                 ({"end": "2025-01-01T00:05:00Z", "duration": "PT1M"}, 24000, 30000),
                 ({"start": "2025-01-01T01:02:00+01:00", "duration": "PT0.5S"}, 12000, 12050)]
        for params, first, stop in cases:
            params = dict(params, channels="ch001", signals="counter")
            r = self.api.get(EXPORT, params=params)
            self.assertEqual(r.status_code, 200, r.text)
            path = self.work.sub("d.h5")
            with open(path, "wb") as f:
                f.write(r.content)
            with h5py.File(path, "r") as f:
                self.assertEqual(f["ch001/counter"][:].tolist(), list(range(first, stop)))

    def test_limits_answer_413_pointing_to_the_job_api(self):
        names = ",".join("ch%03d" % (i % 3) for i in range(21))
        r = self.api.get(EXPORT, params={"duration": "PT1M", "channels": names})
        body = self.problem(r, 413, "too-many-channels", "channels")
        self.assertEqual(body["detail"],
                         "channels: 21 named; this endpoint exports at most 20 at once "
                         "(api.limits.max_channels_per_query); for larger exports submit a job "
                         "with POST /api/v1/pivot/jobs (see /api/v1/openapi.yaml)")
        r = self.api.get(EXPORT, params={"start": "2025-01-01T00:00:00Z",
                                         "end": "2025-01-01T00:05:00.5Z", "channels": "ch000"})
        body = self.problem(r, 413, "time-range-too-long", "start")
        self.assertTrue(body["detail"].startswith(
            "the range is 5.0 minutes; this endpoint exports at most 5 minutes at once "
            "(api.limits.max_time_range_minutes); for larger exports submit a job"), body)
        # Exactly five minutes is allowed.
        r = self.api.get(EXPORT, params={"start": "2025-01-01T00:00:00Z",
                                         "end": "2025-01-01T00:05:00Z", "channels": "ch000",
                                         "signals": "counter"})
        self.assertEqual(r.status_code, 200, r.text)

    def test_parameter_errors_name_the_parameter(self):
        r = self.api.get(EXPORT, params={"duration": "PT1M"})
        self.problem(r, 400, "invalid-query", "channels")
        r = self.api.get(EXPORT, params={"channels": "ch000"})
        self.problem(r, 400, "invalid-query", "start")
        r = self.api.get(EXPORT, params={"channels": "ch000", "start": "2025-01-01T00:00:00Z",
                                         "end": "2025-01-01T00:01:00Z", "duration": "PT1M"})
        self.problem(r, 400, "invalid-query", "duration")
        r = self.api.get(EXPORT, params={"channels": "ch000,,ch001", "duration": "PT1M"})
        self.problem(r, 400, "invalid-query", "channels")
        r = self.api.get(EXPORT + "?channels=ch000&duration=PT1M&signals=sig0%0A")
        self.problem(r, 400, "invalid-query", "signals")
        r = self.api.get(EXPORT, params={"channels": "ch000", "start": "2025-13-01T00:00:00Z",
                                         "duration": "PT1M"})
        self.problem(r, 400, "invalid-field", "start")
        r = self.api.get(EXPORT, params={"channels": "ch000", "duration": "P1M"})
        self.problem(r, 400, "invalid-field", "duration")
        r = self.api.get(EXPORT, params={"channels": "ch000,nope", "duration": "PT1M"})
        self.problem(r, 422, "unknown-channel", "channels")
        r = self.api.get(EXPORT, params={"channels": "ch000", "duration": "PT1M",
                                         "signals": "volt"})
        self.problem(r, 422, "unknown-signal", "signals")

    def test_needs_a_key_and_only_get(self):
        r = requests.get(self.server.base + EXPORT, params={"channels": "ch000",
                                                            "duration": "PT1M"}, timeout=10)
        self.assertEqual(r.status_code, 401)
        r = self.api.request("POST", EXPORT)
        self.assertEqual(r.status_code, 405)
        self.assertEqual(r.headers["Allow"], "GET, HEAD")


class ExportSyncWaitTest(unittest.TestCase):
    """One job at a time, held processing by a stopped worker, so that the
    synchronous request has to wait."""

    # The wait is an upper bound for the tests that end it sooner (the client
    # leaves, the job is deleted); the one that waits it out waits a third of
    # a second, which the setting accepts below a second.
    WAITS = {"test_a_job_that_does_not_finish_in_time_is_504_with_its_location": "300ms"}

    def setUp(self):
        self.work = h.WorkDir("pivot-syncwait-")
        self.cache = h.Cache.generate(self.work.sub("data"), channels=2, seconds=600, rate=1000,
                                      signals=2)
        wait = self.WAITS.get(self._testMethodName, "2s")
        cfg = h.write_config(self.work.sub("pivot.yaml"),
                             "jobs:\n  max_concurrent: 1\napi:\n  limits:\n"
                             "    max_sync_wait: %s\n    max_channels_per_query: 1\n" % wait)
        self.server = h.Server(self.work.sub("data"), self.work.sub("state"), cfg).start()
        self.api = self.server.client(self.server.create_key("alice"))
        self.blocker = self.api.submit({
            "time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
            "channels": {"include": ["ch000", "ch001"]}})
        self.pid = worker_pid(self.blocker)
        h.stop_worker(self.pid, self.work.sub("state"))
        self.assertEqual(self.api.job(self.blocker)["status"], "processing")

    def tearDown(self):
        os.kill(self.pid, signal.SIGKILL)
        self.api.close()
        self.server.stop()
        self.work.close()

    def sync_jobs(self):
        jobs = self.api.get(API + "/jobs?limit=100").json()["jobs"]
        return [j for j in jobs if j["job_id"] != self.blocker]

    def test_config_limits_apply(self):
        r = self.api.get(EXPORT, params={"channels": "ch000,ch001", "duration": "PT1M"})
        self.assertEqual(r.status_code, 413)
        self.assertIn("at most 1 at once", r.json()["detail"])

    def test_a_job_that_does_not_finish_in_time_is_504_with_its_location(self):
        t0 = time.monotonic()
        r = self.api.get(EXPORT, params={"channels": "ch000", "start": "2025-01-01T00:00:00Z",
                                         "duration": "PT1M"})
        waited = time.monotonic() - t0
        self.assertEqual(r.status_code, 504, r.text)
        self.assertGreaterEqual(waited, 0.29)
        self.assertLess(waited, 10)
        [job] = self.sync_jobs()
        self.assertEqual(job["status"], "queued")
        self.assertEqual(r.headers["Location"], API + "/jobs/" + job["job_id"])
        self.assertEqual(r.json()["type"], "/api/v1/problems/export-timeout")
        self.assertEqual(r.json()["detail"],
                         "job %s is still queued after 300 ms (api.limits.max_sync_wait); poll "
                         "GET %s and download the result when it is completed"
                         % (job["job_id"], r.headers["Location"]))

    def test_a_client_that_leaves_cancels_its_job(self):
        with self.assertRaises(requests.exceptions.ReadTimeout):
            self.api.get(EXPORT, params={"channels": "ch000", "duration": "PT1M"}, timeout=0.5)
        self.api.session.close()  # drop the pooled connection: the client is gone
        deadline = time.monotonic() + 5
        while True:
            [job] = self.sync_jobs()
            if job["status"] != "queued" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(job["status"], "cancelled")
        # The server still answers, and the blocker is untouched.
        self.assertEqual(self.api.job(self.blocker)["status"], "processing")

    def test_a_job_deleted_while_waiting_is_409(self):
        import threading
        result = {}

        def call():
            result["r"] = self.api.get(EXPORT, params={"channels": "ch000",
                                                       "duration": "PT1M"}, timeout=30)

        thread = threading.Thread(target=call)
        thread.start()
        deadline = time.monotonic() + 5
        while not self.sync_jobs() and time.monotonic() < deadline:
            time.sleep(0.02)
        [job] = self.sync_jobs()
        other = self.server.client(self.api.key)
        self.assertEqual(other.delete(API + "/jobs/" + job["job_id"]).status_code, 200)
        other.close()
        thread.join(10)
        r = result["r"]
        self.assertEqual(r.status_code, 409, r.text)
        self.assertEqual(r.json()["type"], "/api/v1/problems/export-cancelled")


if __name__ == "__main__":
    unittest.main()
