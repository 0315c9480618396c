"""An output format whose plugin was built against plugin ABI 1.3, before
the enum and bytes types and the validity masks: a job selecting an enum
signal for it is refused at submission (422 unsupported-format naming the
signal), and a job of the other signals runs, the nulls of a nullable
integer reaching the format as their fill (0)."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import avro.datafile  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402

import pivot_harness as ph  # noqa: E402

CHANNEL = "plant"
RECORDS = 30
STEP_NS = ph.NS // 10
START_NS = ph.parse_rfc3339_ns(ph.DEFAULT_START)
FIELDS = [{"name": "time", "type": "long", "logicalType": "timestamp-nanos"},
          {"name": "x", "type": "double"},
          {"name": "n", "type": ["null", "int"]},
          {"name": "state", "type": {"type": "enum", "name": "State",
                                     "symbols": ["OFF", "ON", "FAULT"]}}]


def n_of(i):
    """The nullable integer: null when i % 3 == 1."""
    return None if i % 3 == 1 else 5 * i + 1


def write_channel(data):
    os.makedirs(os.path.join(data, CHANNEL))
    schema = avro.schema.parse(json.dumps({"type": "record", "name": "sample",
                                           "fields": FIELDS}))
    with open(os.path.join(data, CHANNEL, "data_0.avro"), "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema)
        for i in range(RECORDS):
            writer.append({"time": START_NS + i * STEP_NS, "x": i / 4.0, "n": n_of(i),
                           "state": ["OFF", "ON", "FAULT"][i % 3]})
        writer.close()


class OldExporterTest(ph.ServerCase):
    WORK_PREFIX = "pivot-old-exporter-"

    @classmethod
    def write_data(cls, data):
        write_channel(data)

    @classmethod
    def make_server(cls, data, state, config):
        # The normal plugins plus the ABI 1.3 exporter, linked into one directory.
        plugins = ph.link_plugins(cls.work.sub("plugins"),
                                  {"old_rows.so": os.environ["PIVOT_OLD_ROWS_PLUGIN"]})
        return ph.Server(data, state, config, plugins=plugins)

    def body(self, signals):
        end = ph.format_ns(START_NS + RECORDS * STEP_NS)
        return {"time_range": ph.absolute(ph.DEFAULT_START, end),
                "channels": {"include": [CHANNEL]}, "signals": {CHANNEL: signals},
                "options": {"format": "rows"}}

    def test_an_enum_signal_is_refused_at_submission(self):
        for signals in (["x", "state"], "*"):
            with self.subTest(signals=signals):
                r, _ = self.api.post_job(self.body(signals))
                self.assertEqual(r.status_code, 422, r.text)
                p = r.json()
                self.assertEqual(p["type"], "/api/v1/problems/unsupported-format")
                self.assertEqual(p["field"], "options.format")
                self.assertEqual(
                    p["detail"],
                    'options.format: format "rows" was built against plugin ABI 1.3 and cannot '
                    'write enum signal "plant/state"; leave the signal out, or use a build of '
                    "the format's plugin for ABI 1.4 or later")
        # Nothing was queued by the refusals.
        self.assertEqual(self.api.get(ph.API + "/jobs").json()["total"], 0)

    def test_other_signals_export_with_nulls_as_fill(self):
        _, content = self.run_export(self.body(["x", "n"]))
        total = sum(v for v in map(n_of, range(RECORDS)) if v is not None)
        self.assertEqual(content.decode().splitlines(), [
            "channel plant", "signal x float64", "signal n int32", "rows %d" % RECORDS,
            "sum x 0", "sum n %d" % total])


if __name__ == "__main__":
    unittest.main(verbosity=2)
