"""A real PostgreSQL 15 server for the integration tests.

PostgresServer runs Debian's initdb and postgres in a temporary folder,
listening on a Unix socket only (no TCP port to collide with), and removes
it at stop(). PostgreSQL refuses to run as root: when the tests run as
root, the folder is given to the `postgres` user and the server runs as it.

When the environment sets PIVOT_TEST_JOB_STORE=postgres, pivot_harness
starts one such server per test process (shared()), gives every `pivotd`
it starts a database of its own on it (job_store: postgresql://...), and
stops it at exit. The suites then run unchanged against PostgreSQL.
"""

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import time

import psycopg2

PG_BIN = "/usr/lib/postgresql/15/bin"


def enabled():
    """True when the suites are to run against PostgreSQL."""
    return os.environ.get("PIVOT_TEST_JOB_STORE", "sqlite") == "postgres"


def _as_postgres():
    """subprocess arguments that run a command as the postgres user when we are root."""
    if os.geteuid() == 0:
        return {"user": "postgres", "group": "postgres"}
    return {}


class PostgresServer:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="pivot-pg-")
        self.data = os.path.join(self.root, "data")
        self.socket_dir = os.path.join(self.root, "sock")
        self.log_path = os.path.join(self.root, "postgres.log")
        self.proc = None
        self.user = "postgres" if os.geteuid() == 0 else None
        self._databases = 0

    def start(self, timeout=30.0):
        if not os.path.isdir(self.data):
            os.makedirs(self.socket_dir)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres", "postgres")
                shutil.chown(self.socket_dir, "postgres", "postgres")
            cmd = [os.path.join(PG_BIN, "initdb"), "-D", self.data, "-A", "trust", "-E", "UTF8",
                   "--no-sync"]
            if self.user:
                cmd += ["-U", self.user]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=120, **_as_postgres())
        self._log = open(self.log_path, "ab")
        # fsync off: the tests never outlive the machine, and it keeps the
        # many small commits of a test run from waiting for the disk.
        self.proc = subprocess.Popen(
            [os.path.join(PG_BIN, "postgres"), "-D", self.data, "-k", self.socket_dir,
             "-c", "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=300",
             "-c", "shared_buffers=32MB"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, **_as_postgres())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.connect("postgres").close()
                return self
            except psycopg2.OperationalError:
                if self.proc.poll() is not None:
                    raise RuntimeError("postgres exited with %d:\n%s"
                                       % (self.proc.returncode, self.log()))
                time.sleep(0.05)
        raise RuntimeError("postgres did not accept connections in %.0f s:\n%s"
                           % (timeout, self.log()))

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=30.0):
        """Fast shutdown (SIGINT): running sessions are ended, nothing committed is lost."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self._log.close()

    def close(self):
        self.stop()
        if os.environ.get("PIVOT_KEEP_TMP"):
            print("kept %s" % self.root)
            return
        shutil.rmtree(self.root, ignore_errors=True)

    def uri(self, database):
        """The libpq URI of database, over the Unix socket."""
        uri = "postgresql:///%s?host=%s" % (database, self.socket_dir)
        if self.user:
            uri += "&user=" + self.user
        return uri

    def connect(self, database):
        kw = {"dbname": database, "host": self.socket_dir}
        if self.user:
            kw["user"] = self.user
        return psycopg2.connect(**kw)

    def new_database(self, prefix="pivot"):
        """Creates an empty database; returns its name."""
        self._databases += 1
        name = "%s_%d_%d" % (prefix, os.getpid(), self._databases)
        con = self.connect("postgres")
        con.autocommit = True
        try:
            with con.cursor() as cur:
                cur.execute('CREATE DATABASE "%s"' % name)
        finally:
            con.close()
        return name

    def execute(self, database, sql, params=()):
        """Runs one statement in its own transaction; returns its row count."""
        con = self.connect(database)
        try:
            with con:
                with con.cursor() as cur:
                    cur.execute(sql, params)
                    return cur.rowcount
        finally:
            con.close()


_shared = None


def shared():
    """The test process's server, started at the first call and stopped at exit."""
    global _shared
    if _shared is None:
        _shared = PostgresServer().start()
        atexit.register(_shared.close)
    return _shared
