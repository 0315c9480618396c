"""options.decimation over HTTP: an hour of a 1 kHz channel reduced to
1 s buckets (aligned to the range start, which is not on a whole second)
and by sample counts must equal numpy's computation of the same buckets:
exactly for downsample, min, max and minmax, within 1e-12 of the bucket's
magnitude for mean and rms. The file's root names the decimation, and only
outputs holding values of the source's type keep its Avro type. Malformed
decimations are refused with a 400 naming the field."""

import json
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402

RATE = 1000
SECONDS = 3600
START = "2025-01-01T00:00:00.250Z"
END = "2025-01-01T00:59:59.750Z"
CHANNEL = "ch000"
NUMERIC = ["sig0", "sig1", "counter"]
REL = 1e-12


class DecimationTest(ph.ServerCase):
    WORK_PREFIX = "pivot-decimation-"

    @classmethod
    def write_data(cls, data):
        cls.cache = ph.Cache.generate(data, channels=1, seconds=SECONDS, rate=RATE,
                                      signals=2, with_mode=True, file_seconds=120)

    @classmethod
    def after_start(cls):
        c = cls.cache
        cls.start_ns = ph.parse_rfc3339_ns(START)
        cls.end_ns = ph.parse_rfc3339_ns(END)
        i = numpy.arange(c.nsamples, dtype=numpy.int64)
        t = c.start_ns + (i * ph.NS) // RATE
        keep = (t >= cls.start_ns) & (t < cls.end_ns)
        cls.idx = i[keep]
        cls.time = t[keep]
        cls.values = {
            # math.sin, as the generator's C sin: numpy's may differ in the last bit.
            "sig0": numpy.array([c.sig_value(0, 0, int(k)) for k in cls.idx]),
            "sig1": numpy.array([c.sig_value(1, 0, int(k)) for k in cls.idx]),
            "counter": cls.idx & 0x7FFFFFFF,
        }
        cls.mode = [c.mode_of(int(k)) for k in cls.idx]

    def export(self, decimation):
        body = {"time_range": ph.absolute(START, END), "channels": {"include": [CHANNEL]},
                "options": {"decimation": decimation}}
        _, content = self.run_export(body, timeout=120)
        return h5py.File(io.BytesIO(content), "r")

    def buckets_by_interval(self, interval_ns):
        """Start offsets of the non-empty buckets and their times."""
        keys = (self.time - self.start_ns) // interval_ns
        _, starts = numpy.unique(keys, return_index=True)
        return starts, self.start_ns + keys[starts] * interval_ns

    def buckets_by_factor(self, factor):
        starts = numpy.arange(0, len(self.time), factor)
        return starts, self.time[starts]

    @staticmethod
    def reduce(values, starts, fn):
        ends = list(starts[1:]) + [len(values)]
        return numpy.array([fn(values[a:b]) for a, b in zip(starts, ends)])

    def assert_close(self, got, want, scale, what):
        # Relative to the bucket's magnitude: a mean near zero (a whole sine
        # period) has no meaningful relative error of its own.
        err = numpy.abs(got - want)
        bound = REL * numpy.maximum(numpy.abs(want), scale)
        worst = int(numpy.argmax(err - bound))
        self.assertTrue(numpy.all(err <= bound),
                        "%s: bucket %d: %r vs numpy %r" % (what, worst, got[worst], want[worst]))

    def check_first_values(self, g, starts):
        self.assertEqual(ph.read_strings(g["mode"]), [self.mode[s] for s in starts])

    def test_ranges_hold_what_the_buckets_need(self):
        self.assertEqual(len(self.time), 3599500)
        starts, times = self.buckets_by_interval(ph.NS)
        self.assertEqual(len(starts), 3600)  # 3599 whole seconds and a half one at the end
        self.assertEqual(int(times[0]), self.start_ns)

    def test_interval_mean(self):
        starts, times = self.buckets_by_interval(ph.NS)
        with self.export({"interval": "PT1S", "method": "mean"}) as f:
            g = f[CHANNEL]
            numpy.testing.assert_array_equal(g["time"][...], times)
            self.assertEqual(g.attrs["sample_count"], len(starts))
            for name in NUMERIC:
                self.assertEqual(g[name].dtype, numpy.float64, name)
                x = self.values[name].astype(numpy.float64)
                want = self.reduce(x, starts, numpy.mean)
                scale = self.reduce(numpy.abs(x), starts, numpy.max)
                self.assert_close(g[name][...], want, scale, name)
            self.check_first_values(g, starts)
            request = json.loads(f.attrs["request"])
            self.assertEqual(request["options"]["decimation"],
                             {"interval": "PT1S", "method": "mean"})
            # The file says how its rows were made, and a mean, being no
            # value of the source's type, has no Avro type.
            self.assertEqual(f.attrs["decimation_method"], "mean")
            self.assertEqual(int(f.attrs["decimation_interval_ns"]), ph.NS)
            self.assertNotIn("decimation_factor", f.attrs)
            for name in NUMERIC:
                self.assertNotIn("avro_type", g[name].attrs, name)

    def test_interval_rms(self):
        starts, times = self.buckets_by_interval(ph.NS)
        with self.export({"interval": "PT1S", "method": "rms"}) as f:
            g = f[CHANNEL]
            numpy.testing.assert_array_equal(g["time"][...], times)
            for name in NUMERIC:
                x = self.values[name].astype(numpy.float64)
                want = self.reduce(x, starts, lambda v: numpy.sqrt(numpy.mean(v * v)))
                self.assert_close(g[name][...], want, 0.0, name)

    def test_interval_min_max_minmax(self):
        starts, times = self.buckets_by_interval(ph.NS)
        for method in ("min", "max"):
            fn = numpy.min if method == "min" else numpy.max
            with self.export({"interval": "PT1S", "method": method}) as f:
                g = f[CHANNEL]
                numpy.testing.assert_array_equal(g["time"][...], times)
                for name in NUMERIC:
                    numpy.testing.assert_array_equal(
                        g[name][...], self.reduce(self.values[name], starts, fn),
                        "%s %s" % (method, name))
                self.assertEqual(g["counter"].dtype.kind, "i")
                self.check_first_values(g, starts)
        with self.export({"interval": "PT1S", "method": "minmax"}) as f:
            g = f[CHANNEL]
            self.assertEqual(sorted(g.keys()),
                             ["counter.max", "counter.min", "mode", "sig0.max", "sig0.min",
                              "sig1.max", "sig1.min", "string8", "time"])
            for name in NUMERIC:
                numpy.testing.assert_array_equal(
                    g[name + ".min"][...], self.reduce(self.values[name], starts, numpy.min))
                numpy.testing.assert_array_equal(
                    g[name + ".max"][...], self.reduce(self.values[name], starts, numpy.max))
            self.check_first_values(g, starts)
            # Extremes are values of the source: its type is carried over.
            for name in ("sig0.min", "sig0.max", "sig1.max"):
                self.assertEqual(g[name].attrs["avro_type"].strip('"'), "double", name)
            self.assertEqual(f.attrs["decimation_method"], "minmax")

    def test_interval_downsample_sub_second(self):
        # 250 ms buckets: the first sample of each, at the bucket's start.
        starts, times = self.buckets_by_interval(250000000)
        self.assertEqual(len(starts), 14398)
        with self.export({"interval": "PT0.25S", "method": "downsample"}) as f:
            g = f[CHANNEL]
            numpy.testing.assert_array_equal(g["time"][...], times)
            for name in NUMERIC:
                numpy.testing.assert_array_equal(g[name][...], self.values[name][starts], name)
            self.check_first_values(g, starts)

    def test_factor_downsample_and_mean(self):
        starts, times = self.buckets_by_factor(1000)
        with self.export({"factor": 1000, "method": "downsample"}) as f:
            self.assertEqual(f.attrs["decimation_method"], "downsample")
            self.assertEqual(int(f.attrs["decimation_factor"]), 1000)
            self.assertNotIn("decimation_interval_ns", f.attrs)
            g = f[CHANNEL]
            numpy.testing.assert_array_equal(g["time"][...], times)
            for name in NUMERIC:
                numpy.testing.assert_array_equal(g[name][...], self.values[name][starts], name)
            self.assertEqual(g["counter"].dtype.kind, "i")
        # 7 does not divide 3599500: the last bucket holds the 2 samples left.
        starts, times = self.buckets_by_factor(7)
        self.assertEqual(len(self.time) - starts[-1], 2)
        counts = numpy.diff(numpy.append(starts, len(self.time)))
        with self.export({"factor": 7, "method": "mean"}) as f:
            g = f[CHANNEL]
            numpy.testing.assert_array_equal(g["time"][...], times)
            for name in NUMERIC:
                x = self.values[name].astype(numpy.float64)
                # 514215 buckets: numpy's reduceat rather than a loop of numpy.mean.
                self.assert_close(g[name][...], numpy.add.reduceat(x, starts) / counts,
                                  numpy.maximum.reduceat(numpy.abs(x), starts), name)
            self.check_first_values(g, starts)

    def test_malformed_decimations_are_refused(self):
        body = {"time_range": ph.absolute(START, END), "channels": {"include": [CHANNEL]}}
        cases = [
            (10, "options.decimation"),
            ("mean", "options.decimation"),
            ({"factor": 10}, "options.decimation.method"),
            ({"factor": 10, "method": "median"}, "options.decimation.method"),
            ({"method": "mean"}, "options.decimation"),
            ({"factor": 10, "interval": "PT1S", "method": "mean"}, "options.decimation"),
            ({"factor": 0, "method": "mean"}, "options.decimation.factor"),
            ({"factor": 2.5, "method": "mean"}, "options.decimation.factor"),
            ({"interval": "P1M", "method": "mean"}, "options.decimation.interval"),
            ({"interval": "PT0S", "method": "mean"}, "options.decimation.interval"),
            ({"interval": 1.0, "method": "mean"}, "options.decimation.interval"),
            ({"interval": "PT1S", "method": "mean", "align": "start"}, "options.decimation.align"),
        ]
        for decimation, field in cases:
            body["options"] = {"decimation": decimation}
            r, _ = self.api.post_job(body)
            self.assertEqual(r.status_code, 400, (decimation, r.text))
            p = r.json()
            self.assertEqual(p["type"].rsplit("/", 1)[-1], "invalid-field", p)
            self.assertEqual(p["field"], field, (decimation, p))


if __name__ == "__main__":
    unittest.main(verbosity=2)
