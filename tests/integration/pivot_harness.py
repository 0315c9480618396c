"""Shared pieces of the pivotd integration tests.

Each test file generates its own Avro cache with pivot-gen-avro, starts its
own `pivotd serve` on a free port and talks to it over HTTP. The binaries
come from the environment that ctest sets (see integration.cmake):

    PIVOTD            path of the pivotd executable
    PIVOT_GEN_AVRO    path of the pivot-gen-avro executable
    PIVOT_PLUGIN_DIR  directory holding the plugin .so files

With PIVOT_TEST_JOB_STORE=postgres, every server gets a database of its
own on a PostgreSQL server the harness starts (pivot_postgres.py) instead of
<state_dir>/jobs.db.

Set PIVOT_KEEP_TMP=1 to keep the temporary directories (caches, state,
server logs) for a look after a failure.
"""

import datetime
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

import numpy
import requests
import yaml

import pivot_postgres

API = "/api/v1/pivot"
JOB_ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
PROBLEM_CT = "application/problem+json"
MODES = ["idle", "ramp", "hold", "vent"]
DEFAULT_START = "2025-01-01T00:00:00Z"
NS = 1000000000


def _required_env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            "%s is not set; run the integration tests through ctest, or set PIVOTD, "
            "PIVOT_GEN_AVRO and PIVOT_PLUGIN_DIR to the build's files" % name)
    return value


def pivotd_path():
    return _required_env("PIVOTD")


def gen_avro_path():
    return _required_env("PIVOT_GEN_AVRO")


def plugin_dir():
    return _required_env("PIVOT_PLUGIN_DIR")


class WorkDir:
    """A temporary directory removed at close unless PIVOT_KEEP_TMP is set."""

    def __init__(self, prefix):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def sub(self, *parts):
        return os.path.join(self.path, *parts)

    def close(self):
        if os.environ.get("PIVOT_KEEP_TMP"):
            print("kept %s" % self.path)
            return
        shutil.rmtree(self.path, ignore_errors=True)


# ---------------------------------------------------------------- time text

def parse_rfc3339_ns(text):
    """Nanoseconds since the epoch of a UTC RFC 3339 time ("...Z")."""
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$", text)
    if m is None:
        raise ValueError("not an RFC 3339 UTC time: %r" % (text,))
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    frac = int((m.group(7) or "").ljust(9, "0") or "0")
    day = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
    return int(day.timestamp()) * NS + frac


def format_ns(ns):
    """The API's spelling of a time: seconds, then only the needed fraction digits."""
    secs, frac = divmod(ns, NS)
    day = datetime.datetime.fromtimestamp(secs, tz=datetime.timezone.utc)
    text = day.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + ("%09d" % frac).rstrip("0")
    return text + "Z"


# ---------------------------------------------------------------- the data model

