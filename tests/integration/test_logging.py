#!/usr/bin/python3
"""Log lines against a real pivotd, in each of logging.format's forms.

json: every line of stderr (server and workers) is a JSON object; access
lines carry the request id that the response's X-Request-Id holds (a proxy's
own id kept, a fresh one otherwise, also on a download answered through an
internal redirect), the user, the job id, the route, the status and the
duration; audit lines go to logging.audit_file and not to stderr.
logfmt with logging.level warning: every line parses as logfmt, no info line
is written, and the audit line is there with its fields.
text (the default): the access line is marked "access:".
"""

import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

API = h.API
LOGFMT_PAIR = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^ "=]+)(?: |$)')


def parse_logfmt(line):
    """A logfmt line as a dict; raises when any part of it is not key=value."""
    out, pos = {}, 0
    for m in LOGFMT_PAIR.finditer(line):
        if m.start() != pos:
            raise AssertionError("not logfmt at %d: %r" % (pos, line))
        value = m.group(2)
        out[m.group(1)] = json.loads(value) if value.startswith('"') else value
        pos = m.end()
    if pos != len(line):
        raise AssertionError("not logfmt at %d: %r" % (pos, line))
    return out


class LogCase(h.ServerCase):
    WORK_PREFIX = "pivot-logging-"
    CONFIG = "{}\n"

    @classmethod
    def config_text(cls):
        cls.audit_path = cls.work.sub("audit.log")
        return cls.CONFIG.replace("AUDIT", cls.audit_path)

    @classmethod
    def write_data(cls, data):
        cls.cache = h.Cache.generate(data, channels=2, seconds=10, rate=100, signals=2)

    @classmethod
    def after_start(cls):
        cls.body = {"time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z"),
                    "channels": {"include": ["ch000"]}}

    def lines(self):
        return [line for line in self.server.log().splitlines() if line]

    def wait_for(self, parse, match, timeout=10.0):
        """The parsed lines of stderr once one of them satisfies match."""
        deadline = time.monotonic() + timeout
        while True:
            parsed = [parse(line) for line in self.lines()]
            if any(match(p) for p in parsed) or time.monotonic() > deadline:
                return parsed
            time.sleep(0.05)


class JsonLogTest(LogCase):
    CONFIG = "logging:\n  format: json\n  audit_file: AUDIT\n"

    def access_lines(self, parsed, request_id):
        return [p for p in parsed if p.get("stream") == "access"
                and p.get("request_id") == request_id]

    def test_access_lines_carry_the_request_id_user_and_job(self):
        r = self.api.request("POST", API + "/jobs", data=json.dumps(self.body).encode(),
                             headers={"Content-Type": "application/json",
                                      "X-Request-Id": "proxy-7f3a.1"})
        self.assertEqual(r.status_code, 202, r.text)
        self.assertEqual(r.headers["X-Request-Id"], "proxy-7f3a.1")
        job_id = r.json()["job_id"]
        self.assertEqual(self.api.wait(job_id)["status"], "completed")
        parsed = self.wait_for(json.loads,
                               lambda p: p.get("request_id") == "proxy-7f3a.1")
        [line] = self.access_lines(parsed, "proxy-7f3a.1")
        self.assertEqual(line["level"], "info")
        self.assertEqual(line["origin"], "pivotd")
        self.assertEqual(line["method"], "POST")
        self.assertEqual(line["path"], "/api/v1/pivot/jobs")
        self.assertEqual(line["route"], "jobs")
        self.assertEqual(line["status"], "202")
        self.assertEqual(line["user"], "alice")
        self.assertEqual(line["job_id"], job_id)
        self.assertEqual(line["peer"], "127.0.0.1")
        self.assertGreater(float(line["duration_ms"]), 0.0)
        self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # The workers' lines are JSON too, and name the job.
        worker = [p for p in parsed if p.get("origin") == "worker" and job_id in p["msg"]]
        self.assertTrue(worker)
        self.assertEqual({p["job_id"] for p in worker}, {job_id})

        # No id sent: a fresh one, on the answer and the line; a download keeps
        # its id through the internal redirect to the file.
        r = self.api.download(job_id)
        self.assertEqual(r.status_code, 200)
        fresh = r.headers["X-Request-Id"]
        self.assertRegex(fresh, r"^[0-9a-f]{24}$")
        parsed = self.wait_for(json.loads, lambda p: p.get("request_id") == fresh)
        [line] = self.access_lines(parsed, fresh)
        self.assertEqual(line["route"], "download")
        self.assertEqual(line["status"], "200")
        self.assertEqual(line["job_id"], job_id)
        # An id that could break a line is replaced, not echoed.
        r = self.api.request("GET", API + "/quota", headers={"X-Request-Id": "a b\"c"})
        self.assertRegex(r.headers["X-Request-Id"], r"^[0-9a-f]{24}$")
        # Two requests never share a fresh id.
        ids = {self.api.get("/api/v1/health").headers["X-Request-Id"] for _ in range(20)}
        self.assertEqual(len(ids), 20)

    def test_audit_lines_go_to_the_audit_file(self):
        bad = self.server.client("pvk_AAAAAAAAAAAA_" + "B" * 43)
        try:
            r = bad.get(API + "/jobs")
        finally:
            bad.close()
        self.assertEqual(r.status_code, 401)
        rid = r.headers["X-Request-Id"]
        deadline = time.monotonic() + 10
        audit = []
        while not audit and time.monotonic() < deadline:
            with open(self.audit_path) as f:
                audit = [json.loads(line) for line in f if line.strip()]
            time.sleep(0.05)
        failures = [a for a in audit if a.get("event") == "auth-failure"]
        self.assertEqual(len(failures), 1, audit)
        self.assertEqual(failures[0]["stream"], "audit")
        self.assertEqual(failures[0]["level"], "warning")
        self.assertEqual(failures[0]["peer"], "127.0.0.1")
        self.assertEqual(failures[0]["key"], "AAAAAAAAAAAA")
        self.assertNotIn("B" * 43, json.dumps(audit))
        parsed = self.wait_for(json.loads, lambda p: p.get("request_id") == rid)
        self.assertEqual([p for p in parsed if p.get("stream") == "audit"], [])
        [line] = [p for p in parsed if p.get("request_id") == rid]
        self.assertEqual(line["status"], "401")
        self.assertNotIn("user", line)

    def test_every_line_is_json(self):
        for line in self.lines():
            obj = json.loads(line)
            self.assertIn(obj["level"], ("error", "warning", "info", "debug"), line)
            self.assertIn(obj["stream"], ("log", "access", "audit"), line)


