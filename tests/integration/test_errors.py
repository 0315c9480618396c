"""Every refusal of the API: status, problem+json body, problem type and field."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
GOOD_RANGE = ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:20Z")
UNKNOWN_ID = "AAAAAAAAAAAAAAAAAAAAAA"


def job_body(**overrides):
    body = {"time_range": GOOD_RANGE, "channels": {"include": ["ch000"]}}
    body.update(overrides)
    return body


class ErrorsTest(ph.ServerCase):
    WORK_PREFIX = "pivot-errors-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=2, seconds=30, rate=10, signals=2)

    @classmethod
    def after_start(cls):
        cls.anonymous = cls.client(None)

    def tearDown(self):
        # Whatever was refused, the server still answers.
        r = self.anonymous.get("/api/v1/health")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["status"], "ok")

    # ------------------------------------------------------------ helpers

    def assertProblem(self, r, status, slug, field=None, path=None):
        where = "%s %s -> %d %s" % (r.request.method, r.request.path_url, r.status_code,
                                     r.text[:400])
        self.assertEqual(r.status_code, status, where)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT, where)
        p = r.json()
        self.assertEqual(p["type"], "/api/v1/problems/" + slug, where)
        self.assertEqual(p["status"], status, where)
        self.assertIsInstance(p["title"], str)
        self.assertNotEqual(p["title"], "")
        self.assertIsInstance(p["detail"], str)
        self.assertEqual(p["instance"], path or r.request.path_url.split("?")[0], where)
        if field is None:
            self.assertNotIn("field", p, where)
        else:
            self.assertEqual(p.get("field"), field, where)
        return p

    def post_raw(self, text, client=None):
        client = client or self.api
        return client.request("POST", JOBS, data=text if isinstance(text, bytes)
                              else text.encode(), headers={"Content-Type": "application/json"})

    def post(self, body):
        r, _ = self.api.post_job(body)
        return r

    # ------------------------------------------------------------ 401

    def test_missing_key(self):
        for method, path in (("GET", JOBS), ("POST", JOBS), ("GET", JOBS + "/" + UNKNOWN_ID),
                             ("DELETE", JOBS + "/" + UNKNOWN_ID),
                             ("GET", JOBS + "/" + UNKNOWN_ID + "/download"),
                             ("GET", ph.API + "/channels"), ("GET", ph.API + "/no-such-thing")):
            r = self.anonymous.request(method, path)
            p = self.assertProblem(r, 401, "unauthorized", field="X-API-Key", path=path)
            self.assertIn("X-API-Key", r.headers["WWW-Authenticate"])
            self.assertIn("X-API-Key", p["detail"])

    def test_wrong_key(self):
        for key in ("pvk_not-a-real-key", self.key[:-1] + ("A" if self.key[-1] != "A" else "B"),
                    ""):
            bad = ph.Client(self.server.base, key)
            r = bad.get(JOBS)
            bad.close()
            self.assertProblem(r, 401, "unauthorized", field="X-API-Key", path=JOBS)
            self.assertIn("X-API-Key", r.headers["WWW-Authenticate"])

    # ------------------------------------------------------------ 400 body

    def test_malformed_json(self):
        for text in ('{"time_range": ', "not json", '{"a": 1,}', "", "\xff\xfe"):
            self.assertProblem(self.post_raw(text), 400, "malformed-json")

    def test_body_not_an_object(self):
        for text in ("[]", "42", '"job"', "null"):
            self.assertProblem(self.post_raw(text), 400, "invalid-field")

    def test_unknown_members(self):
        cases = [
            (job_body(channel={"include": ["ch000"]}), "channel"),
            (job_body(channels={"include": ["ch000"], "inclde": ["ch001"]}), "channels.inclde"),
            (job_body(options={"format": "hdf5", "compression": "gzip"}), "options.compression"),
        ]
        for body, field in cases:
            self.assertProblem(self.post(body), 400, "invalid-field", field=field)

    def test_wrong_types(self):
        cases = [
            ({"channels": {"include": ["ch000"]}}, "time_range"),
            (job_body(time_range="PT1H"), "time_range"),
            (job_body(time_range={"start": "2025-01-01T00:00:00Z"}), "time_range.type"),
            (job_body(time_range={"type": 3}), "time_range.type"),
            ({"time_range": GOOD_RANGE}, "channels"),
            (job_body(channels=["ch000"]), "channels"),
            (job_body(channels={"include": "ch000"}), "channels.include"),
            (job_body(channels={"include": ["ch000", 7]}), "channels.include[1]"),
            (job_body(channels={"include": ["ch000"], "exclude": "ch001"}), "channels.exclude"),
            (job_body(channels={"include": ["../etc"]}), "channels.include[0]"),
            (job_body(channels={"include": ["ch000/.."]}), "channels.include[0]"),
            (job_body(channels={"pattern": 5}), "channels.pattern"),
            (job_body(signals=["sig0"]), "signals"),
            (job_body(signals={"ch000": []}), "signals.ch000"),
            (job_body(signals={"ch000": "sig0"}), "signals.ch000"),
            (job_body(options=[]), "options"),
            (job_body(options={"format": 5}), "options.format"),
            (job_body(options={"metadata": "run 42"}), "options.metadata"),
        ]
        for body, field in cases:
            with self.subTest(field=field, body=body):
                self.assertProblem(self.post(body), 400, "invalid-field", field=field)

    def test_bad_time_ranges(self):
        cases = [
            (ph.absolute("yesterday", "2025-01-01T00:00:20Z"), "time_range.start"),
            (ph.absolute("2025-01-01T00:00:10Z", "2025-13-01T00:00:00Z"), "time_range.end"),
            ({"type": "absolute", "start": "2025-01-01T00:00:10Z"}, "time_range.end"),
            (ph.absolute("2025-01-01T00:00:20Z", "2025-01-01T00:00:10Z"), "time_range"),
            (ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:10Z"), "time_range"),
            ({"type": "someday"}, "time_range.type"),
            ({"type": "start_duration", "start": "2025-01-01T00:00:10Z", "duration": "1 hour"},
             "time_range.duration"),
            ({"type": "relative", "duration": 3600}, "time_range.duration"),
            ({"type": "preset", "name": "last_century"}, "time_range.name"),
        ]
        for tr, field in cases:
            with self.subTest(time_range=tr):
                self.assertProblem(self.post(job_body(time_range=tr)), 400, "invalid-field",
                                   field=field)

    # ------------------------------------------------------------ 413

    def test_request_too_large(self):
        names = ["ch000"] + ["c%07d" % i for i in range(170000)]  # 1.5 MiB of JSON
        text = json.dumps(job_body(channels={"include": names}))
        self.assertGreater(len(text), 3 * 1024 * 1024 // 2)
        self.assertProblem(self.post_raw(text), 413, "request-too-large")

    def test_too_many_channels(self):
        # The default limit is 10000 channels per job.
        names = ["c%05d" % i for i in range(10001)]
        text = json.dumps(job_body(channels={"include": names}))
        self.assertLess(len(text), 1024 * 1024)
        self.assertProblem(self.post_raw(text), 413, "too-many-channels",
                           field="channels.include")

    # ------------------------------------------------------------ 422

    def test_no_channels(self):
        for channels in ({"include": []}, {"include": ["ch000"], "exclude": ["ch000"]},
                         {"pattern": "zz*"}, {}):
            with self.subTest(channels=channels):
                self.assertProblem(self.post(job_body(channels=channels)), 422, "no-channels",
                                   field="channels")

    def test_unknown_channel(self):
        p = self.assertProblem(self.post(job_body(channels={"include": ["ch000", "ch999"]})),
                               422, "unknown-channel", field="channels")
        self.assertIn("ch999", p["detail"])

    def test_unknown_signal(self):
        p = self.assertProblem(self.post(job_body(signals={"ch000": ["sig0", "voltage"]})),
                               422, "unknown-signal", field="signals")
        self.assertIn("voltage", p["detail"])

    def test_signals_for_an_unselected_channel(self):
        self.assertProblem(self.post(job_body(signals={"ch001": "*"})), 422, "invalid-field",
                           field="signals.ch001")

    def test_unsupported_format(self):
        self.assertProblem(self.post(job_body(options={"format": "parquet"})), 422,
                           "unsupported-format", field="options.format")

    def test_malformed_decimation(self):
        for decimation, field in ((10, "options.decimation"), ("mean", "options.decimation"),
                                  ({"factor": 10}, "options.decimation.method")):
            self.assertProblem(self.post(job_body(options={"decimation": decimation})), 400,
                               "invalid-field", field=field)

    def test_valid_request_is_accepted(self):
        # The baseline all the refusals above vary from.
        r = self.post(job_body(options={"decimation": None, "format": "hdf5",
                                        "metadata": {"description": "x"}}))
        self.assertEqual(r.status_code, 202, r.text)
        job = self.api.wait(r.json()["job_id"])
        self.assertEqual(job["status"], "completed")

    # ------------------------------------------------------------ 404 / 405 / 400 query

    def test_job_not_found(self):
        for path in (JOBS + "/" + UNKNOWN_ID, JOBS + "/" + UNKNOWN_ID + "/download",
                     JOBS + "/not!an-id", JOBS + "/" + "x" * 40):
            self.assertProblem(self.api.get(path), 404, "job-not-found")
        self.assertProblem(self.api.delete(JOBS + "/" + UNKNOWN_ID), 404, "job-not-found")

    def test_other_users_job_is_not_found(self):
        job_id = self.api.submit(job_body())
        other = self.server.client(self.server.create_key("mallory"))
        try:
            self.assertProblem(other.get(JOBS + "/" + job_id), 404, "job-not-found")
            self.assertProblem(other.get(JOBS + "/" + job_id + "/download"), 404,
                               "job-not-found")
            self.assertProblem(other.delete(JOBS + "/" + job_id), 404, "job-not-found")
        finally:
            other.close()
        # Still there for its owner.
        self.assertEqual(self.api.wait(job_id)["status"], "completed")

    def test_unknown_route(self):
        for path in (ph.API + "/nothing", ph.API + "/jobs/" + UNKNOWN_ID + "/files",
                     ph.API + "/jobsx"):
            self.assertProblem(self.api.get(path), 404, "not-found")
        # "/" is the web page (test_web_assets.py); "/index.html" is not a path of it.
        for path in ("/api/v2/pivot/jobs", "/index.html", "/web", "/api/v1/pivotjobs"):
            self.assertProblem(self.anonymous.get(path), 404, "not-found")

    def test_method_not_allowed(self):
        cases = [
            (self.api, "PUT", JOBS, "GET, POST"),
            (self.api, "DELETE", JOBS, "GET, POST"),
            (self.api, "POST", JOBS + "/" + UNKNOWN_ID, "GET, DELETE"),
            (self.api, "PATCH", JOBS + "/" + UNKNOWN_ID, "GET, DELETE"),
            (self.api, "POST", JOBS + "/" + UNKNOWN_ID + "/download", "GET, HEAD"),
            (self.api, "POST", ph.API + "/channels", "GET, HEAD"),
            (self.anonymous, "POST", "/api/v1/health", "GET, HEAD"),
        ]
        for client, method, path, allow in cases:
            with self.subTest(method=method, path=path):
                r = client.request(method, path)
                self.assertProblem(r, 405, "method-not-allowed", path=path)
                self.assertEqual(r.headers["Allow"], allow)

    def test_invalid_query(self):
        cases = [("status=done", "status"), ("status=", "status"), ("limit=0", "limit"),
                 ("limit=abc", "limit"), ("limit=-1", "limit"), ("limit=1001", "limit"),
                 ("page=0", "page"), ("page=x", "page"), ("status=completed&page=-2", "page")]
        for query, field in cases:
            with self.subTest(query=query):
                self.assertProblem(self.api.get(JOBS + "?" + query), 400, "invalid-query",
                                   field=field, path=JOBS)


if __name__ == "__main__":
    unittest.main(verbosity=2)
