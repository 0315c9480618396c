"""options.format "matlab" over HTTP, read back by the reference readers of
the MATLAB world, value by value against the source data: GNU Octave
(octave-cli) and scipy.io.loadmat load the MAT 5 file, h5py reads the MAT 7.3
one. Every signal type (numbers, bool, enum, string, bytes, nullable) comes
back: numbers as their class, bool as logical, enum as int32 indices beside a
cell of its symbols, strings and bytes as cells, a logical `_valid` mask beside
each nullable signal; `time` is double seconds since the epoch and `time_ns`
the exact int64. A channel with more string and bytes samples than
plugins.matlab.max_cells fails with the reason."""

import fractions
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402
import test_signal_types as st  # noqa: E402

try:
    import scipy.io  # noqa: E402
except ImportError:  # pragma: no cover - python3-scipy is in scripts/install-deps
    scipy = None

OCTAVE = shutil.which("octave-cli")
GEN_CHANNELS, GEN_SECONDS, GEN_RATE, GEN_SIGNALS = 2, 30, 10, 2
END_NS = st.START_NS + 60 * ph.NS
MEDIA_TYPE = "application/x-matlab-data"
# MATLAB class of each pivot type's values.
CLASS = {"int32": "int32", "int64": "int64", "float32": "single", "float64": "double",
         "bool": "logical", "enum": "int32", "string": "cell", "bytes": "cell"}
DTYPE = {"int32": numpy.int32, "int64": numpy.int64, "single": numpy.float32,
         "double": numpy.float64, "logical": numpy.uint8, "uint8": numpy.uint8}

# Prints every field of one struct variable as tab-separated lines, numbers
# as the hex of their bytes so that nothing is rounded on the way:
#   <field> <class> <hex>            for an array (column)
#   <field> cell <n>, then n lines <field> <class> <hex>   for a cell
OCTAVE_DUMP = r"""
x = load(getenv('MAT_FILE'));
s = x.(getenv('MAT_VAR'));
fn = fieldnames(s);
for k = 1:numel(fn)
  v = s.(fn{k});
  if iscell(v)
    printf('%s\tcell\t%d\n', fn{k}, numel(v));
    for i = 1:numel(v)
      e = v{i};
      if ischar(e) || islogical(e); b = uint8(e(:)'); else; b = typecast(e(:)', 'uint8'); end
      printf('%s\t%s\t%s\n', fn{k}, class(e), sprintf('%02x', b));
    end
  else
    if islogical(v); b = uint8(v(:)'); else; b = typecast(v(:)', 'uint8'); end
    printf('%s\t%s\t%s\t%d\t%d\n', fn{k}, class(v), sprintf('%02x', b), rows(v), columns(v));
  end
end
"""


def seconds_of(ns):
    """The double nearest to ns / 1e9."""
    return float(fractions.Fraction(int(ns), 10 ** 9))


def octave_fields(path, var):
    """{field: (class, value)}: arrays as numpy arrays, cells as lists of str or bytes."""
    env = dict(os.environ, MAT_FILE=path, MAT_VAR=var)
    out = subprocess.run([OCTAVE, "--no-gui", "--quiet", "--no-init-file", "--eval", OCTAVE_DUMP],
                         env=env, capture_output=True, text=True, timeout=120, check=True).stdout
    fields, lines = {}, iter(out.splitlines())
    for line in lines:
        parts = line.split("\t")
        name, cls = parts[0], parts[1]
        if cls == "cell":
            items = []
            for _ in range(int(parts[2])):
                _, ecls, hexed = next(lines).split("\t")
                raw = bytes.fromhex(hexed)
                items.append(raw.decode("utf-8") if ecls == "char" else raw)
            fields[name] = ("cell", items)
        else:
            rows, cols = int(parts[3]), int(parts[4])
            assert cols == 1 or rows == 0, "%s is a column, %dx%d" % (name, rows, cols)
            fields[name] = (cls, numpy.frombuffer(bytes.fromhex(parts[2]), dtype=DTYPE[cls]))
    return fields


def scipy_fields(path, var):
    """{field: (class, value)}; scipy does not keep the logical flag: uint8 stands for it."""
    s = scipy.io.loadmat(path, simplify_cells=True)[var]
    fields = {}
    for name, v in s.items():
        if isinstance(v, (list, numpy.ndarray)) and numpy.asarray(v).dtype == object:
            # An empty char array (a '' string) comes back as an empty array of str.
            items = [e if isinstance(e, str)
                     else "" if numpy.asarray(e).dtype.kind == "U"
                     else numpy.atleast_1d(numpy.asarray(e, dtype=numpy.uint8)).tobytes()
                     for e in v]
            fields[name] = ("cell", items)
        else:
            v = numpy.atleast_1d(v)
            cls = {numpy.dtype(t): c for c, t in DTYPE.items() if c != "logical"}[v.dtype]
            fields[name] = (cls, v)
    return fields


