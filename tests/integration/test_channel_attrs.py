"""Each channel group carries its job's decimation and provenance, against a
real pivotd: an HDF5 and a NetCDF export, decimated by interval and by
factor, opened one channel at a time with h5py and with plain xarray
(h5netcdf and netCDF4 engines), say what their rows are without the root."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import xarray as xr  # noqa: E402

import pivot_harness as ph  # noqa: E402

START, END = "2025-01-01T00:00:10Z", "2025-01-01T00:00:40Z"


class ChannelAttrsTest(ph.ServerCase):
    WORK_PREFIX = "pivot-chattrs-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=2, seconds=60, rate=100, signals=2)

    def export(self, fmt, decimation):
        body = {"time_range": ph.absolute(START, END), "channels": {"include": ["ch000", "ch001"]},
                "options": {"format": fmt, "decimation": decimation}}
        job_id = self.api.submit(body)
        job = self.api.wait(job_id)
        self.assertEqual(job["status"], "completed", job)
        path = os.path.join(self.work.sub("out-%s-%s" % (fmt, job_id)))
        r = self.api.download(job_id)
        self.assertEqual(r.status_code, 200)
        with open(path, "wb") as f:
            f.write(r.content)
        return job_id, path

    def check_group_attrs(self, attrs, job_id, decimation):
        self.assertEqual(attrs["job_id"], job_id)
        self.assertTrue(str(attrs["producer"]).startswith("pivotd "))
        self.assertIn('"decimation"', str(attrs["request"]))
        self.assertEqual(attrs["requested_start_iso"], START)
        self.assertEqual(attrs["requested_end_iso"], END)
        self.assertEqual(int(attrs["requested_start"]), ph.parse_rfc3339_ns(START))
        self.assertEqual(attrs["decimation_method"], decimation["method"])
        if "interval" in decimation:
            self.assertEqual(attrs["decimation_interval_iso"], decimation["interval"])
            self.assertEqual(int(attrs["decimation_interval_ns"]), 2 * 10**9)
            self.assertNotIn("decimation_factor", attrs)
        else:
            self.assertEqual(int(attrs["decimation_factor"]), decimation["factor"])
            self.assertNotIn("decimation_interval_ns", attrs)

    def test_hdf5_groups(self):
        decimation = {"method": "mean", "interval": "PT2S"}
        job_id, path = self.export("hdf5", decimation)
        with h5py.File(path, "r") as f:
            for ch in ("ch000", "ch001"):
                self.check_group_attrs(dict(f[ch].attrs), job_id, decimation)
        ds = xr.open_dataset(path, group="ch001", engine="h5netcdf")
        try:
            self.check_group_attrs(ds.attrs, job_id, decimation)
            self.assertEqual(ds.sizes["time"], 15)
        finally:
            ds.close()

    def test_netcdf_groups_with_both_engines(self):
        decimation = {"method": "max", "factor": 25}
        job_id, path = self.export("netcdf", decimation)
        for engine in ("h5netcdf", "netcdf4"):
            for ch in ("ch000", "ch001"):
                with self.subTest(engine=engine, channel=ch):
                    ds = xr.open_dataset(path, group=ch, engine=engine)
                    try:
                        self.check_group_attrs(ds.attrs, job_id, decimation)
                        self.assertEqual(ds.sizes["time"], 30 * 100 // 25)
                    finally:
                        ds.close()

    def test_without_decimation_groups_have_provenance_only(self):
        job_id, path = self.export("hdf5", None)
        with h5py.File(path, "r") as f:
            attrs = dict(f["ch000"].attrs)
        self.assertEqual(attrs["job_id"], job_id)
        self.assertEqual(attrs["requested_end_iso"], END)
        self.assertEqual([k for k in attrs if k.startswith("decimation")], [])


if __name__ == "__main__":
    unittest.main()
