"""Every Avro field type over HTTP: a channel whose schema holds a field of
each supported type (int, long, float, double, boolean, string, enum, bytes,
fixed, the nullable union of each, a nested record) and of the unsupported
ones (array, map, another union), written with python3-avro, must be listed
by GET /channels with each signal's type, nullability, symbols, fixed size,
units and description; exported value by value with a validity mask beside
each nullable signal; refused by name when a job asks for an unsupported
field; decimated with the mean, min and max over valid samples only and the
first sample (null or not) for downsample and non-numeric signals; and read
the same from deflate-coded files."""

import json
import math
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import avro.datafile  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402
import h5py  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402

CHANNEL = "typed"
CHANNEL_DEFLATE = "typed_deflate"
START_NS = ph.parse_rfc3339_ns(ph.DEFAULT_START)
STEP_NS = ph.NS // 10  # 10 Hz
NSAMPLES = 305  # not a multiple of the decimation factor: the last bucket holds 5
# Sample indices where each file starts (and the end); files of both codecs
# are cut at different places so that file boundaries cannot line up by luck.
SPLITS = {CHANNEL: [0, 95, 200, NSAMPLES], CHANNEL_DEFLATE: [0, 100, 150, 230, NSAMPLES]}
CODECS = {CHANNEL: "null", CHANNEL_DEFLATE: "deflate"}
FACTOR = 10
REL = 1e-12

STATE_SYMBOLS = ["OFF", "ON", "FAULT"]
LEVEL_SYMBOLS = ["LOW", "MID", "HIGH", "MAX"]
DIGEST_SIZE = 4
TAG_SIZE = 3

STATE_T = {"type": "enum", "name": "state_t", "symbols": STATE_SYMBOLS}
LEVEL_T = {"type": "enum", "name": "level_t", "symbols": LEVEL_SYMBOLS}
DIGEST_T = {"type": "fixed", "name": "digest_t", "size": DIGEST_SIZE}
TAG_T = {"type": "fixed", "name": "tag_t", "size": TAG_SIZE}
POS_T = {"type": "record", "name": "pos_t", "fields": [
    {"name": "x", "type": "double", "units": "m", "doc": "East offset"},
    {"name": "trail", "type": {"type": "array", "items": "double"}},
    {"name": "y", "type": "double", "units": "m"},
]}

# Unsupported fields sit between supported ones so that the signal order
# must skip them rather than stop at them.
FIELDS = [
    {"name": "time", "type": "long", "logicalType": "timestamp-nanos"},
    {"name": "i32", "type": "int", "doc": "Loop counter"},
    {"name": "i64", "type": "long", "units": "mJ"},
    {"name": "f32", "type": "float", "units": "V", "doc": "Supply voltage"},
    {"name": "f64", "type": "double", "units": "kPa", "doc": "Tank pressure"},
    {"name": "samples", "type": {"type": "array", "items": "double"}},
    {"name": "flag", "type": "boolean"},
    {"name": "label", "type": "string", "doc": "Operator note"},
    {"name": "state", "type": STATE_T},
    {"name": "blob", "type": "bytes"},
    {"name": "digest", "type": DIGEST_T},
    {"name": "n_int", "type": ["null", "int"], "units": "count"},
    {"name": "n_long", "type": ["null", "long"]},
    {"name": "n_float", "type": ["null", "float"]},
    {"name": "n_double", "type": ["double", "null"], "units": "degC",
     "doc": "Probe temperature"},
    {"name": "tags", "type": {"type": "map", "values": "string"}},
    {"name": "n_bool", "type": ["null", "boolean"]},
    {"name": "n_str", "type": ["null", "string"]},
    {"name": "n_enum", "type": ["null", LEVEL_T]},
    {"name": "n_bytes", "type": ["null", "bytes"]},
    {"name": "n_fixed", "type": [TAG_T, "null"]},
    {"name": "pos", "type": POS_T},
    {"name": "alt", "type": ["int", "string"]},
]


# ---------------------------------------------------------------- the formulas

def null_a(i):
    return i % 3 == 1


