"""String signals in hdf5 exports against a real pivotd: short ones (the
generator's `mode`, four 4-letter values; short UTF-8 codes; a nullable
short string) are stored as character arrays of 8 or 16 bytes a row, which
h5py reads as rows and xarray (h5netcdf and netCDF4 engines) decodes back
to the same strings value by value; long free text stays variable-length;
a signal whose later sample outgrows its row is rewritten as
variable-length strings with every earlier value kept."""

import json
import os
import sys
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import avro.datafile  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402
import h5py  # noqa: E402
import numpy  # noqa: E402
import xarray  # noqa: E402

import pivot_harness as ph  # noqa: E402

ENGINES = [e for e in ("h5netcdf", "netcdf4") if e in xarray.backends.list_engines()]

DEMO_SECONDS, DEMO_RATE = 60, 200
NOTES = "notes"
NOTES_RATE = 1000
# More samples than a source batch holds (65,536), so that `grows` outgrows
# its row in a later batch than the first, which chose the row's width.
NOTES_SAMPLES = 70000
GROWS_FROM = 69000
START_NS = ph.parse_rfc3339_ns(ph.DEFAULT_START)
CODES = ["OK", "\u00dcBERTEMP", "", "gauge-\u0394"]  # "ÜBERTEMP" is 9 bytes: rows of 16


