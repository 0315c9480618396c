"""Hostile and malformed input: every case gets the documented refusal, and
the server keeps answering afterwards.

Each test asserts the status and problem type of every refusal; tearDown
checks /api/v1/health after each test, and the class checks at the end that
the server exits cleanly on SIGTERM (it did not crash on the way).
"""

import json
import os
import re
import shutil
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
GOOD_RANGE = ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:20Z")
LAST_NS_TIME = "2262-04-11T23:47:16.854775807Z"


def job_body(**overrides):
    body = {"time_range": GOOD_RANGE, "channels": {"include": ["ch000"]}}
    body.update(overrides)
    return body


def compact(body):
    return json.dumps(body, separators=(",", ":"))


class BadInputTest(ph.ServerCase):
    WORK_PREFIX = "pivot-bad-input-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=2, seconds=30, rate=10, signals=2)
        # Outside the data directory: a copy of a real channel, reachable only
        # through symbolic links planted in the cache.
        outside = cls.work.sub("outside")
        shutil.copytree(os.path.join(data, "ch000"), os.path.join(outside, "secret"))
        os.symlink(os.path.join(outside, "secret"), os.path.join(data, "escape"))
        os.mkdir(os.path.join(data, "linked"))
        for name in os.listdir(os.path.join(outside, "secret")):
            os.symlink(os.path.join(outside, "secret", name), os.path.join(data, "linked", name))

    @classmethod
    def after_start(cls):
        cls.anonymous = cls.client(None)
        host, port = cls.server.base[len("http://"):].rsplit(":", 1)
        cls.addr = (host, int(port))

    def tearDown(self):
        self.assertHealthy()

    # ------------------------------------------------------------ helpers

    def assertHealthy(self):
        r = self.anonymous.get("/api/v1/health")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["status"], "ok")

    def assertProblem(self, r, status, slug, field=None, path=None):
        where = "%s %s -> %d %s" % (r.request.method, r.request.path_url[:200], r.status_code,
                                     r.text[:400])
        self.assertEqual(r.status_code, status, where)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT, where)
        p = r.json()
        self.assertEqual(p["type"], "/api/v1/problems/" + slug, where)
        self.assertEqual(p["status"], status, where)
        if path is not None:
            self.assertEqual(p["instance"], path, where)
        if field is not None:
            self.assertEqual(p.get("field"), field, where)
        # A detail is one short line, whatever was sent.
        self.assertLess(len(p["detail"]), 1024, where)
        self.assertNotIn("\n", p["detail"])
        # No response names a directory of the server.
        self.assertNotIn(self.work.path, r.text, where)
        return p

    def post_raw(self, text):
        data = text if isinstance(text, bytes) else text.encode()
        return self.api.request("POST", JOBS, data=data,
                                headers={"Content-Type": "application/json"})

    def post(self, body):
        return self.post_raw(compact(body))

    def raw_http(self, data, timeout=10.0):
        """Sends raw bytes on a new connection; returns (status or None, whole response)."""
        sock = socket.create_connection(self.addr, timeout=timeout)
        out = b""
        try:
            sock.sendall(data)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass
        finally:
            sock.close()
        m = re.match(rb"HTTP/1\.[01] (\d{3}) ", out)
        return (int(m.group(1)) if m else None), out

    def raw_request(self, method, target, extra=b"", key=True):
        head = method + b" " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if key:
            head += b"X-API-Key: " + self.key.encode() + b"\r\n"
        return self.raw_http(head + extra + b"\r\n")

    @staticmethod
    def problem_of(response):
        head, _, body = response.partition(b"\r\n\r\n")
        if b"transfer-encoding: chunked" in head.lower():
            size, _, rest = body.partition(b"\r\n")
            body = rest[:int(size, 16)]
        return json.loads(body)

    # ------------------------------------------------------------ JSON

    def test_malformed_json(self):
        for text in ('{"time_range": ', "{,}", '{"a" 1}', "[1, 2", "\"unterminated",
                     '{"time_range": {"type": "absolute"}} trailing', "nul\x00l", "\t\n ",
                     '{"a": tru}', '{"a": 1e}', b'{"a": "\xc3\x28"}'):
            with self.subTest(text=text):
                self.assertProblem(self.post_raw(text), 400, "malformed-json", path=JOBS)

    def test_deep_nesting_is_refused_before_parsing(self):
        deep = "[" * 10000 + "]" * 10000
        for text in (deep, '{"time_range": %s}' % deep,
                     compact(job_body(options={"metadata": {"x": 1}})).replace(
                         '{"x":1}', "{\"x\":" + "[" * 10000 + "]" * 10000 + "}"),
                     "{" * 10000):
            with self.subTest(start=text[:20]):
                p = self.assertProblem(self.post_raw(text), 400, "malformed-json", path=JOBS)
                self.assertIn("nested deeper than 64 levels", p["detail"])
        # 64 levels are fine: the refusal is about depth, not about metadata.
        meta = {}
        for _ in range(60):
            meta = {"m": meta}
        self.assertEqual(self.post(job_body(options={"metadata": meta})).status_code, 202)

    def test_nul_characters_in_strings(self):
        # "\u0000" would end the C string early: "ch000\u0000x" must not
        # select ch000.
        for body in (job_body(channels={"include": ["ch000\u0000x"]}),
                     job_body(channels={"include": ["\u0000"]}),
                     job_body(signals={"ch000": ["sig0\u0000"]}),
                     job_body(time_range=ph.absolute("2025-01-01T00:00:10Z\u0000junk",
                                                      "2025-01-01T00:00:20Z"))):
            with self.subTest(body=body):
                p = self.assertProblem(self.post(body), 400, "malformed-json", path=JOBS)
                self.assertIn("\\u0000", p["detail"])
        # An escaped backslash followed by "u0000" is an ordinary string.
        self.assertProblem(self.post(job_body(channels={"include": ["\\u0000"]})), 400,
                           "invalid-field", field="channels.include[0]")

    def test_megabyte_strings(self):
        big = "x" * (1024 * 1024)
        for body in (job_body(channels={"include": [big]}),
                     job_body(options={"metadata": {"description": big}})):
            self.assertProblem(self.post(body), 413, "request-too-large", path=JOBS)
        # Just under the limit: refused for what it is, and not echoed whole.
        almost = "x" * (1024 * 1024 - 200)
        cases = [(job_body(channels={"include": [almost]}), "channels.include[0]"),
                 (job_body(time_range=ph.absolute(almost, "2025-01-01T00:00:20Z")),
                  "time_range.start"),
                 (job_body(time_range={"type": "relative", "duration": almost}),
                  "time_range.duration"),
                 (job_body(options={"format": almost}), None)]
        for body, field in cases:
            with self.subTest(field=field):
                r = self.post(body)
                if field is None:
                    self.assertProblem(r, 422, "unsupported-format", field="options.format")
                else:
                    self.assertProblem(r, 400, "invalid-field", field=field)
                self.assertLess(len(r.content), 2048)

    def test_wrong_types_for_every_field(self):
        values = [None, True, 0, -1, 1.5, 1e308, "x", [], {}, ["x"], {"a": 1}]
        fields = {
            "time_range": lambda v: job_body(time_range=v),
            "time_range.type": lambda v: job_body(time_range={"type": v, "start": "x"}),
            "time_range.start": lambda v: job_body(time_range={
                "type": "absolute", "start": v, "end": "2025-01-01T00:00:20Z"}),
            "time_range.end": lambda v: job_body(time_range={
                "type": "absolute", "start": "2025-01-01T00:00:10Z", "end": v}),
            "time_range.duration": lambda v: job_body(time_range={
                "type": "relative", "duration": v}),
            "time_range.name": lambda v: job_body(time_range={"type": "preset", "name": v}),
            "channels": lambda v: job_body(channels=v),
            "channels.include": lambda v: job_body(channels={"include": v}),
            "channels.exclude": lambda v: job_body(channels={"include": ["ch000"], "exclude": v}),
            "channels.pattern": lambda v: job_body(channels={"include": ["ch000"], "pattern": v}),
            "signals": lambda v: job_body(signals=v),
            "signals.ch000": lambda v: job_body(signals={"ch000": v}),
            "options": lambda v: job_body(options=v),
            "options.format": lambda v: job_body(options={"format": v}),
            "options.metadata": lambda v: job_body(options={"metadata": v}),
            "options.priority": lambda v: job_body(options={"priority": v}),
        }
        # Values a field accepts (or that make a valid request) are skipped.
        accepted = {
            ("channels.include", "[]"), ("channels.include", "null"),
            ("channels.exclude", "[]"), ("channels.exclude", "null"),
            ("channels.pattern", "null"), ("signals", "null"), ("signals", "{}"),
            ("signals.ch000", "null"), ("options", "null"), ("options", "{}"),
            ("options.metadata", "null"), ("options.metadata", "{}"),
            ("options.metadata", '{"a": 1}'), ("options.format", "null"),
            ("options.priority", "null"), ("channels.pattern", '"x"'), ("channels", "{}"),
            ("signals", '{"a": 1}'),
            ("channels.include", '["x"]'), ("channels.exclude", '["x"]'),
            ("options.format", '"x"'), ("signals.ch000", '["x"]'),
        }
        statuses = {}
        for field, make in fields.items():
            for v in values:
                if (field, json.dumps(v)) in accepted:
                    continue
                with self.subTest(field=field, value=v):
                    r = self.post(make(v))
                    statuses[(field, json.dumps(v))] = r.status_code
                    p = self.assertProblem(r, 400, "invalid-field")
                    self.assertTrue(p["field"] == field or p["field"].startswith(field + "."),
                                    "%s: field %r" % (field, p["field"]))

    def test_unknown_members_are_refused(self):
        cases = [(job_body(extra=1), "extra"),
                 (job_body(channels={"include": ["ch000"], "includes": []}),
                  "channels.includes"),
                 (job_body(options={"formats": "hdf5"}), "options.formats"),
                 (job_body(options={"format": "hdf5", "compresion": None}),
                  "options.compresion"),
                 (job_body(options={"compression": {"gzip": 1, "level": 2}}),
                  "options.compression.level")]
        for body, field in cases:
            with self.subTest(field=field):
                p = self.assertProblem(self.post(body), 400, "invalid-field", field=field)
                self.assertIn("unknown member", p["detail"])
        # A long non-ASCII member name is cut to fit, never into half a character.
        r = self.post(job_body(**{"\u00e9" * 300: 1}))
        p = self.assertProblem(r, 400, "invalid-field")
        self.assertTrue(p["field"].startswith("\\xc3\\xa9\\xc3\\xa9"), p["field"])
        self.assertTrue(p["field"].isascii(), p["field"])
        self.assertIn("unknown member", p["detail"])
        # Members of time_range that its type does not use, and metadata, are free.
        tr = dict(GOOD_RANGE, duration="PT1H", note="x")
        self.assertEqual(self.post(job_body(time_range=tr)).status_code, 202)

    # ------------------------------------------------------------ time ranges

    def test_times_outside_64_bit_nanoseconds(self):
        cases = [
            (ph.absolute("1969-12-31T23:59:59Z", "2025-01-01T00:00:20Z"), "time_range.start"),
            (ph.absolute("1969-12-31T23:59:59.999999999Z", "2025-01-01T00:00:20Z"),
             "time_range.start"),
            (ph.absolute("0000-01-01T00:00:00Z", "2025-01-01T00:00:20Z"), "time_range.start"),
            (ph.absolute("1970-01-01T00:30:00+01:00", "2025-01-01T00:00:20Z"),
             "time_range.start"),
            (ph.absolute("2025-01-01T00:00:10Z", "2262-04-11T23:47:16.854775808Z"),
             "time_range.end"),
            (ph.absolute("2025-01-01T00:00:10Z", "2262-04-12T00:00:00Z"), "time_range.end"),
            (ph.absolute("2025-01-01T00:00:10Z", "9999-12-31T23:59:59Z"), "time_range.end"),
            (ph.absolute("2025-01-01T00:00:10Z", "99999-12-31T23:59:59Z"), "time_range.end"),
            ({"type": "start_duration", "start": "2262-04-11T00:00:00Z", "duration": "P1D"},
             "time_range.duration"),
            ({"type": "end_duration", "end": "1970-01-01T00:00:01Z", "duration": "PT2S"},
             "time_range.duration"),
            ({"type": "relative", "duration": "P106752D"}, "time_range.duration"),
            ({"type": "relative", "duration": "P100000D"}, "time_range.duration"),
        ]
        for tr, field in cases:
            with self.subTest(time_range=tr):
                self.assertProblem(self.post(job_body(time_range=tr)), 400, "invalid-field",
                                   field=field)
        # The very last representable nanosecond is a valid end.
        r = self.post(job_body(time_range=ph.absolute("2025-01-01T00:00:10Z", LAST_NS_TIME)))
        self.assertEqual(r.status_code, 202, r.text)

    def test_empty_and_reversed_ranges(self):
        cases = [ph.absolute("2025-01-01T00:00:20Z", "2025-01-01T00:00:10Z"),
                 ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:10Z"),
                 ph.absolute("2025-01-01T00:00:10.000000001Z", "2025-01-01T00:00:10Z"),
                 ph.absolute("2025-01-01T01:00:10+01:00", "2025-01-01T00:00:10Z")]
        for tr in cases:
            with self.subTest(time_range=tr):
                self.assertProblem(self.post(job_body(time_range=tr)), 400, "invalid-field",
                                   field="time_range")
        for d in ("PT0S", "P0D", "PT0H0M0S", "PT0.0000000001S"):
            with self.subTest(duration=d):
                tr = {"type": "start_duration", "start": "2025-01-01T00:00:10Z", "duration": d}
                self.assertProblem(self.post(job_body(time_range=tr)), 400, "invalid-field",
                                   field="time_range.duration")

    def test_bad_durations(self):
        for d in ("P", "PT", "PT-1H", "-PT1H", "P1Y", "P1M", "P1Y2M", "PT1H30", "1H", "PT1.5H2M",
                  "P1W1D", "PTH", "P1DT", "PT99999999999999999999H", "P9223372036854775807D",
                  "PT9223372036854775808S", "PT1e3S", "PT 1H", " PT1H", "PT1H ", "pt1h",
                  "PT1.0000000000000000000000000000000000001S", "P" + "9" * 400 + "D", ""):
            with self.subTest(duration=d):
                tr = {"type": "relative", "duration": d}
                self.assertProblem(self.post(job_body(time_range=tr)), 400, "invalid-field",
                                   field="time_range.duration")

    def test_bad_timestamps(self):
        for t in ("2025-01-01", "2025-01-01T00:00:00", "2025-02-30T00:00:00Z",
                  "2025-01-01T24:00:00Z", "2025-01-01T23:59:60Z", "2025-01-01T00:00:00.Z",
                  "2025-01-01T00:00:00.1234567890Z", "2025-01-01T00:00:00+24:00",
                  "+2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z\n", "1e9", "",
                  "2025-01-01T00:00:00+99999999999999999999:00"):
            with self.subTest(start=t):
                tr = ph.absolute(t, "2025-01-01T00:00:20Z")
                self.assertProblem(self.post(job_body(time_range=tr)), 400, "invalid-field",
                                   field="time_range.start")

    # ------------------------------------------------------------ channels and signals

    def test_channel_names_that_would_leave_the_data_directory(self):
        names = ["a/b", "..", "../ch000", "ch000/..", "ch000/../ch001", ".", "./ch000",
                 "%2e%2e", "%2e%2e%2fetc", "/etc/passwd", "/", "", "\\..\\x", "ch000\n",
                 "x" * 129, "ch\u00e9", "-ch000", "_x", "a..b"]
        for where in ("include", "exclude"):
            for name in names:
                with self.subTest(where=where, name=name):
                    channels = {"include": ["ch000"], "exclude": []}
                    channels[where] = channels[where] + [name]
                    idx = len(channels[where]) - 1
                    self.assertProblem(self.post(job_body(channels=channels)), 400,
                                       "invalid-field",
                                       field="channels.%s[%d]" % (where, idx))
        # A pattern only ever matches names the source listed.
        for pattern in ("../*", "/etc/*", "*/..", "..*"):
            with self.subTest(pattern=pattern):
                self.assertProblem(self.post(job_body(channels={"pattern": pattern})), 422,
                                   "no-channels", field="channels")
        # Signals are looked up in the schema, never on disk.
        p = self.assertProblem(self.post(job_body(signals={"ch000": ["../x", "/etc/passwd"]})),
                               422, "unknown-signal", field="signals")
        self.assertIn("ch000.../x", p["detail"])
        self.assertProblem(self.post(job_body(signals={"../ch000": "*"})), 422,
                           "invalid-field", field="signals.../ch000")

    def test_symlinks_out_of_the_cache_are_neither_listed_nor_read(self):
        r = self.api.get(ph.API + "/channels")
        self.assertEqual(r.status_code, 200)
        listed = {c["name"]: c for c in r.json()["channels"]}
        self.assertNotIn("escape", listed)
        self.assertEqual(sorted(listed), ["ch000", "ch001", "linked"])
        # A real directory whose files are links out of the cache has no files.
        self.assertEqual(listed["linked"]["signals"], [])
        self.assertNotIn("secret", r.text)
        p = self.assertProblem(self.post(job_body(channels={"include": ["escape"]})), 422,
                               "unknown-channel", field="channels")
        self.assertNotIn(self.work.path, p["detail"])
        self.assertProblem(self.post(job_body(channels={"pattern": "esc*"})), 422,
                           "no-channels", field="channels")
        r = self.post(job_body(channels={"include": ["linked"]}))
        self.assertIn(r.status_code, (202, 422), r.text)
        if r.status_code == 202:
            # Accepted as an empty channel: the export holds no sample of it.
            job = self.api.wait(r.json()["job_id"])
            self.assertEqual(job["status"], "completed", job)
            self.assertEqual(job["result"]["samples_exported"], 0)

    def test_one_hundred_thousand_channels(self):
        names = ["c%05d" % i for i in range(100000)]
        text = compact(job_body(channels={"include": names}))
        self.assertLess(len(text), 1024 * 1024)
        # yajl grows arrays one element at a time: slow under ASan, not in a release build.
        r = self.api.request("POST", JOBS, data=text.encode(), timeout=300,
                             headers={"Content-Type": "application/json"})
        p = self.assertProblem(r, 413, "too-many-channels",
                               field="channels.include")
        self.assertIn("100000", p["detail"])

    def test_unknown_signals(self):
        p = self.assertProblem(self.post(job_body(signals={"ch000": ["sig0", "nope", "time2"]})),
                               422, "unknown-signal", field="signals")
        self.assertIn("ch000.nope", p["detail"])
        self.assertIn("ch000.time2", p["detail"])
        many = ["s%d" % i for i in range(5000)]
        p = self.assertProblem(self.post(job_body(signals={"ch000": many})), 422,
                               "unknown-signal", field="signals")

    # ------------------------------------------------------------ HTTP

    def test_bad_methods(self):
        for method in (b"PUT", b"PATCH", b"TRACE", b"OPTIONS", b"CONNECT", b"FOO", b"get"):
            with self.subTest(method=method):
                status, out = self.raw_request(method, JOBS.encode())
                self.assertEqual(status, 405, out[:300])
                p = self.problem_of(out)
                self.assertEqual(p["type"], "/api/v1/problems/method-not-allowed")
                self.assertIn(b"allow: GET, POST", out)
        for method in (b"GET\x01", b"G ET"):
            with self.subTest(method=method):
                status, out = self.raw_request(method, JOBS.encode())
                self.assertEqual(status, 400, out[:300])
        # h2o passes these on; the answer is still a well-formed problem.
        for method in (b"", b"\xff\xfe", b"\xc3", b"A" * 5000):
            with self.subTest(method=method[:10]):
                status, out = self.raw_request(method, JOBS.encode())
                self.assertEqual(status, 405, out[:300])
                p = self.problem_of(out)
                self.assertEqual(p["type"], "/api/v1/problems/method-not-allowed")
                self.assertEqual(p["instance"], JOBS)
                if len(method) < 100:
                    self.assertIn("is not allowed on " + JOBS, p["detail"])

    def test_bad_paths(self):
        cases = [
            (b"/api/v1/pivot/jobs/../../../etc/passwd", 404, "not-found", "/api/etc/passwd"),
            (b"/api/v1/pivot/%2e%2e/%2e%2e/etc/passwd", 404, "not-found", "/api/etc/passwd"),
            (b"/api/v1/pivot/files/../../jobs.db", 404, "not-found", "/api/v1/jobs.db"),
            (b"/api/v1/pivot/files/%2e%2e/jobs.db", 404, "not-found", "/api/v1/pivot/jobs.db"),
            (b"/api/v1/pivot/files/jobs.db", 404, "job-not-found", None),
            (b"/api/v1/pivot/files/x.h5", 404, "job-not-found", None),
            (b"/api/v1/pivot/files/", 404, "job-not-found", None),
            (b"/api/v1/pivot/jobs/%00", 404, "job-not-found", None),
            (b"/api/v1/pivot/jobs/abc%2fdef", 404, "not-found", None),
            (b"//api/v1/pivot/jobs", 404, "not-found", None),
            (b"/api/v1/pivot/jobs/" + b"A" * 5000, 404, "job-not-found", None),
            (b"/" + b"a" * 60000, 404, "not-found", None),
            # (An http:// absolute form is routed by its path: test_http_protocol.py.)
            (b"ftp://elsewhere/api/v1/pivot/jobs", 404, "not-found", None),
            (b"/api/v1/%ff%fe/x", 404, "not-found", "/api/v1/??/x"),
            (b"/api/v1/caf%c3%a9", 404, "not-found", "/api/v1/caf\u00e9"),
            (b"/api/v1/%c3", 404, "not-found", "/api/v1/?"),
            (b"/api/v1/%0a%0d%09", 404, "not-found", "/api/v1/   "),
        ]
        for target, status, slug, instance in cases:
            with self.subTest(target=target[:60]):
                got, out = self.raw_request(b"GET", target)
                self.assertEqual(got, status, out[:300])
                p = self.problem_of(out)
                self.assertEqual(p["type"], "/api/v1/problems/" + slug)
                if instance is not None:
                    self.assertEqual(p["instance"], instance)
                self.assertNotIn(self.work.path.encode(), out)

    def test_bad_limit_and_page(self):
        cases = [("limit=0", "limit"), ("limit=-1", "limit"), ("limit=1e3", "limit"),
                 ("limit=1.5", "limit"), ("limit=", "limit"), ("limit=%00", "limit"),
                 ("limit=1001", "limit"), ("limit=99999999999999999999999", "limit"),
                 ("limit=+5", "limit"), ("limit=0x10", "limit"), ("limit=%201", "limit"),
                 ("page=0", "page"), ("page=-1", "page"), ("page=9999999999", "page"),
                 ("page=1.0", "page"), ("page=", "page"), ("page=%ff", "page"),
                 ("status=" + "x" * 5000, "status"), ("status=completed,,failed", "status"),
                 ("status=completed,", "status"), ("status=,completed", "status"),
                 ("limit=5&page=x", "page")]
        for query, field in cases:
            with self.subTest(query=query[:40]):
                self.assertProblem(self.api.get(JOBS + "?" + query), 400, "invalid-query",
                                   field=field, path=JOBS)
        # The largest page number is a valid, empty page.
        r = self.api.get(JOBS + "?page=999999999&limit=1000")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["jobs"], [])
        self.assertEqual(r.json()["page"], 999999999)

    def test_huge_headers(self):
        # A 64 KiB header: whatever h2o's own limits answer, the server lives.
        status, out = self.raw_request(b"GET", b"/api/v1/health",
                                       b"X-Big: " + b"a" * 65536 + b"\r\n")
        self.assertIn(status, (200, 400, 413, 431, None), out[:200])
        self.assertHealthy()
        # A 64 KiB API key is refused without being echoed.
        status, out = self.raw_request(b"GET", JOBS.encode(),
                                       b"X-API-Key: pvk_" + b"k" * 65536 + b"\r\n", key=False)
        self.assertEqual(status, 401, out[:300])
        self.assertNotIn(b"kkkkkkkk", out)
        self.assertHealthy()
        # More headers than h2o accepts: 400 from h2o itself.
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(1000))
        status, out = self.raw_request(b"GET", b"/api/v1/health", many)
        self.assertEqual(status, 400, out[:300])
        self.assertHealthy()
        # A 64 KiB Idempotency-Key is a problem of its own.
        r = self.api.request("POST", JOBS, data=compact(job_body()).encode(),
                             headers={"Idempotency-Key": "i" * 65536})
        self.assertProblem(r, 400, "invalid-header")
        self.assertNotIn("iiiiiiii", r.text)

    def test_errors_never_echo_a_key(self):
        secret = "pvk_AAAAAAAAAAAA_" + "S" * 43
        for key in (secret, self.key[:-2] + "zz", "Bearer " + self.key):
            bad = ph.Client(self.server.base, key)
            try:
                for method, path in (("GET", JOBS), ("POST", JOBS), ("GET", ph.API + "/x")):
                    r = bad.request(method, path)
                    self.assertProblem(r, 401, "unauthorized", field="X-API-Key")
                    self.assertNotIn(key[4:20], r.text)
                    self.assertNotIn(key[-20:], r.text)
                    self.assertNotIn(key[-20:], str(r.headers))
            finally:
                bad.close()
        # The log does not hold a refused key's secret either.
        self.assertNotIn("S" * 43, self.server.log())

    def test_no_internal_paths_and_private_files(self):
        job_id = self.api.submit(job_body())
        job = self.api.wait(job_id)
        self.assertEqual(job["status"], "completed", job)
        self.assertEqual(self.api.download(job_id).status_code, 200)
        state = self.server.state_dir
        # Nothing pivotd created is readable by other local users (a
        # PostgreSQL job store keeps no jobs.db).
        result = os.path.join(state, "results", self.server.result_name(job_id))
        paths = [state, os.path.join(state, "results"), result]
        if self.server.engine == "sqlite":
            paths.append(os.path.join(state, "jobs.db"))
        for path in paths:
            with self.subTest(path=os.path.basename(path)):
                self.assertEqual(os.stat(path).st_mode & 0o077, 0, oct(os.stat(path).st_mode))
        os.unlink(result)
        path = JOBS + "/" + job_id + "/download"
        for method in ("GET", "HEAD"):
            r = self.api.request(method, path)
            self.assertEqual(r.status_code, 410)
        p = self.assertProblem(self.api.get(path), 410, "result-gone", path=path)
        self.assertNotIn("files", json.dumps(p))
        self.assertNotIn(".h5", json.dumps(p))
        # The file route itself is not a way around the job's owner.
        other = self.server.client(self.server.create_key("mallory"))
        try:
            files = ph.API + "/files/" + self.server.result_name(job_id)
            self.assertProblem(other.get(files), 404, "job-not-found", path=files)
        finally:
            other.close()

    def test_truncated_and_lying_bodies(self):
        # A Content-Length larger than what is sent: h2o waits, the client
        # gives up; the server is unharmed.
        sock = socket.create_connection(self.addr, timeout=5)
        sock.sendall(b"POST " + JOBS.encode() + b" HTTP/1.1\r\nHost: x\r\nX-API-Key: "
                     + self.key.encode() + b"\r\nContent-Length: 1000\r\n\r\n{\"time")
        sock.close()
        self.assertHealthy()
        # A chunked body that is not chunked.
        status, out = self.raw_request(b"POST", JOBS.encode(),
                                       b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n")
        self.assertIn(status, (400, None), out[:300])
        self.assertHealthy()


if __name__ == "__main__":
    unittest.main(verbosity=2)
