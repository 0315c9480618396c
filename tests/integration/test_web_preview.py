#!/usr/bin/python3
"""GET /api/v1/pivot/jobs/{id}/preview: the min/max quick look of an export,
checked bucket by bucket against h5py's min and max of the exported data;
its query checks, access rules, and its file's life beside the result."""
import os
import sys
import unittest

import h5py
import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

API = h.API
STORED_POINTS = 4000


class PreviewTest(h.ServerCase):
    WORK_PREFIX = "pivot-web-preview-"

    @classmethod
    def write_data(cls, data):
        cls.cache = h.Cache.generate(data, channels=2, seconds=20, rate=100, signals=2,
                                     with_mode=True)

    @classmethod
    def after_start(cls):
        cls.body = {"time_range": h.absolute("2025-01-01T00:00:01Z", "2025-01-01T00:00:19Z"),
                    "channels": {"pattern": "ch*"}}
        cls.job, content = cls.run_export_once(cls.body)
        cls.h5 = cls.work.sub("export.h5")
        with open(cls.h5, "wb") as f:
            f.write(content)

    @classmethod
    def run_export_once(cls, body):
        job = cls.api.wait(cls.api.submit(body), timeout=30)
        assert job["status"] == "completed", job
        r = cls.api.download(job["job_id"])
        assert r.status_code == 200, r.text[:300]
        return job, r.content

    def preview(self, query, client=None, job_id=None):
        return (client or self.api).get("%s/jobs/%s/preview%s" % (
            API, job_id or self.job["job_id"], query))

    def expected(self, channel, signal, start_ns, bucket_ns):
        """(bucket start times, minima, maxima) of the exported data, from h5py."""
        with h5py.File(self.h5, "r") as f:
            t = f[channel]["time"][:]
            v = f[channel][signal][:].astype(numpy.float64)
        b = (t - start_ns) // bucket_ns
        keys = numpy.unique(b)
        return ([int(start_ns + k * bucket_ns) for k in keys],
                [float(v[b == k].min()) for k in keys], [float(v[b == k].max()) for k in keys])

    def test_values_match_the_exported_data(self):
        r = self.preview("?points=50&signals=ch000.sig0,ch001.sig1,ch001.counter")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        p = r.json()
        start = h.parse_rfc3339_ns("2025-01-01T00:00:01Z")
        span = 18 * h.NS
        stored_bucket = -(-span // STORED_POINTS)
        factor = -(-STORED_POINTS // 50)
        self.assertEqual(p["start_ns"], start)
        self.assertEqual(p["end_ns"], start + span)
        self.assertEqual(p["bucket_ns"], factor * stored_bucket)
        self.assertEqual(p["points"], 50)
        self.assertEqual([(s["channel"], s["signal"]) for s in p["series"]],
                         [("ch000", "sig0"), ("ch001", "sig1"), ("ch001", "counter")])
        for s in p["series"]:
            t, lo, hi = self.expected(s["channel"], s["signal"], start, p["bucket_ns"])
            self.assertEqual(len(t), 50)
            self.assertEqual(s["time_ns"], t)
            self.assertEqual(s["min"], lo)
            self.assertEqual(s["max"], hi)

    def test_full_resolution_and_every_numeric_signal(self):
        r = self.preview("")
        self.assertEqual(r.status_code, 200, r.text)
        p = r.json()
        # 2000 points by default: two stored buckets each.
        self.assertEqual(p["points"], 2000)
        # The string signal "mode" has no minimum to show.
        self.assertEqual([(s["channel"], s["signal"]) for s in p["series"]],
                         [(c, s) for c in ("ch000", "ch001") for s in ("sig0", "sig1", "counter")])
        s = p["series"][4]
        t, lo, hi = self.expected("ch001", "sig1", p["start_ns"], p["bucket_ns"])
        self.assertEqual(len(t), 1800)  # 100 Hz over 18 s in 9 ms buckets: one sample each
        self.assertEqual((s["time_ns"], s["min"], s["max"]), (t, lo, hi))

    def test_query_problems_name_the_parameter(self):
        for query, field, status in (("?points=1", "points", 400), ("?points=abc", "points", 400),
                                     ("?points=4001", "points", 400),
                                     ("?signals=ch000.nosuch", "signals", 422),
                                     ("?signals=ch000.mode", "signals", 422)):
            r = self.preview(query)
            self.assertEqual(r.status_code, status, query)
            self.assertEqual(r.headers["Content-Type"], h.PROBLEM_CT)
            self.assertEqual(r.json()["field"], field, query)
        self.assertIn('"ch000.nosuch"', self.preview("?signals=ch000.nosuch").json()["detail"])
        self.assertEqual(self.preview("?points=abc").json()["detail"],
                         'points: "abc" is not a whole number from 2 to 4000')
        r = self.preview("?signals=ch000.sig0&signals=ch001.sig0")
        self.assertEqual((r.status_code, r.json()["field"]), (400, "signals"))
        self.assertEqual(r.json()["detail"], "signals is given twice; give one comma-separated "
                                             "list (signals=ch000.sig0,ch001.sig1)")

    def test_access_is_the_downloads(self):
        other = self.user("mallory")
        r = self.preview("", client=other)
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.json()["type"], "/api/v1/problems/job-not-found")
        self.assertEqual(self.preview("", client=self.client(None)).status_code, 401)
        admin = self.user("root", role="admin")
        self.assertEqual(self.preview("?points=10", client=admin).status_code, 200)

    def test_preview_lives_and_goes_with_its_result(self):
        job, _ = self.run_export_once(self.body)
        job_id = job["job_id"]
        results = os.path.join(self.state, "results")
        names = sorted(n for n in os.listdir(results) if n.startswith(job_id))
        self.assertEqual(names, [job_id + ".h5", job_id + ".h5.preview.jsonl"])
        # A restart's sweep of files no job claims keeps it.
        self.server.stop()
        self.server.start()
        for c in self.clients:
            c.base = self.server.base
        self.assertEqual(self.preview("?points=10", job_id=job_id).status_code, 200)
        self.assertEqual(self.api.delete(API + "/jobs/" + job_id).json()["action"], "deleted")
        self.assertEqual(sorted(n for n in os.listdir(results) if n.startswith(job_id)), [])
        self.assertEqual(self.preview("", job_id=job_id).status_code, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
