"""The dry run's estimate of decimated and compressed exports over HTTP:
a minute of three 1 kHz channels decimated by interval and by factor must
be estimated at exactly the rows the export writes and within 10 % of the
file's size, and so must a channel of nullable, enum, fixed and variable
bytes signals (written with python3-avro), whose masks count; a compressed
export keeps the uncompressed estimate and says that it bounds the file
from above."""

import io
import json
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import avro.datafile  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402
import h5py  # noqa: E402
import jsonschema  # noqa: E402
import yaml  # noqa: E402

import pivot_harness as ph  # noqa: E402

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                         "openapi.yaml")

RATE = 1000
SECONDS = 60
CHANNELS = ["ch000", "ch001", "ch002"]
START = "2025-01-01T00:00:00Z"
END = "2025-01-01T00:01:00Z"
# Not on a whole second: interval buckets start at the range's start.
SHIFTED_START = "2025-01-01T00:00:10.250Z"
SHIFTED_END = "2025-01-01T00:00:40.750Z"

# Ten minutes at 10 Hz of one signal of each kind the estimate sizes apart.
TYPED = "typed"
TYPED_RATE = 10
TYPED_SECONDS = 600
TYPED_END = "2025-01-01T00:10:00Z"
TYPED_FIELDS = [
    {"name": "time", "type": "long", "logicalType": "timestamp-nanos"},
    {"name": "x", "type": ["null", "double"]},
    {"name": "state", "type": {"type": "enum", "name": "state_t",
                               "symbols": ["OFF", "ON", "FAULT"]}},
    {"name": "digest", "type": {"type": "fixed", "name": "digest_t", "size": 16}},
    {"name": "blob", "type": "bytes"},
]


def typed_record(i):
    return {"time": ph.parse_rfc3339_ns(START) + i * ph.NS // TYPED_RATE,
            "x": None if i % 4 == 1 else i * 0.5,
            "state": ["OFF", "ON", "FAULT"][i % 3],
            "digest": bytes([i % 256]) * 16,
            "blob": b"b%03d" % (i % 1000)}