class LogfmtWarningTest(LogCase):
    CONFIG = "logging:\n  format: logfmt\n  level: WARNING\n"

    def test_lines_parse_and_only_warnings_are_written(self):
        self.assertEqual(self.api.wait(self.api.submit(self.body))["status"], "completed")
        bad = self.server.client("pvk_CCCCCCCCCCCC_" + "D" * 43)
        try:
            self.assertEqual(bad.get(API + "/quota").status_code, 401)
        finally:
            bad.close()
        parsed = self.wait_for(parse_logfmt, lambda p: p.get("event") == "auth-failure")
        audit = [p for p in parsed if p.get("event") == "auth-failure"]
        self.assertEqual(len(audit), 1, parsed)
        self.assertEqual(audit[0]["stream"], "audit")
        self.assertEqual(audit[0]["key"], "CCCCCCCCCCCC")
        self.assertEqual(audit[0]["level"], "warning")
        # The listening line is always written; no other info line is.
        infos = [p for p in parsed if p["level"] == "info"]
        self.assertEqual([p["msg"] for p in infos], ["listening on " + self.server.base])


class TextAccessTest(LogCase):
    def test_access_line_in_text(self):
        r = self.api.request("GET", "/api/v1/health", headers={"X-Request-Id": "t-1"})
        self.assertEqual(r.headers["X-Request-Id"], "t-1")
        deadline = time.monotonic() + 10
        while "request_id=t-1" not in self.server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        [line] = [x for x in self.lines() if "request_id=t-1 " in x]
        self.assertRegex(line, r"^pivotd: info: access: GET /api/v1/health 200 request_id=t-1 "
                               r"method=GET path=/api/v1/health route=health status=200 "
                               r"duration_ms=[0-9.]+ peer=127\.0\.0\.1$")


class BadSettingTest(unittest.TestCase):
    def test_unknown_format_or_level_stops_the_start(self):
        work = h.WorkDir("pivot-logging-bad-")
        self.addCleanup(work.close)
        cache = h.Cache.generate(work.sub("data"), channels=1, seconds=1, rate=10, signals=1)
        for text, message in (
                ("logging:\n  format: xml\n",
                 'logging.format: "xml" is not a format; use text, logfmt or json'),
                ("logging:\n  level: loud\n",
                 'logging.level: "loud" is not a level; use error, warning, info or debug')):
            server = h.Server(cache.data_dir, work.sub("state"),
                              h.write_config(work.sub("bad.yaml"), text))
            with self.assertRaises(RuntimeError) as caught:
                server.start()
            self.assertIn("pivotd: " + message, str(caught.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
