"""The SDK as a third party meets it: install Pivot to a prefix, build the
examples of sdk/examples/ out of tree against it (CMake and a plain cc line),
load them into a running pivotd and run a job through each.

usage: sdk_examples.py STEP --build DIR --source DIR --work DIR [--gen-avro EXE]
  STEP: install | build-cmake | build-pkgconfig | run
"""
import argparse
import csv
import datetime
import io
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zoneinfo

EXAMPLES = {
    "csv_export": ["csv_export.c", "csv_row.c"],
    "site_shifts": ["site_shifts.c", "tz_table.c"],
    "file_auth": ["file_auth.c"],
}
BUNDLED = ["auth", "avro", "csv", "hdf5", "matlab", "netcdf", "timespec"]
HEADERS = ["auth.h", "common.h", "exporter.h", "host.h", "plugin.h", "source.h", "timespec.h"]
NS = 1000000000
RATE = 10
SECONDS = 60
SHIFT_ZONE = "America/New_York"
FILE_AUTH_KEY = "alice-key-0123456789abcdef"


class Failure(Exception):
    pass



def sdk_abi():
    """The ABI major of the SDK in this checkout, from <pivot/common.h>."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk",
                          "include", "pivot", "common.h")
    text = open(header).read()
    return int(re.search(r"#define PIVOT_ABI_MAJOR (\d+)", text).group(1))


ABI_MAJOR = sdk_abi()

def check(cond, what):
    if not cond:
        raise Failure(what)
    print("ok:", what)


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise Failure("%s exited with %d:\n%s%s" % (" ".join(cmd), proc.returncode,
                                                      proc.stdout, proc.stderr))
    return proc


class Paths:
    def __init__(self, args):
        self.build = args.build
        self.source = args.source
        self.work = args.work
        self.prefix = os.path.join(args.work, "prefix")
        self.gen_avro = args.gen_avro
        self.pivotd = os.path.join(self.prefix, "bin", "pivotd")
        self.plugindir = os.path.join(self.prefix, "lib", "pivot")

    def pkg_env(self):
        env = dict(os.environ)
        env["PKG_CONFIG_PATH"] = os.path.join(self.prefix, "share", "pkgconfig")
        return env


# ------------------------------------------------------------------ install

def step_install(p):
    shutil.rmtree(p.work, ignore_errors=True)
    os.makedirs(p.work)
    run(["cmake", "--install", p.build, "--prefix", p.prefix])
    check(os.access(p.pivotd, os.X_OK), "bin/pivotd installed")
    check(sorted(f for f in os.listdir(p.plugindir)) == [b + ".so" for b in BUNDLED],
          "lib/pivot holds exactly the bundled plugins")
    check(sorted(os.listdir(os.path.join(p.prefix, "include", "pivot"))) == HEADERS,
          "include/pivot holds the public headers")
    for f in ("PivotSDKConfig.cmake", "PivotSDKConfigVersion.cmake", "PivotSDKTargets.cmake",
              "PivotPlugin.cmake"):
        check(os.path.exists(os.path.join(p.prefix, "lib", "cmake", "PivotSDK", f)),
              "lib/cmake/PivotSDK/" + f)
    env = p.pkg_env()
    cflags = run(["pkg-config", "--cflags", "pivot-sdk"], env=env).stdout.split()
    includes = [os.path.realpath(f[2:]) for f in cflags if f.startswith("-I")]
    check(includes == [os.path.realpath(os.path.join(p.prefix, "include"))],
          "pkg-config --cflags points at the installed headers: %s" % cflags)
    check("-fvisibility=hidden" in cflags, "pkg-config --cflags hides symbols")
    plugindir = run(["pkg-config", "--variable=plugindir", "pivot-sdk"], env=env).stdout.strip()
    check(os.path.realpath(plugindir) == os.path.realpath(p.plugindir),
          "pkg-config plugindir is lib/pivot")
    abi = run(["pkg-config", "--variable=abi_major", "pivot-sdk"], env=env).stdout.strip()
    check(abi == str(ABI_MAJOR), "pkg-config carries the ABI %d" % ABI_MAJOR)
    out = run([p.pivotd, "plugins", "list"]).stdout
    for b in BUNDLED:
        check(re.search(r"^%s\s+\S+\s+%d\s+\S+/lib/pivot/%s\.so$"
                        % (b, ABI_MAJOR, b), out, re.M),
              "installed pivotd finds bundled plugin %s at ../lib/pivot" % b)


# ------------------------------------------------------------------ build

def exported_symbols(lib):
    out = run(["nm", "-D", "--defined-only", lib]).stdout
    return sorted(line.split()[-1] for line in out.splitlines()
                  if line.split()[-2] in ("T", "D", "R", "B"))


def check_built(p, name, lib, plugin_dir):
    entry_points = ["pivot_plugin_init", "pivot_plugin_magic"]
    check(exported_symbols(lib) == entry_points,
          "%s exports only its entry points %s" % (lib, entry_points))
    out = run([p.pivotd, "plugins", "check", lib, "--plugin-dir", plugin_dir]).stdout
    check(re.search(r"^%s\s+1\.0\.0\s+%d\s" % (name, ABI_MAJOR), out, re.M),
          "pivotd plugins check accepts %s: %s" % (name, out.strip().splitlines()[0]))


def step_build_cmake(p):
    for name in EXAMPLES:
        src = os.path.join(p.source, "sdk", "examples", name)
        bdir = os.path.join(p.work, "cmake-" + name)
        shutil.rmtree(bdir, ignore_errors=True)
        run(["cmake", "-S", src, "-B", bdir, "-DCMAKE_PREFIX_PATH=" + p.prefix,
             "-DCMAKE_C_FLAGS=-Wall -Wextra -Werror"])
        run(["cmake", "--build", bdir])
        run(["cmake", "--install", bdir])
        installed = os.path.join(p.plugindir, name + ".so")
        check(os.path.exists(installed), "cmake --install put %s.so in the SDK's lib/pivot" % name)
        check_built(p, name, installed, p.plugindir)


def step_build_pkgconfig(p):
    out = os.path.join(p.work, "pkgconfig")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for name, sources in EXAMPLES.items():
        src = os.path.join(p.source, "sdk", "examples", name)
        lib = os.path.join(out, name + ".so")
        # What the guide tells authors to type (sources before libraries, and
        # -Wl,--no-undefined), with the shell's $(...) expanded by hand.
        flags = run(["pkg-config", "--cflags", "--libs", "pivot-sdk"],
                    env=p.pkg_env()).stdout.split()
        run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
             "-Wl,--no-undefined", "-o", lib] + [os.path.join(src, s) for s in sources] + flags)
        check_built(p, name, lib, out)


# ------------------------------------------------------------------ run

class Server:
    def __init__(self, p, data_dir, state_dir, config):
        self.p = p
        self.common = ["--state-dir", state_dir, "--plugin-dir", p.plugindir,
                       "--config", config]
        self.log_path = state_dir + ".log"
        cmd = [p.pivotd, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir] + self.common
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                m = re.search(rb"pivotd: listening on (http://[0-9.]+:\d+)", f.read())
            if m:
                self.base = m.group(1).decode()
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise Failure("pivotd serve did not start:\n" + self.text_log())

    def text_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def create_key(self, user):
        return run([self.p.pivotd, "keys", "create", "--user", user] + self.common).stdout.strip()

    def request(self, method, path, key, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if key is not None:
            req.add_header("X-API-Key", key)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def submit(self, key, body):
        status, _, data = self.request("POST", "/api/v1/pivot/jobs", key, body)
        if status not in (200, 201, 202):
            raise Failure("POST /jobs answered %d: %s" % (status, data.decode()))
        return json.loads(data)["job_id"]

    def wait(self, key, job_id):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, _, data = self.request("GET", "/api/v1/pivot/jobs/" + job_id, key)
            job = json.loads(data)
            if job["status"] in ("completed", "failed", "cancelled"):
                return job
            time.sleep(0.1)
        raise Failure("job %s did not finish in 60 s" % job_id)

    def download(self, key, job_id):
        status, headers, data = self.request("GET", "/api/v1/pivot/jobs/%s/download" % job_id,
                                             key)
        if status != 200:
            raise Failure("download of %s answered %d: %s" % (job_id, status, data[:500]))
        return {k.lower(): v for k, v in headers.items()}, data


def rfc3339(ns):
    dt = datetime.datetime.fromtimestamp(ns // NS, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (ns % NS)


def parse_rfc3339(text):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z", text)
    secs = int(datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
               .replace(tzinfo=datetime.timezone.utc).timestamp())
    return secs * NS + int((m.group(2) or "0").ljust(9, "0"))


def sig_value(k, c, i):
    return (k + 1.0) * math.sin(2.0 * math.pi * 0.5 * (k + 1) * (i / RATE) + 0.1 * c)


def check_channel_csv(text, channel, start_ns, indices):
    """Every row of one channel's CSV file, value by value."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(rows[0] == ["time_ns", "time", "sig0", "sig1", "counter"],
          "ch%03d.csv header %s" % (channel, rows[0]))
    check(len(rows) - 1 == len(indices), "ch%03d.csv has %d rows" % (channel, len(indices)))
    bad = 0
    for row, i in zip(rows[1:], indices):
        t = start_ns + (i * NS) // RATE
        expect = [str(t), rfc3339(t)]
        if row[:2] != expect or float(row[2]) != sig_value(0, channel, i) or \
                float(row[3]) != sig_value(1, channel, i) or int(row[4]) != i:
            bad += 1
            if bad < 5:
                print("  row %d: got %s, want time %s sig0 %r sig1 %r counter %d"
                      % (i, row, expect, sig_value(0, channel, i), sig_value(1, channel, i), i))
    check(bad == 0, "ch%03d.csv: every time, sig0, sig1 and counter exact" % channel)
    check(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "CRLF line ends")