def code_of(i):
    return CODES[(i // 100) % 4]


def note_of(i):
    return "operator note %d: pressure check passed after the maintenance window" % (i // 50)


def grows_of(i):
    return "s%d" % (i % 10) if i < GROWS_FROM else "a considerably longer value, number %d" % i


def n_code_of(i):
    return None if i % 7 == 3 else "v%d" % (i % 5)


def write_notes(data_dir):
    schema = avro.schema.parse(json.dumps({"type": "record", "name": "sample", "fields": [
        {"name": "time", "type": "long", "logicalType": "timestamp-nanos"},
        {"name": "code", "type": "string"},
        {"name": "note", "type": "string", "doc": "Free text"},
        {"name": "grows", "type": "string", "units": "label"},
        {"name": "n_code", "type": ["null", "string"]},
    ]}))
    os.makedirs(os.path.join(data_dir, NOTES))
    with open(os.path.join(data_dir, NOTES, "data_%d.avro" % (START_NS // ph.NS)), "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec="deflate")
        for i in range(NOTES_SAMPLES):
            writer.append({"time": START_NS + i * (ph.NS // NOTES_RATE), "code": code_of(i),
                           "note": note_of(i), "grows": grows_of(i), "n_code": n_code_of(i)})
        writer.close()


def is_vlen_string(ds):
    info = h5py.check_string_dtype(ds.dtype)
    return ds.ndim == 1 and info is not None and info.length is None


class StringLayoutTest(ph.ServerCase):
    WORK_PREFIX = "pivot-string-layout-"

    @classmethod
    def write_data(cls, data):
        cls.cache = ph.Cache.generate(data, 1, DEMO_SECONDS, DEMO_RATE, 1, with_mode=True)
        write_notes(data)

    @classmethod
    def after_start(cls):
        cls.exports = {}

    def export(self, compression, chunk_size=None):
        """The path of the export of both channels whole, once per compression and chunk size."""
        key = json.dumps([compression, chunk_size])
        if key not in self.exports:
            end = ph.format_ns(START_NS + 100 * ph.NS)
            _, content = self.run_export({
                "time_range": ph.absolute(ph.DEFAULT_START, end),
                "channels": {"include": ["ch000", NOTES]},
                "options": {"compression": compression, "chunk_size": chunk_size}})
            self.exports[key] = self.save_export("%d.h5" % len(self.exports), content)
        return self.exports[key]

    def expected_mode(self):
        return [self.cache.mode_of(i) for i in range(self.cache.nsamples)]

    def assert_xarray(self, path, group, name, expected):
        for engine in ENGINES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with xarray.open_dataset(path, group=group, engine=engine) as ds:
                    var = ds[name]
                    self.assertEqual(var.dims, ("time",), engine)
                    got = var.values.tolist()
            self.assertEqual(len(got), len(expected), "%s %s" % (engine, name))
            self.assertEqual(got, expected, "%s %s" % (engine, name))

    def test_mode_is_a_character_array_of_eight_bytes_a_sample(self):
        n = self.cache.nsamples
        with h5py.File(self.export("none")) as f:
            ds = f["ch000/mode"]
            self.assertEqual(ds.shape, (n, 8))
            self.assertEqual(ds.dtype, numpy.dtype("S1"))
            self.assertEqual(ds.attrs["_Encoding"], "utf-8")
            self.assertEqual(ds.attrs["source_type"], "string")
            self.assertEqual(ph.read_strings(ds), self.expected_mode())
            # Uncompressed: 8 bytes a row in whole chunks of 16,384 rows (128 KiB).
            chunk_rows = ds.chunks[0]
            self.assertEqual(ds.chunks, (16384, 8))
            chunks = -(-n // chunk_rows)
            self.assertEqual(ds.id.get_storage_size(), chunks * chunk_rows * 8)
            # The width is a netCDF dimension without a variable.
            self.assertEqual(ds.dims[1][0].name, "/ch000/string8")
            self.assertTrue(ds.dims[1][0].attrs["NAME"].decode().startswith(
                "This is a netCDF dimension but not a netCDF variable."))
        self.assert_xarray(self.export("none"), "ch000", "mode", self.expected_mode())

    def test_mode_compressed_costs_under_a_byte_a_sample(self):
        n = self.cache.nsamples
        with h5py.File(self.export({"gzip": 1})) as f:
            ds = f["ch000/mode"]
            self.assertEqual(ph.read_strings(ds), self.expected_mode())
            self.assertLess(ds.id.get_storage_size(), n)
        self.assert_xarray(self.export({"gzip": 1}), "ch000", "mode", self.expected_mode())

    def test_short_utf8_codes_take_rows_of_sixteen_bytes(self):
        expected = [code_of(i) for i in range(NOTES_SAMPLES)]
        with h5py.File(self.export({"gzip": 1})) as f:
            ds = f[NOTES + "/code"]
            self.assertEqual(ds.shape, (NOTES_SAMPLES, 16))
            self.assertEqual(ph.read_strings(ds), expected)
        self.assert_xarray(self.export({"gzip": 1}), NOTES, "code", expected)

    def test_long_free_text_stays_variable_length(self):
        expected = [note_of(i) for i in range(NOTES_SAMPLES)]
        with h5py.File(self.export({"gzip": 1})) as f:
            ds = f[NOTES + "/note"]
            self.assertTrue(is_vlen_string(ds), ds.dtype)
            self.assertEqual(ph.read_strings(ds), expected)
            self.assertEqual(ds.attrs["description"], "Free text")
            self.assertNotIn("_Encoding", ds.attrs)
        self.assert_xarray(self.export({"gzip": 1}), NOTES, "note", expected)

    def test_a_value_outgrowing_its_row_makes_the_signal_variable_length(self):
        expected = [grows_of(i) for i in range(NOTES_SAMPLES)]
        for compression in ("none", {"gzip": 1}):
            path = self.export(compression)
            with h5py.File(path) as f:
                g = f[NOTES]
                ds = g["grows"]
                self.assertTrue(is_vlen_string(ds), ds.dtype)
                self.assertEqual(ph.read_strings(ds), expected)
                # Its attributes are made again; the rows it had are gone.
                self.assertEqual(ds.attrs["units"], "label")
                self.assertEqual(ds.attrs["source_type"], "string")
                self.assertEqual(sorted(g.keys()), ["code", "grows", "n_code", "n_code.valid",
                                                    "note", "string16", "string8", "time"])
                self.assertEqual(len(g["time"].attrs["REFERENCE_LIST"]), 5)
            self.assert_xarray(path, NOTES, "grows", expected)

    def test_outgrowing_rows_copies_them_a_chunk_at_a_time(self):
        # 1,000-row chunks: the 69,000 rows before the long value are copied in 69 slabs.
        expected = [grows_of(i) for i in range(NOTES_SAMPLES)]
        path = self.export({"gzip": 1}, chunk_size=1000)
        with h5py.File(path) as f:
            ds = f[NOTES + "/grows"]
            self.assertTrue(is_vlen_string(ds), ds.dtype)
            self.assertEqual(ds.chunks, (1000,))
            self.assertEqual(ph.read_strings(ds), expected)
            # The mask of a nullable neighbour keeps its signal's chunking.
            self.assertEqual(f[NOTES + "/n_code"].chunks, (1000, 8))
            self.assertEqual(f[NOTES + "/n_code.valid"].chunks, (1000,))
        self.assert_xarray(path, NOTES, "grows", expected)

    def test_nullable_short_string_keeps_its_mask(self):
        values = [n_code_of(i) for i in range(NOTES_SAMPLES)]
        expected = ["" if v is None else v for v in values]
        path = self.export({"gzip": 1})
        with h5py.File(path) as f:
            ds = f[NOTES + "/n_code"]
            self.assertEqual(ds.shape, (NOTES_SAMPLES, 8))
            self.assertEqual(ph.read_strings(ds), expected)
            self.assertEqual(f[NOTES + "/n_code.valid"][...].tolist(),
                             [0 if v is None else 1 for v in values])
        self.assert_xarray(path, NOTES, "n_code", expected)

    def test_pandas_gets_the_strings_through_xarray(self):
        for engine in ENGINES:
            with xarray.open_dataset(self.export({"gzip": 1}), group="ch000",
                                     engine=engine) as ds:
                frame = ds[["mode"]].to_dataframe()
            self.assertEqual(frame["mode"].tolist(), self.expected_mode(), engine)


if __name__ == "__main__":
    unittest.main(verbosity=2)
