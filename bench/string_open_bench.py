#!/usr/bin/python3
"""String signals benchmark: opening an export's channels in xarray with the
demo's `mode` signal as variable-length strings (the layout before short
strings became character arrays) and as the exporter writes it now.

Generates a cache of CHANNELS channels (sig0, counter, mode) at 200 Hz with
pivot-gen-avro (kept in --data and reused), exports it with a real
`pivotd serve` (default compression, gzip 1), and makes the "before" file
from the export by rewriting each `mode` as variable-length UTF-8 strings
with the same values, chunks and filters. Then, in the same run, for each xarray engine installed, the median of
--repeat runs of two things over every channel: opening it with
`xr.open_dataset(path, group=...)` (lazy: what a researcher's first call
costs; xarray already inspects each variable), and opening and loading it
(`.load()`: every value decoded), of

  floor    the same channels without `mode` (drop_variables): what the
           numbers cost, the least any layout of `mode` could add to
  before   mode as variable-length strings
  after    mode as the export has it (a character array of 8-byte rows)

With --format netcdf the export is a NetCDF-4 file (`"format": "netcdf"`,
with `{"gzip": 1}` asked for as the hdf5 default has it) whose `mode` is a
character array `(time, mode_strlen)`, and the "before" file is the same
file rewritten with netCDF4-python with `mode` as NC_STRING, as the netcdf
exporter wrote every string before (chunks of 16,384, no filters).

beside a second floor for loading: turning mode's bytes, already in memory,
into the Python `str` objects xarray hands out (one per sample), which any
layout that gives strings pays. With the netCDF4 engine, the open floor is
also shown in its two parts: opening and closing the whole file with
`netCDF4.Dataset` once per channel (each `open_dataset(path, group=...)`
starts with that: netCDF-C reads the metadata of every group, netCDF4-python
makes an object of each, the call closes it all again), and opening the
same channels from one open file (xarray's `NetCDF4DataStore` on each group:
xarray's own work, mostly decoding each `time` to datetime64). Also mode's bytes a sample in each file
(the after file's dataset storage; the before file's size minus the after
file's size plus that storage, as the variable-length strings also live in
the global heap). Last, the client's `speeddata_pivot.to_xarray(path)`, which
opens the file once and every channel through it, on both files, and beside
the researcher's loop of `open_dataset` calls on the before file with each
engine. Benchmarks are not tests: nothing here asserts a time.

    /usr/bin/python3 bench/string_open_bench.py --build BUILD_DIR [--channels 40 --seconds 1800]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import h5py
import numpy
import xarray

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_bench import API, START, Server, iso  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients",
                                "python"))
import speeddata_pivot  # noqa: E402

RATE = 200


def generate(gen, data, channels, seconds):
    stamp = os.path.join(data, ".generated")
    want = "strings %d %d %d\n" % (channels, seconds, RATE)
    if os.path.exists(stamp) and open(stamp).read() == want:
        return
    shutil.rmtree(data, ignore_errors=True)
    subprocess.run([gen, "--out", data, "--channels", str(channels), "--seconds", str(seconds),
                    "--rate", str(RATE), "--signals", "1", "--with-mode", "--start", START,
                    "--jobs", "2"], check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(want)


def export(server, channels, seconds, path, fmt):
    body = {"time_range": {"type": "absolute", "start": iso(0), "end": iso(seconds)},
            "channels": {"include": ["ch%03d" % c for c in range(channels)]}}
    if fmt == "netcdf":
        body["options"] = {"format": "netcdf", "compression": {"gzip": 1}}
    r = server.http.post(server.base + API + "/jobs", data=json.dumps(body),
                         headers={"Content-Type": "application/json"})
    if r.status_code != 202:
        raise RuntimeError("POST: %d %s" % (r.status_code, r.text))
    job_id = r.json()["job_id"]
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        job = server.http.get(server.base + API + "/jobs/" + job_id + "?wait=30").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            break
    if job["status"] != "completed":
        raise RuntimeError("job %s: %s" % (job_id, json.dumps(job)))
    with server.http.get(server.base + API + "/jobs/" + job_id + "/download", stream=True) as r:
        r.raise_for_status()
        with open(path, "wb") as f:
            for block in r.iter_content(1 << 20):
                f.write(block)


def rewrite_as_vlen(path, channels):
    """Each channel's `mode` as variable-length strings, as exports stored it before."""
    with h5py.File(path, "r+") as f:
        for c in range(channels):
            g = f["ch%03d" % c]
            old = g["mode"]
            values = [r.decode() for r in old[...].view("S%d" % old.shape[1]).reshape(-1)]
            attrs = {k: v for k, v in old.attrs.items()
                     if k not in ("DIMENSION_LIST", "_Encoding")}
            chunk = old.chunks[0]
            # Detached first: the scales would keep references to a dataset that is gone.
            old.dims[0].detach_scale(g["time"])
            old.dims[1].detach_scale(g["string8"])
            del g["mode"]
            del g["string8"]
            new = g.create_dataset("mode", data=numpy.array(values, dtype=object),
                                   dtype=h5py.string_dtype("utf-8"), chunks=(chunk,),
                                   maxshape=(None,), compression="gzip", compression_opts=1,
                                   shuffle=True)
            for k, v in attrs.items():
                new.attrs[k] = v
            new.dims[0].attach_scale(g["time"])