class Cache:
    """A generated Avro cache and the formulas that say what it holds."""

    def __init__(self, data_dir, channels, seconds, rate, signals, with_mode,
                 start=DEFAULT_START, first_channel=0):
        self.data_dir = data_dir
        self.channels = channels
        self.seconds = seconds
        self.rate = rate
        self.signals = signals
        self.with_mode = with_mode
        self.start = start
        self.start_ns = parse_rfc3339_ns(start)
        self.first_channel = first_channel
        self.nsamples = seconds * rate

    @classmethod
    def generate(cls, data_dir, channels, seconds, rate, signals, with_mode=False,
                 start=DEFAULT_START, file_seconds=None, first_channel=0):
        cmd = [gen_avro_path(), "--out", data_dir, "--channels", str(channels),
               "--seconds", str(seconds), "--rate", str(rate), "--signals", str(signals),
               "--start", start, "--jobs", "2"]
        if with_mode:
            cmd.append("--with-mode")
        if file_seconds is not None:
            cmd += ["--file-seconds", str(file_seconds)]
        if first_channel:
            cmd += ["--first-channel", str(first_channel)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=120)
        return cls(data_dir, channels, seconds, rate, signals, with_mode, start, first_channel)

    def channel_names(self):
        return ["ch%03d" % c for c in range(self.first_channel,
                                            self.first_channel + self.channels)]

    def signal_names(self):
        names = ["sig%d" % k for k in range(self.signals)] + ["counter"]
        if self.with_mode:
            names.append("mode")
        return names

    def time_of(self, i):
        return self.start_ns + (i * NS) // self.rate

    def all_times(self):
        return numpy.array([self.time_of(i) for i in range(self.nsamples)], dtype=numpy.int64)

    def indices_in(self, start_ns, end_ns):
        """Sample indices with start_ns <= time < end_ns (the half-open range)."""
        return [i for i in range(self.nsamples) if start_ns <= self.time_of(i) < end_ns]

    def sig_value(self, k, c, i):
        """The generator's formula, evaluated in the same order of operations."""
        w = 2.0 * math.pi * 0.5 * (k + 1)
        return (k + 1.0) * math.sin(w * (i / self.rate) + 0.1 * c)

    def sig_array(self, k, c, idx):
        i = numpy.asarray(idx, dtype=numpy.float64)
        w = 2.0 * numpy.pi * 0.5 * (k + 1)
        return (k + 1.0) * numpy.sin(w * (i / self.rate) + 0.1 * c)

    @staticmethod
    def counter_of(i):
        return i & 0x7FFFFFFF

    def mode_of(self, i):
        return MODES[(i // (10 * self.rate)) % 4]


# ---------------------------------------------------------------- reading exports

def read_strings(ds):
    """A string signal's values as str, in either layout the hdf5 exporter
    writes: a character array (rows of one-byte strings, NUL-padded) or
    variable-length strings."""
    if ds.ndim == 2:
        rows = ds[...].view("S%d" % ds.shape[1]).reshape(-1)
        return [r.decode("utf-8") for r in rows]
    return list(ds.asstr()[...])


def is_dimension_only(ds):
    """True for a netCDF dimension without a variable (`string8`...: the
    width of character arrays' rows), which holds no signal."""
    name = ds.attrs.get("NAME", b"")
    name = name.decode() if isinstance(name, bytes) else str(name)
    return name.startswith("This is a netCDF dimension but not a netCDF variable.")


def read_values(ds):
    """A dataset's values as a list: strings as str, whatever their layout."""
    if ds.ndim == 2 or ds.dtype.kind == "O":
        return read_strings(ds)
    return ds[:].tolist()


# ---------------------------------------------------------------- the server

class Server:
    """One `pivotd serve` on 127.0.0.1 with a free port.

    data_dir None starts it without --data-dir, so that the configuration
    says where the data is; plugins is the plugin directory, the build's own
    when None; env the whole environment of the server (None: this one's)."""

    def __init__(self, data_dir, state_dir, config_path=None, plugins=None, engine=None,
                 env=None):
        # engine "sqlite" keeps <state_dir>/jobs.db even in a PostgreSQL run,
        # for tests of what only the SQLite store has (its legacy contents).
        self.engine = engine or ("postgres" if pivot_postgres.enabled() else "sqlite")
        self.data_dir = data_dir
        self.env = env
        self.state_dir = state_dir
        self.config_path = config_path
        self.plugins = plugins
        self.log_path = os.path.join(os.path.dirname(state_dir.rstrip("/")) or ".",
                                     os.path.basename(state_dir.rstrip("/")) + ".serve.log")
        self.proc = None
        self.base = None

    def _common_args(self):
        args = ["--state-dir", self.state_dir, "--plugin-dir", self.plugins or plugin_dir()]
        config = self.config_path
        if self.engine == "postgres":
            config = self._postgres_config()
        if config is not None:
            args += ["--config", config]
        return args

    def config_text(self, text):
        """A configuration text for commands beside this server: with its
        job_store when the server runs on PostgreSQL."""
        if self.engine != "postgres":
            return text
        settings = yaml.safe_load(text) or {}
        settings["job_store"] = job_store_uri(self.state_dir)
        return yaml.safe_dump(settings)

    def _postgres_config(self):
        """The server's configuration with job_store naming its PostgreSQL database."""
        settings = {}
        if self.config_path is not None:
            with open(self.config_path) as f:
                settings = yaml.safe_load(f) or {}
        settings["job_store"] = job_store_uri(self.state_dir)
        path = self.state_dir.rstrip("/") + ".pg.yaml"
        with open(path, "w") as f:
            yaml.safe_dump(settings, f)
        return path

    def result_name(self, job_id, attempt=1, ext=".h5"):
        """The name of a job's result in the results folder: <job_id>.h5 on the
        embedded SQLite store; <job_id>.<attempt>.h5 on PostgreSQL, where a
        result carries the attempt that wrote it."""
        return job_id + ("" if self.engine == "sqlite" else ".%d" % attempt) + ext

    def command(self):
        """The `pivotd serve` command line that start() runs."""
        cmd = [pivotd_path(), "serve", "--listen", "127.0.0.1:0"]
        if self.data_dir is not None:
            cmd += ["--data-dir", self.data_dir]
        return cmd + self._common_args()

    def start(self, timeout=20.0):
        cmd = self.command()
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._log, env=self.env)
        deadline = time.monotonic() + timeout
        pattern = re.compile(rb"listening on (http://[0-9.]+:\d+)")
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                m = pattern.search(f.read())
            if m is not None:
                self.base = m.group(1).decode()
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("pivotd serve exited with %d before listening:\n%s"
                                   % (self.proc.returncode, self.log()))
            time.sleep(0.02)
        self.proc.kill()
        raise RuntimeError("pivotd serve did not print its listening line in %.0f s:\n%s"
                           % (timeout, self.log()))

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=15.0):
        """SIGTERM, then the exit status (0 for a clean stop)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._log.close()
                raise RuntimeError("pivotd serve ignored SIGTERM for %.0f s" % timeout)
        self._log.close()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def create_key(self, user, role=None):
        """`pivotd keys create`: the key is the whole of stdout."""
        cmd = [pivotd_path(), "keys", "create", "--user", user] + self._common_args()
        if role is not None:
            cmd += ["--role", role]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=30)
        key = out.stdout.decode().strip()
        if not key or "\n" in key:
            raise RuntimeError("keys create printed %r" % (out.stdout,))
        return key

    def client(self, key):
        return Client(self.base, key)


class Client:
    """requests with the base URL and the X-API-Key header filled in."""

    def __init__(self, base, key):
        self.base = base
        self.key = key
        self.session = requests.Session()

    def close(self):
        self.session.close()

    def headers(self, extra=None):
        h = {}
        if self.key is not None:
            h["X-API-Key"] = self.key
        if extra:
            h.update(extra)
        return h

    def request(self, method, path, headers=None, **kw):
        kw.setdefault("timeout", 30)
        url = path if path.startswith("http") else self.base + path
        return self.session.request(method, url, headers=self.headers(headers), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def post_job(self, body):
        """POSTs the job; returns (response, the exact body text sent)."""
        text = body if isinstance(body, str) else json.dumps(body)
        r = self.request("POST", API + "/jobs", data=text.encode(),
                         headers={"Content-Type": "application/json"})
        return r, text

    def submit(self, body):
        r, _ = self.post_job(body)
        if r.status_code != 202:
            raise AssertionError("POST /jobs: %d %s" % (r.status_code, r.text))
        return r.json()["job_id"]

    def job(self, job_id):
        r = self.get(API + "/jobs/" + job_id)
        if r.status_code != 200:
            raise AssertionError("GET job %s: %d %s" % (job_id, r.status_code, r.text))
        return r.json()

    def wait(self, job_id, timeout=60.0, until=("completed", "failed", "cancelled")):
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["status"] in until:
                return job
            if time.monotonic() > deadline:
                raise AssertionError("job %s still %s after %.0f s" % (job_id, job["status"],
                                                                       timeout))
            time.sleep(0.05)

    def download(self, job_id, headers=None):
        return self.get(API + "/jobs/" + job_id + "/download", headers=headers)


class HeaderClient(Client):
    """A client that is a user by the X-Remote-User header, as a server with
    the trusted-header backend (header X-Remote-User, proxies 127.0.0.1)
    believes it: no key."""

    def __init__(self, base, user):
        super().__init__(base, None)
        self.user = user

    def headers(self, extra=None):
        h = {"X-Remote-User": self.user}
        if extra:
            h.update(extra)
        return h


_databases = {}


def job_store_database(state_dir):
    """With PIVOT_TEST_JOB_STORE=postgres: the database of the server on state_dir."""
    key = os.path.abspath(state_dir)
    if key not in _databases:
        _databases[key] = pivot_postgres.shared().new_database()
    return _databases[key]


def job_store_uri(state_dir):
    return pivot_postgres.shared().uri(job_store_database(state_dir))


def store_execute(state_dir, sqlite_sql, postgres_sql, params=()):
    """Runs one change on the job store of the server on state_dir, whichever
    engine holds it; returns the number of rows changed."""
    if pivot_postgres.enabled():
        return pivot_postgres.shared().execute(job_store_database(state_dir), postgres_sql,
                                               params)
    db = sqlite3.connect(os.path.join(state_dir, "jobs.db"), timeout=10)
    try:
        with db:
            return db.execute(sqlite_sql, params).rowcount
    finally:
        db.close()


def parent_of(pid):
    """The parent pid of a process, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def worker_processes(server_pid=None):
    """(pid, job id) of each running `pivotd worker --job ID` process; with
    server_pid, only that server's (other tests' servers run at the same
    time and start workers of their own)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        if server_pid is not None and parent_of(int(entry)) != server_pid:
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        for i in range(len(argv) - 2):
            if argv[i:i + 2] == ["worker", "--job"]:
                yield int(entry), argv[i + 2]
                break


def find_worker(job_id, timeout=10.0, other_than=None):
    """The pid of a `pivotd worker --job JOB_ID` process (other than
    other_than), looked for every 2 ms so that it is found as it starts;
    None when none appears in timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid, job in worker_processes():
            if job == job_id and pid != other_than:
                return pid
        time.sleep(0.002)
    return None


