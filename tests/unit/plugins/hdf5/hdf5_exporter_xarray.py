"""Opens the files test_hdf5_exporter wrote as netCDF-4 groups with xarray,
through every engine installed (h5netcdf, netCDF4): each channel must come
back as a dataset whose `time` coordinate holds the exact instants and whose
signals are data variables along it.

usage: hdf5_exporter_xarray.py <output directory>
Exits 77 (skipped) when xarray or both engines are missing; Debian packages
python3-xarray, python3-h5netcdf and python3-netcdf4 provide them.
"""
import importlib.util
import os
import sys

import h5py
import numpy as np

from read_back_checks import check, failures, read_strings

SKIP = 77
T0 = 1737642600000000000  # 2025-01-23T14:30:00Z
STEP_NS = 1000000
NSAMPLES = 70008
SIGNALS = ["odometer", "pressure", "rpm", "state", "temp", "valve"]


def check_engine_group(xr, path, engine):
    where = "%s engine=%s /engine" % (os.path.basename(path), engine)
    with xr.open_dataset(path, group="engine", engine=engine) as ds, \
            h5py.File(path, "r") as f:
        check(list(ds.dims) == ["time"], where + " dims %r" % (list(ds.dims),))
        check(list(ds.coords) == ["time"], where + " coords %r" % (list(ds.coords),))
        check(ds.time.dtype == np.dtype("datetime64[ns]"), where + " time dtype %s" % ds.time.dtype)
        expected_time = T0 + np.arange(NSAMPLES, dtype=np.int64) * STEP_NS
        check(np.array_equal(ds.time.values.astype(np.int64), expected_time), where + " time values")
        check(sorted(ds.data_vars) == SIGNALS, where + " variables %r" % (sorted(ds.data_vars),))
        for name in SIGNALS:
            var = ds[name]
            check(var.dims == ("time",), "%s/%s dims %r" % (where, name, var.dims))
            stored = f["engine"][name]
            if name == "state":
                expected = read_strings(stored)
                check(list(var.values) == list(expected), "%s/%s values" % (where, name))
            else:
                check(var.dtype == stored.dtype, "%s/%s dtype %s" % (where, name, var.dtype))
                check(np.array_equal(var.values, stored[...]), "%s/%s values" % (where, name))
        check(int(ds.attrs["sample_count"]) == NSAMPLES, where + " sample_count attribute")
    idle_where = "%s engine=%s /idle" % (os.path.basename(path), engine)
    with xr.open_dataset(path, group="idle", engine=engine) as ds:
        check(dict(ds.sizes) == {"time": 0}, idle_where + " sizes %r" % (dict(ds.sizes),))
        check(list(ds.data_vars) == ["level"], idle_where + " variables")


def main():
    if importlib.util.find_spec("xarray") is None:
        print("skipped: xarray is not installed (Debian: python3-xarray)")
        return SKIP
    import xarray as xr
    engines = [e for e, module in (("h5netcdf", "h5netcdf"), ("netcdf4", "netCDF4"))
               if importlib.util.find_spec(module) is not None]
    if not engines:
        print("skipped: neither h5netcdf nor netCDF4 is installed "
              "(Debian: python3-h5netcdf, python3-netcdf4)")
        return SKIP
    out = sys.argv[1]
    for name in ("full.h5", "gzip.h5"):
        for engine in engines:
            check_engine_group(xr, os.path.join(out, name), engine)
    print("engines %s: %d failed" % (", ".join(engines), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
