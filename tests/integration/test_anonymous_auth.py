#!/usr/bin/python3
"""The opt-in "anonymous" auth backend against a real pivotd: requests
without credentials from a configured address act as the configured user
(role "user") and are audit-logged; from any other address (127.0.0.2, a
second loopback address, as the "other" machine) they are refused as without
the backend; a request with a key is judged by the key. And a script written
for SpeedData's original synchronous GET /api/v1/pivot/export (no key,
channels=ch1,ch2, start, duration=PT30S) runs unchanged, with 413 beyond 20
channels or 5 minutes."""

import json
import os
import re
import sys
import time
import unittest

import h5py
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402
from test_auth import raw_request  # noqa: E402

QUOTA = ph.API + "/quota"
JOBS = ph.API + "/jobs"
OTHER = "127.0.0.2"
# SpeedData's relay data of the script's day; 21 channels ch1..ch21 so that
# "more than 20" can be asked for with real names.
SCRIPT_START = "2025-01-23T14:00:00Z"
DATA_START = "2025-01-23T13:59:00Z"
CHANNELS = 21
SECONDS = 180
RATE = 10
SMALL = {"time_range": ph.absolute("2025-01-23T14:00:00Z", "2025-01-23T14:00:02Z"),
         "channels": {"include": ["ch1"]}}


def speeddata_export(base, channels, duration="PT30S"):
    """SpeedData's own client call (tests/test_api_burst.py of SpeedData), as
    written there: only the server's address differs."""
    api_url = base + "/api/v1/pivot/export"
    return requests.get(api_url, params={
        'start': SCRIPT_START,
        'duration': duration,
        'channels': ','.join(channels)
    }, timeout=120)


class AnonymousCase(ph.ServerCase):
    WORK_PREFIX = "pivot-anon-"
    USER = None

    @classmethod
    def write_data(cls, data):
        # The generator names channels ch000, ch001...; SpeedData's scripts say ch1, ch2.
        cls.cache = ph.Cache.generate(data, channels=CHANNELS, seconds=SECONDS, rate=RATE,
                                      signals=1, start=DATA_START)
        for c in range(CHANNELS):
            os.rename(os.path.join(data, "ch%03d" % c), os.path.join(data, "ch%d" % (c + 1)))

    def get(self, path, headers=None, source=None):
        status, hdrs, body = raw_request(self.server, "GET", path, headers or {}, source)
        return status, hdrs, body

    def whoami(self, headers=None, source=None):
        status, _, body = self.get(QUOTA, headers, source)
        self.assertEqual(status, 200, body)
        doc = json.loads(body)
        return doc["user"], doc["role"]

    def wait_log(self, pattern, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.server.log())
            if m is not None or time.monotonic() > deadline:
                return m
            time.sleep(0.05)

    def assertUnauthorized(self, status, headers, body, title):
        self.assertEqual(status, 401, body)
        self.assertEqual(headers["content-type"], ph.PROBLEM_CT)
        self.assertEqual(headers["www-authenticate"], 'ApiKey header="X-API-Key"')
        self.assertEqual(json.loads(body)["title"], title)


class LoopbackDefaultTest(AnonymousCase):
    """addresses unset: the whole of 127.0.0.0/8 and ::1."""

    CONFIG = ("auth:\n  backends: [apikey, anonymous]\n"
              "plugins:\n  auth:\n    anonymous:\n      user: lab\n")

    def test_no_key_from_loopback_acts_as_the_user(self):
        self.assertEqual(self.whoami(), ("lab", "user"))
        m = self.wait_log(r"auth: info: audit: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ anonymous-access "
                          r"from 127\.0\.0\.1 key -: no credentials; acting as user lab")
        self.assertIsNotNone(m, self.server.log())
        # 127.0.0.2 is loopback too, so it is in the default list.
        self.assertEqual(self.whoami(source=OTHER), ("lab", "user"))
        m = self.wait_log(r"audit: \S+Z anonymous-access from 127\.0\.0\.2 key -: "
                          r"no credentials; acting as user lab")
        self.assertIsNotNone(m, self.server.log())

    def test_a_key_is_judged_by_the_key(self):
        key = self.server.create_key("maria")
        self.assertEqual(self.whoami({"X-API-Key": key}), ("maria", "user"))
        admin = self.server.create_key("root", role="admin")
        self.assertEqual(self.whoami({"X-API-Key": admin}), ("root", "admin"))
        # A wrong key is a 401, never the anonymous user: also a malformed
        # one, and an empty header.
        for bad in (key[:-1] + ("A" if key[-1] != "A" else "B"), "pvk_nonsense", ""):
            status, headers, body = self.get(QUOTA, {"X-API-Key": bad})
            self.assertUnauthorized(status, headers, body, "Authentication failed")

    def test_anonymous_jobs_belong_to_the_user(self):
        status, _, body = raw_request(self.server, "POST", JOBS,
                                      {"Content-Type": "application/json"},
                                      body=json.dumps(SMALL))
        self.assertEqual(status, 202, body)
        job = json.loads(body)["job_id"]
        # The same user's key sees it (jobs are found by owner); another user's does not.
        lab = self.user("lab")
        self.assertEqual(lab.wait(job)["status"], "completed")
        other = self.user("nina")
        self.assertEqual(other.get(JOBS + "/" + job).status_code, 404)
        status, _, body = self.get(JOBS + "/" + job)
        self.assertEqual((status, json.loads(body)["status"]), (200, "completed"))

    def test_speeddata_script_runs_unchanged(self):
        r = speeddata_export(self.server.base, ["ch1", "ch2"])
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["Content-Type"], "application/x-hdf5")
        path = self.save_export("speeddata.h5", r.content)
        start_ns = ph.parse_rfc3339_ns(SCRIPT_START)
        idx = self.cache.indices_in(start_ns, start_ns + 30 * ph.NS)
        self.assertEqual(len(idx), 30 * RATE)
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(f.keys()), ["ch1", "ch2"])
            for c in (0, 1):
                g = f["ch%d" % (c + 1)]
                self.assertEqual(g["time"][:].tolist(), [self.cache.time_of(i) for i in idx])
                self.assertEqual(g["sig0"][:].tolist(),
                                 [self.cache.sig_value(0, c, i) for i in idx])
            job_id = f.attrs["job_id"]
        # An ordinary job of the anonymous user.
        self.assertEqual(self.user("lab").job(job_id)["status"], "completed")

    def test_speeddata_limits_are_413(self):
        names = ["ch%d" % (c + 1) for c in range(CHANNELS)]
        r = speeddata_export(self.server.base, names)
        self.assertEqual(r.status_code, 413, r.text)
        self.assertEqual(r.json()["type"], "/api/v1/problems/too-many-channels")
        r = speeddata_export(self.server.base, names[:20])
        self.assertEqual(r.status_code, 200, r.text)
        r = speeddata_export(self.server.base, ["ch1", "ch2"], duration="PT5M1S")
        self.assertEqual(r.status_code, 413, r.text)
        self.assertEqual(r.json()["type"], "/api/v1/problems/time-range-too-long")
        r = speeddata_export(self.server.base, ["ch1", "ch2"], duration="PT5M")
        self.assertEqual(r.status_code, 200, r.text)