def rewrite_nc_as_string(src, dst, channels):
    """A copy of the NetCDF export with each `mode` as NC_STRING, as the netcdf exporter
    wrote strings before (16,384-element chunks, as it sized them for pointers)."""
    import netCDF4

    with netCDF4.Dataset(src) as a, netCDF4.Dataset(dst, "w") as b:
        b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
        for c in range(channels):
            ga = a.groups["ch%03d" % c]
            gb = b.createGroup("ch%03d" % c)
            gb.setncatts({k: ga.getncattr(k) for k in ga.ncattrs()})
            gb.createDimension("time", None)
            for name, va in ga.variables.items():
                attrs = {k: va.getncattr(k) for k in va.ncattrs()
                         if k not in ("_Encoding", "_FillValue")}
                if name == "mode":
                    vb = gb.createVariable("mode", str, ("time",), chunksizes=(16384,))
                    vb[:] = numpy.asarray(va[:], dtype=object)
                else:
                    f = va.filters()
                    va.set_auto_maskandscale(False)
                    vb = gb.createVariable(name, va.dtype, va.dimensions,
                                           chunksizes=va.chunking(), zlib=f["zlib"],
                                           complevel=f["complevel"], shuffle=f["shuffle"],
                                           fill_value=False)
                    vb.set_auto_maskandscale(False)
                    vb[:] = va[:]
                vb.setncatts(attrs)


def open_all(path, channels, engine, drop, load):
    t0 = time.perf_counter()
    for c in range(channels):
        with xarray.open_dataset(path, group="ch%03d" % c, engine=engine,
                                 drop_variables=["mode"] if drop else None) as ds:
            if load:
                ds.load()
    return time.perf_counter() - t0


def client_open_all(path, channels):
    """Seconds to open every channel through the client's to_xarray (one open file)."""
    t0 = time.perf_counter()
    with speeddata_pivot.to_xarray(path) as by_name:
        for c in range(channels):
            by_name["ch%03d" % c]
    return time.perf_counter() - t0


def netcdf4_floor_parts(path, channels):
    """Seconds of the netCDF4 floor's two parts (see the module's docstring)."""
    import netCDF4
    from xarray.backends import NetCDF4DataStore

    t0 = time.perf_counter()
    for _ in range(channels):
        netCDF4.Dataset(path).close()
    t1 = time.perf_counter()
    # Not closed one by one: closing a group's store would close the file.
    with netCDF4.Dataset(path) as root:
        for c in range(channels):
            xarray.open_dataset(NetCDF4DataStore(root.groups["ch%03d" % c]),
                                drop_variables=["mode"])
    return t1 - t0, time.perf_counter() - t1


def str_objects(path, channels):
    """Seconds to make mode's str objects from its bytes already in memory."""
    with h5py.File(path, "r") as f:
        rows = [f["ch%03d/mode" % c][...].view("S%d" % f["ch%03d/mode" % c].shape[1]).reshape(-1)
                for c in range(channels)]
    t0 = time.perf_counter()
    for r in rows:
        numpy.array([b.decode("utf-8") for b in r], dtype=object)
    return time.perf_counter() - t0


def mode_rows(path, channels):
    """Bytes of mode's rows as they would be uncompressed: its elements."""
    with h5py.File(path, "r") as f:
        return sum(f["ch%03d/mode" % c].size for c in range(channels))