def null_b(i):
    # Also every fifth whole bucket of 10, so that decimation meets all-null buckets.
    return i % 4 == 2 or (i // FACTOR) % 5 == 3


def i32_of(i):
    if i == 7:
        return -2 ** 31
    if i == 8:
        return 2 ** 31 - 1
    return (i * 7919) % 20011 - 10000


def i64_of(i):
    if i == 9:
        return -2 ** 63
    if i == 12:
        return 2 ** 63 - 1
    return i * 3000000007 - 5 * 10 ** 11


def label_of(i):
    return "L%03d" % i + ("-\u00b5s" if i % 4 == 0 else "")


def blob_of(i):
    return bytes((i * 7 + k) % 256 for k in range(i % 5))  # empty when i % 5 == 0


def digest_of(i):
    return struct.pack(">I", (i * 2654435761) % 2 ** 32)


def n_str_of(i):
    return "" if i % 6 == 0 else "n%d" % i  # a genuine "" beside the nulls


def n_bytes_of(i):
    return bytes([i % 256, 0, (i * 3) % 256])[:1 + i % 3]


def n_fixed_of(i):
    return bytes([(i * 5) % 256, 0xFF, i // 256])


# Each signal: (type, value formula, null formula or None for a signal never null).
SIGNALS = {
    "i32": ("int32", i32_of, None),
    "i64": ("int64", i64_of, None),
    "f32": ("float32", lambda i: (i - 150) * 0.25, None),
    "f64": ("float64", lambda i: math.sin(i * 0.1) * 100.0, None),
    "flag": ("bool", lambda i: i % 2 == 0, None),
    "label": ("string", label_of, None),
    "state": ("enum", lambda i: STATE_SYMBOLS[(i // 7) % 3], None),
    "blob": ("bytes", blob_of, None),
    "digest": ("bytes", digest_of, None),
    "n_int": ("int32", lambda i: 11 * i - 500, null_a),
    "n_long": ("int64", lambda i: i * i * 1000003 - 2 ** 40, null_a),
    "n_float": ("float32", lambda i: i * 0.5 - 3.0, null_a),
    "n_double": ("float64", lambda i: math.cos(i * 0.05) * 1e3, null_b),
    "n_bool": ("bool", lambda i: i % 5 < 2, null_a),
    "n_str": ("string", n_str_of, null_a),
    "n_enum": ("enum", lambda i: LEVEL_SYMBOLS[i % 4], null_a),
    "n_bytes": ("bytes", n_bytes_of, null_a),
    "n_fixed": ("bytes", n_fixed_of, null_a),
    "pos.x": ("float64", lambda i: i * 0.1, None),
    "pos.y": ("float64", lambda i: -2.5 * i + 1.0, None),
}
SIGNAL_ORDER = ["i32", "i64", "f32", "f64", "flag", "label", "state", "blob", "digest",
                "n_int", "n_long", "n_float", "n_double", "n_bool", "n_str", "n_enum",
                "n_bytes", "n_fixed", "pos.x", "pos.y"]
NULLABLE = [s for s in SIGNAL_ORDER if SIGNALS[s][2] is not None]
NUMERIC = [s for s in SIGNAL_ORDER
           if SIGNALS[s][0] in ("int32", "int64", "float32", "float64")]
SYMBOLS = {"state": STATE_SYMBOLS, "n_enum": LEVEL_SYMBOLS}
FIXED_SIZE = {"digest": DIGEST_SIZE, "n_fixed": TAG_SIZE}
UNITS = {"i64": "mJ", "f32": "V", "f64": "kPa", "n_int": "count", "n_double": "degC",
         "pos.x": "m", "pos.y": "m"}
DOCS = {"i32": "Loop counter", "f32": "Supply voltage", "f64": "Tank pressure",
        "label": "Operator note", "n_double": "Probe temperature", "pos.x": "East offset"}
UNSUPPORTED = [("samples", "array"), ("tags", "map"), ("pos.trail", "array"),
               ("alt", "union(int,string)")]
# The source's compact spelling of each field's Avro type: the GET /channels
# `source_type` and the HDF5 `avro_type` attribute.
AVRO_TYPE = {"i32": "int", "i64": "long", "f32": "float", "f64": "double", "flag": "boolean",
             "label": "string", "state": "enum", "blob": "bytes", "digest": "fixed(4)",
             "n_int": "union(null,int)", "n_long": "union(null,long)",
             "n_float": "union(null,float)", "n_double": "union(double,null)",
             "n_bool": "union(null,boolean)", "n_str": "union(null,string)",
             "n_enum": "union(null,enum)", "n_bytes": "union(null,bytes)",
             "n_fixed": "union(fixed(3),null)", "pos.x": "double", "pos.y": "double"}


def record_of(i):
    rec = {"time": START_NS + i * STEP_NS}
    for name in SIGNAL_ORDER:
        if "." in name:
            continue
        _, value, is_null = SIGNALS[name]
        rec[name] = None if is_null is not None and is_null(i) else value(i)
    rec["pos"] = {"x": SIGNALS["pos.x"][1](i), "trail": [float(i)] * (i % 3),
                  "y": SIGNALS["pos.y"][1](i)}
    rec["samples"] = [float(i), i * 2.0]
    rec["tags"] = {"k": "v%d" % i}
    rec["alt"] = i if i % 2 == 0 else "a%d" % i
    return rec


def write_channel(data_dir, channel):
    schema = avro.schema.parse(json.dumps({"type": "record", "name": "sample",
                                           "fields": FIELDS}))
    os.makedirs(os.path.join(data_dir, channel))
    cuts = SPLITS[channel]
    for a, b in zip(cuts, cuts[1:]):
        # The relay names a file after the second of its first record.
        second = (START_NS + a * STEP_NS) // ph.NS
        path = os.path.join(data_dir, channel, "data_%d.avro" % second)
        with open(path, "wb") as f:
            writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema,
                                                  codec=CODECS[channel])
            for i in range(a, b):
                writer.append(record_of(i))
            writer.close()


def expected(name, idx):
    """(values, valid) of a signal at the sample indices, with nulls holding the fill."""
    kind, value, is_null = SIGNALS[name]
    valid = numpy.array([0 if is_null is not None and is_null(i) else 1 for i in idx],
                        dtype=numpy.uint8)
    out = []
    for i, ok in zip(idx, valid):
        v = value(i) if ok else None
        if kind in ("float32", "float64"):
            out.append(math.nan if v is None else v)
        elif kind in ("int32", "int64"):
            out.append(0 if v is None else v)
        elif kind == "bool":
            out.append(0 if v is None else int(v))
        elif kind == "string":
            out.append("" if v is None else v)
        elif kind == "enum":
            out.append(0 if v is None else SYMBOLS[name].index(v))
        else:
            out.append(b"" if v is None else v)
    if kind in ("float32", "float64", "int32", "int64", "bool"):
        dtype = {"float32": numpy.float32, "float64": numpy.float64, "int32": numpy.int32,
                 "int64": numpy.int64, "bool": numpy.uint8}[kind]
        return numpy.array(out, dtype=dtype), valid
    return out, valid


# ---------------------------------------------------------------- reading HDF5

def bytes_layout(ds):
    """'opaque' for fixed-size opaque elements, 'vlen' for variable-length uint8."""
    if ds.dtype.kind == "V" and h5py.check_enum_dtype(ds.dtype) is None:
        return "opaque"
    base = h5py.check_vlen_dtype(ds.dtype)
    if base is not None and numpy.dtype(base) == numpy.uint8:
        return "vlen"
    return "other: %r" % (ds.dtype,)


def read_signal(ds, kind):
    """The dataset's elements as numbers, str or bytes."""
    if kind == "string":
        return ph.read_strings(ds)
    if kind == "bytes":
        if bytes_layout(ds) == "opaque":
            # Read in the file's own opaque type, whatever its tag: that h5py's
            # plain ds[...] reads it is asserted on its own.
            raw = numpy.empty(ds.shape, dtype=ds.dtype)
            ds.id.read(h5py.h5s.ALL, h5py.h5s.ALL, raw, mtype=ds.id.get_type())
            return [bytes(v.tobytes()) for v in raw]
        return [bytes(numpy.asarray(v, dtype=numpy.uint8).tobytes()) for v in ds[...]]
    if kind == "enum":
        return [int(v) for v in ds[...]]
    return ds[...]


def bucket_starts(n):
    return list(range(0, n, FACTOR))


class SignalTypesTest(ph.ServerCase):
    WORK_PREFIX = "pivot-signal-types-"

    @classmethod
    def write_data(cls, data):
        for channel in (CHANNEL, CHANNEL_DEFLATE):
            write_channel(data, channel)

    @classmethod
    def after_start(cls):
        cls.exports = {}

    # ------------------------------------------------------------ helpers

    def job_body(self, channels, signals=None, decimation=None):
        body = {"time_range": ph.absolute(ph.DEFAULT_START,
                                          ph.format_ns(START_NS + 60 * ph.NS)),
                "channels": {"include": channels}}
        if signals is not None:
            body["signals"] = signals
        if decimation is not None:
            body["options"] = {"decimation": decimation}
        return body

    def export(self, key, channels, decimation=None):
        """Path of the downloaded file of a job, run once per key for the whole class."""
        if key in self.exports:
            return self.exports[key]
        _, content = self.run_export(self.job_body(channels, decimation=decimation))
        path = self.save_export(key + ".h5", content)
        self.exports[key] = path
        return path

    def full_export(self):
        return self.export("full", [CHANNEL])

    def assert_signal(self, g, name, idx, values, valid, what):
        kind = SIGNALS[name][0]
        got = read_signal(g[name], kind)
        if kind == "bytes" and bytes_layout(g[name]) == "opaque":
            # A fixed-size element cannot be empty: a null holds zero bytes of that size.
            values = [v if ok else bytes(FIXED_SIZE[name]) for v, ok in zip(values, valid)]
        if isinstance(values, numpy.ndarray):
            numpy.testing.assert_array_equal(got, values, "%s %s" % (what, name))
        else:
            for k, (a, b) in enumerate(zip(got, values)):
                self.assertEqual(a, b, "%s %s: row %d (sample %d)" % (what, name, k, idx[k]))
            self.assertEqual(len(got), len(values), "%s %s" % (what, name))
        if name in NULLABLE:
            mask = g[name + ".valid"]
            self.assertEqual(mask.dtype, numpy.uint8, name)
            numpy.testing.assert_array_equal(mask[...], valid, "%s %s.valid" % (what, name))

    # ------------------------------------------------------------ the listing

    def test_channels_lists_every_type(self):
        r = self.api.get(ph.API + "/channels?pattern=" + CHANNEL)
        self.assertEqual(r.status_code, 200, r.text)
        channels = r.json()["channels"]
        self.assertEqual([c["name"] for c in channels], [CHANNEL])
        ch = channels[0]
        want = []
        for name in SIGNAL_ORDER:
            entry = {"name": name, "type": SIGNALS[name][0], "nullable": name in NULLABLE}
            if name in SYMBOLS:
                entry["symbols"] = SYMBOLS[name]
            if name in FIXED_SIZE:
                entry["fixed_size"] = FIXED_SIZE[name]
            if name in UNITS:
                entry["units"] = UNITS[name]
            if name in DOCS:
                entry["description"] = DOCS[name]
            entry["source_type"] = AVRO_TYPE[name]
            want.append(entry)
        self.assertEqual(len(ch["signals"]), len(want), ch["signals"])
        for got, exp in zip(ch["signals"], want):
            self.assertEqual(got, exp)
        unsupported = ch["unsupported"]
        self.assertEqual([(u["name"], u["source_type"]) for u in unsupported], UNSUPPORTED)
        for u in unsupported:
            self.assertEqual(sorted(u.keys()), ["name", "reason", "source_type"], u)
            self.assertIsInstance(u["reason"], str)
            self.assertGreater(len(u["reason"]), 0, u)
        self.assertEqual(ch["first"], ph.DEFAULT_START)
        self.assertEqual(ch["last"], ph.format_ns(START_NS + (NSAMPLES - 1) * STEP_NS))
        self.assertEqual(ch["rate_hz"], 10)

    # ------------------------------------------------------------ a full export

    def test_full_export_layout_and_types(self):
        with h5py.File(self.full_export(), "r") as f:
            self.assertNotIn("decimation_method", f.attrs)
            self.assertNotIn("decimation_factor", f.attrs)
            self.assertNotIn("decimation_interval_ns", f.attrs)
            g = f[CHANNEL]
            self.assertEqual(sorted(g.keys()),
                             sorted(["time", "string8"] + SIGNAL_ORDER
                                    + [s + ".valid" for s in NULLABLE]))
            simple = {"int32": "<i4", "int64": "<i8", "float32": "<f4", "float64": "<f8",
                      "bool": "|u1"}
            for name in SIGNAL_ORDER:
                ds = g[name]
                kind = SIGNALS[name][0]
                if kind in simple:
                    self.assertEqual(ds.dtype.str, simple[kind], name)
                elif kind == "string":
                    # Short values: a character array of 8-byte rows, UTF-8.
                    self.assertEqual(ds.dtype, numpy.dtype("S1"), name)
                    self.assertEqual(ds.shape[1:], (8,), name)
                    self.assertEqual(ds.attrs["_Encoding"], "utf-8", name)
                elif kind == "enum":
                    self.assertEqual(h5py.check_enum_dtype(ds.dtype),
                                     {s: k for k, s in enumerate(SYMBOLS[name])}, name)
                elif name in FIXED_SIZE:
                    layout = bytes_layout(ds)
                    self.assertIn(layout, ("opaque", "vlen"), name)
                    if layout == "opaque":
                        self.assertEqual(ds.dtype.itemsize, FIXED_SIZE[name], name)
                else:
                    self.assertEqual(bytes_layout(ds), "vlen", name)
                # A character array's rows are 8 bytes wide.
                row = (8,) if kind == "string" else ()
                self.assertEqual(ds.shape, (NSAMPLES,) + row, name)
                self.assertEqual(ds.maxshape, (None,) + row, name)
            for name in NULLABLE:
                self.assertEqual(g[name + ".valid"].dtype.str, "|u1", name)
                self.assertEqual(g[name + ".valid"].shape, (NSAMPLES,), name)

    def test_full_export_values_and_masks(self):
        idx = list(range(NSAMPLES))
        with h5py.File(self.full_export(), "r") as f:
            g = f[CHANNEL]
            numpy.testing.assert_array_equal(
                g["time"][...], [START_NS + i * STEP_NS for i in idx])
            self.assertEqual(int(g.attrs["sample_count"]), NSAMPLES)
            for name in SIGNAL_ORDER:
                values, valid = expected(name, idx)
                self.assert_signal(g, name, idx, values, valid, "full")

    def test_fixed_bytes_read_plainly(self):
        # h5py converts an opaque type only to one with the same tag, and
        # its own is empty: a tagged opaque fails `ds[...]` and xarray alike.
        import xarray
        path = self.full_export()
        want = {}
        with h5py.File(path, "r") as f:
            for name in FIXED_SIZE:
                ds = f[CHANNEL][name]
                want[name] = read_signal(ds, "bytes")
                try:
                    raw = ds[...]
                except OSError as e:
                    self.fail("%s: h5py cannot read an opaque type tagged %r: %s"
                              % (name, ds.id.get_type().get_tag(), e))
                self.assertEqual([bytes(numpy.asarray(v).tobytes()) for v in raw], want[name],
                                 name)
        with xarray.open_dataset(path, group=CHANNEL, engine="h5netcdf") as xds:
            for name in FIXED_SIZE:
                got = [bytes(numpy.asarray(v).tobytes()) for v in xds[name].values]
                self.assertEqual(got, want[name], name)

    def test_full_export_attributes(self):
        with h5py.File(self.full_export(), "r") as f:
            g = f[CHANNEL]
            for name in SIGNAL_ORDER:
                attrs = g[name].attrs
                self.assertEqual(attrs["source_type"], SIGNALS[name][0], name)
                if name in UNITS:
                    self.assertEqual(attrs["units"], UNITS[name], name)
                else:
                    self.assertNotIn("units", attrs, name)
                if name in DOCS:
                    self.assertEqual(attrs["description"], DOCS[name], name)
                else:
                    self.assertNotIn("description", attrs, name)
                self.assertEqual(attrs["avro_type"], AVRO_TYPE[name], name)
                kind = SIGNALS[name][0]
                if kind == "bytes":
                    self.assertNotIn("fill_value", attrs, name)
                elif kind in ("float32", "float64"):
                    self.assertTrue(math.isnan(attrs["fill_value"]), name)
                    self.assertEqual(attrs["fill_value"].dtype, g[name].dtype, name)
                elif kind == "string":
                    self.assertEqual(attrs["fill_value"], "", name)
                else:
                    self.assertEqual(int(attrs["fill_value"]), 0, name)
                if name in NULLABLE:
                    self.assertEqual(attrs["valid_mask"], name + ".valid", name)
                else:
                    self.assertNotIn("valid_mask", attrs, name)
            for name in NULLABLE:
                attrs = g[name + ".valid"].attrs
                self.assertNotIn("valid_mask", attrs, name)
                self.assertEqual(attrs["flag_meanings"], "null valid", name)
                self.assertEqual(list(attrs["flag_values"]), [0, 1], name)
                self.assertEqual(attrs["flag_values"].dtype, numpy.uint8, name)
                self.assertEqual(g[attrs["DIMENSION_LIST"][0][0]].name, "/%s/time" % CHANNEL)

    # ------------------------------------------------------------ refusals

    def test_unsupported_fields_are_refused_by_name(self):
        for name, _ in UNSUPPORTED:
            body = self.job_body([CHANNEL], signals={CHANNEL: ["f64", name]})
            r, _ = self.api.post_job(body)
            self.assertEqual(r.status_code, 422, "%s: %s" % (name, r.text))
            self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT, name)
            problem = r.json()
            self.assertTrue(problem["type"].endswith("/unsupported-signal"), problem)
            self.assertEqual(problem["status"], 422, problem)
            self.assertIn('"%s"' % name, problem["detail"], problem)
            self.assertIn(dict(UNSUPPORTED)[name], problem["detail"], problem)
            self.assertNotIn("..", problem["detail"], problem)
            self.assertEqual(problem["field"], "signals." + CHANNEL, problem)
        # A field in no schema at all is still unknown, not unsupported.
        r, _ = self.api.post_job(self.job_body([CHANNEL], signals={CHANNEL: ["nope"]}))
        self.assertEqual(r.status_code, 422, r.text)
        self.assertTrue(r.json()["type"].endswith("/unknown-signal"), r.text)

    # ------------------------------------------------------------ decimation

    def test_decimated_mean_uses_valid_samples_only(self):
        path = self.export("mean", [CHANNEL], {"factor": FACTOR, "method": "mean"})
        starts = bucket_starts(NSAMPLES)
        self.assertEqual(len(starts), 31)
        with h5py.File(path, "r") as f:
            self.assertEqual(f.attrs["decimation_method"], "mean")
            self.assertEqual(int(f.attrs["decimation_factor"]), FACTOR)
            self.assertNotIn("decimation_interval_ns", f.attrs)
            g = f[CHANNEL]
            self.assertEqual(sorted(g.keys()),
                             sorted(["time", "string8"] + SIGNAL_ORDER
                                    + [s + ".valid" for s in NULLABLE]))
            numpy.testing.assert_array_equal(g["time"][...],
                                             [START_NS + s * STEP_NS for s in starts])
            self.assertEqual(int(g.attrs["sample_count"]), len(starts))
            all_null_buckets = 0
            for name in NUMERIC:
                ds = g[name]
                self.assertEqual(ds.dtype, numpy.float64, name)
                self.assertEqual(ds.attrs["source_type"], "float64", name)
                got = ds[...]
                values, valid = expected(name, range(NSAMPLES))
                x = values.astype(numpy.float64)
                for k, a in enumerate(starts):
                    b = min(a + FACTOR, NSAMPLES)
                    keep = valid[a:b] == 1
                    if not keep.any():
                        all_null_buckets += 1
                        self.assertTrue(math.isnan(got[k]), (name, k, got[k]))
                        self.assertEqual(int(g[name + ".valid"][k]), 0, (name, k))
                        continue
                    want = numpy.mean(x[a:b][keep])
                    scale = numpy.max(numpy.abs(x[a:b][keep]))
                    self.assertLessEqual(abs(got[k] - want), REL * max(abs(want), scale),
                                         "%s bucket %d: %r vs numpy %r" % (name, k, got[k], want))
                    if name in NULLABLE:
                        self.assertEqual(int(g[name + ".valid"][k]), 1, (name, k))
            # n_double is null on whole buckets 3, 8, ... (every fifth).
            self.assertEqual(all_null_buckets, 6)
            # Not numeric: the bucket's first sample, null or not, in its own type.
            for name in SIGNAL_ORDER:
                if name in NUMERIC:
                    continue
                values, valid = expected(name, starts)
                self.assert_signal(g, name, starts, values, valid, "mean")
            self.assertEqual(h5py.check_enum_dtype(g["state"].dtype),
                             {s: k for k, s in enumerate(STATE_SYMBOLS)})
            self.assertEqual(g["flag"].dtype, numpy.uint8)

    def test_decimated_downsample_and_minmax_keep_masks(self):
        starts = bucket_starts(NSAMPLES)
        path = self.export("downsample", [CHANNEL], {"factor": FACTOR, "method": "downsample"})
        with h5py.File(path, "r") as f:
            g = f[CHANNEL]
            # The bucket's first sample as it is, a null one included, for every type.
            for name in SIGNAL_ORDER:
                values, valid = expected(name, starts)
                self.assert_signal(g, name, starts, values, valid, "downsample")
        path = self.export("minmax", [CHANNEL], {"factor": FACTOR, "method": "minmax"})
        with h5py.File(path, "r") as f:
            g = f[CHANNEL]
            self.assertEqual(f.attrs["decimation_method"], "minmax")
            for name in NULLABLE:
                if name not in NUMERIC:
                    continue
                values, valid = expected(name, range(NSAMPLES))
                for which, fn in (("min", numpy.min), ("max", numpy.max)):
                    ds = g["%s.%s" % (name, which)]
                    self.assertEqual(ds.dtype, values.dtype, (name, which))
                    self.assertEqual(ds.attrs["valid_mask"], "%s.%s.valid" % (name, which))
                    mask = g["%s.%s.valid" % (name, which)][...]
                    got = ds[...]
                    for k, a in enumerate(starts):
                        keep = valid[a:a + FACTOR] == 1
                        want = fn(values[a:a + FACTOR][keep]) if keep.any() else (
                            math.nan if values.dtype.kind == "f" else 0)
                        self.assertEqual(int(mask[k]), int(keep.any()), (name, which, k))
                        numpy.testing.assert_array_equal(got[k], want, (name, which, k))

    # ------------------------------------------------------------ codecs

    def test_deflate_files_export_the_same(self):
        path = self.export("codecs", [CHANNEL, CHANNEL_DEFLATE])
        skip = {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"}
        with h5py.File(path, "r") as f:
            a, b = f[CHANNEL], f[CHANNEL_DEFLATE]
            self.assertEqual(sorted(a.keys()), sorted(b.keys()))
            self.assertEqual(len(a.keys()), 2 + len(SIGNAL_ORDER) + len(NULLABLE))
            self.assertEqual(dict(a.attrs), dict(b.attrs))
            for name in a.keys():
                da, db = a[name], b[name]
                self.assertEqual(da.dtype, db.dtype, name)
                kind = SIGNALS[name][0] if name in SIGNALS else "number"
                va, vb = read_signal(da, kind), read_signal(db, kind)
                if isinstance(va, numpy.ndarray):
                    numpy.testing.assert_array_equal(va, vb, name)
                else:
                    self.assertEqual(va, vb, name)
                attrs_a = {k: v for k, v in da.attrs.items() if k not in skip}
                attrs_b = {k: v for k, v in db.attrs.items() if k not in skip}
                self.assertEqual(sorted(attrs_a), sorted(attrs_b), name)
                for k in attrs_a:
                    numpy.testing.assert_array_equal(attrs_a[k], attrs_b[k], (name, k))

    # ------------------------------------------------------------ netCDF readers

    def test_xarray_opens_the_group(self):
        import xarray
        with xarray.open_dataset(self.full_export(), group=CHANNEL,
                                 engine="h5netcdf") as ds:
            self.assertEqual(sorted(ds.variables),
                             sorted(["time"] + SIGNAL_ORDER + [s + ".valid" for s in NULLABLE]))
            idx = list(range(NSAMPLES))
            numpy.testing.assert_array_equal(
                ds["time"].values.astype("datetime64[ns]").astype(numpy.int64),
                [START_NS + i * STEP_NS for i in idx])
            for name in NUMERIC + ["flag", "n_bool"]:
                values, _ = expected(name, idx)
                numpy.testing.assert_array_equal(ds[name].values, values, name)
                self.assertEqual(ds[name].dims, ("time",), name)
            for name in NULLABLE:
                numpy.testing.assert_array_equal(ds[name + ".valid"].values,
                                                 expected(name, idx)[1], name)
            # Enums arrive as their integer indices, strings as str.
            for name in SYMBOLS:
                self.assertEqual([int(v) for v in ds[name].values], expected(name, idx)[0],
                                 name)
            self.assertEqual([str(v) for v in ds["label"].values], expected("label", idx)[0])
            for name in ("blob", "n_bytes"):
                self.assertEqual([numpy.asarray(v, dtype=numpy.uint8).tobytes()
                                  for v in ds[name].values], expected(name, idx)[0], name)
            self.assertEqual(ds["f64"].attrs["units"], "kPa")


if __name__ == "__main__":
    unittest.main(verbosity=2)
