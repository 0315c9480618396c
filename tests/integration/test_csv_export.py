"""options.format "csv" over HTTP: a ZIP archive (checked by Python's
zipfile) of one RFC 4180 file per channel, or the bare file of a job of one
channel, which pandas.read_csv reads back with every double, float and
integer exact, and every other signal type (bool, enum, string, bytes,
nullable) in its documented text form; the job's own format options; the
exporter's dry-run estimate against the files it writes."""

import io
import json
import os
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402
import test_signal_types as st  # noqa: E402

try:
    import pandas  # noqa: E402
except ImportError:  # pragma: no cover - python3-pandas is in scripts/install-deps
    pandas = None

GEN_CHANNELS, GEN_SECONDS, GEN_RATE, GEN_SIGNALS = 2, 30, 10, 2
END_NS = st.START_NS + 60 * ph.NS


def read_csv(z, name):
    # Text stays text: "" and "nan" must not become NaN behind the test's back.
    return pandas.read_csv(io.BytesIO(z.read(name)), keep_default_na=False, dtype=str)


@unittest.skipIf(pandas is None, "python3-pandas missing")
class CsvExportTest(ph.ServerCase):
    WORK_PREFIX = "pivot-csv-"

    @classmethod
    def write_data(cls, data):
        st.write_channel(data, st.CHANNEL)
        cls.cache = ph.Cache.generate(data, GEN_CHANNELS, GEN_SECONDS, GEN_RATE, GEN_SIGNALS,
                                      with_mode=True)

    def body(self, channels, options=None):
        return {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns(END_NS)),
                "channels": {"include": channels},
                "options": dict({"format": "csv"}, **(options or {}))}

    def export(self, channels, options=None):
        """A zip result: the job and the archive."""
        job, content = self.run_export(self.body(channels, options))
        z = zipfile.ZipFile(io.BytesIO(content))
        self.assertIsNone(z.testzip(), "every entry's CRC matches")
        return job, z

    def export_single(self, channel, options=None):
        """A bare CSV result of one channel: the download's response."""
        job = self.api.wait(self.api.submit(self.body([channel], options)), timeout=60)
        self.assertEqual(job["status"], "completed", job)
        r = self.api.download(job["job_id"])
        self.assertEqual(r.status_code, 200, r.content[:300])
        return r

    def test_archive_layout_and_compression(self):
        names = self.cache.channel_names()
        job, z = self.export(names)
        self.assertEqual(z.namelist(), ["request.json"] + [n + ".csv" for n in names])
        self.assertEqual(json.loads(z.read("request.json"))["options"]["format"], "csv")
        self.assertTrue(all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()))
        _, zz = self.export(names, {"compression": {"gzip": 6}})
        self.assertEqual(zz.getinfo(names[0] + ".csv").compress_type, zipfile.ZIP_DEFLATED)
        self.assertEqual(zz.read(names[0] + ".csv"), z.read(names[0] + ".csv"))
        text = z.read(names[0] + ".csv").decode()
        self.assertTrue(text.startswith("time_ns,time,sig0,sig1,counter,mode\r\n"))

    def test_doubles_round_trip_exactly(self):
        names = self.cache.channel_names()
        _, z = self.export(names)
        idx = list(range(self.cache.nsamples))
        for c, name in enumerate(names):
            df = pandas.read_csv(io.BytesIO(z.read(name + ".csv")), float_precision="round_trip")
            numpy.testing.assert_array_equal(df["time_ns"].to_numpy(), self.cache.all_times())
            got_iso = pandas.to_datetime(df["time"]).astype("int64").to_numpy()
            numpy.testing.assert_array_equal(got_iso, self.cache.all_times())
            for k in range(GEN_SIGNALS):
                got = df["sig%d" % k].to_numpy()
                for i in idx:
                    self.assertEqual(got[i], self.cache.sig_value(k, c, i),
                                     "%s sig%d sample %d" % (name, k, i))
            numpy.testing.assert_array_equal(df["counter"].to_numpy(),
                                             [self.cache.counter_of(i) for i in idx])
            self.assertEqual(list(df["mode"]), [self.cache.mode_of(i) for i in idx])

    def test_every_type_in_its_text_form(self):
        r = self.export_single(st.CHANNEL)
        df = pandas.read_csv(io.BytesIO(r.content), keep_default_na=False, dtype=str)
        idx = list(range(st.NSAMPLES))
        for name in st.SIGNAL_ORDER:
            with self.subTest(signal=name):
                kind = st.SIGNALS[name][0]
                values, valid = st.expected(name, idx)
                col = list(df[name])
                if name in st.NULLABLE:
                    self.assertEqual([int(v) for v in df[name + "_valid"]], list(valid))
                    self.assertEqual([v for v, ok in zip(col, valid) if not ok],
                                     [""] * int((valid == 0).sum()), "nulls are empty fields")
                for v, want, ok in zip(col, values, valid):
                    if not ok:
                        continue
                    if kind in ("float32", "float64"):
                        self.assertEqual(numpy.dtype(kind).type(v), want)
                    elif kind in ("int32", "int64"):
                        self.assertEqual(int(v), int(want))
                    elif kind == "bool":
                        self.assertEqual(v, "true" if want else "false")
                    elif kind == "enum":
                        self.assertEqual(v, st.SYMBOLS[name][want])
                    elif kind == "bytes":
                        self.assertEqual(bytes.fromhex(v), want)
                    else:
                        self.assertEqual(v, want)

    def test_one_channel_is_a_bare_csv_file(self):
        name = self.cache.channel_names()[0]
        r = self.export_single(name)
        self.assertEqual(r.headers["Content-Type"], "text/csv; header=present")
        # The same text the archive holds for that channel.
        _, z = self.export([name], {"format_options": {"archive": "zip"}})
        self.assertEqual(z.namelist(), ["request.json", name + ".csv"])
        self.assertEqual(r.content, z.read(name + ".csv"))
        # Compression asks for an archive: its entries are deflated.
        _, zz = self.export([name], {"compression": {"gzip": 1}})
        self.assertEqual(zz.getinfo(name + ".csv").compress_type, zipfile.ZIP_DEFLATED)
        self.assertEqual(zz.read(name + ".csv"), r.content)

    def test_format_options_choose_delimiter_and_precision(self):
        name = self.cache.channel_names()[0]
        r = self.export_single(name, {"format_options": {"delimiter": ";", "precision": 6}})
        lines = r.content.decode().split("\r\n")
        self.assertEqual(lines[0], "time_ns;time;sig0;sig1;counter;mode")
        first = lines[1].split(";")
        self.assertEqual(first[2], "%.6g" % self.cache.sig_value(0, 0, 0))
        self.assertEqual(first[3], "%.6g" % self.cache.sig_value(1, 0, 0))
        df = pandas.read_csv(io.BytesIO(r.content), sep=";")
        numpy.testing.assert_array_equal(df["time_ns"].to_numpy(), self.cache.all_times())

    def test_format_options_refused_with_the_field_and_value(self):
        name = self.cache.channel_names()[0]
        cases = [({"format": "csv", "format_options": {"delimiter": "x"}},
                  "options.format_options.delimiter", '"x" is refused: the delimiter is one of'),
                 ({"format": "csv", "format_options": {"precision": 30}},
                  "options.format_options.precision", '"30" is refused'),
                 ({"format": "csv", "format_options": {"archive": "tar"}},
                  "options.format_options.archive", '"tar" is refused: archive is "auto"'),
                 ({"format": "csv", "format_options": {"colour": "red"}},
                  "options.format_options.colour",
                  "the csv format's options are delimiter, precision and archive"),
                 ({"format": "csv", "format_options": {"delimiter": [";"]}},
                  "options.format_options.delimiter", "must be a string, a number or a boolean"),
                 ({"format": "csv", "format_options": ";"},
                  "options.format_options", "must be an object"),
                 ({"format": "hdf5", "format_options": {"delimiter": ";"}},
                  "options.format_options.delimiter",
                  'the "hdf5" format takes no format options')]
        for options, field, words in cases:
            with self.subTest(options=options):
                body = self.body([name])
                body["options"] = options
                r = self.api.request("POST", "/api/v1/pivot/jobs", json=body)
                self.assertEqual(r.status_code, 400, r.text)
                p = r.json()
                self.assertEqual(p["field"], field)
                self.assertIn(words, p["detail"])

    def test_estimate_is_the_exporters_and_near_the_file(self):
        names = self.cache.channel_names()
        for channels, options in (([names[0]], {}), (names, {}),
                                  ([names[0]], {"format_options": {"archive": "zip"}})):
            with self.subTest(channels=channels, options=options):
                body = self.body(channels, options)
                est = self.api.request("POST", "/api/v1/pivot/jobs?dry_run=true", json=body).json()["estimate"]
                self.assertEqual(est["bytes_basis"], "exporter")
                _, content = self.run_export(body)
                # A model of typical value widths: within 15 % of these files.
                self.assertLess(abs(est["bytes"] - len(content)) / len(content), 0.15,
                                (est["bytes"], len(content)))

    def test_health_lists_the_plugin(self):
        r = self.api.get("/api/v1/health")
        self.assertIn("csv", [p["name"] for p in r.json()["plugins"]])
        formats = {f["name"]: f for f in r.json()["formats"]}
        self.assertEqual(formats["csv"], {"name": "csv", "plugin": "csv",
                                  "files": [{"extension": ".zip", "media_type": "application/zip"},
                   {"extension": ".csv", "media_type": "text/csv; header=present"}]})


if __name__ == "__main__":
    unittest.main(verbosity=2)
