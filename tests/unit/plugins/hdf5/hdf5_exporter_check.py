"""Reads back the files test_hdf5_exporter wrote and checks every value,
dtype and attribute, as a user of h5py sees them.

usage: hdf5_exporter_check.py <output directory>
"""
import os
import sys

import h5py
import numpy as np

from read_back_checks import check, check_eq, failures, read_strings

CHUNK_BYTES = 128 * 1024

T0 = 1737642600000000000  # 2025-01-23T14:30:00Z
STEP_NS = 1000000
NSAMPLES = 70008
STATES = ["idle", "run", "\u00e9t\u00e9", ""]


def check_attrs(obj, expected, where):
    """Every attribute of obj, with its exact value and numpy type."""
    check_eq(sorted(obj.attrs.keys()), sorted(expected.keys()), where + " attribute names")
    for name, value in expected.items():
        if name in obj.attrs:
            check_eq(obj.attrs[name], value, "%s.attrs[%r]" % (where, name))


# What each channel group repeats of the job (no decimation in this export).
GROUP_PROVENANCE = {
    "job_id": "job-0001",
    "producer": "pivotd 0.1.0",
    "request": '{"channels":["engine","idle"]}',
    "requested_start": np.int64(T0),
    "requested_end": np.int64(T0 + 3600250000000),
    "requested_start_iso": "2025-01-23T14:30:00Z",
    "requested_end_iso": "2025-01-23T15:30:00.25Z",
}


def check_root(f):
    check_attrs(f, {
        "pivot_format_version": np.int32(2),
        "job_id": "job-0001",
        "producer": "pivotd 0.1.0",
        "owner": "alice",
        "request": '{"channels":["engine","idle"]}',
        "requested_start": np.int64(T0),
        "requested_end": np.int64(T0 + 3600250000000),
        "requested_start_iso": "2025-01-23T14:30:00Z",
        "requested_end_iso": "2025-01-23T15:30:00.25Z",
        "description": "Bench run \u00e9t\u00e9",
        "user": "r\u00e9mi",
        "metadata": '{"description":"Bench run \\u00e9t\\u00e9","user":"r\\u00e9mi"}',
        "channels_exported": np.uint32(2),
        "sample_count": np.uint64(NSAMPLES),
        "actual_start": np.int64(T0),
        "actual_end": np.int64(T0 + (NSAMPLES - 1) * STEP_NS + 1),
        "actual_start_iso": "2025-01-23T14:30:00Z",
        "actual_end_iso": "2025-01-23T14:31:10.007000001Z",
    }, "/")
    check_eq(sorted(f.keys()), ["engine", "idle"], "channels")


def check_dataset(ds, dtype, length, chunk, where):
    check_eq(ds.dtype, np.dtype(dtype), where + ".dtype")
    check_eq(ds.shape, (length,), where + ".shape")
    check_eq(ds.maxshape, (None,), where + ".maxshape")
    check_eq(ds.chunks, (chunk,), where + ".chunks")


def check_scale(group, channel):
    t = group["time"]
    check(h5py.h5ds.is_scale(t.id), "/%s/time is a dimension scale" % channel)
    for name, ds in group.items():
        if name in ("time", "string8"):
            continue
        where = "/%s/%s" % (channel, name)
        check_eq(len(ds.dims[0]), 1, where + " has one scale")
        if len(ds.dims[0]) == 1:
            check_eq(ds.dims[0][0].name, "/%s/time" % channel, where + " scale")