def h5_element(f, ref):
    ds = f[ref]
    cls = ds.attrs["MATLAB_class"].decode()
    if "MATLAB_empty" in ds.attrs:
        return "" if cls == "char" else b""
    data = ds[()].ravel()
    if cls == "char":
        return data.astype(numpy.uint16).tobytes().decode("utf-16-le")
    return data.astype(numpy.uint8).tobytes()


def h5_fields(path, var):
    """{field: (class, value)} from the HDF5 layout of MAT 7.3 (column-major: Nx1 is (1, N))."""
    fields = {}
    with h5py.File(path, "r") as f:
        group = f[var]
        assert group.attrs["MATLAB_class"] == b"struct"
        for name in [n.tobytes().decode() for n in group.attrs["MATLAB_fields"]]:
            ds = group[name]
            cls = ds.attrs["MATLAB_class"].decode()
            if cls == "cell":
                fields[name] = ("cell", [h5_element(f, r) for r in ds[()].ravel()])
            else:
                assert ds.shape[0] == 1, "%s is a column: %r" % (name, ds.shape)
                fields[name] = (cls, ds[()].ravel().astype(DTYPE[cls]))
    return fields


class MatlabCase(ph.ServerCase):
    """The data of every class: the typed channel and two generated ones."""

    WORK_PREFIX = "pivot-matlab-"

    @classmethod
    def write_data(cls, data):
        st.write_channel(data, st.CHANNEL)
        cls.cache = ph.Cache.generate(data, GEN_CHANNELS, GEN_SECONDS, GEN_RATE, GEN_SIGNALS,
                                      with_mode=True)

    @classmethod
    def after_start(cls):
        cls.files = {}

    def export(self, key, channels, options=None):
        """(job, path) of the downloaded .mat of a job, run once per key for the class."""
        if key not in self.files:
            body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns(END_NS)),
                    "channels": {"include": channels},
                    "options": dict({"format": "matlab"}, **(options or {}))}
            job = self.api.wait(self.api.submit(body))
            self.assertEqual(job["status"], "completed", job)
            r = self.api.download(job["job_id"])
            self.assertEqual(r.status_code, 200, r.content[:300])
            self.assertEqual(r.headers["Content-Type"], MEDIA_TYPE)
            self.files[key] = (job, self.save_export(key + ".mat", r.content))
        return self.files[key]

    def all_channels(self):
        return self.export("all", [st.CHANNEL] + self.cache.channel_names())

    def check_typed(self, fields, logical_known=True):
        """Every signal of the typed channel, value by value."""
        idx = list(range(st.NSAMPLES))
        times = [st.START_NS + i * st.STEP_NS for i in idx]
        numpy.testing.assert_array_equal(fields["time_ns"][1], numpy.array(times, numpy.int64))
        self.assertEqual(fields["time_ns"][0], "int64")
        self.assertEqual(fields["time"][0], "double")
        self.assertEqual(list(fields["time"][1]), [seconds_of(t) for t in times])
        want_fields = ["time", "time_ns"]
        for name in st.SIGNAL_ORDER:
            field = name.replace(".", "_")
            want_fields.append(field)
            kind = st.SIGNALS[name][0]
            values, valid = st.expected(name, idx)
            with self.subTest(signal=name):
                cls, got = fields[field]
                want_cls = CLASS[kind]
                if want_cls == "logical" and not logical_known:
                    want_cls = "uint8"
                self.assertEqual(cls, want_cls)
                if kind == "string":
                    self.assertEqual(got, values)
                elif kind == "bytes":
                    self.assertEqual(got, values)
                elif kind in ("float32", "float64"):
                    self.assertEqual(got.dtype, values.dtype)
                    numpy.testing.assert_array_equal(got[valid == 1], values[valid == 1])
                    self.assertTrue(numpy.isnan(got[valid == 0]).all(), "NaN at the nulls")
                else:
                    numpy.testing.assert_array_equal(got, numpy.asarray(values))
                if name in st.NULLABLE:
                    want_fields.append(field + "_valid")
                    mcls, mask = fields[field + "_valid"]
                    self.assertEqual(mcls, "logical" if logical_known else "uint8")
                    numpy.testing.assert_array_equal(mask, valid)
                if kind == "enum":
                    want_fields.append(field + "_symbols")
                    self.assertEqual(fields[field + "_symbols"], ("cell", st.SYMBOLS[name]))
        self.assertEqual(sorted(fields), sorted(want_fields))

    def check_generated(self, fields, c):
        idx = list(range(self.cache.nsamples))
        numpy.testing.assert_array_equal(fields["time_ns"][1], self.cache.all_times())
        for k in range(GEN_SIGNALS):
            got = fields["sig%d" % k][1]
            self.assertEqual(list(got), [self.cache.sig_value(k, c, i) for i in idx])
        numpy.testing.assert_array_equal(fields["counter"][1],
                                         [self.cache.counter_of(i) for i in idx])
        self.assertEqual(fields["mode"][1], [self.cache.mode_of(i) for i in idx])