def worker_pid(job_id, timeout=10.0):
    """find_worker's pid, failing the test when no worker appears."""
    pid = find_worker(job_id, timeout)
    if pid is None:
        raise AssertionError("no worker process for job %s appeared" % job_id)
    return pid


def stop_worker(pid, state_dir, tries=500):
    """SIGSTOPs a worker at a moment it holds no job-store write lock.

    A worker holds SQLite's write lock during each of its short writes (and
    the fsync of their commits); stopped inside one, it would keep every
    other writer waiting until it runs again. So after each stop a BEGIN
    IMMEDIATE probe with a short timeout checks that the lock is free; if it
    is not, the worker runs on for a moment and is stopped again. A
    PostgreSQL store commits each of a worker's writes on the server's side,
    whatever the worker does after sending it: a plain stop is enough.
    """
    if pivot_postgres.enabled():
        os.kill(pid, signal.SIGSTOP)
        return
    db = os.path.join(state_dir, "jobs.db")
    for _ in range(tries):
        os.kill(pid, signal.SIGSTOP)
        con = sqlite3.connect(db, timeout=0.05, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return
        except sqlite3.OperationalError:
            pass
        finally:
            con.close()
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.002)
    raise AssertionError("worker %d never stopped outside a job-store write" % pid)


def link_plugins(dest, extra):
    """Makes dest a plugin directory: the build's plugins and the extra ones,
    by symbolic links; extra maps a file name in dest to the plugin it links to.
    Returns dest."""
    os.makedirs(dest)
    src = plugin_dir()
    for name in os.listdir(src):
        if name.endswith(".so"):
            os.symlink(os.path.join(src, name), os.path.join(dest, name))
    for name, path in extra.items():
        os.symlink(path, os.path.join(dest, name))
    return dest