def mode_storage(path, channels):
    with h5py.File(path, "r") as f:
        return sum(f["ch%03d/mode" % c].id.get_storage_size() for c in range(channels))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/pivotd, lib/pivot)")
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "pivot-bench-strings"),
                    help="where the generated cache is kept and reused")
    ap.add_argument("--channels", type=int, default=40)
    ap.add_argument("--seconds", type=int, default=1800, help="of samples at 200 Hz")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each open; the median is shown")
    ap.add_argument("--format", choices=("hdf5", "netcdf"), default="hdf5",
                    help="the export's format (netcdf: before is mode as NC_STRING)")
    a = ap.parse_args()
    warnings.simplefilter("ignore")

    engines = [e for e in ("h5netcdf", "netcdf4") if e in xarray.backends.list_engines()]
    data = os.path.join(a.data, "cache")
    os.makedirs(a.data, exist_ok=True)
    generate(os.path.join(a.build, "bin", "pivot-gen-avro"), data, a.channels, a.seconds)
    scratch = tempfile.mkdtemp(prefix="run-", dir=a.data)
    server = None
    try:
        server = Server(os.path.join(a.build, "bin", "pivotd"), os.path.join(a.build, "lib", "pivot"),
                        data, os.path.join(scratch, "state"), dict(os.environ))
        ext = ".nc" if a.format == "netcdf" else ".h5"
        after = os.path.join(scratch, "after" + ext)
        before = os.path.join(scratch, "before" + ext)
        export(server, a.channels, a.seconds, after, a.format)
        if a.format == "netcdf":
            rewrite_nc_as_string(after, before, a.channels)
        else:
            shutil.copyfile(after, before)
            rewrite_as_vlen(before, a.channels)
            # h5py leaves the space of deleted datasets unused: copy into a compact file.
            subprocess.run(["h5repack", before, before + ".packed"], check=True)
            os.replace(before + ".packed", before)

        samples = a.channels * a.seconds * RATE
        stored = mode_storage(after, a.channels)
        per_sample_after = stored / samples
        per_sample_before = (os.path.getsize(before) - os.path.getsize(after) + stored) / samples
        print("%s: %d channels x %d samples of mode (4 values); files: before %.1f MB, "
              "after %.1f MB" % (a.format, a.channels, a.seconds * RATE,
                                 os.path.getsize(before) / 1e6,
                 os.path.getsize(after) / 1e6))
        print("mode bytes a sample: before %.2f (variable-length), after %.2f (8-byte rows, "
              "gzip 1; %.2f uncompressed)" % (per_sample_before, per_sample_after,
                                               mode_rows(after, a.channels) / samples))
        strs = statistics.median(str_objects(after, a.channels) for _ in range(a.repeat))
        print("making mode's %d str objects from its bytes in memory: %.2f s" % (samples, strs))
        print("| engine | what | floor s (no mode) | before s | after s | before/after | "
              "after over floor s |")
        print("|---|---|---|---|---|---|---|")
        for engine in engines:
            open_all(after, 1, engine, False, True)  # imports and first-open costs, untimed
            for load in (False, True):
                runs = {k: [] for k in ("floor", "before", "after")}
                for _ in range(a.repeat):
                    runs["floor"].append(open_all(after, a.channels, engine, True, load))
                    runs["before"].append(open_all(before, a.channels, engine, False, load))
                    runs["after"].append(open_all(after, a.channels, engine, False, load))
                m = {k: statistics.median(v) for k, v in runs.items()}
                print("| %s | %s | %.2f | %.2f | %.2f | %.1fx | %.2f |" % (
                    engine, "open+load" if load else "open", m["floor"], m["before"], m["after"],
                    m["before"] / m["after"], m["after"] - m["floor"]))
        client_open_all(after, 1)  # untimed, as above
        client = {k: statistics.median(client_open_all(f, a.channels) for _ in range(a.repeat))
                  for k, f in (("before", before), ("after", after))}
        print("| client to_xarray (h5netcdf, one open file) | open | – | %.2f | %.2f | %.1fx | – |"
              % (client["before"], client["after"], client["before"] / client["after"]))
        for engine in engines:
            today = statistics.median(open_all(before, a.channels, engine, False, False)
                                      for _ in range(a.repeat))
            print("before with xarray's %s engine, one open_dataset per channel, %.2f s; after "
                  "with to_xarray %.2f s: %.1fx" % (engine, today, client["after"],
                                                     today / client["after"]))
        if "netcdf4" in engines:
            parts = [netcdf4_floor_parts(after, a.channels) for _ in range(a.repeat)]
            print("netcdf4 open floor in parts: the whole file opened and closed once per channel "
                  "%.2f s; the channels opened from one open file %.2f s"
                  % (statistics.median(p[0] for p in parts), statistics.median(p[1] for p in parts)))
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