@unittest.skipIf(scipy is None, "python3-scipy missing")
class Mat5ExportTest(MatlabCase):
    """The default version, auto: a small export is MAT 5, zlib-compressed."""

    def test_file_is_mat5(self):
        _, path = self.all_channels()
        with open(path, "rb") as f:
            head = f.read(128)
        self.assertTrue(head.startswith(b"MATLAB 5.0 MAT-file"), head[:40])
        self.assertEqual(head[126:128], b"IM", "little-endian MAT 5")
        self.assertEqual(scipy.io.matlab.matfile_version(path), (1, 0))
        results = os.listdir(os.path.join(self.state, "results"))
        self.assertEqual([n for n in results if n.endswith(".part")], [],
                         "the column part files are gone with the job")

    @unittest.skipIf(OCTAVE is None, "octave-cli missing (Debian: octave)")
    def test_octave_reads_every_value(self):
        _, path = self.all_channels()
        self.check_typed(octave_fields(path, st.CHANNEL))
        for c, name in enumerate(self.cache.channel_names()):
            self.check_generated(octave_fields(path, name), c)

    def test_scipy_reads_every_value(self):
        _, path = self.all_channels()
        self.check_typed(scipy_fields(path, st.CHANNEL), logical_known=False)
        for c, name in enumerate(self.cache.channel_names()):
            self.check_generated(scipy_fields(path, name), c)

    def test_pivot_export_describes_the_file(self):
        job, path = self.all_channels()
        meta = scipy.io.loadmat(path, simplify_cells=True)["pivot_export"]
        channels = [st.CHANNEL] + self.cache.channel_names()
        self.assertEqual(meta["format_version"], 1.0)
        self.assertEqual(meta["mat_version"], "5")
        self.assertEqual(meta["job_id"], job["job_id"])
        self.assertEqual(list(meta["channels"]), channels)
        self.assertEqual(list(meta["variables"]), channels)
        self.assertEqual(list(meta["signals"][0]), st.SIGNAL_ORDER)
        self.assertEqual(list(meta["fields"][0]), [n.replace(".", "_") for n in st.SIGNAL_ORDER])
        self.assertEqual(meta["sample_count"], st.NSAMPLES + GEN_CHANNELS * self.cache.nsamples)
        self.assertEqual(meta["requested_start_ns"], st.START_NS)
        self.assertEqual(meta["requested_end_ns"], END_NS)
        self.assertEqual(meta["actual_start_ns"], st.START_NS)
        self.assertIn('"format": "matlab"', meta["request"].replace('":"', '": "'))

    def test_format_options_choose_the_version(self):
        job, path = self.export("v73", [st.CHANNEL] + self.cache.channel_names(),
                                {"format_options": {"version": "7.3"}})
        self.assertTrue(h5py.is_hdf5(path), "MAT 7.3 for this job although the setting is auto")
        self.check_typed(h5_fields(path, st.CHANNEL))
        for c, name in enumerate(self.cache.channel_names()):
            self.check_generated(h5_fields(path, name), c)
        body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns(END_NS)),
                "channels": {"include": [st.CHANNEL]},
                "options": {"format": "matlab", "format_options": {"version": "8"}}}
        r = self.api.request("POST", "/api/v1/pivot/jobs", json=body)
        self.assertEqual(r.status_code, 400, r.text)
        self.assertEqual(r.json()["field"], "options.format_options.version")
        self.assertIn('"8" is refused: the version is "auto", "5" (also "7") or "7.3"',
                      r.json()["detail"])

    def test_estimate_is_the_exporters(self):
        """MAT 5 is always deflated: its estimate, the values uncompressed, is
        above the file. MAT 7.3 without compression is near its file."""
        channels = [st.CHANNEL] + self.cache.channel_names()
        for key, options in (("all", {}), ("v73", {"format_options": {"version": "7.3"}})):
            with self.subTest(version=key):
                body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns(END_NS)),
                        "channels": {"include": channels},
                        "options": dict({"format": "matlab"}, **options)}
                r = self.api.request("POST", "/api/v1/pivot/jobs?dry_run=true", json=body)
                est = r.json()["estimate"]
                self.assertEqual(est["bytes_basis"], "exporter")
                _, path = self.export(key, channels, options)
                size = os.path.getsize(path)
                if key == "all":
                    self.assertGreater(est["bytes"], size)
                else:
                    self.assertLess(abs(est["bytes"] - size) / size, 0.10, (est["bytes"], size))

    def test_a_range_without_samples_gives_empty_columns(self):
        body = {"time_range": ph.absolute("2024-06-01T00:00:00Z", "2024-06-01T00:01:00Z"),
                "channels": {"include": [st.CHANNEL]}, "options": {"format": "matlab"}}
        job, content = self.run_export(body)
        path = self.save_export("empty.mat", content)
        mat = scipy.io.loadmat(path)
        ch = mat[st.CHANNEL][0, 0]
        self.assertEqual(ch["time_ns"].shape, (0, 1))
        self.assertEqual(ch["time_ns"].dtype, numpy.int64)
        self.assertEqual(ch["label"].shape, (0, 1))
        self.assertEqual(mat["pivot_export"][0, 0]["sample_count"][0, 0], 0.0)
        if OCTAVE is not None:
            fields = octave_fields(path, st.CHANNEL)
            self.assertEqual(fields["f64"][0], "double")
            self.assertEqual(len(fields["f64"][1]), 0)
            self.assertEqual(fields["n_str"], ("cell", []))

    def test_health_lists_the_plugin(self):
        r = self.api.get("/api/v1/health")
        self.assertIn("matlab", [p["name"] for p in r.json()["plugins"]])
        formats = {f["name"]: f for f in r.json()["formats"]}
        self.assertEqual(formats["matlab"], {"name": "matlab", "plugin": "matlab",
                                  "files": [{"extension": ".mat", "media_type": "application/x-matlab-data"}]})


