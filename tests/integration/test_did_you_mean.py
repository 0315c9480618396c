"""Errors that help a researcher fix the request, against a real pivotd: "did
you mean" for unknown channels, signals and presets (edit distance, case
ignored), the refused value repeated in decimation errors, and JSON bodies
(answers and problems) that end with a newline."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

RANGE = ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:10Z")


class DidYouMeanTest(ph.ServerCase):
    WORK_PREFIX = "pivot-didyoumean-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=12, seconds=10, rate=10, signals=2, with_mode=True)

    def problem(self, body, status=422):
        r, _ = self.api.post_job(dict({"time_range": RANGE}, **body))
        self.assertEqual(r.status_code, status, r.text)
        self.assertEqual(r.headers["content-type"], ph.PROBLEM_CT)
        self.assertTrue(r.text.endswith("}\n"), repr(r.text[-5:]))
        return r.json()

    def test_unknown_channels_get_the_nearest_names(self):
        p = self.problem({"channels": {"include": ["ch0001", "CH000", "pressure", "ch010"]}})
        self.assertEqual(p["field"], "channels")
        self.assertEqual(p["detail"],
                         'channels: 3 channels were not found in the data: "ch0001" (did you '
                         'mean "ch000" or "ch001"?), "CH000" (did you mean "ch000"?), '
                         '"pressure"; GET /api/v1/pivot/channels lists the available ones')

    def test_unknown_signals_get_the_nearest_names(self):
        p = self.problem({"channels": {"include": ["ch000"]},
                          "signals": {"ch000": ["sig0", "SIG1", "mdoe", "voltage"]}})
        self.assertEqual(p["field"], "signals")
        self.assertEqual(p["detail"],
                         'signals: 3 signals were not found in the channels\' schemas: '
                         'ch000.SIG1 (did you mean "sig1"?), ch000.mdoe (did you mean '
                         '"mode"?), ch000.voltage; GET /api/v1/pivot/channels lists each '
                         'channel\'s signals')

    def test_decimation_errors_repeat_the_value(self):
        p = self.problem({"channels": {"include": ["ch000"]},
                          "options": {"decimation": {"method": "average", "factor": 10}}}, 400)
        self.assertEqual((p["field"], p["detail"]),
                         ("options.decimation.method",
                          'options.decimation.method: "average" is not a method; use one of '
                          '"downsample", "mean", "min", "max", "minmax" or "rms"'))
        p = self.problem({"channels": {"include": ["ch000"]},
                          "options": {"decimation": {"method": "mean", "factor": 2.5}}}, 400)
        self.assertEqual((p["field"], p["detail"]),
                         ("options.decimation.factor",
                          "options.decimation.factor: 2.5 is not a number of samples per "
                          "bucket; use an integer from 1 to 1000000000"))
        p = self.problem({"channels": {"include": ["ch000"]},
                          "options": {"decimation": {"method": "mean", "factor": 0}}}, 400)
        self.assertEqual(p["detail"], "options.decimation.factor: 0 is not a number of samples "
                                      "per bucket; use an integer from 1 to 1000000000")

    def test_json_answers_end_with_a_newline(self):
        for path in ("/api/v1/health", ph.API + "/channels", ph.API + "/jobs", ph.API + "/quota"):
            r = self.api.get(path)
            self.assertEqual(r.status_code, 200, path)
            self.assertTrue(r.text.endswith("}\n"), path)
        r = self.api.get(ph.API + "/jobs/" + "A" * 22)
        self.assertEqual(r.status_code, 404)
        self.assertTrue(r.text.endswith("}\n"))


if __name__ == "__main__":
    unittest.main()
