"""options.format "netcdf" over HTTP, read back by the reference readers of
the netCDF world: `ncdump -h` (netcdf-bin) shows the CF attributes, and
xarray with the netCDF4 engine decodes `time` to datetime64[ns] and every
value of every signal type (numbers, bool, enum, string, bytes, nullable),
compared with the formulas the data was written from. String signals: short
values as CF character arrays `(time, <name>_strlen)` with `_Encoding`
(UTF-8 codes, empty strings, nulls, a later value widening the rows), long
free text as NC_STRING, read value by value with both xarray engines."""

import json
import math
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import avro.datafile  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402
import test_signal_types as st  # noqa: E402
import test_string_layout as sl  # noqa: E402

try:
    import h5py  # noqa: E402
    import netCDF4  # noqa: E402
    import xarray  # noqa: E402
except ImportError:  # pragma: no cover - the packages are in scripts/install-deps
    h5py = netCDF4 = xarray = None

GEN_CHANNELS, GEN_SECONDS, GEN_RATE, GEN_SIGNALS = 2, 30, 10, 2
END_NS = st.START_NS + 60 * ph.NS
TIME_UNITS = "nanoseconds since 1970-01-01T00:00:00Z"
NOTES_END_NS = sl.START_NS + 100 * ph.NS
# A channel whose short string gets a value over the 256 bytes rows widen to.
OVERFLOW, OVERFLOW_FROM = "overflow", 69000


def status_of(i):
    if i % 11 == 5:
        return None
    return "x" * 300 + " %d" % i if i >= OVERFLOW_FROM and i % 3 == 0 else "st%d" % (i % 4)


