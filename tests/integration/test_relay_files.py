#!/usr/bin/python3
"""The Avro cache that SpeedData's relay writes, read by a real pivotd.

The relay writes header-less block files: blocks of (count, byte size,
datums, the fixed 16-byte marker) with no `Obj\\x01` header and no schema;
the schema comes from SpeedData's configuration (`speeddata.root`: its
registry, relay.yaml, config/agents/<channel>.avsc) or from
`storage.channels.<name>.schema`. The files here are written by the helpers
below with Python's `avro` library (independent of pivot-gen-avro) and read
back by an independent reader (`avro.io.DatumReader` over the blocks), which
is the oracle every exported value is compared with.

Covered: the real relay output in tests/data/speeddata-relay, OCF and
header-less files mixed in one channel, schema versions, a schema that does
not fit, file names a minute off their data, a live file cut at many offsets
inside its last block (and growing), damaged middle blocks, time units
(logical types, configured, inferred from the magnitude), the precedence of
the schema sources, a missing schema, and a directory and a FIFO named like
data files.
"""

import io
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import avro.datafile  # noqa: E402
import avro.errors  # noqa: E402
import avro.io  # noqa: E402
import avro.schema  # noqa: E402
import h5py  # noqa: E402
import numpy  # noqa: E402

import pivot_harness as ph  # noqa: E402

# The relay's fixed sync marker (SpeedData's C relay and its older Python relay).
MARKER = bytes.fromhex("a48a1e90050424780a68337fc2509563")
FIXTURE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "data", "speeddata-relay"))
UNIT_NS = {"s": ph.NS, "ms": 1000000, "us": 1000, "ns": 1}
T0 = 1796393460  # seconds; the fixture's first second (2026-12-04T14:11:00Z)
NS_FIELD = {"name": "time", "type": "long", "logicalType": "timestamp-nanos"}
PLAIN_TIME = {"name": "time", "type": "long"}
REGISTRY_TABLE = """CREATE TABLE channels (
    name TEXT PRIMARY KEY, port INTEGER UNIQUE NOT NULL, schema_path TEXT NOT NULL,
    config_json TEXT, status TEXT DEFAULT 'registered',
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, pid INTEGER, last_heartbeat TIMESTAMP)"""



# ---------------------------------------------------------------- schemas

def record_schema(fields, name="sample"):
    return {"type": "record", "name": name, "fields": fields}


def without_logical_types(node):
    """The schema with every logicalType dropped: the same binary encoding,
    but Python's avro then reads and writes plain numbers (it wants datetime
    objects for timestamp-millis/micros types)."""
    if isinstance(node, dict):
        return {k: without_logical_types(v) for k, v in node.items() if k != "logicalType"}
    if isinstance(node, list):
        return [without_logical_types(v) for v in node]
    return node


def parse(schema):
    return avro.schema.parse(json.dumps(without_logical_types(schema)))


def write_avsc(path, schema):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(schema, f, indent=2)
    return path


# ---------------------------------------------------------------- writing relay files

def avro_long(n):
    buf = io.BytesIO()
    avro.io.BinaryEncoder(buf).write_long(n)
    return buf.getvalue()