def check_engine(f, chunk_elements=None, gzip_level=None):
    """The engine channel; chunk_elements None means the default 128 KiB chunks."""
    g = f["engine"]
    where = "/engine"
    check_attrs(g, dict(GROUP_PROVENANCE, **{
        "source_schema": '{"type":"record","name":"engine"}',
        "sample_count": np.uint64(NSAMPLES),
        "actual_start": np.int64(T0),
        "actual_end": np.int64(T0 + (NSAMPLES - 1) * STEP_NS + 1),
        "actual_start_iso": "2025-01-23T14:30:00Z",
        "actual_end_iso": "2025-01-23T14:31:10.007000001Z",
    }), where)
    check_eq(sorted(g.keys()),
             sorted(["time", "rpm", "odometer", "temp", "pressure", "valve", "state", "string8"]),
             where + " datasets")
    i = np.arange(NSAMPLES, dtype=np.int64)
    numeric = [
        ("time", "<i8", None, T0 + i * STEP_NS),
        ("rpm", "<i4", "int32", (i * 3 - 100000).astype(np.int32)),
        ("odometer", "<i8", "int64", i * 10000000000),
        ("temp", "<f4", "float32", i.astype(np.float32) * np.float32(0.5)),
        ("pressure", "<f8", "float64", i / 8.0),
        ("valve", "|u1", "bool", (i % 3 == 0).astype(np.uint8)),
    ]
    for name, dtype, source_type, expected in numeric:
        ds = g[name]
        # Chunks of 128 KiB: as many elements as fit.
        check_dataset(ds, dtype, NSAMPLES,
                      chunk_elements or CHUNK_BYTES // np.dtype(dtype).itemsize,
                      "%s/%s" % (where, name))
        values = ds[...]
        check(np.array_equal(values, expected), "%s/%s values" % (where, name))
        if source_type is not None:
            check_eq(ds.attrs["source_type"], source_type,
                     "%s/%s.attrs['source_type']" % (where, name))
    check_eq(g["time"].attrs["units"], "nanoseconds since 1970-01-01T00:00:00Z",
             where + "/time units")
    # The dimension of state's 8-byte rows: never written, so neither chunked nor stored.
    check_eq(g["string8"].id.get_storage_size(), 0, where + "/string8 storage")
    check_eq(g["string8"].chunks, None, where + "/string8.chunks")
    for name in g:
        ds = g[name]
        if name == "string8":
            continue
        if gzip_level is None:
            check_eq(ds.compression, None, "%s/%s.compression" % (where, name))
            check_eq(ds.shuffle, False, "%s/%s.shuffle" % (where, name))
        else:
            check_eq(ds.compression, "gzip", "%s/%s.compression" % (where, name))
            check_eq(ds.compression_opts, gzip_level, "%s/%s.compression_opts" % (where, name))
            check_eq(ds.shuffle, True, "%s/%s.shuffle" % (where, name))

    # Short values: a character array of 8-byte rows of one-byte strings.
    state = g["state"]
    check_eq(state.dtype, np.dtype("S1"), where + "/state.dtype")
    check_eq(state.shape, (NSAMPLES, 8), where + "/state.shape")
    check_eq(state.maxshape, (None, 8), where + "/state.maxshape")
    check_eq(state.chunks, (chunk_elements or CHUNK_BYTES // 8, 8), where + "/state.chunks")
    check_eq(state.attrs["source_type"], "string", where + "/state.attrs['source_type']")
    check_eq(state.attrs["_Encoding"], "utf-8", where + "/state.attrs['_Encoding']")
    expected = [STATES[k % 4] for k in range(NSAMPLES)]
    check(read_strings(state) == expected, where + "/state values")
    check_eq(state[2].tobytes(), "\u00e9t\u00e9".encode() + bytes(3), where + "/state[2] raw UTF-8")
    check_scale(g, "engine")


def check_idle(f):
    g = f["idle"]
    check_attrs(g, dict(GROUP_PROVENANCE, sample_count=np.uint64(0)), "/idle")
    check_eq(sorted(g.keys()), ["level", "time"], "/idle datasets")
    check_dataset(g["time"], "<i8", 0, CHUNK_BYTES // 8, "/idle/time")
    check_dataset(g["level"], "<f8", 0, CHUNK_BYTES // 8, "/idle/level")
    check_eq(g["level"].attrs["source_type"], "float64", "/idle/level.attrs['source_type']")
    check_scale(g, "idle")


def check_minimal(f):
    check_attrs(f, {
        "pivot_format_version": np.int32(2),
        "job_id": "job-0002",
        "producer": "pivotd 0.1.0",
        "owner": "bob",
        "request": "{}",
        "requested_start": np.int64(T0),
        "requested_end": np.int64(T0 + 1),
        "requested_start_iso": "2025-01-23T14:30:00Z",
        "requested_end_iso": "2025-01-23T14:30:00.000000001Z",
        "channels_exported": np.uint32(0),
        "sample_count": np.uint64(0),
    }, "minimal /")
    check_eq(list(f.keys()), [], "minimal channels")


def main():
    out = sys.argv[1]
    with h5py.File(os.path.join(out, "full.h5"), "r") as f:
        check_root(f)
        check_engine(f)
        check_idle(f)
    with h5py.File(os.path.join(out, "gzip.h5"), "r") as f:
        check_root(f)
        check_engine(f, chunk_elements=1000, gzip_level=6)
    full_size = os.path.getsize(os.path.join(out, "full.h5"))
    gzip_size = os.path.getsize(os.path.join(out, "gzip.h5"))
    check(gzip_size * 2 < full_size,
          "gzip.h5 (%d bytes) is under half of full.h5 (%d bytes)" % (gzip_size, full_size))
    with h5py.File(os.path.join(out, "minimal.h5"), "r") as f:
        check_minimal(f)
    for leftover in ("existing.h5", "abandoned.h5", "misuse.h5", "bad_storage.h5"):
        check(not os.path.exists(os.path.join(out, leftover)), leftover + " removed")
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