def write_overflow(data_dir):
    schema = avro.schema.parse(json.dumps({"type": "record", "name": "sample", "fields": [
        {"name": "time", "type": "long", "logicalType": "timestamp-nanos"},
        {"name": "status", "type": ["null", "string"], "units": "text"},
        # `tag_rows` would be where tag's rows step aside: tag is NC_STRING from the start.
        {"name": "tag", "type": "string"},
        {"name": "tag_rows", "type": "string"}]}))
    os.makedirs(os.path.join(data_dir, OVERFLOW))
    with open(os.path.join(data_dir, OVERFLOW, "data_%d.avro" % (sl.START_NS // ph.NS)),
              "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec="deflate")
        for i in range(sl.NOTES_SAMPLES):
            writer.append({"time": sl.START_NS + i * (ph.NS // sl.NOTES_RATE),
                           "status": status_of(i), "tag": "t%d" % (i % 3),
                           "tag_rows": "r%d" % (i % 2)})
        writer.close()


# A character array's chunks: 16,384 rows (128 KiB of 8-byte rows) by 8 bytes.
CHAR_CHUNK = (16384, 8)


def open_group(path, group, **kw):
    return xarray.open_dataset(path, group=group, engine="netcdf4", **kw)


@unittest.skipIf(xarray is None, "python3-netcdf4 or python3-xarray missing")
class NetcdfExportTest(ph.ServerCase):
    WORK_PREFIX = "pivot-netcdf-"

    @classmethod
    def write_data(cls, data):
        st.write_channel(data, st.CHANNEL)
        cls.cache = ph.Cache.generate(data, GEN_CHANNELS, GEN_SECONDS, GEN_RATE, GEN_SIGNALS,
                                      with_mode=True)
        sl.write_notes(data)
        write_overflow(data)

    @classmethod
    def after_start(cls):
        cls.files = {}

    def export(self, key, channels, options=None, start=ph.DEFAULT_START, end_ns=END_NS):
        """Path of the downloaded .nc of a job, run once per key for the whole class."""
        if key not in self.files:
            body = {"time_range": ph.absolute(start, ph.format_ns(end_ns)),
                    "channels": {"include": channels},
                    "options": dict({"format": "netcdf"}, **(options or {}))}
            job, content = self.run_export(body)
            self.assertEqual(content[:4], b"\x89HDF", "a NetCDF-4 file is an HDF5 file")
            self.files[key] = (job, self.save_export(key + ".nc", content))
        return self.files[key]

    def notes(self, compression=None):
        """The notes channel whole (70,000 samples, more than a source batch)."""
        options = {"compression": compression} if compression else {}
        return self.export("notes-%s" % json.dumps(compression), [sl.NOTES], options,
                           end_ns=NOTES_END_NS)[1]

    def typed(self):
        return self.export("typed", [st.CHANNEL], {"compression": {"gzip": 4},
                                                   "chunk_size": 100})

    # ------------------------------------------------------------ values

    def test_time_decodes_to_datetime64_ns(self):
        _, path = self.typed()
        with open_group(path, st.CHANNEL) as ds:
            self.assertEqual(ds["time"].dtype, numpy.dtype("datetime64[ns]"))
            want = numpy.array([st.START_NS + i * st.STEP_NS for i in range(st.NSAMPLES)],
                               dtype=numpy.int64)
            numpy.testing.assert_array_equal(ds["time"].values.astype(numpy.int64), want)
            self.assertEqual(ds["time"].encoding["units"], TIME_UNITS)
            self.assertEqual(ds["time"].encoding["calendar"], "proleptic_gregorian")

    def test_every_type_round_trips(self):
        _, path = self.typed()
        idx = list(range(st.NSAMPLES))
        # Raw values, as stored: the fill stands at the nulls of numbers.
        with open_group(path, st.CHANNEL, mask_and_scale=False) as ds:
            for name in st.SIGNAL_ORDER:
                with self.subTest(signal=name):
                    self.check_raw(ds, name, idx)

    def check_raw(self, ds, name, idx):
        kind = st.SIGNALS[name][0]
        values, valid = st.expected(name, idx)
        var = ds[name]
        self.assertEqual(var.attrs["pivot_type"], kind)
        if name in st.NULLABLE:
            mask = ds[name + "_valid"]
            self.assertEqual(mask.dtype, numpy.uint8)
            numpy.testing.assert_array_equal(mask.values, valid)
            self.assertEqual(var.attrs["ancillary_variables"], name + "_valid")
        if kind == "string":
            self.assertEqual(list(var.values), values)
        elif kind == "bytes":
            self.assertEqual([bytes(numpy.asarray(v, dtype=numpy.uint8)) for v in var.values],
                             values)
        elif kind == "enum":
            symbols = st.SYMBOLS[name]
            self.assertEqual(var.attrs["flag_meanings"], " ".join(symbols))
            numpy.testing.assert_array_equal(var.attrs["flag_values"], range(len(symbols)))
            got = var.values.astype(numpy.int64)
            want = numpy.where(valid == 1, values, -1)
            numpy.testing.assert_array_equal(got, want)
        elif kind == "bool":
            self.assertEqual(var.dtype, numpy.int8)
            self.assertEqual(var.attrs["flag_meanings"], "false true")
            numpy.testing.assert_array_equal(var.values, numpy.where(valid == 1, values, -1))
        elif kind in ("int32", "int64"):
            self.assertEqual(var.dtype, values.dtype)
            fill = netCDF4.default_fillvals["i4" if kind == "int32" else "i8"]
            if name in st.NULLABLE:
                self.assertEqual(var.attrs["_FillValue"], fill)
            numpy.testing.assert_array_equal(var.values, numpy.where(valid == 1, values, fill))
        else:
            self.assertEqual(var.dtype, values.dtype)
            # NaN at nulls on both sides: compare bit for bit where valid.
            numpy.testing.assert_array_equal(var.values[valid == 1], values[valid == 1])
            self.assertTrue(numpy.isnan(var.values[valid == 0]).all())
        if name in st.UNITS:
            self.assertEqual(var.attrs["units"], st.UNITS[name])
        if name in st.DOCS:
            self.assertEqual(var.attrs["long_name"], st.DOCS[name])

    def test_cf_decoding_masks_nulls(self):
        """xarray's default decoding turns the _FillValue of a nullable number into NaN."""
        _, path = self.typed()
        idx = list(range(st.NSAMPLES))
        with open_group(path, st.CHANNEL) as ds:
            for name in ("n_int", "n_long", "n_bool", "n_enum"):
                values, valid = st.expected(name, idx)
                got = ds[name].values
                self.assertTrue(numpy.isnan(got[valid == 0]).all(), name)
                numpy.testing.assert_array_equal(got[valid == 1],
                                                 numpy.asarray(values)[valid == 1], name)
            # Strings have no _FillValue (their fill is made NULL for speed,
            # then dropped): a genuine "" must not decode as a null.
            for name in ("label", "n_str"):
                self.assertNotIn("_FillValue", ds[name].encoding, name)
                self.assertEqual(list(ds[name].values), st.expected(name, idx)[0], name)
            # Never-null integers keep their type and their extremes.
            self.assertEqual(ds["i64"].dtype, numpy.int64)
            self.assertEqual(int(ds["i64"].values[9]), -2 ** 63)
            self.assertEqual(int(ds["i64"].values[12]), 2 ** 63 - 1)

    def test_generated_channels_match_the_formulas(self):
        names = self.cache.channel_names()
        _, path = self.export("generated", names)
        idx = list(range(self.cache.nsamples))
        for c, channel in enumerate(names):
            with open_group(path, channel) as ds:
                numpy.testing.assert_array_equal(ds["time"].values.astype(numpy.int64),
                                                 self.cache.all_times())
                for k in range(GEN_SIGNALS):
                    got = ds["sig%d" % k].values
                    for i in idx:
                        self.assertEqual(float(got[i]), self.cache.sig_value(k, c, i),
                                         "%s sig%d sample %d" % (channel, k, i))
                numpy.testing.assert_array_equal(
                    ds["counter"].values, [self.cache.counter_of(i) for i in idx])
                self.assertEqual(list(ds["mode"].values), [self.cache.mode_of(i) for i in idx])

    # ------------------------------------------------------------ strings

    def assert_strings(self, path, group, name, expected):
        """Both xarray engines decode the variable to exactly these str values along time."""
        for engine in sl.ENGINES:
            with xarray.open_dataset(path, group=group, engine=engine) as ds:
                var = ds[name]
                self.assertEqual(var.dims, ("time",), (engine, name))
                got = var.values.tolist()
            self.assertEqual(len(got), len(expected), (engine, name))
            self.assertEqual(got, expected, (engine, name))

    def assert_char_layout(self, path, group, name, width):
        with netCDF4.Dataset(path) as nc:
            var = nc.groups[group].variables[name]
            self.assertEqual(var.dtype, numpy.dtype("S1"), name)
            self.assertEqual(var.dimensions, ("time", name + "_strlen"))
            self.assertTrue(nc.groups[group].dimensions[name + "_strlen"].isunlimited())
            self.assertEqual(var.shape[1], width, name)
            self.assertEqual(var.getncattr("_Encoding"), "utf-8")
            self.assertNotIn("_FillValue", var.ncattrs())
            return var.chunking(), var.filters()

    @unittest.skipIf(shutil.which("ncdump") is None, "netcdf-bin missing")
    def test_short_strings_are_character_arrays_in_ncdump(self):
        out = subprocess.run(["ncdump", "-h", self.notes()], check=True, capture_output=True,
                             text=True, timeout=30).stdout
        for line in ("code_strlen = UNLIMITED ; // (16 currently)",
                     "grows_strlen = UNLIMITED ; // (48 currently)",
                     "n_code_strlen = UNLIMITED ; // (8 currently)",
                     "char code(time, code_strlen) ;",
                     'code:_Encoding = "utf-8" ;',
                     "char grows(time, grows_strlen) ;",
                     'grows:units = "label" ;',
                     "char n_code(time, n_code_strlen) ;",
                     'n_code:ancillary_variables = "n_code_valid" ;',
                     "string note(time) ;",
                     'note:long_name = "Free text" ;'):
            self.assertIn(line, out)
        self.assertNotIn("note_strlen", out)
        self.assertNotIn("note:_Encoding", out)
        # The rows print as text (UTF-8 beyond ASCII as octal escapes).
        values = subprocess.run(["ncdump", "-v", "%s/code" % sl.NOTES, self.notes()],
                                check=True, capture_output=True, text=True, timeout=30).stdout
        self.assertIn('{"OK"},', values)
        self.assertIn('{"\\303\\234BERTEMP"},', values)
        self.assertIn('{"gauge-\\316\\224"},', values)
        self.assertIn('{""},', values)

    def test_demo_mode_takes_eight_bytes_a_sample(self):
        channel = self.cache.channel_names()[0]
        _, path = self.export("generated", self.cache.channel_names())
        chunking, _ = self.assert_char_layout(path, channel, "mode", 8)
        self.assertEqual(chunking, list(CHAR_CHUNK))
        with h5py.File(path) as f:
            # One band of whole chunks: 300 samples in 16,384 rows of 8 bytes.
            self.assertEqual(f[channel]["mode"].id.get_storage_size(), 16384 * 8)
        expected = [self.cache.mode_of(i) for i in range(self.cache.nsamples)]
        self.assert_strings(path, channel, "mode", expected)

    def test_utf8_codes_and_empty_strings_round_trip(self):
        expected = [sl.code_of(i) for i in range(sl.NOTES_SAMPLES)]
        self.assertIn("", expected)
        for compression in (None, {"gzip": 1}):
            with self.subTest(compression=compression):
                path = self.notes(compression)
                # "ÜBERTEMP" is 9 bytes of UTF-8: rows of 16.
                _, filters = self.assert_char_layout(path, sl.NOTES, "code", 16)
                self.assertEqual(filters["zlib"], compression is not None)
                self.assert_strings(path, sl.NOTES, "code", expected)

    def test_a_later_longer_value_widens_the_rows(self):
        # The first batch (65,536 samples) holds "s0".."s9"; sample 69,000
        # on are 41 bytes: the rows widen to 48 and every value is kept.
        expected = [sl.grows_of(i) for i in range(sl.NOTES_SAMPLES)]
        for compression in (None, {"gzip": 1}):
            with self.subTest(compression=compression):
                path = self.notes(compression)
                chunking, _ = self.assert_char_layout(path, sl.NOTES, "grows", 48)
                self.assertEqual(chunking, list(CHAR_CHUNK))
                self.assert_strings(path, sl.NOTES, "grows", expected)
        with h5py.File(self.notes()) as f:
            # Five bands of 16,384 rows hold the first 8 bytes of each row; only
            # the last band, where the long values are, has chunks 8..48 wide.
            self.assertEqual(f[sl.NOTES]["grows"].id.get_storage_size(), (5 + 5) * 16384 * 8)
            self.assertEqual(f[sl.NOTES]["grows"][0].tobytes(), b"s0" + b"\0" * 46)

    def test_a_value_over_256_bytes_makes_the_signal_variable_length(self):
        values = [status_of(i) for i in range(sl.NOTES_SAMPLES)]
        expected = ["" if v is None else v for v in values]
        for compression in (None, {"gzip": 1}):
            with self.subTest(compression=compression):
                _, path = self.export("overflow-%s" % json.dumps(compression), [OVERFLOW],
                                      {"compression": compression} if compression else {},
                                      end_ns=NOTES_END_NS)
                self.assert_strings(path, OVERFLOW, "status", expected)
                with netCDF4.Dataset(path) as nc:
                    g = nc.groups[OVERFLOW]
                    var = g.variables["status"]
                    self.assertIs(var.dtype, str)
                    self.assertEqual(var.units, "text")
                    self.assertEqual(var.ancillary_variables, "status_valid")
                    numpy.testing.assert_array_equal(
                        g.variables["status_valid"][:], [0 if v is None else 1 for v in values])
                    # libnetcdf cannot delete a variable: the rows stay, renamed, and say so.
                    rows = g.variables["status_rows"]
                    self.assertEqual(rows.dimensions, ("time", "status_strlen"))
                    self.assertEqual(rows.comment,
                                     "the first 65536 samples of status as character rows, "
                                     "before a longer value made it variable-length; status "
                                     "holds every sample")
                    self.assertNotIn("ancillary_variables", rows.ncattrs())
                    self.assertEqual(sorted(g.variables), ["status", "status_rows",
                                                           "status_valid", "tag", "tag_rows",
                                                           "time"])
                    self.assertIs(g.variables["tag"].dtype, str)
                    self.assertEqual(g.variables["tag_rows"].dimensions,
                                     ("time", "tag_rows_strlen"))
                self.assert_strings(path, OVERFLOW, "tag",
                                    ["t%d" % (i % 3) for i in range(sl.NOTES_SAMPLES)])
                self.assert_strings(path, OVERFLOW, "tag_rows",
                                    ["r%d" % (i % 2) for i in range(sl.NOTES_SAMPLES)])

    def test_long_free_text_stays_variable_length(self):
        expected = [sl.note_of(i) for i in range(sl.NOTES_SAMPLES)]
        with netCDF4.Dataset(self.notes()) as nc:
            var = nc.groups[sl.NOTES].variables["note"]
            self.assertIs(var.dtype, str)
            self.assertEqual(var.dimensions, ("time",))
            self.assertNotIn("_FillValue", var.ncattrs())
        self.assert_strings(self.notes(), sl.NOTES, "note", expected)

    def test_nullable_short_string_keeps_its_mask(self):
        values = [sl.n_code_of(i) for i in range(sl.NOTES_SAMPLES)]
        path = self.notes()
        self.assert_char_layout(path, sl.NOTES, "n_code", 8)
        self.assert_strings(path, sl.NOTES, "n_code", ["" if v is None else v for v in values])
        with netCDF4.Dataset(path) as nc:
            numpy.testing.assert_array_equal(nc.groups[sl.NOTES].variables["n_code_valid"][:],
                                             [0 if v is None else 1 for v in values])

    def test_typed_strings_are_character_arrays(self):
        _, path = self.typed()
        idx = list(range(st.NSAMPLES))
        for name in ("label", "n_str"):   # "L000-µs": 8 bytes; "n123"
            chunking, filters = self.assert_char_layout(path, st.CHANNEL, name, 8)
            self.assertEqual(chunking, [100, 8])
            self.assertTrue(filters["zlib"])
            self.assert_strings(path, st.CHANNEL, name, st.expected(name, idx)[0])

    def test_a_channel_without_samples_has_empty_string_variables(self):
        _, path = self.export("empty", [st.CHANNEL], start="2024-06-01T00:00:00Z",
                              end_ns=ph.parse_rfc3339_ns("2024-06-01T00:01:00Z"))
        with netCDF4.Dataset(path) as nc:
            g = nc.groups[st.CHANNEL]
            self.assertEqual(int(g.sample_count), 0)
            self.assertIs(g.variables["label"].dtype, str)
            self.assertEqual(g.variables["label"].dimensions, ("time",))
            self.assertEqual(sorted(g.dimensions), ["time"])
        for engine in sl.ENGINES:
            with xarray.open_dataset(path, group=st.CHANNEL, engine=engine) as ds:
                self.assertEqual(ds["label"].shape, (0,), engine)
                self.assertEqual(ds["n_str_valid"].shape, (0,), engine)

    # ------------------------------------------------------------ metadata

    def test_global_attributes(self):
        job, path = self.typed()
        with netCDF4.Dataset(path) as nc:
            self.assertEqual(nc.data_model, "NETCDF4")
            self.assertEqual(int(nc.pivot_format_version), 2)
            self.assertTrue(nc.Conventions.startswith("CF-1.8"))
            self.assertEqual(nc.job_id, job["job_id"])
            self.assertTrue(nc.producer.startswith("pivotd "))
            self.assertEqual(json.loads(nc.request)["channels"], {"include": [st.CHANNEL]})
            self.assertEqual(nc.requested_start_iso, ph.DEFAULT_START)
            self.assertEqual(int(nc.requested_end), END_NS)
            self.assertEqual(nc.time_coverage_start, ph.DEFAULT_START)
            last = st.START_NS + (st.NSAMPLES - 1) * st.STEP_NS
            self.assertEqual(nc.time_coverage_end, ph.format_ns(last))
            self.assertEqual(int(nc.sample_count), st.NSAMPLES)
            g = nc.groups[st.CHANNEL]
            self.assertEqual(int(g.sample_count), st.NSAMPLES)
            self.assertEqual(g.dimensions["time"].isunlimited(), True)
            t = g.variables["time"]
            self.assertEqual((t.standard_name, t.axis, t.units), ("time", "T", TIME_UNITS))

    def test_compression_and_chunking_follow_the_options(self):
        _, path = self.typed()
        with netCDF4.Dataset(path) as nc:
            g = nc.groups[st.CHANNEL]
            for name in ("time", "f64", "n_int", "n_int_valid"):
                var = g.variables[name]
                self.assertEqual(var.chunking(), [100], name)
                self.assertTrue(var.filters()["zlib"], name)
                self.assertTrue(var.filters()["shuffle"], name)
                self.assertEqual(var.filters()["complevel"], 4, name)
        _, plain = self.export("plain", [self.cache.channel_names()[0]])
        with netCDF4.Dataset(plain) as nc:
            var = nc.groups[self.cache.channel_names()[0]].variables["sig0"]
            self.assertFalse(var.filters()["zlib"])
            self.assertEqual(var.chunking(), [16384])

    @unittest.skipIf(shutil.which("ncdump") is None, "netcdf-bin missing")
    def test_ncdump_shows_cf_attributes(self):
        _, path = self.typed()
        out = subprocess.run(["ncdump", "-h", path], check=True, capture_output=True,
                             text=True, timeout=30).stdout
        for line in (':Conventions = "CF-1.8, ACDD-1.3"',
                     'time:units = "%s"' % TIME_UNITS,
                     'time:calendar = "proleptic_gregorian"',
                     'time:standard_name = "time"',
                     'time:axis = "T"',
                     'state:flag_meanings = "OFF ON FAULT"',
                     'n_double:_FillValue = NaN',
                     'n_double:units = "degC"',
                     'n_int:_FillValue = -2147483647',
                     ':time_coverage_start = "%s"' % ph.DEFAULT_START,
                     'group: %s {' % st.CHANNEL,
                     'time = UNLIMITED'):
            self.assertIn(line, out)

    def test_decimated_export_records_the_method(self):
        _, path = self.export("decimated", [st.CHANNEL],
                              {"decimation": {"method": "mean", "factor": st.FACTOR}})
        with netCDF4.Dataset(path) as nc:
            self.assertEqual(nc.decimation_method, "mean")
            self.assertEqual(int(nc.decimation_factor), st.FACTOR)
            g = nc.groups[st.CHANNEL]
            self.assertEqual(len(g.dimensions["time"]), math.ceil(st.NSAMPLES / st.FACTOR))

    def test_estimate_is_the_exporters_and_near_the_file(self):
        """Uncompressed, the estimate is within 10 % of the file: every
        variable's whole chunks, 24 heap bytes per string or bytes value,
        fixed costs per file, group and variable (docs/api.md)."""
        cases = (("gen", self.cache.channel_names(), {}),
                 ("typed-plain", [st.CHANNEL], {}),
                 ("typed-small-chunks", [st.CHANNEL], {"chunk_size": 100}))
        for key, channels, options in cases:
            with self.subTest(case=key):
                body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns(END_NS)),
                        "channels": {"include": channels},
                        "options": dict({"format": "netcdf"}, **options)}
                r = self.api.request("POST", "/api/v1/pivot/jobs?dry_run=true", json=body)
                est = r.json()["estimate"]
                self.assertEqual(est["bytes_basis"], "exporter")
                _, path = self.export(key, channels, options)
                size = os.path.getsize(path)
                self.assertLess(abs(est["bytes"] - size) / size, 0.10, (est["bytes"], size))

    def test_health_lists_the_plugin(self):
        r = self.api.get("/api/v1/health")
        self.assertEqual(r.status_code, 200)
        self.assertIn("netcdf", [p["name"] for p in r.json()["plugins"]])
        formats = {f["name"]: f for f in r.json()["formats"]}
        self.assertEqual(formats["netcdf"], {"name": "netcdf", "plugin": "netcdf",
                                  "files": [{"extension": ".nc", "media_type": "application/x-netcdf"}]})


if __name__ == "__main__":
    unittest.main(verbosity=2)
