"""Schema evolution over HTTP: a channel whose newer file added signals
exports every sample of the range; the samples from the older file hold the
documented fill value of each added signal (NaN, 0, "", false), written on
every signal dataset as its `fill_value` attribute, and the samples from the
newer file their real values."""

import json
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import avro.datafile  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402

import pivot_harness as ph  # noqa: E402

START_S = ph.parse_rfc3339_ns(ph.DEFAULT_START) // ph.NS
PER_FILE = 50  # samples per file, 10 Hz
STEP_NS = ph.NS // 10
CHANNEL = "evo"

TIME_FIELD = {"name": "time", "type": "long", "logicalType": "timestamp-nanos"}
OLD_FIELDS = [TIME_FIELD, {"name": "a", "type": "double"}]
NEW_FIELDS = OLD_FIELDS + [{"name": "b", "type": "double"}, {"name": "n", "type": "int"},
                           {"name": "s", "type": "string"}, {"name": "ok", "type": "boolean"}]


def write_file(path, fields, t0_ns, records):
    schema = avro.schema.parse(json.dumps({"type": "record", "name": "sample",
                                           "fields": fields}))
    with open(path, "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema)
        for i, rec in enumerate(records):
            rec["time"] = t0_ns + i * STEP_NS
            writer.append(rec)
        writer.close()


def old_a(i):
    return i * 0.5


def new_values(i):
    return {"a": 1000.0 + i, "b": i / 8.0, "n": 7 * i - 3, "s": "s%d" % i, "ok": i % 2 == 1}


class SchemaEvolutionTest(ph.ServerCase):
    WORK_PREFIX = "pivot-evolution-"

    @classmethod
    def write_data(cls, data):
        os.makedirs(os.path.join(data, CHANNEL))
        write_file(os.path.join(data, CHANNEL, "data_%d.avro" % START_S), OLD_FIELDS,
                   START_S * ph.NS, [{"a": old_a(i)} for i in range(PER_FILE)])
        t1 = START_S + 10
        write_file(os.path.join(data, CHANNEL, "data_%d.avro" % t1), NEW_FIELDS,
                   t1 * ph.NS, [new_values(i) for i in range(PER_FILE)])

    def export(self, signals):
        body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns((START_S + 60) * ph.NS)),
                "channels": {"include": [CHANNEL]}, "signals": {CHANNEL: signals}}
        job, content = self.run_export(body)
        return self.save_export(job["job_id"] + ".h5", content)

    def test_channels_lists_the_newest_schema(self):
        r = self.api.get(ph.API + "/channels?pattern=" + CHANNEL)
        self.assertEqual(r.status_code, 200, r.text)
        sigs = r.json()["channels"][0]["signals"]
        self.assertEqual([(s["name"], s["type"]) for s in sigs],
                         [("a", "float64"), ("b", "float64"), ("n", "int32"), ("s", "string"),
                          ("ok", "bool")])

    def test_added_signals_are_filled_in_older_files(self):
        path = self.export(["a", "b", "n", "s", "ok"])
        with h5py.File(path, "r") as f:
            g = f[CHANNEL]
            t = g["time"][:]
            self.assertEqual(len(t), 2 * PER_FILE)
            self.assertEqual(int(t[0]), START_S * ph.NS)
            self.assertEqual(int(t[PER_FILE]), (START_S + 10) * ph.NS)
            a, b, n = g["a"][:], g["b"][:], g["n"][:]
            s = ph.read_strings(g["s"])
            ok = g["ok"][:]
            for i in range(PER_FILE):
                self.assertEqual(a[i], old_a(i))
                self.assertTrue(math.isnan(b[i]), (i, b[i]))
                self.assertEqual(int(n[i]), 0)
                self.assertEqual(s[i], "")
                self.assertEqual(int(ok[i]), 0)
                want = new_values(i)
                j = PER_FILE + i
                self.assertEqual(a[j], want["a"])
                self.assertEqual(b[j], want["b"])
                self.assertEqual(int(n[j]), want["n"])
                self.assertEqual(s[j], want["s"])
                self.assertEqual(int(ok[j]), int(want["ok"]))
            self.assertTrue(math.isnan(g["a"].attrs["fill_value"]))
            self.assertTrue(math.isnan(g["b"].attrs["fill_value"]))
            self.assertEqual(g["b"].attrs["fill_value"].dtype, b.dtype)
            self.assertEqual(int(g["n"].attrs["fill_value"]), 0)
            self.assertEqual(g["n"].attrs["fill_value"].dtype, n.dtype)
            self.assertEqual(g["s"].attrs["fill_value"], "")
            self.assertEqual(int(g["ok"].attrs["fill_value"]), 0)
            self.assertNotIn("_FillValue", g["n"].attrs)

    def test_range_of_the_older_file_only(self):
        body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns((START_S + 5) * ph.NS)),
                "channels": {"include": [CHANNEL]}, "signals": {CHANNEL: ["b", "a"]}}
        job = self.api.wait(self.api.submit(body))
        self.assertEqual(job["status"], "completed", job)
        path = os.path.join(self.work.sub("out"), job["job_id"] + ".h5")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(self.api.download(job["job_id"]).content)
        with h5py.File(path, "r") as f:
            b = f[CHANNEL]["b"][:]
            self.assertEqual(len(b), PER_FILE)
            self.assertTrue(all(math.isnan(v) for v in b))
            self.assertEqual(list(f[CHANNEL]["a"][:]), [old_a(i) for i in range(PER_FILE)])

    def test_signal_in_no_file_is_unknown(self):
        body = {"time_range": ph.absolute(ph.DEFAULT_START, ph.format_ns((START_S + 60) * ph.NS)),
                "channels": {"include": [CHANNEL]}, "signals": {CHANNEL: ["a", "zz"]}}
        r, _ = self.api.post_job(body)
        self.assertEqual(r.status_code, 422, r.text)
        self.assertIn("zz", r.text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