class Mat73ExportTest(MatlabCase):
    """plugins.matlab.version 7.3: an HDF5 file that h5py reads."""

    CONFIG = "plugins:\n  matlab:\n    version: \"7.3\"\n"

    def test_file_is_mat73(self):
        _, path = self.all_channels()
        with open(path, "rb") as f:
            head = f.read(520)
        self.assertTrue(head.startswith(b"MATLAB 7.3 MAT-file"), head[:40])
        self.assertEqual(head[512:516], b"\x89HDF", "HDF5 after the 512-byte user block")
        self.assertTrue(h5py.is_hdf5(path))

    def test_h5py_reads_every_value(self):
        _, path = self.all_channels()
        self.check_typed(h5_fields(path, st.CHANNEL))
        for c, name in enumerate(self.cache.channel_names()):
            self.check_generated(h5_fields(path, name), c)

    def test_compression_follows_the_options(self):
        _, plain = self.all_channels()
        _, packed = self.export("gzip", [st.CHANNEL], {"compression": {"gzip": 6}})
        with h5py.File(plain, "r") as f:
            self.assertIsNone(f[st.CHANNEL]["f64"].compression)
        with h5py.File(packed, "r") as f:
            self.assertEqual(f[st.CHANNEL]["f64"].compression, "gzip")
            self.assertEqual(f["pivot_export"]["mat_version"][()].ravel().tobytes()
                             .decode("utf-16-le"), "7.3")
        self.check_typed(h5_fields(packed, st.CHANNEL))


class MaxCellsTest(MatlabCase):
    """plugins.matlab.max_cells bounds the cells a channel holds in memory."""

    CONFIG = "plugins:\n  matlab:\n    max_cells: 500\n"

    def test_too_many_string_samples_fail_with_the_reason(self):
        body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns(END_NS)),
                "channels": {"include": [st.CHANNEL]}, "options": {"format": "matlab"}}
        job = self.api.wait(self.api.submit(body))
        self.assertEqual(job["status"], "failed", job)
        self.assertIn('channel "%s": writing the MATLAB file failed: over 500 string and bytes '
                      'samples' % st.CHANNEL, job["error"])
        self.assertIn("plugins.matlab.max_cells", job["error"])

    def test_a_channel_under_the_limit_exports(self):
        _, path = self.export("gen", self.cache.channel_names()[:1])
        # Its `mode` strings are 300 cells, under the limit.
        self.check_generated(h5_fields(path, "ch000") if h5py.is_hdf5(path)
                             else scipy_fields(path, "ch000"), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