class AddressListTest(AnonymousCase):
    """addresses: [127.0.0.1] and no user: the user is "anonymous"."""

    CONFIG = ("auth:\n  backends: [apikey, anonymous]\n"
              "plugins:\n  auth:\n    anonymous:\n      addresses: [127.0.0.1]\n")

    def test_from_the_listed_address(self):
        self.assertEqual(self.whoami(), ("anonymous", "user"))
        r = speeddata_export(self.server.base, ["ch1", "ch2"])
        self.assertEqual(r.status_code, 200, r.text)

    def test_from_another_address_is_refused_as_without_the_backend(self):
        status, headers, body = self.get(QUOTA, source=OTHER)
        self.assertUnauthorized(status, headers, body, "Authentication required")
        status, headers, body = self.get(ph.API + "/export?channels=ch1,ch2&start=" +
                                         SCRIPT_START + "&duration=PT30S", source=OTHER)
        self.assertUnauthorized(status, headers, body, "Authentication required")
        m = self.wait_log(r"pivotd: warning: audit: \S+Z auth-failure from 127\.0\.0\.2 key -: "
                          r"no credentials: GET /api/v1/pivot/quota")
        self.assertIsNotNone(m, self.server.log())
        self.assertNotIn("anonymous-access from 127.0.0.2", self.server.log())
        # A key still works from there.
        key = self.server.create_key("omar")
        self.assertEqual(self.whoami({"X-API-Key": key}, source=OTHER), ("omar", "user"))


class RefusedSettingsTest(unittest.TestCase):
    """Settings that would make the backend mean something else stop pivotd at start."""

    CASES = [
        ("auth:\n  backends: [anonymous, apikey]\n",
         'auth backend "anonymous": auth.backends: list "anonymous" last, after the backends '
         'that judge credentials (e.g. [apikey, anonymous]); "apikey" comes after it'),
        ("auth:\n  backends: [apikey, anonymous]\n"
         "plugins:\n  auth:\n    anonymous:\n      addresses: [127.0.0.1/8]\n",
         'plugins.auth.anonymous.addresses.0: "127.0.0.1/8" is neither an IP address such as '
         '127.0.0.1 nor a network such as 127.0.0.0/8 (with the bits after the prefix zero)'),
        ("auth:\n  backends: [apikey, anonymous]\n"
         "plugins:\n  auth:\n    anonymous:\n      addresses: 127.0.0.1\n",
         "plugins.auth.anonymous.addresses: write a list, e.g. [127.0.0.1] or "
         "[127.0.0.0/8, ::1]"),
        ("auth:\n  backends: [apikey, anonymous]\n"
         "plugins:\n  auth:\n    anonymous:\n      user: a b\n",
         'plugins.auth.anonymous.user: "a b" is not a user name'),
    ]

    def test_refused_settings(self):
        for config, message in self.CASES:
            with self.subTest(config=config):
                work = ph.WorkDir("pivot-anon-bad-")
                try:
                    os.makedirs(work.sub("data"))
                    server = ph.Server(work.sub("data"), work.sub("state"),
                                       ph.write_config(work.sub("pivot.yaml"), config))
                    with self.assertRaises(RuntimeError):
                        server.start(timeout=20)
                    self.assertNotEqual(server.proc.wait(timeout=10), 0)
                    server._log.close()
                    self.assertIn(message, server.log())
                finally:
                    work.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
