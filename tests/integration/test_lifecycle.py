"""A job's whole life over HTTP: submit, poll, download, and every exported
value checked against the generator's formulas."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402

T0 = "2025-01-01T00:00:"  # the main cache starts at 2025-01-01T00:00:00Z


def spread(n, k=100):
    """Up to 3k positions of an n-long array: its head, its tail, and k between."""
    pos = set(range(min(n, k))) | set(range(max(0, n - k), n))
    if n > 0:
        pos |= {(j * (n - 1)) // max(1, k - 1) for j in range(k)}
    return sorted(pos)


class LifecycleTest(ph.ServerCase):
    WORK_PREFIX = "pivot-lifecycle-"

    @classmethod
    def write_data(cls, data):
        cls.cache = ph.Cache.generate(data, channels=3, seconds=120, rate=100, signals=3,
                                      with_mode=True, file_seconds=30)
        # A channel whose data is half an hour old, for the seed's relative range.
        now_s = int(time.time())
        cls.recent_start = ph.format_ns((now_s - 1800) * ph.NS)
        cls.recent = ph.Cache.generate(data, channels=1, seconds=60, rate=10, signals=2,
                                       with_mode=False, start=cls.recent_start,
                                       first_channel=3)

    @classmethod
    def after_start(cls):
        # Besides alice's key, made before the server started, one made while it runs.
        cls.key_live = cls.server.create_key("carol")

    # ------------------------------------------------------------ helpers

    def submit_and_wait(self, body):
        r, text = self.api.post_job(body)
        self.assertEqual(r.status_code, 202, r.text)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        created = r.json()
        job_id = created["job_id"]
        self.assertRegex(job_id, ph.JOB_ID_RE)
        self.assertEqual(created["status"], "queued")
        self.assertEqual(created["status_url"], "/api/v1/pivot/jobs/" + job_id)
        self.assertEqual(r.headers["Location"], created["status_url"])
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        created_ns = ph.parse_rfc3339_ns(created["created_at"])
        self.assertLess(abs(created_ns - time.time_ns()), 60 * ph.NS)
        job = self.api.wait(job_id)
        self.assertEqual(job["status"], "completed", job)
        self.assertEqual(job["job_id"], job_id)
        self.assertEqual(job["created_at"], created["created_at"])
        return job, text

    def download(self, job):
        r = self.api.download(job["job_id"])
        self.assertEqual(r.status_code, 200, r.content[:300])
        self.assertEqual(r.headers["Content-Type"], "application/x-hdf5")
        self.assertTrue(r.headers["Content-Disposition"].startswith("attachment"),
                        r.headers["Content-Disposition"])
        path = self.work.sub(job["job_id"] + ".h5")
        with open(path, "wb") as f:
            f.write(r.content)
        return path, r.content

    def check_job_object(self, job, start_ns, end_ns, expected, cache, content):
        """Status fields and result of a completed job against what it exported."""
        self.assertEqual(job["progress"], 100)
        self.assertEqual(job["format"], "hdf5")
        self.assertIsNone(job["error"])
        self.assertEqual(job["time_range"], {"start": ph.format_ns(start_ns),
                                             "end": ph.format_ns(end_ns)})
        created = ph.parse_rfc3339_ns(job["created_at"])
        started = ph.parse_rfc3339_ns(job["started_at"])
        completed = ph.parse_rfc3339_ns(job["completed_at"])
        self.assertLessEqual(created, started)
        self.assertLessEqual(started, completed)
        # Results are kept 24 hours by default.
        self.assertEqual(ph.parse_rfc3339_ns(job["expires_at"]), completed + 86400 * ph.NS)
        res = job["result"]
        total = sum(len(idx) for _, idx in expected.values())
        self.assertEqual(res["file_url"], "/api/v1/pivot/jobs/%s/download" % job["job_id"])
        self.assertEqual(res["file_size"], len(content))
        self.assertEqual(res["channels_exported"], len(expected))
        self.assertEqual(res["samples_exported"], total)
        if total == 0:
            self.assertIsNone(res["time_range_actual"])
        else:
            first = min(cache.time_of(idx[0]) for _, idx in expected.values() if idx)
            last = max(cache.time_of(idx[-1]) for _, idx in expected.values() if idx)
            self.assertEqual(res["time_range_actual"], {"start": ph.format_ns(first),
                                                        "end": ph.format_ns(last)})

    def check_file(self, path, job_id, request_text, expected, cache):
        """Every dataset of the file against the formulas.

        expected maps a channel name to (signals to export, sample indices)."""
        with h5py.File(path, "r") as f:
            self.assertEqual(f.attrs["job_id"], job_id)
            if request_text is not None:
                self.assertEqual(f.attrs["request"], request_text)
            self.assertEqual(sorted(f.keys()), sorted(expected))
            for name, (signals, idx) in expected.items():
                c = int(name[2:])
                g = f[name]
                # `mode`'s short values take rows of 8 bytes: the `string8` dimension.
                string8 = ["string8"] if "mode" in signals and len(idx) > 0 else []
                self.assertEqual(sorted(g.keys()), sorted(["time"] + signals + string8), name)
                self.assertEqual(int(g.attrs["sample_count"]), len(idx), name)
                times = g["time"][:]
                self.assertEqual(g["time"].dtype, numpy.int64)
                want_t = numpy.array([cache.time_of(i) for i in idx], dtype=numpy.int64)
                self.assertEqual(times.shape, (len(idx),), name)
                self.assertTrue(numpy.array_equal(times, want_t), name + "/time")
                for s in signals:
                    self.check_signal(g[s], name, s, c, idx, cache)

    def check_signal(self, ds, channel, signal, c, idx, cache):
        where = "%s/%s" % (channel, signal)
        values = ph.read_strings(ds) if signal == "mode" else ds[:]
        self.assertEqual(len(values), len(idx), where)
        if signal == "counter":
            self.assertEqual(ds.dtype, numpy.int32, where)
            want = numpy.array([cache.counter_of(i) for i in idx], dtype=numpy.int64)
            self.assertTrue(numpy.array_equal(values.astype(numpy.int64), want), where)
        elif signal == "mode":
            got = [v.decode() if isinstance(v, bytes) else v for v in values]
            self.assertEqual(got, [cache.mode_of(i) for i in idx], where)
        else:
            k = int(signal[3:])
            self.assertEqual(ds.dtype, numpy.float64, where)
            for p in spread(len(idx)):
                self.assertEqual(float(values[p]), cache.sig_value(k, c, idx[p]),
                                 "%s sample %d" % (where, idx[p]))
            self.assertTrue(numpy.allclose(values, cache.sig_array(k, c, idx), rtol=0,
                                           atol=1e-12), where)

    def run_export(self, body, start_ns, end_ns, expected, cache=None):
        cache = cache or self.cache
        job, text = self.submit_and_wait(body)
        path, content = self.download(job)
        self.check_job_object(job, start_ns, end_ns, expected, cache, content)
        self.check_file(path, job["job_id"], text, expected, cache)
        return job, content

    # ------------------------------------------------------------ tests

    def test_absolute_range_on_sample_times(self):
        """A sample exactly at start is exported, one exactly at end is not; a
        channel named with a list exports those signals, "*" and absence all."""
        start, end = T0 + "25Z", T0 + "35Z"
        s_ns, e_ns = ph.parse_rfc3339_ns(start), ph.parse_rfc3339_ns(end)
        idx = list(range(2500, 3500))
        self.assertEqual(self.cache.indices_in(s_ns, e_ns), idx)
        all_sig = self.cache.signal_names()
        body = {"time_range": ph.absolute(start, end),
                "channels": {"include": ["ch000", "ch001", "ch002"], "exclude": [],
                             "pattern": None},
                "signals": {"ch000": ["sig1", "mode"], "ch001": "*"}}
        self.run_export(body, s_ns, e_ns, {"ch000": (["sig1", "mode"], idx),
                                           "ch001": (all_sig, idx),
                                           "ch002": (all_sig, idx)})

    def test_absolute_range_between_samples(self):
        """Bounds that fall between samples; the range crosses two file boundaries."""
        start, end = T0 + "59.995Z", "2025-01-01T00:01:30.0005Z"
        s_ns, e_ns = ph.parse_rfc3339_ns(start), ph.parse_rfc3339_ns(end)
        idx = list(range(6000, 9001))
        self.assertEqual(self.cache.indices_in(s_ns, e_ns), idx)
        body = {"time_range": ph.absolute(start, end), "channels": {"include": ["ch002"]},
                "signals": {"ch002": ["counter", "sig2"]}}
        self.run_export(body, s_ns, e_ns, {"ch002": (["counter", "sig2"], idx)})

    def test_start_duration_past_the_end_of_the_data(self):
        start = "2025-01-01T00:01:50Z"
        s_ns = ph.parse_rfc3339_ns(start)
        e_ns = s_ns + 30 * ph.NS
        idx = list(range(11000, 12000))
        body = {"time_range": {"type": "start_duration", "start": start, "duration": "PT30S"},
                "channels": {"include": ["ch001"]}}
        job, _ = self.run_export(body, s_ns, e_ns,
                                 {"ch001": (self.cache.signal_names(), idx)})
        self.assertEqual(job["result"]["time_range_actual"],
                         {"start": "2025-01-01T00:01:50Z", "end": "2025-01-01T00:01:59.99Z"})

    def test_whole_cache_with_seed_options(self):
        start, end = T0 + "00Z", "2025-01-01T00:02:00Z"
        s_ns, e_ns = ph.parse_rfc3339_ns(start), ph.parse_rfc3339_ns(end)
        idx = list(range(12000))
        names = ["ch000", "ch001", "ch002"]
        body = {"time_range": ph.absolute(start, end), "channels": {"include": names},
                "options": {"decimation": None, "format": "hdf5",
                            "metadata": {"description": "Analysis run #42",
                                         "user": "researcher@lab.com"}}}
        job, _ = self.run_export(body, s_ns, e_ns,
                                 {n: (self.cache.signal_names(), idx) for n in names})
        self.assertEqual(job["result"]["samples_exported"], 36000)

    def test_range_without_data(self):
        """A range before the cache completes with empty datasets, not an error."""
        start, end = "2024-01-01T00:00:00Z", "2024-01-01T00:10:00Z"
        s_ns, e_ns = ph.parse_rfc3339_ns(start), ph.parse_rfc3339_ns(end)
        body = {"time_range": ph.absolute(start, end), "channels": {"include": ["ch000"]}}
        job, _ = self.run_export(body, s_ns, e_ns, {"ch000": (self.cache.signal_names(), [])})
        self.assertEqual(job["result"]["samples_exported"], 0)
        self.assertIsNone(job["result"]["time_range_actual"])

    def test_range_request(self):
        start, end = T0 + "10Z", T0 + "20Z"
        job, _ = self.submit_and_wait({"time_range": ph.absolute(start, end),
                                       "channels": {"include": ["ch000"]}})
        _, content = self.download(job)
        size = len(content)
        self.assertGreater(size, 2000)
        r = self.api.download(job["job_id"], headers={"Range": "bytes=100-1099"})
        self.assertEqual(r.status_code, 206)
        self.assertEqual(r.headers["Content-Range"], "bytes 100-1099/%d" % size)
        self.assertEqual(r.content, content[100:1100])
        r = self.api.download(job["job_id"], headers={"Range": "bytes=-64"})
        self.assertEqual(r.status_code, 206)
        self.assertEqual(r.content, content[-64:])
        self.assertEqual(r.headers["Content-Range"], "bytes %d-%d/%d" % (size - 64, size - 1,
                                                                        size))
        # The whole file once more: the same bytes every time.
        self.assertEqual(self.api.download(job["job_id"]).content, content)

    def test_channel_discovery_lists_the_cache(self):
        r = self.api.get(ph.API + "/channels")
        self.assertEqual(r.status_code, 200)
        channels = {c["name"]: c["signals"] for c in r.json()["channels"]}
        self.assertEqual(sorted(channels), ["ch000", "ch001", "ch002", "ch003"])
        def signal(name, type_, source_type):
            return {"name": name, "type": type_, "nullable": False, "source_type": source_type}

        sig = [signal("sig%d" % i, "float64", "double") for i in range(3)]
        counter, mode = signal("counter", "int32", "int"), signal("mode", "string", "string")
        for name in ("ch000", "ch001", "ch002"):
            self.assertEqual(channels[name], sig + [counter, mode])
        self.assertEqual(channels["ch003"], sig[:2] + [counter])

    def test_health_needs_no_key(self):
        anonymous = ph.Client(self.server.base, None)
        r = anonymous.get("/api/v1/health")
        anonymous.close()
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["status"], "ok")
        self.assertRegex(body["version"], r"^\d+\.\d+\.\d+")
        names = sorted(p["name"] for p in body["plugins"])
        for needed in ("auth", "avro", "hdf5", "timespec"):
            self.assertIn(needed, names)

    def test_seed_python_client(self):
        """The client of the specification, with the key header added, run as written
        against a channel whose data lies inside the last hour."""
        import requests

        base = self.server.base
        headers = {"X-API-Key": self.key_live}
        out_path = self.work.sub("export.h5")
        cwd = os.getcwd()
        os.chdir(self.work.path)
        try:
            # Submit job
            resp = requests.post(base + '/api/v1/pivot/jobs', json={
                'time_range': {'type': 'relative', 'duration': 'PT1H'},
                'channels': {'include': ['ch003']}
            }, headers=headers)
            job_id = resp.json()['job_id']

            # Poll until complete
            while True:
                status = requests.get(f'{base}/api/v1/pivot/jobs/{job_id}',
                                      headers=headers).json()
                if status['status'] == 'completed':
                    break
                self.assertIn(status['status'], ('queued', 'processing'), status)
                time.sleep(2)

            # Download result
            file_resp = requests.get(f'{base}/api/v1/pivot/jobs/{job_id}/download',
                                     headers=headers)
            with open('export.h5', 'wb') as f:
                f.write(file_resp.content)
        finally:
            os.chdir(cwd)
        self.assertEqual(resp.status_code, 202)
        # The relative range was resolved once, at submission: one hour ending then.
        tr = status["time_range"]
        s_ns, e_ns = ph.parse_rfc3339_ns(tr["start"]), ph.parse_rfc3339_ns(tr["end"])
        self.assertEqual(e_ns - s_ns, 3600 * ph.NS)
        created = ph.parse_rfc3339_ns(status["created_at"])
        self.assertLess(abs(e_ns - created), 5 * ph.NS)
        idx = list(range(600))
        self.assertEqual(self.recent.indices_in(s_ns, e_ns), idx)
        expected = {"ch003": (self.recent.signal_names(), idx)}
        self.check_job_object(status, s_ns, e_ns, expected, self.recent, file_resp.content)
        # The request attribute holds whatever bytes requests sent; the id and data must match.
        self.check_file(out_path, job_id, None, expected, self.recent)


if __name__ == "__main__":
    unittest.main(verbosity=2)