def write_typed(data_dir):
    schema = avro.schema.parse(json.dumps({"type": "record", "name": "sample",
                                           "fields": TYPED_FIELDS}))
    os.makedirs(os.path.join(data_dir, TYPED))
    path = os.path.join(data_dir, TYPED, "data_%d.avro" % (ph.parse_rfc3339_ns(START) // ph.NS))
    with open(path, "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema)
        for i in range(TYPED_SECONDS * TYPED_RATE):
            writer.append(typed_record(i))
        writer.close()


class EstimateTest(ph.ServerCase):
    WORK_PREFIX = "pivot-estimate-"

    @classmethod
    def write_data(cls, data):
        cls.cache = ph.Cache.generate(data, channels=len(CHANNELS), seconds=SECONDS,
                                      rate=RATE, signals=2, with_mode=True, file_seconds=30)
        write_typed(data)

    @classmethod
    def make_server(cls, data, state, config):
        # The normal plugins plus an exporter without an estimate of its own
        # ("crash", which only misbehaves once it is given data).
        plugins = ph.link_plugins(cls.work.sub("plugins"),
                                  {"crash.so": os.environ["PIVOT_CRASH_PLUGIN"]})
        return ph.Server(data, state, config, plugins=plugins)

    @classmethod
    def after_start(cls):
        with open(SPEC_PATH, "rb") as f:
            cls.spec = yaml.safe_load(f)

    def check_schema(self, instance, name):
        jsonschema.Draft202012Validator(
            {"$ref": "#/components/schemas/" + name},
            resolver=jsonschema.RefResolver.from_schema(self.spec)).validate(instance)

    def body(self, start, end, options, channels=CHANNELS):
        # The estimates are of uncompressed files: hdf5's default (gzip 1) is left out.
        options = dict({"compression": "none"}, **options)
        return {"time_range": ph.absolute(start, end), "channels": {"include": channels},
                "options": options}

    def dry_run(self, body):
        r = self.api.request("POST", ph.API + "/jobs?dry_run=true",
                             data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"})
        self.assertEqual(r.status_code, 200, r.text)
        d = r.json()
        self.check_schema(d, "DryRun")
        return d

    def export(self, body, channels=CHANNELS):
        """Runs the job; returns its file size and each channel's datasets and rows."""
        job, content = self.run_export(body, timeout=120)
        self.assertEqual(len(content), job["result"]["file_size"])
        layout = {}
        with h5py.File(io.BytesIO(content), "r") as f:
            for name in channels:
                g = f[name]
                layout[name] = (sorted(g.keys()), g["time"].shape[0])
        return len(content), layout

    def assert_estimate(self, start, end, options, samples, rows, datasets, channels=CHANNELS):
        """The dry run says samples and rows per channel exactly, and bytes
        within 10 % of the file, whose channels hold `datasets` of `rows`."""
        body = self.body(start, end, options, channels)
        d = self.dry_run(body)
        self.assertEqual([(c["name"], c["samples"], c["rows"]) for c in d["channels"]],
                         [(name, samples, rows) for name in channels])
        est = d["estimate"]
        self.assertEqual(est["samples"], len(channels) * samples)
        self.assertEqual(est["rows"], len(channels) * rows)
        self.assertIs(est["compressed"], False)
        self.assertIs(est["bytes_is_upper_bound"], False)
        size, layout = self.export(body, channels)
        for name in channels:
            self.assertEqual(layout[name], (sorted(datasets), rows), name)
        print("%s: estimate %d bytes, file %d bytes" % (json.dumps(options), est["bytes"], size),
              file=sys.stderr)
        self.assertLess(abs(est["bytes"] - size) / size, 0.10,
                        "%s: estimate %d, file %d" % (options, est["bytes"], size))
        return est

    def test_interval_minmax(self):
        self.assert_estimate(START, END, {"decimation": {"interval": "PT1S", "method": "minmax"}},
                             SECONDS * RATE, SECONDS,
                             ["time", "sig0.min", "sig0.max", "sig1.min", "sig1.max",
                              "counter.min", "counter.max", "mode", "string8"])

    def test_interval_mean(self):
        self.assert_estimate(START, END, {"decimation": {"interval": "PT1S", "method": "mean"}},
                             SECONDS * RATE, SECONDS, ["time", "sig0", "sig1", "counter", "mode", "string8"])

    def test_interval_not_on_a_whole_second(self):
        # 30.5 s of samples from 10.250 s: buckets 0 to 30, the last one half full.
        self.assert_estimate(SHIFTED_START, SHIFTED_END,
                             {"decimation": {"interval": "PT1S", "method": "minmax"}},
                             30500, 31,
                             ["time", "sig0.min", "sig0.max", "sig1.min", "sig1.max",
                              "counter.min", "counter.max", "mode", "string8"])

    def test_interval_longer_than_the_range(self):
        self.assert_estimate(START, END, {"decimation": {"interval": "PT1H", "method": "rms"}},
                             SECONDS * RATE, 1, ["time", "sig0", "sig1", "counter", "mode", "string8"])

    def test_factor(self):
        self.assert_estimate(START, END, {"decimation": {"factor": 7, "method": "mean"}},
                             SECONDS * RATE, math.ceil(SECONDS * RATE / 7),
                             ["time", "sig0", "sig1", "counter", "mode", "string8"])

    def test_not_decimated(self):
        self.assert_estimate(START, END, {}, SECONDS * RATE, SECONDS * RATE,
                             ["time", "sig0", "sig1", "counter", "mode", "string8"])

    def test_typed_not_decimated(self):
        n = TYPED_SECONDS * TYPED_RATE
        self.assert_estimate(START, TYPED_END, {}, n, n,
                             ["time", "x", "x.valid", "state", "digest", "blob"], [TYPED])

    def test_typed_minmax_masks_each_output(self):
        n = TYPED_SECONDS * TYPED_RATE
        self.assert_estimate(START, TYPED_END,
                             {"decimation": {"interval": "PT10S", "method": "minmax"}}, n, 60,
                             ["time", "x.min", "x.min.valid", "x.max", "x.max.valid", "state",
                              "digest", "blob"], [TYPED])

    def test_typed_estimate_is_the_documented_formula(self):
        """docs/api.md's model, term by term: whole chunks of each dataset
        (those the file allocates, compared exactly), 24 heap bytes per
        variable-length value, and fixed costs per file, channel, dataset."""
        rows = 60
        # Elements per chunk and bytes per element, as the exporter sizes them.
        chunks = {"time": (16384, 8), "x.min": (16384, 8), "x.max": (16384, 8),
                  # A mask is chunked as its signal, one byte per row.
                  "x.min.valid": (16384, 1), "x.max.valid": (16384, 1),
                  # Three symbols fit an int8.
                  "state": (131072, 1),
                  # An opaque of the fixed size; a 16-byte descriptor per blob.
                  "digest": (8192, 16), "blob": (8192, 16)}
        chunk_bytes = {name: math.ceil(rows / per) * per * size
                       for name, (per, size) in chunks.items()}
        body = self.body(START, TYPED_END,
                         {"decimation": {"interval": "PT10S", "method": "minmax"}}, [TYPED])
        est = self.dry_run(body)["estimate"]
        self.assertEqual(est["bytes"], 8192 + 2048 + 1024 * len(chunks)
                         + sum(chunk_bytes.values()) + rows * 24)
        job = self.api.wait(self.api.submit(body), timeout=120)
        self.assertEqual(job["status"], "completed", job)
        with h5py.File(io.BytesIO(self.api.download(job["job_id"]).content), "r") as f:
            g = f[TYPED]
            self.assertEqual({name: g[name].id.get_storage_size() for name in g}, chunk_bytes)

    def test_generic_estimate_for_an_exporter_without_one(self):
        """A format whose exporter has no estimate callback gets the generic
        one of docs/api.md: per row 8 bytes of time and each value's size
        (float64 8, enum 4, a 16-byte fixed its size, variable bytes 16),
        decimated outputs as the exporter would be told them, no overhead."""
        n = TYPED_SECONDS * TYPED_RATE
        d = self.dry_run(self.body(START, TYPED_END, {"format": "crash"}, [TYPED]))
        self.assertEqual(d["format"], "crash")
        self.assertEqual(d["estimate"], {"samples": n, "rows": n, "bytes": n * (8 + 8 + 4 + 16 + 16),
                                         "compressed": False, "bytes_is_upper_bound": False,
                                         "bytes_basis": "generic"})
        # minmax turns x into x.min and x.max; 60 buckets of ten seconds.
        d = self.dry_run(self.body(START, TYPED_END,
                                   {"format": "crash",
                                    "decimation": {"interval": "PT10S", "method": "minmax"}},
                                   [TYPED]))
        self.assertEqual(d["estimate"]["bytes"], 60 * (8 + 8 + 8 + 4 + 16 + 16))
        self.assertEqual(d["estimate"]["bytes_basis"], "generic")

    def test_compressed_keeps_the_uncompressed_bytes(self):
        plain = self.dry_run(self.body(START, END, {}))["estimate"]
        body = self.body(START, END, {"compression": {"gzip": 1}})
        est = self.dry_run(body)["estimate"]
        self.assertEqual(est, {"samples": plain["samples"], "rows": plain["rows"],
                               "bytes": plain["bytes"], "compressed": True,
                               "bytes_is_upper_bound": True, "bytes_basis": "exporter"})
        size, _ = self.export(body)
        self.assertLessEqual(size, est["bytes"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
