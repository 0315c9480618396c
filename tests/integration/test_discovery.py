"""Discovery and estimates over HTTP: GET /channels with a pattern and each
channel's span and rate; POST /jobs?dry_run=true resolving without queueing
and estimating the output within 10 % of the real file; and the detail of a
completed job's result (per channel counts and times, channels without
data, and a warning naming a damaged file without the server's path)."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jsonschema  # noqa: E402
import yaml  # noqa: E402

import pivot_harness as ph  # noqa: E402

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                         "openapi.yaml")

RATE = 200
SECONDS = 600
FILE_SECONDS = 120
# ch002's third file (samples 240 s to 360 s) is cut in half.
DAMAGED = "ch002"
DAMAGED_FILE = "data_%d.avro" % (ph.parse_rfc3339_ns(ph.DEFAULT_START) // ph.NS + 240)


def iso(ns):
    return ph.format_ns(ns)


class DiscoveryTest(ph.ServerCase):
    WORK_PREFIX = "pivot-discovery-"

    @classmethod
    def write_data(cls, data):
        cls.cache = ph.Cache.generate(data, channels=3, seconds=SECONDS, rate=RATE,
                                      signals=3, file_seconds=FILE_SECONDS)
        path = os.path.join(data, DAMAGED, DAMAGED_FILE)
        os.truncate(path, os.path.getsize(path) // 2)

    def check_schema(self, instance, name):
        with open(SPEC_PATH, "rb") as f:
            spec = yaml.safe_load(f)
        jsonschema.Draft202012Validator(
            {"$ref": "#/components/schemas/" + name},
            resolver=jsonschema.RefResolver.from_schema(spec)).validate(instance)

    def channels(self, query=""):
        r = self.api.get(ph.API + "/channels" + query)
        self.assertEqual(r.status_code, 200, r.text)
        return r.json()["channels"]

    def job_total(self):
        r = self.api.get(ph.API + "/jobs")
        self.assertEqual(r.status_code, 200, r.text)
        return r.json()["total"]

    def dry_run(self, body, query="?dry_run=true"):
        return self.api.request("POST", ph.API + "/jobs" + query, data=json.dumps(body).encode(),
                                headers={"Content-Type": "application/json"})

    # ---- discovery

    def test_pattern_filters_and_span_is_exact(self):
        chans = self.channels("?pattern=ch00%5B01%5D")
        self.assertEqual([c["name"] for c in chans], ["ch000", "ch001"])
        for c in chans:
            self.assertEqual(c["first"], iso(self.cache.time_of(0)))
            self.assertEqual(c["last"], iso(self.cache.time_of(self.cache.nsamples - 1)))
            self.assertAlmostEqual(c["rate_hz"], RATE, delta=0.01)
            # The generator's fields are plain: never null, no symbols, units
            # or description, and none unsupported. source_type is the
            # source's own spelling of the Avro type, not compared here.
            self.assertEqual([{k: v for k, v in s.items() if k != "source_type"}
                              for s in c["signals"]],
                             [{"name": name, "type": kind, "nullable": False}
                              for name, kind in zip(self.cache.signal_names(),
                                                    ["float64", "float64", "float64", "int32"])])
            self.assertEqual(c["unsupported"], [])
        self.check_schema({"channels": chans}, "ChannelList")

    def test_pattern_without_match_is_empty(self):
        self.assertEqual(self.channels("?pattern=zz*"), [])

    def test_no_pattern_lists_every_channel(self):
        self.assertEqual([c["name"] for c in self.channels()], ["ch000", "ch001", "ch002"])

    def test_damaged_middle_file_keeps_the_span(self):
        (c,) = self.channels("?pattern=" + DAMAGED)
        self.assertEqual(c["first"], iso(self.cache.time_of(0)))
        self.assertEqual(c["last"], iso(self.cache.time_of(self.cache.nsamples - 1)))

    # ---- dry run

    def test_dry_run_resolves_without_queueing(self):
        before = self.job_total()
        body = {"time_range": ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:50Z"),
                "channels": {"pattern": "ch00[01]"},
                "signals": {"ch000": ["sig0", "counter"], "ch001": ["sig0", "counter"]}}
        r = self.dry_run(body)
        self.assertEqual(r.status_code, 200, r.text)
        d = r.json()
        self.assertIs(d["dry_run"], True)
        self.assertEqual(d["time_range"], {"start": "2025-01-01T00:00:10Z",
                                           "end": "2025-01-01T00:00:50Z"})
        self.assertEqual([(c["name"], c["signals"], c["samples"]) for c in d["channels"]],
                         [("ch000", ["sig0", "counter"], 40 * RATE),
                          ("ch001", ["sig0", "counter"], 40 * RATE)])
        self.assertEqual([c["rows"] for c in d["channels"]], [40 * RATE, 40 * RATE])
        self.assertEqual(d["estimate"]["samples"], 2 * 40 * RATE)
        self.assertEqual(d["estimate"]["rows"], 2 * 40 * RATE)
        # hdf5's default is gzip 1: the bytes are those of the uncompressed file, an upper bound.
        self.assertIs(d["estimate"]["compressed"], True)
        self.assertIs(d["estimate"]["bytes_is_upper_bound"], True)
        self.assertEqual(self.job_total(), before)
        self.check_schema(d, "DryRun")

    def test_dry_run_refuses_what_a_submission_refuses(self):
        body = {"time_range": ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:50Z"),
                "channels": {"include": ["nosuch"]}}
        r = self.dry_run(body)
        self.assertEqual(r.status_code, 422, r.text)
        r = self.dry_run(body, "?dry_run=maybe")
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("dry_run", r.json()["detail"])

    def test_estimate_within_ten_percent_of_the_file(self):
        # The estimate is of the uncompressed file.
        body = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
                "channels": {"include": ["ch000", "ch001"]}, "options": {"compression": "none"}}
        r = self.dry_run(body)
        self.assertEqual(r.status_code, 200, r.text)
        estimate = r.json()["estimate"]
        self.assertEqual(estimate["samples"], 2 * SECONDS * RATE)
        job = self.api.wait(self.api.submit(body))
        self.assertEqual(job["status"], "completed", job)
        size = job["result"]["file_size"]
        self.assertEqual(size, len(self.api.download(job["job_id"]).content))
        print("estimate %d bytes, file %d bytes" % (estimate["bytes"], size), file=sys.stderr)
        self.assertLess(abs(estimate["bytes"] - size) / size, 0.10,
                        "estimate %d, file %d" % (estimate["bytes"], size))

    # ---- result detail

    def test_result_detail_per_channel(self):
        start, end = "2025-01-01T00:00:10Z", "2025-01-01T00:00:50Z"
        body = {"time_range": ph.absolute(start, end), "channels": {"include": ["ch001", "ch000"]}}
        job = self.api.wait(self.api.submit(body))
        self.assertEqual(job["status"], "completed", job)
        res = job["result"]
        first = ph.parse_rfc3339_ns(start)
        last = self.cache.time_of(50 * RATE - 1)
        self.assertEqual(res["channels"], [
            {"name": "ch001", "samples": 40 * RATE, "first": iso(first), "last": iso(last)},
            {"name": "ch000", "samples": 40 * RATE, "first": iso(first), "last": iso(last)}])
        self.assertEqual(res["channels_missing"], [])
        self.assertEqual(res["warnings"], [])
        self.assertIs(res["partial"], False)

    def test_channels_without_data_are_missing(self):
        body = {"time_range": ph.absolute("2025-01-01T01:00:00Z", "2025-01-01T01:00:10Z"),
                "channels": {"include": ["ch000", "ch001"]}}
        job = self.api.wait(self.api.submit(body))
        self.assertEqual(job["status"], "completed", job)
        res = job["result"]
        self.assertEqual(res["samples_exported"], 0)
        self.assertEqual([c.pop("missing_data")["kind"] for c in res["channels"]],
                         ["no-data", "no-data"])
        self.assertEqual(res["channels"], [
            {"name": "ch000", "samples": 0, "first": None, "last": None},
            {"name": "ch001", "samples": 0, "first": None, "last": None}])
        self.assertEqual(res["channels_missing"], ["ch000", "ch001"])
        self.assertIs(res["partial"], True)

    def test_damaged_file_is_a_warning_naming_the_file(self):
        body = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
                "channels": {"include": [DAMAGED]}}
        job = self.api.wait(self.api.submit(body))
        self.assertEqual(job["status"], "completed", job)
        res = job["result"]
        self.assertEqual(len(res["warnings"]), 1, res)
        warning = res["warnings"][0]
        self.assertIn(DAMAGED_FILE, warning)
        self.assertNotIn(self.data, warning)
        self.assertNotIn(os.path.realpath(self.data), warning)
        self.assertIs(res["partial"], True)
        self.check_schema(job, "Job")
        (ch,) = res["channels"]
        # The readable part of the damaged file is exported: fewer samples
        # than the whole, more than the four intact files.
        self.assertLess(ch["samples"], SECONDS * RATE)
        self.assertGreater(ch["samples"], 4 * FILE_SECONDS * RATE)
        self.assertEqual(ch["first"], iso(self.cache.time_of(0)))
        self.assertEqual(ch["last"], iso(self.cache.time_of(self.cache.nsamples - 1)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
