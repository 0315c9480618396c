"""options.compression and options.chunk_size over HTTP: the file a job
produces has the filters and chunks asked for and exactly the generator's
values, and out-of-range options are refused with a 400 naming the field."""

import importlib.util
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402

RANGE = ph.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:50Z")
CHANNELS = ["ch000", "ch001"]


class ExportOptionsTest(ph.ServerCase):
    WORK_PREFIX = "pivot-options-"

    @classmethod
    def write_data(cls, data):
        cls.cache = ph.Cache.generate(data, channels=2, seconds=60, rate=200, signals=3,
                                      with_mode=True, file_seconds=20)

    def export(self, options):
        body = {"time_range": RANGE, "channels": {"include": CHANNELS}}
        if options is not None:
            body["options"] = options
        _, content = self.run_export(body)
        return content

    def check_values(self, f, chunks, gzip_level):
        start_ns = ph.parse_rfc3339_ns(RANGE["start"])
        end_ns = ph.parse_rfc3339_ns(RANGE["end"])
        idx = self.cache.indices_in(start_ns, end_ns)
        self.assertEqual(len(idx), 40 * 200)
        for c, name in enumerate(CHANNELS):
            g = f[name]
            numpy.testing.assert_array_equal(
                g["time"][...], numpy.array([self.cache.time_of(i) for i in idx], numpy.int64))
            for k in range(3):
                numpy.testing.assert_array_equal(g["sig%d" % k][...],
                                                 numpy.array([self.cache.sig_value(k, c, i) for i in idx]))
            numpy.testing.assert_array_equal(
                g["counter"][...], numpy.array([self.cache.counter_of(i) for i in idx]))
            self.assertEqual(ph.read_strings(g["mode"]), [self.cache.mode_of(i) for i in idx])
            # `string8` is the dimension of mode's 8-byte rows, without data.
            self.assertEqual(g["string8"].id.get_storage_size(), 0)
            for ds_name, ds in g.items():
                if ds_name == "string8":
                    continue
                where = "/%s/%s" % (name, ds_name)
                # Chunks of 128 KiB, rows of a character array whole.
                row = ds.dtype.itemsize * (ds.shape[1] if ds.ndim == 2 else 1)
                self.assertEqual(ds.chunks, (chunks or 131072 // row,) + ds.shape[1:], where)
                if gzip_level:
                    self.assertEqual(ds.compression, "gzip", where)
                    self.assertEqual(ds.compression_opts, gzip_level, where)
                    self.assertTrue(ds.shuffle, where)
                else:
                    self.assertIsNone(ds.compression, where)
                    self.assertFalse(ds.shuffle, where)

    def test_default_is_gzip_1_and_none_or_null_turn_it_off(self):
        content = self.export(None)
        with h5py.File(io.BytesIO(content), "r") as f:
            self.check_values(f, None, 1)
        explicit = self.export({"compression": "none", "chunk_size": None})
        with h5py.File(io.BytesIO(explicit), "r") as f:
            self.check_values(f, None, None)
        null = self.export({"compression": None})
        with h5py.File(io.BytesIO(null), "r") as f:
            self.check_values(f, None, None)
        self.assertLess(len(content), len(explicit))

    def test_gzip_with_shuffle_and_chunk_size(self):
        plain = self.export({"compression": "none"})
        packed = self.export({"compression": {"gzip": 9}, "chunk_size": 1000})
        with h5py.File(io.BytesIO(packed), "r") as f:
            self.check_values(f, 1000, 9)
        self.assertLess(len(packed), len(plain))

    def test_xarray_reads_each_channel_with_a_time_coordinate(self):
        if importlib.util.find_spec("xarray") is None or \
                importlib.util.find_spec("h5netcdf") is None:
            self.skipTest("xarray or h5netcdf is not installed "
                          "(Debian: python3-xarray, python3-h5netcdf)")
        import xarray
        path = os.path.join(self.work.path, "gzip.h5")
        with open(path, "wb") as out:
            out.write(self.export({"compression": {"gzip": 1}}))
        start_ns = ph.parse_rfc3339_ns(RANGE["start"])
        idx = self.cache.indices_in(start_ns, ph.parse_rfc3339_ns(RANGE["end"]))
        for c, name in enumerate(CHANNELS):
            with xarray.open_dataset(path, group=name, engine="h5netcdf") as ds:
                self.assertEqual(list(ds.coords), ["time"])
                numpy.testing.assert_array_equal(
                    ds.time.values.astype(numpy.int64),
                    numpy.array([self.cache.time_of(i) for i in idx], numpy.int64))
                numpy.testing.assert_array_equal(ds["sig1"].values,
                                                 numpy.array([self.cache.sig_value(1, c, i) for i in idx]))
                self.assertEqual(ds["sig1"].dims, ("time",))

    def test_bad_options_are_refused(self):
        cases = [
            ({"compression": "gzip"}, "options.compression", "use \"none\" (also null) or "
             "{\"gzip\": LEVEL} with LEVEL 1 to 9 (hdf5's default: {\"gzip\": 1}); got a string"),
            ({"compression": {"gzip": 0}}, "options.compression.gzip",
             "options.compression.gzip: must be an integer from 1 (fastest) to 9 (smallest); "
             "got an out-of-range number"),
            ({"compression": {"gzip": 10}}, "options.compression.gzip", None),
            ({"compression": {"gzip": "9"}}, "options.compression.gzip", "got a string"),
            ({"compression": {}}, "options.compression.gzip", "got nothing"),
            ({"compression": {"gzip": 5, "lzf": True}}, "options.compression.lzf", None),
            ({"chunk_size": 63}, "options.chunk_size",
             "options.chunk_size: must be an integer number of elements per chunk from 64 to "
             "1048576, or null for about 128 KiB per chunk; got an out-of-range number"),
            ({"chunk_size": 1048577}, "options.chunk_size", None),
            ({"chunk_size": 100.5}, "options.chunk_size", None),
            ({"chunk_size": "100"}, "options.chunk_size", "got a string"),
        ]
        for options, field, detail in cases:
            with self.subTest(options=options):
                r, _ = self.api.post_job({"time_range": RANGE, "channels": {"include": CHANNELS},
                                          "options": options})
                self.assertEqual(r.status_code, 400, r.text)
                self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
                p = r.json()
                self.assertEqual(p["field"], field)
                if detail is not None:
                    self.assertIn(detail, p["detail"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
