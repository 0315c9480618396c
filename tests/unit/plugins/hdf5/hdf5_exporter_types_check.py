"""Reads back the files test_hdf5_exporter_types wrote, as a user of h5py
sees them: enums with their symbols, bytes as uint8 arrays and numpy.void,
nullable signals with their `.valid` masks, attributes from signal details
and the decimation attributes of the root.

usage: hdf5_exporter_types_check.py <output directory>
"""
import os
import sys

import h5py
import numpy as np

from read_back_checks import check, check_eq, failures

NSAMPLES = 1025
LAST_BATCH_START = 1007  # the last batch carries no masks: all valid
MODES = {"OFF": 0, "IDLE": 1, "RUN": 2, "FAULT": 3}
LABELS = ["alpha, a label longer than thirty-two bytes", "\u03b2", ""]


def check_attr_names(ds, names, where):
    check_eq(sorted(ds.attrs.keys()), sorted(names + ["DIMENSION_LIST"]),
             where + " attribute names")


def nulls(i, modulus, remainder):
    return (i < LAST_BATCH_START) & (i % modulus == remainder)


def check_enums(g):
    i = np.arange(NSAMPLES)
    mode = g["mode"]
    check_eq(mode.dtype, np.dtype("int8"), "mode.dtype")
    check_eq(h5py.check_enum_dtype(mode.dtype), MODES, "mode symbols")
    check(np.array_equal(mode[...], (i % 4).astype(np.int8)), "mode values")
    check_eq(mode.attrs["fill_value"], np.int8(0), "mode.attrs['fill_value']")
    check_eq(mode.attrs["description"], "Operating mode", "mode.attrs['description']")
    check_attr_names(mode, ["source_type", "fill_value", "description", "avro_type"], "mode")
    # What a user does with the values: back to symbols.
    names = {v: k for k, v in h5py.check_enum_dtype(mode.dtype).items()}
    check_eq([names[v] for v in mode[:5]], ["OFF", "IDLE", "RUN", "FAULT", "OFF"],
             "mode as symbols")

    big = g["big"]
    check_eq(big.dtype, np.dtype("int16"), "big.dtype")
    check_eq(h5py.check_enum_dtype(big.dtype), {"S%03d" % k: k for k in range(200)},
             "big symbols")
    check(np.array_equal(big[...], (i * 13 % 200).astype(np.int16)), "big values")

    code = g["code"]
    check_eq(code.dtype, np.dtype("int32"), "code.dtype")
    check_eq(h5py.check_enum_dtype(code.dtype), None, "code has no symbols")
    check(np.array_equal(code[...], (i * 7 - 500).astype(np.int32)), "code values")


def check_bytes(g):
    payload = g["payload"]
    check_eq(h5py.check_vlen_dtype(payload.dtype), np.dtype("uint8"), "payload vlen uint8")
    values = payload[...]
    ok = len(values) == NSAMPLES
    for i in range(NSAMPLES):
        expected = np.array([(i * 31 + k * 7) & 0xFF for k in range(i % 6)], dtype=np.uint8)
        ok = ok and values[i].dtype == np.uint8 and np.array_equal(values[i], expected)
    check(ok, "payload values")
    check_eq(payload[0].tobytes(), b"", "payload[0] is empty")
    check("fill_value" not in payload.attrs, "payload has no fill_value")

    fixed = g["hash"]
    check_eq(fixed.dtype, np.dtype("V4"), "hash.dtype")
    values = fixed[...]
    ok = True
    for i in range(NSAMPLES):
        expected = ((i * 2654435761) & 0xFFFFFFFF).to_bytes(4, "little")
        ok = ok and values[i].tobytes() == expected
    check(ok, "hash values")
    check_eq(fixed.attrs["avro_type"], '{"type":"fixed","name":"Hash","size":4}',
             "hash.attrs['avro_type']")