def encode_datum(parsed, record):
    buf = io.BytesIO()
    avro.io.DatumWriter(parsed).write(record, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


def relay_blocks(schema, records):
    """The blocks the C relay writes, one datum each: count 1, byte size,
    datum, marker."""
    parsed = parse(schema)
    blocks = []
    for rec in records:
        datum = encode_datum(parsed, rec)
        blocks.append(avro_long(1) + avro_long(len(datum)) + datum + MARKER)
    return blocks


def write_relay_file(path, schema, records, mtime=None):
    """Writes a header-less relay file; returns the offset of each block and,
    last, the file's length."""
    blocks = relay_blocks(schema, records)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    offsets = [0]
    with open(path, "wb") as f:
        for b in blocks:
            f.write(b)
            offsets.append(offsets[-1] + len(b))
    set_mtime(path, mtime)
    return offsets


def write_ocf_file(path, schema, records, marker=MARKER, mtime=None):
    """An Avro object container file as SpeedData's older Python relay writes
    it: header with the schema, one datum per block, its fixed marker."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(),
                                              avro.schema.parse(json.dumps(schema)))
        writer.sync_marker = marker
        for rec in records:
            writer.append(rec)
            writer.flush()
        writer.close()
    set_mtime(path, mtime)


def set_mtime(path, mtime):
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def data_file(folder, seconds):
    return os.path.join(folder, "data_%d.avro" % seconds)


# ---------------------------------------------------------------- the independent reader

class NotRelayBlocks(ValueError):
    pass


def read_relay_bytes(data, schema):
    """Every record of header-less relay blocks, decoded by Python's avro;
    NotRelayBlocks when the bytes are not such blocks of this schema."""
    if data[:4] == b"Obj\x01":
        raise NotRelayBlocks("an object container file")
    reader = avro.io.DatumReader(parse(schema))
    buf = io.BytesIO(data)
    dec = avro.io.BinaryDecoder(buf)
    records = []
    try:
        while buf.tell() < len(data):
            count, size = dec.read_long(), dec.read_long()
            start = buf.tell()
            if count < 1 or size < 0 or start + size + len(MARKER) > len(data):
                raise NotRelayBlocks("block at %d: count %d, size %d" % (start, count, size))
            for _ in range(count):
                records.append(reader.read(dec))
            if buf.tell() - start != size:
                raise NotRelayBlocks("block at %d: datums of %d bytes, size says %d"
                                     % (start, buf.tell() - start, size))
            if buf.read(len(MARKER)) != MARKER:
                raise NotRelayBlocks("block at %d: no marker after it" % start)
    except (avro.errors.AvroException, UnicodeDecodeError, EOFError, IndexError) as e:
        raise NotRelayBlocks(str(e))
    return records


def read_relay_file(path, schema):
    with open(path, "rb") as f:
        return read_relay_bytes(f.read(), schema)


def load_json(path):
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------- comparing exports

SIGNAL_TYPES = {"double": "float64", "float": "float32", "int": "int32", "long": "int64",
                "string": "string", "boolean": "bool"}


def signals_of(schema):
    """(name, type) of the schema's signals as GET /channels lists them."""
    return [(f["name"], SIGNAL_TYPES[f["type"]]) for f in schema["fields"] if f["name"] != "time"]


def comparable(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    return v


def text_attr(group, name):
    v = group.attrs[name]
    return v.decode() if isinstance(v, bytes) else str(v)


class RelayCase(ph.ServerCase):
    """A server over files written by the test; helpers shared by the classes."""

    def channels(self, pattern=None):
        path = ph.API + "/channels" + ("?pattern=" + pattern if pattern else "")
        r = self.api.get(path)
        self.assertEqual(r.status_code, 200, r.text)
        return {c["name"]: c for c in r.json()["channels"]}

    def channel(self, name):
        chans = self.channels(name)
        self.assertEqual(list(chans), [name])
        return chans[name]

    @staticmethod
    def body(channels, start_ns, end_ns, signals=None):
        body = {"time_range": ph.absolute(ph.format_ns(start_ns), ph.format_ns(end_ns)),
                "channels": {"include": list(channels)}}
        if signals is not None:
            body["signals"] = signals
        return body

    def export(self, channels, start_ns, end_ns, signals=None):
        """Runs the job to completion; returns it and the path of its file."""
        job, content = self.run_export(self.body(channels, start_ns, end_ns, signals))
        return job, self.save_export(job["job_id"] + ".h5", content)

    def assert_group(self, group, times_ns, columns):
        """The group holds exactly these times (int64 ns) and signal values."""
        self.assertEqual(group["time"].dtype, numpy.dtype("<i8"))
        self.assertEqual(group["time"][:].tolist(), times_ns)
        self.assertEqual(sorted(k for k in group.keys() if not ph.is_dimension_only(group[k])),
                         sorted(["time"] + list(columns)))
        for name, want in columns.items():
            got = [comparable(v) for v in ph.read_values(group[name])]
            self.assertEqual(got, [comparable(v) for v in want], "%s/%s" % (group.name, name))

    def assert_records(self, group, records, unit, fields):
        """The group holds these records, their times converted from unit."""
        self.assert_group(group, [r["time"] * UNIT_NS[unit] for r in records],
                          {f: [r[f] for r in records] for f in fields})

    def assert_units(self, group, unit, unit_source, schema_source):
        self.assertEqual(text_attr(group, "time_unit"), unit)
        self.assertEqual(text_attr(group, "time_unit_source"), unit_source)
        self.assertEqual(text_attr(group, "schema_source"), schema_source)

    def assert_complete(self, job):
        """Every record of the files was exported. The ranges asked reach past
        the files' last records, which the result names as partial data."""
        res = job["result"]
        self.assertEqual(res["warnings"], [], job)
        self.assertEqual(res["channels_missing"], [], job)
        self.assertEqual({m["kind"] for m in res["missing_data"]},
                         {"partial-data"} if res["missing_data"] else set(), job)
        self.assertIs(res["partial"], bool(res["missing_data"]), job)

    def assert_partial(self, job):
        self.assertIs(job["result"]["partial"], True, job)
        self.assertEqual(job["result"]["channels_missing"], [], job)

    def file_warning(self, job, file_name, *words):
        """The one warning that names the file; it names no server path and
        holds each of words."""
        warnings = job["result"]["warnings"]
        hits = [w for w in warnings if file_name in w]
        self.assertEqual(len(hits), 1, warnings)
        w = hits[0]
        self.assertNotIn("/" + file_name, w)
        self.assertNotIn(self.work.path, w)
        self.assertNotIn(os.path.realpath(self.work.path), w)
        for word in words:
            self.assertIn(word, w)
        return w


# ================================================================ (1) the real relay output

class FixtureTest(RelayCase):
    """The fixture as it is, configured only by `speeddata.root`: the data
    folder from its config/global.yaml (pivotd gets no --data-dir), the
    schemas from its registry."""

    WORK_PREFIX = "pivot-relay-fixture-"

    @classmethod
    def write_data(cls, data):
        cls.root = cls.work.sub("speeddata")
        shutil.copytree(FIXTURE, cls.root)
        cls.CONFIG = 'speeddata:\n  root: "%s"\n' % cls.root
        cls.manifest = load_json(os.path.join(cls.root, "manifest.json"))
        # channel -> (schema, unit, [(file, records or None when not relay blocks)])
        cls.oracle = {}
        for name, entry in cls.manifest.items():
            schema = load_json(os.path.join(cls.root, entry["schema"]))
            files = []
            for f in entry["files"]:
                try:
                    recs = read_relay_file(os.path.join(cls.root, "data", name, f["file"]),
                                           schema)
                except NotRelayBlocks:
                    recs = None
                files.append((f["file"], recs))
            cls.oracle[name] = (schema, entry["time_unit"], files)

    @classmethod
    def make_server(cls, data, state, config):
        return ph.Server(None, state, config)

    def readable(self, name):
        """The records of the channel's relay files, in time order."""
        recs = []
        for _, r in self.oracle[name][2]:
            recs += r or []
        return recs

    def span_ns(self, name):
        unit = UNIT_NS[self.oracle[name][1]]
        recs = self.readable(name)
        return recs[0]["time"] * unit, recs[-1]["time"] * unit

    def test_fixture_matches_its_manifest(self):
        for name, entry in self.manifest.items():
            folder = os.path.join(self.root, "data", name)
            self.assertEqual(sorted(os.listdir(folder)), sorted(f["file"] for f in entry["files"]))
            for f, (fname, recs) in zip(entry["files"], self.oracle[name][2]):
                with self.subTest(channel=name, file=fname):
                    self.assertIsNotNone(recs)
                    self.assertEqual(len(recs), f["records_sent"])
                    self.assertEqual(recs[0]["time"], f["first_time"])
                    self.assertEqual(recs[-1]["time"], f["last_time"])
                    times = [r["time"] for r in recs]
                    self.assertEqual(times, sorted(set(times)))

    def test_channels_listing(self):
        chans = self.channels()
        self.assertEqual(sorted(chans), ["example", "temperature"])
        for name, unit, unit_source in (("example", "ns", "logical type"),
                                        ("temperature", "ms", "inferred")):
            with self.subTest(channel=name):
                c = chans[name]
                self.assertIsNone(c.get("error"), c)
                self.assertEqual([(s["name"], s["type"]) for s in c["signals"]],
                                 signals_of(self.oracle[name][0]))
                self.assertEqual(c["schema_source"], "registry")
                self.assertEqual(c["time_unit"], unit)
                self.assertEqual(c["time_unit_source"], unit_source)
                self.assertIs(c["has_data"], True)
                first, last = self.span_ns(name)
                self.assertEqual(c["first"], ph.format_ns(first))
                self.assertEqual(c["last"], ph.format_ns(last))
        self.assertAlmostEqual(chans["temperature"]["rate_hz"], 10, delta=0.01)

    def test_every_value_of_every_channel(self):
        start, end = T0 * ph.NS, (T0 + 80) * ph.NS
        job, path = self.export(["example", "temperature"], start, end)
        res = job["result"]
        ex_first, ex_last = self.span_ns("example")
        te_first, te_last = self.span_ns("temperature")
        n_ex, n_te = len(self.readable("example")), len(self.readable("temperature"))
        self.assertEqual((n_ex, n_te), (3000, 800))
        # The range reaches past example's data, not past temperature's.
        self.assertEqual([c.pop("missing_data", {"kind": None})["kind"] for c in res["channels"]],
                         ["partial-data", None])
        self.assertEqual(res["channels"], [
            {"name": "example", "samples": n_ex, "first": ph.format_ns(ex_first),
             "last": ph.format_ns(ex_last)},
            {"name": "temperature", "samples": n_te, "first": ph.format_ns(te_first),
             "last": ph.format_ns(te_last)}])
        self.assertEqual(res["samples_exported"], n_ex + n_te)
        self.assertEqual(res["time_range_actual"],
                         {"start": ph.format_ns(ex_first), "end": ph.format_ns(te_last)})
        self.assert_complete(job)
        self.assertEqual(res["warnings"], [])
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(f.keys()), ["example", "temperature"])
            for name, schema_source, unit_source in (
                    ("example", "registry", "logical type"),
                    ("temperature", "registry", "inferred")):
                schema, unit, _ = self.oracle[name]
                g = f[name]
                self.assert_records(g, self.readable(name), unit,
                                    [s for s, _ in signals_of(schema)])
                self.assert_units(g, unit, unit_source, schema_source)
            self.assertEqual(f["example"]["counter"].dtype, numpy.dtype("<i4"))
            self.assertEqual(f["temperature"]["temperature_c"].dtype, numpy.dtype("<f8"))

    def test_sync_export_of_temperature_is_complete(self):
        # SpeedData's own synchronous endpoint, across the two files' seam.
        start, end = T0 * ph.NS + 39900 * 1000000, T0 * ph.NS + 40200 * 1000000
        r = self.api.get(ph.API + "/export", params={
            "start": ph.format_ns(start), "end": ph.format_ns(end),
            "channels": "temperature"})
        self.assertEqual(r.status_code, 200, r.text)
        path = self.save_export("sync.h5", r.content)
        want = [rec for rec in self.readable("temperature")
                if start <= rec["time"] * 1000000 < end]
        self.assertEqual([rec["time"] for rec in want],
                         [(T0 + 39) * 1000 + 900, (T0 + 40) * 1000, (T0 + 40) * 1000 + 100])
        with h5py.File(path, "r") as f:
            self.assert_records(f["temperature"], want, "ms",
                                [s for s, _ in signals_of(self.oracle["temperature"][0])])
            job_id = text_attr(f, "job_id")
        job = self.api.job(job_id)
        self.assert_complete(job)
        self.assertEqual(job["result"]["time_range_actual"]["end"],
                         ph.format_ns(want[-1]["time"] * 1000000))


# ================================================================ (2) (3) (5) (6) (11) file kinds

MIXED_SCHEMA = record_schema([NS_FIELD, {"name": "message", "type": "string"},
                              {"name": "counter", "type": "int"},
                              {"name": "value", "type": "double"}])
OLD_SCHEMA = record_schema([NS_FIELD, {"name": "a", "type": "double"}])
NEW_SCHEMA = record_schema([NS_FIELD, {"name": "a", "type": "double"},
                            {"name": "b", "type": "double"}, {"name": "n", "type": "int"}])
# Fits neither version: one double more than NEW_SCHEMA.
ALIEN_SCHEMA = record_schema([NS_FIELD, {"name": "a", "type": "double"},
                              {"name": "b", "type": "double"}, {"name": "n", "type": "int"},
                              {"name": "c", "type": "double"}])
SIMPLE_SCHEMA = record_schema([NS_FIELD, {"name": "v", "type": "double"}])


def ten_hz(t0_s, count, first=0, **columns):
    """count records at 10 Hz from t0_s (times in ns): records first to
    first + count - 1 of a series whose record 0 is at t0_s; columns maps a
    field to a function of the record's index."""
    recs = []
    for i in range(first, first + count):
        rec = {"time": t0_s * ph.NS + i * (ph.NS // 10)}
        for field, fn in columns.items():
            rec[field] = fn(i)
        recs.append(rec)
    return recs


def mixed_records(t0_s, first):
    return ten_hz(t0_s, 30, first, message=lambda i: "m%d-é" % i, counter=lambda i: i * 3 - 40,
                  value=lambda i: math.sin(i / 7.0) * 1e3)


class FileKindsTest(RelayCase):
    WORK_PREFIX = "pivot-relay-kinds-"

    @classmethod
    def write_data(cls, data):
        schemas = cls.work.sub("schemas")
        mixed_avsc = write_avsc(os.path.join(schemas, "mixed.avsc"), MIXED_SCHEMA)
        old_avsc = write_avsc(os.path.join(schemas, "old.avsc"), OLD_SCHEMA)
        new_avsc = write_avsc(os.path.join(schemas, "new.avsc"), NEW_SCHEMA)
        nofit_v1 = write_avsc(os.path.join(schemas, "nofit_v1.avsc"), OLD_SCHEMA)
        nofit_v2 = write_avsc(os.path.join(schemas, "nofit_v2.avsc"), NEW_SCHEMA)
        simple_avsc = write_avsc(os.path.join(schemas, "simple.avsc"), SIMPLE_SCHEMA)

        # (2) one channel, both kinds: the old Python relay's OCF (with the
        # fixed marker, and with a random one) and the C relay's blocks.
        d = os.path.join(data, "mixed")
        cls.mixed = []
        for k, kind in enumerate(("ocf", "relay", "ocf-random-marker", "relay")):
            t = T0 + 3 * k
            recs = mixed_records(T0, 30 * k)
            if kind == "relay":
                write_relay_file(data_file(d, t), MIXED_SCHEMA, recs, mtime=t)
            else:
                write_ocf_file(data_file(d, t), MIXED_SCHEMA, recs,
                               MARKER if kind == "ocf" else os.urandom(16), mtime=t)
            cls.mixed += recs

        # (3) two schema versions, the newer adds b and n.
        d = os.path.join(data, "versions")
        cls.versions_old = ten_hz(T0, 20, a=lambda i: i * 0.25)
        cls.versions_new = ten_hz(T0, 20, 20, a=lambda i: -1.5 * i, b=lambda i: i / 8.0,
                                  n=lambda i: 7 * i - 3)
        write_relay_file(data_file(d, T0), OLD_SCHEMA, cls.versions_old, mtime=T0)
        write_relay_file(data_file(d, T0 + 2), NEW_SCHEMA, cls.versions_new, mtime=T0 + 2)

        # (5) a file that no configured version fits, between two that fit.
        d = os.path.join(data, "nofit")
        cls.nofit_good = (ten_hz(T0, 20, a=lambda i: i + 0.5, b=lambda i: -0.75 * i,
                                 n=lambda i: i)
                          + ten_hz(T0, 20, 40, a=lambda i: i * 2.0))
        write_relay_file(data_file(d, T0), NEW_SCHEMA, cls.nofit_good[:20], mtime=T0)
        write_relay_file(data_file(d, T0 + 2), ALIEN_SCHEMA,
                         ten_hz(T0, 20, 20, a=float, b=float, n=int, c=float), mtime=T0 + 2)
        write_relay_file(data_file(d, T0 + 4), OLD_SCHEMA, cls.nofit_good[20:], mtime=T0 + 4)
        cls.nofit_name = "data_%d.avro" % (T0 + 2)

        # (6) names a minute off their data, so that name order is not time order:
        # [T0, T0+20) named T0+60, [T0+20, T0+40) named T0-40, [T0+40, T0+60) named T0+100.
        d = os.path.join(data, "skewed")
        cls.skewed = []
        for k, name_s in enumerate((T0 + 60, T0 - 40, T0 + 100)):
            recs = ten_hz(T0, 200, 200 * k, v=lambda i: i * 1.25)
            write_relay_file(data_file(d, name_s), SIMPLE_SCHEMA, recs, mtime=name_s)
            cls.skewed += recs

        # (11) a directory and a FIFO named like data files beside two files.
        d = os.path.join(data, "entries")
        cls.entries = ten_hz(T0, 20, v=lambda i: i * 0.5) + ten_hz(T0, 20, 60, v=lambda i: -i)
        write_relay_file(data_file(d, T0), SIMPLE_SCHEMA, cls.entries[:20], mtime=T0)
        os.mkdir(data_file(d, T0 + 2))
        os.mkfifo(data_file(d, T0 + 4))
        write_relay_file(data_file(d, T0 + 6), SIMPLE_SCHEMA, cls.entries[20:], mtime=T0 + 6)
        cls.entry_names = ["data_%d.avro" % (T0 + 2), "data_%d.avro" % (T0 + 4)]

        cls.CONFIG = """storage:
  channels:
    mixed:
      schema: "%s"
    versions:
      schema:
        - "%s"
        - "%s"
    nofit:
      schema: ["%s", "%s"]
    skewed:
      schema: "%s"
    entries:
      schema: "%s"
""" % (mixed_avsc, old_avsc, new_avsc, nofit_v1, nofit_v2, simple_avsc, simple_avsc)

    # ---- (2)

    def test_mixed_ocf_and_relay_files(self):
        c = self.channel("mixed")
        self.assertEqual([(s["name"], s["type"]) for s in c["signals"]], signals_of(MIXED_SCHEMA))
        self.assertEqual(c["schema_source"], "storage.channels")
        self.assertEqual((c["time_unit"], c["time_unit_source"]), ("ns", "logical type"))
        self.assertEqual(c["first"], ph.format_ns(self.mixed[0]["time"]))
        self.assertEqual(c["last"], ph.format_ns(self.mixed[-1]["time"]))
        job, path = self.export(["mixed"], T0 * ph.NS, (T0 + 60) * ph.NS)
        self.assert_complete(job)
        self.assertEqual(job["result"]["samples_exported"], 120)
        with h5py.File(path, "r") as f:
            self.assert_records(f["mixed"], self.mixed, "ns", ["message", "counter", "value"])
            self.assert_units(f["mixed"], "ns", "logical type", "storage.channels")

    # ---- (3)

    def test_versions_listing_shows_the_newest(self):
        c = self.channel("versions")
        self.assertEqual([(s["name"], s["type"]) for s in c["signals"]],
                         [("a", "float64"), ("b", "float64"), ("n", "int32")])
        self.assertEqual(c["schema_source"], "storage.channels")
        self.assertIs(c["has_data"], True)

    def test_old_files_get_the_fill_values(self):
        job, path = self.export(["versions"], T0 * ph.NS, (T0 + 10) * ph.NS)
        self.assert_complete(job)
        filled = [dict(r, b=float("nan"), n=0) for r in self.versions_old]
        with h5py.File(path, "r") as f:
            g = f["versions"]
            self.assert_records(g, filled + self.versions_new, "ns", ["a", "b", "n"])
            self.assertTrue(math.isnan(g["b"].attrs["fill_value"]))
            self.assertEqual(int(g["n"].attrs["fill_value"]), 0)

    # ---- (5)

    def test_file_no_version_fits_is_skipped_with_a_warning(self):
        job, path = self.export(["nofit"], T0 * ph.NS, (T0 + 10) * ph.NS)
        self.assert_partial(job)
        self.assertEqual(len(job["result"]["warnings"]), 1, job)
        self.file_warning(job, self.nofit_name, "nofit_v1.avsc", "nofit_v2.avsc")
        self.assertEqual(job["result"]["samples_exported"], 40)
        want = self.nofit_good[:20] + [dict(r, b=float("nan"), n=0) for r in self.nofit_good[20:]]
        with h5py.File(path, "r") as f:
            self.assert_records(f["nofit"], want, "ns", ["a", "b", "n"])

    # ---- (6)

    def test_skewed_names_listing(self):
        c = self.channel("skewed")
        self.assertEqual(c["first"], ph.format_ns(T0 * ph.NS))
        self.assertEqual(c["last"], ph.format_ns((T0 + 60) * ph.NS - ph.NS // 10))

    def test_skewed_names_lose_and_add_nothing(self):
        # The whole range, and ranges a name-based choice of files would get wrong.
        for lo, hi in ((0, 600), (100, 300), (450, 550), (199, 201), (390, 410)):
            with self.subTest(first=lo, end=hi):
                start, end = T0 * ph.NS + lo * (ph.NS // 10), T0 * ph.NS + hi * (ph.NS // 10)
                job, path = self.export(["skewed"], start, end)
                self.assert_complete(job)
                want = self.skewed[lo:hi]
                self.assertEqual(job["result"]["samples_exported"], hi - lo)
                self.assertEqual(job["result"]["time_range_actual"],
                                 {"start": ph.format_ns(want[0]["time"]),
                                  "end": ph.format_ns(want[-1]["time"])})
                with h5py.File(path, "r") as f:
                    self.assert_records(f["skewed"], want, "ns", ["v"])

    # ---- (11)

    def test_directory_and_fifo_entries(self):
        c = self.channel("entries")
        self.assertIs(c["has_data"], True)
        self.assertEqual(c["first"], ph.format_ns(self.entries[0]["time"]))
        self.assertEqual(c["last"], ph.format_ns(self.entries[-1]["time"]))
        job, path = self.export(["entries"], T0 * ph.NS, (T0 + 10) * ph.NS)
        self.assert_partial(job)
        self.assertEqual(len(job["result"]["warnings"]), 2, job)
        for name in self.entry_names:
            self.file_warning(job, name)
        with h5py.File(path, "r") as f:
            self.assert_records(f["entries"], self.entries, "ns", ["v"])


# ================================================================ (7) (8) live and damaged files

LIVE_SCHEMA = record_schema([NS_FIELD, {"name": "a", "type": "double"},
                             {"name": "s", "type": "string"}])
LIVE_BLOCKS = 20


def live_records(first, n):
    return ten_hz(T0, n, first, a=lambda i: i * 1.5 - 7, s=lambda i: "rec-%03d" % i)


def last_block_cuts(block_len, datum_len):
    """Eight offsets inside a block of count (1 byte), size (1 byte), datum
    and marker: in the varints, in the datum, at its end, in the marker."""
    return [1, 2, 3, 2 + datum_len // 2, 2 + datum_len, 2 + datum_len + 1,
            2 + datum_len + 8, block_len - 1]


class LiveAndDamagedTest(RelayCase):
    WORK_PREFIX = "pivot-relay-live-"

    @classmethod
    def write_data(cls, data):
        avsc = write_avsc(cls.work.sub("schemas", "live.avsc"), LIVE_SCHEMA)
        channels = []

        # (7) the newest of two files cut inside its last block, one channel
        # per cut: the previous file is complete.
        cls.live_older = live_records(0, LIVE_BLOCKS)
        cls.live_newest = live_records(LIVE_BLOCKS, LIVE_BLOCKS)
        blocks = relay_blocks(LIVE_SCHEMA, cls.live_newest)
        whole = b"".join(blocks)
        last_start = len(whole) - len(blocks[-1])
        datum_len = len(blocks[-1]) - 2 - len(MARKER)
        assert whole[last_start:last_start + 2] == avro_long(1) + avro_long(datum_len)
        cls.cuts = [last_start + k for k in last_block_cuts(len(blocks[-1]), datum_len)]
        # A cut at or past the end of the last datum leaves its record whole:
        # the block's byte size says so, and the decoder checks it exactly.
        cls.datum_end = last_start + 2 + datum_len
        for k, cut in enumerate(cls.cuts):
            d = os.path.join(data, "live%d" % k)
            write_relay_file(data_file(d, T0), LIVE_SCHEMA, cls.live_older, mtime=T0)
            path = data_file(d, T0 + 2)
            with open(path, "wb") as f:
                f.write(whole[:cut])
            channels.append("live%d" % k)

        # The same, growing while the server runs.
        cls.grow_path = data_file(os.path.join(data, "growing"), T0 + 2)
        write_relay_file(data_file(os.path.join(data, "growing"), T0), LIVE_SCHEMA,
                         cls.live_older, mtime=T0)
        cls.grow_blocks = relay_blocks(LIVE_SCHEMA, live_records(LIVE_BLOCKS, 3 * LIVE_BLOCKS))
        with open(cls.grow_path, "wb") as f:
            f.write(b"".join(cls.grow_blocks[:9]) + cls.grow_blocks[9][:20])
        channels.append("growing")

        # (8) damaged blocks in the middle: in one file block 30 (count, size
        # and datum overwritten, its marker intact), in another blocks 20-22
        # (their markers too, but for the last one's).
        d = os.path.join(data, "damaged")
        cls.damaged_recs = live_records(0, 60), live_records(60, 60)
        cls.damaged_names = "data_%d.avro" % T0, "data_%d.avro" % (T0 + 6)
        cls.damaged_keep, cls.damaged_skipped = [], []
        for recs, name, (lo, hi) in zip(cls.damaged_recs, cls.damaged_names,
                                        ((30, 31), (20, 23))):
            path = os.path.join(d, name)
            offsets = write_relay_file(path, LIVE_SCHEMA, recs)
            with open(path, "r+b") as f:
                f.seek(offsets[lo])
                f.write(b"\xff" * (offsets[hi] - len(MARKER) - offsets[lo]))
            # Bytes from the end of the last good block to the start of the next.
            cls.damaged_skipped.append(offsets[hi] - offsets[lo])
            cls.damaged_keep += recs[:lo] + recs[hi:]
        channels.append("damaged")

        cls.CONFIG = "storage:\n  channels:\n" + "".join(
            '    %s:\n      schema: "%s"\n' % (name, avsc) for name in channels)

    def live_want(self, cut):
        """The records of a live channel whose newest file is cut at `cut`."""
        newest = self.live_newest if cut >= self.datum_end else self.live_newest[:-1]
        return self.live_older + newest

    def test_live_file_cut_inside_its_last_block(self):
        self.assertEqual(len(self.cuts), 8)
        self.assertEqual(sum(cut >= self.datum_end for cut in self.cuts), 4)
        for k, cut in enumerate(self.cuts):
            name = "live%d" % k
            want = self.live_want(cut)
            last = ph.format_ns(want[-1]["time"])
            with self.subTest(channel=name, cut=cut):
                job, path = self.export([name], T0 * ph.NS, (T0 + 10) * ph.NS)
                self.assert_complete(job)
                res = job["result"]
                self.assertEqual(res["samples_exported"], len(want))
                self.assertEqual(res["time_range_actual"]["end"], last)
                self.assertEqual(res["channels"][0]["last"], last)
                with h5py.File(path, "r") as f:
                    self.assert_records(f[name], want, "ns", ["a", "s"])

    def test_live_file_listing_ends_at_the_last_complete_block(self):
        chans = self.channels("live*")
        self.assertEqual(sorted(chans), ["live%d" % k for k in range(8)])
        for k, cut in enumerate(self.cuts):
            name = "live%d" % k
            c = chans[name]
            self.assertIsNone(c.get("error"), c)
            self.assertEqual(c["last"], ph.format_ns(self.live_want(cut)[-1]["time"]), name)

    def test_growing_file_is_read_again(self):
        recs = self.live_older + live_records(LIVE_BLOCKS, 3 * LIVE_BLOCKS)
        blocks = self.grow_blocks
        # (blocks written so far, cut bytes of the next) as the relay appends.
        steps = [(9, 20), (25, 5), (40, 0), (60, 0)]
        written = len(b"".join(blocks[:9])) + 20
        for n, part in steps:
            with self.subTest(blocks=n, part=part):
                data = b"".join(blocks[:n]) + (blocks[n][:part] if part else b"")
                with open(self.grow_path, "ab") as f:
                    f.write(data[written:])
                written = len(data)
                want = recs[:LIVE_BLOCKS + n]
                self.assertEqual(self.channel("growing")["last"],
                                 ph.format_ns(want[-1]["time"]))
                job, path = self.export(["growing"], T0 * ph.NS, (T0 + 10) * ph.NS)
                self.assert_complete(job)
                self.assertEqual(job["result"]["time_range_actual"]["end"],
                                 ph.format_ns(want[-1]["time"]))
                with h5py.File(path, "r") as f:
                    self.assert_records(f["growing"], want, "ns", ["a", "s"])

    def test_damaged_middle_blocks_are_skipped_and_counted(self):
        job, path = self.export(["damaged"], T0 * ph.NS, (T0 + 20) * ph.NS)
        self.assert_partial(job)
        self.assertEqual(len(job["result"]["warnings"]), 2, job)
        for name, skipped in zip(self.damaged_names, self.damaged_skipped):
            w = self.file_warning(job, name)
            self.assertRegex(w, r"(?<![0-9])%d(?![0-9])" % skipped)
        self.assertEqual(job["result"]["samples_exported"], 120 - 1 - 3)
        with h5py.File(path, "r") as f:
            self.assert_records(f["damaged"], self.damaged_keep, "ns", ["a", "s"])


# ================================================================ (9) time units

def unit_case(first, step, unit, field=None, type_logical=None, configured=None):
    """A channel's time column: n values from first by step, in unit; the
    logical type on the field or on the type, and a configured time_unit."""
    time = {"name": "time", "type": "long"}
    if type_logical:
        time["type"] = {"type": "long", "logicalType": type_logical}
    if field:
        time["logicalType"] = field
    return {"first": first, "step": step, "unit": unit, "configured": configured,
            "schema": record_schema([time, {"name": "v", "type": "double"}])}


UNIT_CASES = {
    # inferred from the magnitude of the first value
    "u_s": (unit_case(T0, 1, "s"), "inferred"),
    "u_ms": (unit_case(T0 * 1000, 100, "ms"), "inferred"),
    "u_us": (unit_case(T0 * 1000000, 100000, "us"), "inferred"),
    "u_ns": (unit_case(T0 * ph.NS, 100000000, "ns"), "inferred"),
    # the thresholds themselves (1973-03-03T09:46:40Z) belong to the finer unit
    "edge_ms": (unit_case(10 ** 11, 100, "ms"), "inferred"),
    "edge_us": (unit_case(10 ** 14, 100000, "us"), "inferred"),
    "edge_ns": (unit_case(10 ** 17, 100000000, "ns"), "inferred"),
    # a logical type, on the type or on the field, wins over the magnitude:
    # each first value is of the next coarser unit's magnitude (1970-01-21...)
    "lt_type_ms": (unit_case(T0, 100, "ms", type_logical="timestamp-millis"), "logical type"),
    "lt_type_us": (unit_case(T0 * 1000, 100000, "us", type_logical="timestamp-micros"),
                   "logical type"),
    "lt_type_ns": (unit_case(T0 * 1000000, 100000000, "ns", type_logical="timestamp-nanos"),
                   "logical type"),
    "lt_field_ms": (unit_case(T0, 100, "ms", field="timestamp-millis"), "logical type"),
    "lt_field_us": (unit_case(T0 * 1000, 100000, "us", field="timestamp-micros"),
                    "logical type"),
    # a configured time_unit wins over everything
    "cfg_us": (unit_case(T0 * 1000000, 100000, "us", field="timestamp-nanos", configured="us"),
               "configured"),
    "cfg_s": (unit_case(T0, 1, "s", type_logical="timestamp-millis", configured="s"),
              "configured"),
    "cfg_ms": (unit_case(T0, 100, "ms", configured="ms"), "configured"),
}
UNIT_RECORDS = 10


class TimeUnitTest(RelayCase):
    WORK_PREFIX = "pivot-relay-units-"

    @classmethod
    def write_data(cls, data):
        lines = ["storage:", "  channels:"]
        cls.records = {}
        for name, (case, _) in UNIT_CASES.items():
            avsc = write_avsc(cls.work.sub("schemas", name + ".avsc"), case["schema"])
            recs = [{"time": case["first"] + i * case["step"], "v": i * 0.5 - 1}
                    for i in range(UNIT_RECORDS)]
            # Named after the first record's second, as with synchronised clocks.
            first_s = case["first"] * UNIT_NS[case["unit"]] // ph.NS
            write_relay_file(data_file(os.path.join(data, name), first_s), case["schema"], recs)
            cls.records[name] = recs
            lines += ["    %s:" % name, '      schema: "%s"' % avsc]
            if case["configured"]:
                lines.append("      time_unit: %s" % case["configured"])
        cls.CONFIG = "\n".join(lines) + "\n"

    def test_listing_names_unit_and_how_it_was_found(self):
        chans = self.channels()
        self.assertEqual(sorted(chans), sorted(UNIT_CASES))
        for name, (case, source) in UNIT_CASES.items():
            with self.subTest(channel=name):
                c = chans[name]
                self.assertEqual((c["time_unit"], c["time_unit_source"]), (case["unit"], source))
                ns = UNIT_NS[case["unit"]]
                self.assertEqual(c["first"], ph.format_ns(self.records[name][0]["time"] * ns))
                self.assertEqual(c["last"], ph.format_ns(self.records[name][-1]["time"] * ns))

    def test_exported_time_is_int64_ns(self):
        for name, (case, source) in UNIT_CASES.items():
            with self.subTest(channel=name):
                recs = self.records[name]
                ns = UNIT_NS[case["unit"]]
                job, path = self.export([name], recs[0]["time"] * ns,
                                        recs[-1]["time"] * ns + 1)
                self.assert_complete(job)
                with h5py.File(path, "r") as f:
                    self.assert_records(f[name], recs, case["unit"], ["v"])
                    self.assert_units(f[name], case["unit"], source, "storage.channels")


# ================================================================ (4) (10) schema sources

def source_schema(signal, time=NS_FIELD):
    """Schemas that decode the same bytes and differ in their signal's name."""
    return record_schema([time, {"name": signal, "type": "double"}])


class SchemaSourcesTest(RelayCase):
    """Precedence: storage.channels, then the registry (here at the path
    speeddata.registry names; the root's own data/registry.db is a decoy),
    then relay.yaml, then <root>/config/agents/<channel>.avsc; an OCF file's
    own header; and global.yaml's avro_path loses to --data-dir."""

    WORK_PREFIX = "pivot-relay-sources-"

    @classmethod
    def write_data(cls, data):
        root = cls.work.sub("speeddata")
        agents = os.path.join(root, "config", "agents")
        schemas = os.path.join(root, "schemas")
        for signal in ("from_registry", "from_default_registry", "from_relay", "from_folder",
                       "flat_sig"):
            write_avsc(os.path.join(schemas, signal + ".avsc"), source_schema(signal))
        write_avsc(os.path.join(schemas, "x_relay.avsc"), source_schema(
            "x_relay", {"name": "time", "type": {"type": "long",
                                                 "logicalType": "timestamp-micros"}}))
        write_avsc(os.path.join(schemas, "x_reg.avsc"), source_schema("x_reg", PLAIN_TIME))
        for name in ("p_override", "p_registry", "p_relay", "p_folder"):
            write_avsc(os.path.join(agents, name + ".avsc"), source_schema("from_folder"))
        override = write_avsc(cls.work.sub("override.avsc"), source_schema("from_override"))

        with open(os.path.join(root, "config", "relay.yaml"), "w") as f:
            f.write("channels:\n")
            for port, (name, signal) in enumerate((
                    ("p_override", "from_relay"), ("p_registry", "from_relay"),
                    ("p_relay", "from_relay"), ("p_flat", "flat_sig"),
                    ("p_nodata_relay", "x_relay"))):
                f.write('  - name: "%s"\n    port: %d\n    schema: "schemas/%s.avsc"\n'
                        % (name, 26000 + port, signal))
        # global.yaml points elsewhere; pivotd's --data-dir wins.
        with open(os.path.join(root, "config", "global.yaml"), "w") as f:
            f.write('storage:\n  avro_path: "./decoy_data"\n')
        write_ocf_file(data_file(os.path.join(root, "decoy_data", "decoy"), T0),
                       source_schema("decoy"), ten_hz(T0, 5, decoy=float))

        def registry(path, rows):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            con = sqlite3.connect(path)
            con.execute(REGISTRY_TABLE)
            con.executemany("INSERT INTO channels (name, port, schema_path) VALUES (?, ?, ?)",
                            [(n, 27000 + i, "schemas/%s.avsc" % s)
                             for i, (n, s) in enumerate(rows)])
            con.commit()
            con.close()

        registry(os.path.join(root, "data", "registry.db"),
                 [("p_registry", "from_default_registry"), ("p_default_only", "x_reg")])
        other = cls.work.sub("registry", "channels.db")
        registry(other, [("p_override", "from_registry"), ("p_registry", "from_registry"),
                         ("p_nodata_reg", "x_reg")])

        cls.values = {}
        for name in ("p_override", "p_registry", "p_relay", "p_folder", "noschema"):
            recs = ten_hz(T0, 10, v=lambda i, n=len(cls.values): n * 100 + i * 0.5)
            write_relay_file(data_file(os.path.join(data, name), T0), SIMPLE_SCHEMA, recs)
            cls.values[name] = recs
        cls.values["p_flat"] = ten_hz(T0, 10, v=lambda i: 7.0 - i)
        flat = cls.work.sub("flat")
        write_relay_file(data_file(flat, T0), SIMPLE_SCHEMA, cls.values["p_flat"])
        # The default folder of p_flat, which its path setting replaces.
        write_relay_file(data_file(os.path.join(data, "p_flat"), T0 + 5), SIMPLE_SCHEMA,
                         ten_hz(T0 + 5, 10, v=float))
        cls.values["p_header"] = ten_hz(T0, 10, h=lambda i: i * 3.0)
        write_ocf_file(data_file(os.path.join(data, "p_header"), T0), source_schema("h"),
                       cls.values["p_header"])

        cls.CONFIG = """speeddata:
  root: "%s"
  registry: "%s"
storage:
  channels:
    p_override:
      schema: "%s"
    p_flat:
      path: "%s"
""" % (root, other, override, flat)

    EXPECTED = {
        "p_override": ("from_override", "storage.channels"),
        "p_registry": ("from_registry", "registry"),
        "p_relay": ("from_relay", "relay.yaml"),
        "p_folder": ("from_folder", "schema folder"),
        "p_flat": ("flat_sig", "relay.yaml"),
        "p_header": ("h", "file header"),
    }

    def test_listing_follows_the_precedence(self):
        chans = self.channels()
        self.assertEqual(sorted(chans), sorted(list(self.EXPECTED) + [
            "noschema", "p_nodata_reg", "p_nodata_relay"]))
        for name, (signal, source) in self.EXPECTED.items():
            with self.subTest(channel=name):
                c = chans[name]
                self.assertIsNone(c.get("error"), c)
                self.assertEqual([(s["name"], s["type"]) for s in c["signals"]],
                                 [(signal, "float64")])
                self.assertEqual(c["schema_source"], source)
                self.assertIs(c["has_data"], True)
                self.assertEqual((c["time_unit"], c["time_unit_source"]), ("ns", "logical type"))
                self.assertEqual(c["first"], ph.format_ns(self.values[name][0]["time"]))
                self.assertEqual(c["last"], ph.format_ns(self.values[name][-1]["time"]))

    def test_known_channels_without_data(self):
        chans = self.channels("p_nodata_*")
        relay, reg = chans["p_nodata_relay"], chans["p_nodata_reg"]
        self.assertEqual([s["name"] for s in relay["signals"]], ["x_relay"])
        self.assertEqual([s["name"] for s in reg["signals"]], ["x_reg"])
        self.assertEqual(relay["schema_source"], "relay.yaml")
        self.assertEqual(reg["schema_source"], "registry")
        self.assertEqual((relay["time_unit"], relay["time_unit_source"]), ("us", "logical type"))
        self.assertIsNone(reg["time_unit_source"])
        for c in (relay, reg):
            self.assertIs(c["has_data"], False)
            self.assertIsNone(c["first"])
            self.assertIsNone(c["last"])
            self.assertIsNone(c.get("error"), c)

    def test_exports_use_the_chosen_schema(self):
        names = list(self.EXPECTED)
        job, path = self.export(names, T0 * ph.NS, (T0 + 10) * ph.NS)
        self.assert_complete(job)
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(f.keys()), sorted(names))
            for name, (signal, source) in self.EXPECTED.items():
                recs = [{"time": r["time"], signal: r["v" if "v" in r else "h"]}
                        for r in self.values[name]]
                self.assert_records(f[name], recs, "ns", [signal])
                self.assert_units(f[name], "ns", "logical type", source)

    # ---- (4)

    def test_missing_schema_is_listed_with_an_error(self):
        c = self.channel("noschema")
        self.assertIsNone(c["signals"])
        self.assertIsInstance(c["error"], str)
        for where in ("storage.channels.noschema.schema", "registry", "relay.yaml",
                      "noschema.avsc"):
            self.assertIn(where, c["error"])

    def assert_unusable(self, r):
        self.assertEqual(r.status_code, 422, r.text)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
        p = r.json()
        self.assertTrue(p["type"].endswith("/unusable-channel"), p)
        self.assertEqual(p["field"], "channels")
        # Named once as the channel; a setting's or a schema file's name may
        # spell it as well.
        detail = p["detail"].replace("storage.channels.noschema.", "storage.channels.<name>.")
        detail = detail.replace("noschema.avsc", "<name>.avsc")
        self.assertEqual(len(re.findall(r"(?<![A-Za-z0-9_-])noschema(?![A-Za-z0-9_-])",
                                        detail)), 1, p["detail"])

    def test_missing_schema_job_is_unusable_channel(self):
        for channels in (["noschema"], ["p_relay", "noschema"]):
            with self.subTest(channels=channels):
                r, _ = self.api.post_job(self.body(channels, T0 * ph.NS, (T0 + 10) * ph.NS))
                self.assert_unusable(r)
        r = self.api.get(ph.API + "/export", params={
            "start": ph.format_ns(T0 * ph.NS), "duration": "PT10S", "channels": "noschema"})
        self.assert_unusable(r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
