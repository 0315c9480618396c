"""Reads the files test_hdf5_exporter_threads wrote (compressed by the
exporter's threads with direct chunk writes, and by HDF5's own filter for
comparison) value by value: every dataset with h5py, the `numbers` channel
also with xarray's netCDF4 engine. h5py and netCDF4 inflate through HDF5's
zlib-based deflate filter, so this is also zlib reading libdeflate's output.

usage: hdf5_exporter_threads_check.py <output directory>
"""
import os
import sys

import h5py
import numpy as np

from read_back_checks import check, failures, read_strings

T0 = 1737642600000000000  # 2025-01-23T14:30:00Z
STEP_NS = 10000000
NSAMPLES = 100003
NBIG = 200
FILES = ["threads_t0.h5", "threads_t1.h5", "threads_t2.h5", "threads_t4.h5",
         "threads_small_t0.h5", "threads_small_t1.h5"]

i = np.arange(NSAMPLES, dtype=np.int64)
speed_null = i % 5 == 0
count_null = i % 3 == 1
label_null = i % 7 == 3
expected_numbers = {
    "time": T0 + i * STEP_NS,
    "speed": np.where(speed_null, np.nan, i * 0.25),
    "level": (i % 1000).astype(np.float32) * np.float32(0.5),
    "count": np.where(count_null, 0, i % 1000 - 500).astype(np.int32),
    "odometer": i * i,
    "flag": (i % 3 == 0).astype(np.uint8),
    "speed.valid": (~speed_null).astype(np.uint8),
    "count.valid": (~count_null).astype(np.uint8),
}
labels = np.array(["alpha", "beta", "gamma"], dtype=object)[i // 100 % 3]
hashes = ((i.astype(np.uint64) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)).astype("<u4")


def same(actual, expected, where):
    actual = np.asarray(actual)
    nan = expected.dtype.kind == "f"
    ok = actual.shape == expected.shape and np.array_equal(actual, expected, equal_nan=nan)
    check(ok, "%s: values differ" % where)


def check_h5py(path):
    name = os.path.basename(path)
    with h5py.File(path, "r") as f:
        for ds_name, expected in expected_numbers.items():
            ds = f["numbers"][ds_name]
            check(ds.compression == "gzip" and ds.shuffle, "%s numbers/%s filters" % (name, ds_name))
            same(ds[...], expected, "%s numbers/%s" % (name, ds_name))
        g = f["typed"]
        same(g["time"][...], expected_numbers["time"], name + " typed/time")
        same(g["mode"][...].astype(np.int64), i // 10 % 4, name + " typed/mode")
        check(g["mode"].dtype.itemsize == 1, name + " typed/mode is one byte")
        same(g["big"][...].astype(np.int64), i * 13 % NBIG, name + " typed/big")
        check(g["big"].dtype.itemsize == 2, name + " typed/big is two bytes")
        raw = g["hash"][...]
        same(np.frombuffer(raw.tobytes(), dtype="<u4"), hashes, name + " typed/hash")
        text = np.array(read_strings(g["label"]), dtype=object)
        same(text[~label_null], labels[~label_null], name + " typed/label")
        same(g["label.valid"][...], (~label_null).astype(np.uint8), name + " typed/label.valid")


def check_xarray(path):
    import xarray as xr
    name = os.path.basename(path) + " xarray netcdf4"
    with xr.open_dataset(path, group="numbers", engine="netcdf4", mask_and_scale=False,
                         decode_times=False) as ds:
        same(ds["time"].values, expected_numbers["time"], name + " time")
        for var in ("speed", "level", "count", "odometer", "flag", "speed.valid", "count.valid"):
            same(ds[var].values, expected_numbers[var], "%s %s" % (name, var))


def main():
    out = sys.argv[1]
    for f in FILES:
        path = os.path.join(out, f)
        check_h5py(path)
        check_xarray(path)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
