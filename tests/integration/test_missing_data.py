"""Missing data said in words against a real pivotd: a submission, a dry
run and the job's result name each channel with no data in the range or
only part of it, with the range asked and the channel's span;
options.on_missing "fail" refuses such a job with 422 in the same words."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

START = "2025-01-01T00:00:00Z"
RATE = 100
SECONDS = 60
CHANNELS = ["ch000", "ch001"]
# A span is shown from the first sample to the last, at 59.99 s.
SPAN_END = "2025-01-01T00:00:59.99Z"
FULL = ph.absolute(START, "2025-01-01T00:01:00Z")
HALF = ph.absolute("2025-01-01T00:00:30Z", "2025-01-01T00:01:30Z")
AFTER = ph.absolute("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z")


def partial_message(ch):
    return ("channel \"%s\" covers only part of 2025-01-01T00:00:30Z to 2025-01-01T00:01:30Z; "
            "its data spans %s to %s" % (ch, START, SPAN_END))


def none_message(ch):
    return ("channel \"%s\" has no data in 2026-01-01T00:00:00Z to 2026-01-01T01:00:00Z; "
            "its data spans %s to %s" % (ch, START, SPAN_END))


def warning(ch, kind, requested, message):
    return {"channel": ch, "kind": kind,
            "requested": {"start": requested["start"], "end": requested["end"]},
            "available": {"start": START, "end": SPAN_END}, "message": message}


class MissingDataTest(ph.ServerCase):
    WORK_PREFIX = "pivot-missing-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=len(CHANNELS), seconds=SECONDS, rate=RATE, signals=1,
                          start=START)

    def body(self, time_range, **options):
        return {"time_range": time_range, "channels": {"include": CHANNELS},
                "options": options}

    def post(self, body, query=""):
        return self.api.request("POST", ph.API + "/jobs" + query, data=json.dumps(body).encode(),
                                headers={"Content-Type": "application/json"})

    def test_full_range_has_no_warning(self):
        r = self.post(self.body(FULL))
        self.assertEqual(r.status_code, 202, r.text)
        self.assertEqual(r.json()["warnings"], [])
        job = self.api.wait(r.json()["job_id"])
        self.assertEqual(job["status"], "completed")
        res = job["result"]
        self.assertEqual(res["missing_data"], [])
        self.assertEqual(res["warnings"], [])
        self.assertEqual(["missing_data" in c for c in res["channels"]], [False, False])
        self.assertFalse(res["partial"])

    def test_partial_range_warns_before_and_after(self):
        r = self.post(self.body(HALF))
        self.assertEqual(r.status_code, 202, r.text)
        expected = [warning(ch, "partial-data", HALF, partial_message(ch)) for ch in CHANNELS]
        self.assertEqual(r.json()["warnings"], expected)
        job = self.api.wait(r.json()["job_id"])
        self.assertEqual(job["status"], "completed")
        res = job["result"]
        self.assertEqual([c["missing_data"] for c in res["channels"]], expected)
        self.assertEqual(res["missing_data"], expected)
        self.assertEqual(res["warnings"], [])
        self.assertEqual(res["samples_exported"], 2 * 30 * RATE)
        self.assertTrue(res["partial"])

    def test_range_without_data_warns(self):
        r = self.post(self.body(AFTER))
        self.assertEqual(r.status_code, 202, r.text)
        expected = [warning(ch, "no-data", AFTER, none_message(ch)) for ch in CHANNELS]
        self.assertEqual(r.json()["warnings"], expected)
        job = self.api.wait(r.json()["job_id"])
        self.assertEqual(job["status"], "completed")
        res = job["result"]
        self.assertEqual(res["channels_missing"], CHANNELS)
        self.assertEqual([c["missing_data"] for c in res["channels"]], expected)
        self.assertEqual(res["missing_data"], expected)
        self.assertTrue(res["partial"])

    def test_dry_run_warns(self):
        r = self.post(self.body(HALF), "?dry_run=true")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["warnings"],
                         [warning(ch, "partial-data", HALF, partial_message(ch))
                          for ch in CHANNELS])

    def test_on_missing_fail_refuses_with_the_same_words(self):
        for query in ("", "?dry_run=true"):
            r = self.post(self.body(AFTER, on_missing="fail"), query)
            self.assertEqual(r.status_code, 422, r.text)
            self.assertEqual(r.headers["Content-Type"], "application/problem+json")
            p = r.json()
            self.assertEqual(p["type"], "/api/v1/problems/missing-data")
            self.assertEqual(p["field"], "time_range")
            self.assertEqual(p["detail"],
                             "%s; %s (2 channels short of data); options.on_missing is "
                             "\"fail\": choose a range with data (GET /api/v1/pivot/channels "
                             "shows each channel's span) or send \"warn\" to export what there "
                             "is" % (none_message("ch000"), none_message("ch001")))
        r = self.post(self.body(FULL, on_missing="fail"))
        self.assertEqual(r.status_code, 202, r.text)
        r = self.post(self.body(HALF, on_missing="warn"))
        self.assertEqual(r.status_code, 202, r.text)

    def test_on_missing_unknown_value_is_400(self):
        r = self.post(self.body(FULL, on_missing="never"))
        self.assertEqual(r.status_code, 400, r.text)
        self.assertEqual(r.json()["field"], "options.on_missing")
        self.assertEqual(r.json()["detail"],
                         "options.on_missing: \"never\" is not a choice; use \"warn\" (the "
                         "default: export and say what is missing) or \"fail\" (refuse the job)")


if __name__ == "__main__":
    unittest.main()