def most_recent_shift_a(now_ns):
    """The most recent 06:00-14:00 of SHIFT_ZONE that has started, ended at now if running."""
    zone = zoneinfo.ZoneInfo(SHIFT_ZONE)
    now = datetime.datetime.fromtimestamp(now_ns / NS, zone)
    for back in range(3):
        day = (now - datetime.timedelta(days=back)).date()
        start = datetime.datetime(day.year, day.month, day.day, 6, 0, tzinfo=zone)
        end = datetime.datetime(day.year, day.month, day.day, 14, 0, tzinfo=zone)
        s, e = int(start.timestamp()) * NS, int(end.timestamp()) * NS
        if s <= now_ns:
            return s, min(e, now_ns)
    raise AssertionError("no shift")


def step_run(p):
    work = os.path.join(p.work, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    data = os.path.join(work, "data")
    start = "2025-01-01T00:00:00Z"
    start_ns = parse_rfc3339(start)
    run([p.gen_avro, "--out", data, "--channels", "2", "--seconds", str(SECONDS), "--rate",
         str(RATE), "--signals", "2", "--start", start])
    # Channel ch010 holds the minute after the start of the most recent shift_a.
    shift_start, _ = most_recent_shift_a(time.time_ns())
    run([p.gen_avro, "--out", data, "--channels", "1", "--seconds", str(SECONDS), "--rate",
         str(RATE), "--signals", "2", "--first-channel", "10", "--start", rfc3339(shift_start)])
    users = os.path.join(work, "users.txt")
    with open(users, "w") as f:
        f.write("# user role key\nalice  admin  %s\n" % FILE_AUTH_KEY)
    os.chmod(users, 0o600)
    config = os.path.join(work, "pivot.yaml")
    with open(config, "w") as f:
        f.write("auth:\n  backends: [file_auth, apikey]\n"
                "plugins:\n"
                "  site_shifts:\n    timezone: %s\n"
                "  file_auth:\n    path: %s\n" % (SHIFT_ZONE, users))
    out = run([p.pivotd, "plugins", "list", "--plugin-dir", p.plugindir, "--config", config]).stdout
    abi = "%-5d" % ABI_MAJOR
    for line in ("csv_export   1.0.0      " + abi, "site_shifts  1.0.0      " + abi,
                 "file_auth    1.0.0      " + abi, "provides: exporter: csv_example",
                 "provides: time_range: shift; preset: last_shift",
                 "provides: auth: file_auth"):
        check(line in out, "plugins list shows %r" % line)

    srv = Server(p, data, os.path.join(work, "state"), config)
    try:
        key = srv.create_key("bob")

        # The CSV exporter, value by value: one channel per file.
        for c in (0, 1):
            job_id = srv.submit(key, {"time_range": {"type": "absolute", "start": start,
                                                     "end": "2025-01-01T00:01:00Z"},
                                      "channels": {"include": ["ch%03d" % c]},
                                      "options": {"format": "csv_example"}})
            job = srv.wait(key, job_id)
            check(job["status"] == "completed", "csv job completed: %s" % job.get("error"))
            headers, body = srv.download(key, job_id)
            check(headers["content-type"].startswith("text/csv"),
                  "served as text/csv: %s" % headers["content-type"])
            check_channel_csv(body.decode(), c, start_ns, list(range(SECONDS * RATE)))
        # A second channel is refused with the example's message.
        job_id = srv.submit(key, {"time_range": {"type": "absolute", "start": start,
                                                 "end": "2025-01-01T00:01:00Z"},
                                  "channels": {"include": ["ch000", "ch001"]},
                                  "options": {"format": "csv_example"}})
        job = srv.wait(key, job_id)
        check(job["status"] == "failed" and "one channel per file" in (job.get("error") or ""),
              "a two-channel job fails with the example's message: %s" % job.get("error"))

        # The shift preset, through the CSV exporter.
        before = time.time_ns()
        job_id = srv.submit(key, {"time_range": {"type": "shift", "name": "shift_a"},
                                  "channels": {"include": ["ch010"]},
                                  "options": {"format": "csv_example"}})
        after = time.time_ns()
        job = srv.wait(key, job_id)
        check(job["status"] == "completed", "shift job completed: %s" % job.get("error"))
        got = (parse_rfc3339(job["time_range"]["start"]), parse_rfc3339(job["time_range"]["end"]))
        exp_before, exp_after = most_recent_shift_a(before), most_recent_shift_a(after)
        check(got[0] in (exp_before[0], exp_after[0]),
              "shift_a starts at 06:00 %s: %s" % (SHIFT_ZONE, job["time_range"]["start"]))
        if exp_before[1] < before:  # the shift is over: its end is fixed
            check(got[1] == exp_before[1], "shift_a ends at 14:00 %s" % SHIFT_ZONE)
        else:
            check(before // NS * NS - NS <= got[1] <= after + NS,
                  "a running shift_a ends at the request's time")
        shift_start = got[0]
        indices = [i for i in range(SECONDS * RATE)
                   if shift_start + (i * NS) // RATE < got[1]]
        _, body = srv.download(key, job_id)
        check_channel_csv(body.decode(), 10, shift_start, indices)

        # The example's preset, built out of tree, is listed beside the bundled ones.
        status, _, data = srv.request("GET", "/api/v1/pivot/presets", key)
        listed = {p["name"]: p for p in json.loads(data)["presets"]} if status == 200 else {}
        check(listed.get("last_shift", {}).get("plugin") == "site_shifts"
              and "last_hour" in listed,
              "GET /presets lists last_shift of site_shifts: %d %s" % (status, data[:300]))

        # A plugin's message reaches the client in the problem body.
        status, _, data = srv.request("POST", "/api/v1/pivot/jobs", key,
                                      {"time_range": {"type": "shift", "name": "shift_z"},
                                       "channels": {"include": ["ch010"]}})
        problem = json.loads(data)
        check(status in (400, 422) and "unknown shift \"shift_z\"" in problem.get("detail", ""),
              "an unknown shift is refused with the plugin's message: %d %s"
              % (status, problem.get("detail")))

        # The file-backed auth backend: alice's key from the file, bob's from apikey.
        job_id = srv.submit(FILE_AUTH_KEY, {"time_range": {"type": "absolute", "start": start,
                                                           "end": "2025-01-01T00:00:10Z"},
                                            "channels": {"include": ["ch000"]},
                                            "options": {"format": "csv_example"}})
        job = srv.wait(FILE_AUTH_KEY, job_id)
        check(job["status"] == "completed", "a job under file_auth's alice completed")
        _, body = srv.download(FILE_AUTH_KEY, job_id)
        check_channel_csv(body.decode(), 0, start_ns, list(range(10 * RATE)))
        status, _, _ = srv.request("GET", "/api/v1/pivot/jobs/" + job_id, key)
        check(status == 404, "bob (apikey) does not see alice's job")
        status, _, _ = srv.request("GET", "/api/v1/pivot/jobs/" + job_id, "not-a-known-key-at-all")
        check(status == 401, "a key neither backend knows is refused")
    except Exception:
        print(srv.text_log())
        raise
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["install", "build-cmake", "build-pkgconfig", "run"])
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--gen-avro")
    args = ap.parse_args()
    p = Paths(args)
    try:
        {"install": step_install, "build-cmake": step_build_cmake,
         "build-pkgconfig": step_build_pkgconfig, "run": step_run}[args.step](p)
    except Failure as e:
        print("FAIL:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