def check_mask(g, name, null):
    ds = g[name]
    mask = g[name + ".valid"]
    where = "/typed/%s.valid" % name
    check_eq(ds.attrs["valid_mask"], name + ".valid", name + ".attrs['valid_mask']")
    check_eq(mask.dtype, np.dtype("uint8"), where + ".dtype")
    check(np.array_equal(mask[...], (~null).astype(np.uint8)), where + " values")
    check(np.array_equal(mask.attrs["flag_values"], np.array([0, 1], dtype=np.uint8))
          and mask.attrs["flag_values"].dtype == np.uint8, where + " flag_values")
    check_eq(mask.attrs["flag_meanings"], "null valid", where + " flag_meanings")
    check_eq(mask.chunks, ds.chunks, where + ".chunks")
    check_eq(mask.compression, ds.compression, where + ".compression")
    check_eq(mask.dims[0][0].name, "/typed/time", where + " scale")
    return mask[...].astype(bool)


def check_nullables(g):
    i = np.arange(NSAMPLES)
    valid = check_mask(g, "count", nulls(i, 3, 1))
    count = np.ma.masked_array(g["count"][...], mask=~valid)
    check_eq(int(count.count()), int(NSAMPLES - nulls(i, 3, 1).sum()), "count present")
    check(np.array_equal(count.compressed(), (i * 5 - 1000)[valid].astype(np.int32)),
          "count values where valid")
    check(np.all(g["count"][...][~valid] == 0), "count holds 0 at nulls")
    check_eq(g["count"].attrs["units"], "1", "count.attrs['units']")
    check_attr_names(g["count"], ["source_type", "fill_value", "units", "description",
                                  "avro_type", "valid_mask"], "count")

    valid = check_mask(g, "label", nulls(i, 4, 2))
    labels = g["label"].asstr()[...]
    expected = ["" if not valid[k] else LABELS[k % 3] for k in range(NSAMPLES)]
    check_eq(list(labels), expected, "label values")
    check_attr_names(g["label"], ["source_type", "fill_value", "valid_mask"], "label")

    valid = check_mask(g, "speed", nulls(i, 5, 0))
    speed = g["speed"][...]
    check(np.array_equal(np.isnan(speed), ~valid), "speed is NaN exactly at nulls")
    check(np.array_equal(speed[valid], (i * 0.25)[valid]), "speed values")
    check_eq(g["speed"].attrs["units"], "m/s", "speed.attrs['units']")
    check_eq(g["speed"].attrs["description"], "Vehicle speed", "speed.attrs['description']")

    check_mask(g, "level", np.zeros(NSAMPLES, dtype=bool))
    check_attr_names(g["flag"], ["source_type", "fill_value"], "flag")


def check_decimation(out):
    with h5py.File(os.path.join(out, "decimated_interval.h5"), "r") as f:
        check_eq(f.attrs["decimation_method"], "mean", "interval decimation_method")
        check_eq(f.attrs["decimation_interval_ns"], np.int64(1500000000),
                 "decimation_interval_ns")
        check_eq(f.attrs["decimation_interval_iso"], "PT1.5S", "decimation_interval_iso")
        check("decimation_factor" not in f.attrs, "no decimation_factor with an interval")
    with h5py.File(os.path.join(out, "decimated_factor.h5"), "r") as f:
        check_eq(f.attrs["decimation_method"], "minmax", "factor decimation_method")
        check_eq(f.attrs["decimation_factor"], np.uint64(10), "decimation_factor")
        check("decimation_interval_ns" not in f.attrs, "no interval with a factor")


def main():
    out = sys.argv[1]
    for name in ("typed.h5", "typed_gzip.h5"):
        with h5py.File(os.path.join(out, name), "r") as f:
            g = f["typed"]
            check_eq(sorted(g.keys()), sorted([
                "time", "mode", "code", "big", "payload", "hash", "count", "count.valid",
                "label", "label.valid", "speed", "speed.valid", "level", "level.valid",
                "flag"]), name + " datasets")
            check_enums(g)
            check_bytes(g)
            check_nullables(g)
    check_decimation(out)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