def absolute(start, end):
    return {"type": "absolute", "start": start, "end": end}


def write_config(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


# ---------------------------------------------------------------- a test class's server

class ServerCase(unittest.TestCase):
    """A test class whose tests share one `pivotd serve`, started before the first.

    A subclass writes its data in write_data() and may set the attributes and
    hooks below. The directories are work/data, work/state (cls.state) and,
    with a CONFIG, work/pivot.yaml. At the end the class fails if pivotd does
    not exit 0 on SIGTERM, so a crash anywhere in its tests is not missed; a
    set-up that fails stops the server and removes the directories itself,
    since unittest then skips tearDownClass.
    """

    WORK_PREFIX = "pivot-"
    # The text of the server's pivot.yaml; None starts it without a --config.
    CONFIG = None
    # The user of the key made before the server starts: cls.key, used by the
    # client cls.api. None for a class whose tests make their own keys.
    USER = "alice"

    @classmethod
    def write_data(cls, data):
        """Writes the channels the server serves into the directory data."""
        raise NotImplementedError

    @classmethod
    def config_text(cls):
        """The text of the server's pivot.yaml: CONFIG, unless a class
        makes it from its work directory (cls.work)."""
        return cls.CONFIG

    @classmethod
    def make_server(cls, data, state, config):
        return Server(data, state, config)

    @classmethod
    def after_start(cls):
        """Makes what else the tests share, once the server listens."""

    @classmethod
    def client(cls, key):
        """A client with this key (None: no key), closed with the class."""
        c = cls.server.client(key)
        cls.clients.append(c)
        return c

    def user(self, name, role=None):
        """A client with a fresh key of the user, so tests do not see each other's jobs."""
        return self.client(self.server.create_key(name, role=role))

    @classmethod
    def setUpClass(cls):
        cls.work = WorkDir(cls.WORK_PREFIX)
        cls.server = None
        cls.clients = []
        try:
            cls.data = cls.work.sub("data")
            cls.write_data(cls.data)
            config = None
            text = cls.config_text()
            if text is not None:
                config = write_config(cls.work.sub("pivot.yaml"), text)
            cls.config_path = config
            cls.state = cls.work.sub("state")
            cls.server = cls.make_server(cls.data, cls.state, config)
            if cls.USER is not None:
                cls.key = cls.server.create_key(cls.USER)
            cls.server.start()
            if cls.USER is not None:
                cls.api = cls.client(cls.key)
            cls.after_start()
        except BaseException:
            cls._close_clients()
            if cls.server is not None:
                cls.server.stop()
            cls.work.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._close_clients()
        rc = cls.server.stop()
        log = cls.server.log()
        cls.work.close()
        if rc != 0:
            raise AssertionError("pivotd serve exited with %r on SIGTERM:\n%s" % (rc, log))

    @classmethod
    def _close_clients(cls):
        for c in cls.clients:
            c.close()

    def run_export(self, body, timeout=60.0):
        """Runs the job as cls.api to completion; returns it and its downloaded file."""
        job = self.api.wait(self.api.submit(body), timeout=timeout)
        self.assertEqual(job["status"], "completed", job)
        r = self.api.download(job["job_id"])
        self.assertEqual(r.status_code, 200, r.content[:300])
        return job, r.content

    def save_export(self, name, content):
        """Writes a downloaded file as work/out/name; returns its path."""
        out = self.work.sub("out")
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(content)
        return path
