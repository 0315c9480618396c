"""The speeddata-pivot command's flags for the whole API, and its messages in words
(no tracebacks): a wrong URL, a missing key, a closed pipe, Ctrl-C during a download."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import speeddata_pivot
from speeddata_pivot import Client, human_bytes

from test_cli import PKG, run

START = "2025-01-01T00:01:00Z"


def _env(pivot, key=True):
    env = dict(os.environ, PYTHONPATH=PKG, SPEEDDATA_PIVOT_URL=pivot.url)
    env.pop("SPEEDDATA_API_KEY", None)
    if key:
        env["SPEEDDATA_API_KEY"] = pivot.key
    return env


def test_version():
    r = subprocess.run([sys.executable, "-m", "speeddata_pivot", "--version"],
                       env=dict(os.environ, PYTHONPATH=PKG), capture_output=True, text=True,
                       timeout=60)
    assert (r.returncode, r.stdout) == (0, "speeddata-pivot %s\n" % speeddata_pivot.__version__)


def test_help_speaks_the_flags():
    r = subprocess.run([sys.executable, "-m", "speeddata_pivot", "submit", "-h"],
                       env=dict(os.environ, PYTHONPATH=PKG, COLUMNS="100"), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0
    for flag in ("--decimation METHOD:SIZE", "--compression none|gzip[:LEVEL]",
                 "--chunk-size N", "--priority {low,normal,high}", "--metadata KEY=VALUE|JSON",
                 "--dry-run", "--idempotency-key KEY",
                 "speeddata-pivot submit --pattern 'ch0*' --preset yesterday --dry-run"):
        assert flag in r.stdout, flag


def test_submit_with_every_option_flag(pivot, tmp_path):
    out = str(tmp_path / "flags.h5")
    r = run(pivot, "submit", "--channels", "ch000", "--signals", "sig0", "--start", START,
            "--duration", "PT10S", "--decimation", "max:PT0.5S", "--compression", "gzip",
            "--chunk-size", "256", "--priority", "low", "--metadata", "run=42",
            "--metadata", '{"tags": ["a"]}', "--description", "flags", "-o", out)
    assert r.returncode == 0, r.stderr
    job_id, path = r.stdout.splitlines()
    assert path == out
    with speeddata_pivot.open(out) as f:
        ds = f["ch000/sig0"]
        assert (ds.shape, ds.compression, ds.compression_opts, ds.chunks) == \
            ((20,), "gzip", 6, (256,))
        assert f.attrs["decimation_method"] == "max"
        assert int(f.attrs["decimation_interval_ns"]) == 500000000
        assert f.attrs["description"] == "flags"
    with Client(pivot.url, api_key=pivot.key) as c:
        job = c.status(job_id)
    assert job["priority"] == "low"
    size = job["result"]["file_size"]
    # The download's bytes, on stderr (not a terminal: the start and each tenth).
    assert r.stderr.splitlines()[-1] == "download %s: %s of %s (100%%)" % (
        job_id, human_bytes(size), human_bytes(size))


def test_dry_run_prints_the_estimate(pivot):
    r = run(pivot, "submit", "--channels", "ch000,ch001", "--signals", "sig0", "--start", START,
            "--end", "2025-01-01T00:01:30Z", "--decimation", "mean:10", "--dry-run")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:4] == [
        "dry run: nothing was queued",
        "range     2025-01-01T00:01:00Z .. 2025-01-01T00:01:30Z (hdf5)",
        "ch000     3000 samples, 300 rows (sig0)",
        "ch001     3000 samples, 300 rows (sig0)"]
    # hdf5 compresses by default: the bytes are an upper bound.
    assert lines[4].startswith("estimate  6000 samples, 600 rows, at most ")
    r = run(pivot, "submit", "--channels", "ch000", "--start", START, "--duration", "PT1S",
            "--dry-run", "--json")
    assert '"dry_run": true' in r.stdout
    r = run(pivot, "ls", "--json")
    assert r.stdout.strip() == "[]" or START not in r.stdout.split('"time_range"')[0]


def test_errors_name_the_flags(pivot):
    r = run(pivot, "submit", "--channels", "ch000", "--start", START)
    assert r.returncode == 2
    assert r.stderr == ("speeddata-pivot: give the time range as --last, --start and --end, "
                        "--start and --duration, --end and --duration, or --preset; got "
                        "--start\n")
    r = run(pivot, "submit", "--start", START, "--duration", "PT1S")
    assert (r.returncode, r.stderr) == (2, "speeddata-pivot: name the channels to export with "
                                           "--channels or --pattern\n")
    r = run(pivot, "submit", "--channels", "ch000", "--last", "PT1H", "--compression", "zip")
    assert r.returncode == 2
    assert r.stderr.startswith("speeddata-pivot: --compression takes none, gzip, gzip:LEVEL")
    r = run(pivot, "submit", "--channels", "ch000", "--last", "PT1H", "--chunk-size", "8")
    assert r.returncode == 1
    assert r.stderr.splitlines()[1] == "  field: options.chunk_size (--chunk-size)"


def test_a_missing_key_gets_flag_and_environment_advice(pivot):
    r = run(pivot, "channels", key=False)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == (
        "  no API key was sent: give --api-key KEY or set SPEEDDATA_API_KEY (an administrator "
        "creates one with `pivotd keys create --user NAME`)")
    r = run(pivot, "--api-key", "pvk_wrong", "channels", key=False)
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == ("  the key given with --api-key or SPEEDDATA_API_KEY "
                                         "was refused; check it, or ask an administrator for "
                                         "a new one")


def test_a_wrong_url_is_explained(pivot):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % s.getsockname()[1]
    # The socket is closed: nothing listens on that port.
    r = run(pivot, "--url", url, "channels")
    assert r.returncode == 1
    assert r.stderr == (
        "speeddata-pivot: cannot reach pivotd at %s: connection refused: nothing listens "
        "there\n  give the server's URL with --url http://HOST:PORT or SPEEDDATA_PIVOT_URL, "
        "and check that pivotd is running there\n" % url)
    r = run(pivot, "--url", pivot.url.split("//")[1], "channels")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == "  give it as --url http://HOST:PORT (or SPEEDDATA_PIVOT_URL)"


def test_a_closed_pipe_ends_quietly(pivot):
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head` does once it has read enough
    try:
        r = subprocess.run([sys.executable, "-m", "speeddata_pivot", "channels"],
                           env=_env(pivot), stdout=write_end, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60)
    finally:
        os.close(write_end)
    assert (r.returncode, r.stderr) == (1, b"")


def test_quota_command_in_human_units(pivot):
    r = run(pivot, "quota")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "user alice (user)"
    used = [line for line in r.stdout.splitlines() if "output_bytes_last_24h" in line]
    assert len(used) == 1
    assert re.fullmatch(r"  output_bytes_last_24h +(\d+) \((\d+ B|\d+\.\d [KMG]iB)\)", used[0])


def test_presets_command(pivot):
    r = run(pivot, "presets")
    if r.returncode == 1:  # a server without GET /api/v1/pivot/presets
        assert r.stderr.startswith("speeddata-pivot: this server does not list its presets")
    else:
        assert "last_hour" in r.stdout


class StallingProxy:
    """A TCP proxy to pivotd that stops forwarding a response after `stall_after` bytes and
    holds the connection open: a slow download, to interrupt."""

    def __init__(self, upstream, stall_after):
        host, port = upstream.split("//")[1].split(":")
        self.upstream = (host, int(port))
        self.stall_after = stall_after
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            up = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(conn, up, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, conn, True), daemon=True).start()

    def _pipe(self, src, dst, downstream):
        sent = 0
        try:
            while not self.stop.is_set():
                data = src.recv(65536)
                if not data:
                    break
                if downstream and sent + len(data) > self.stall_after:
                    dst.sendall(data[:self.stall_after - sent])
                    self.stop.wait(60)
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            s.close()

    def close(self):
        self.stop.set()
        self.sock.close()


def test_ctrl_c_during_a_download_keeps_the_part_and_says_how_to_resume(pivot, tmp_path):
    with Client(pivot.url, api_key=pivot.key) as c:
        job = c.wait(c.submit(channels=["ch000", "ch001"], start="2025-01-01T00:00:00Z",
                              end="2025-01-01T00:05:00Z"), progress=False)
    size = job["result"]["file_size"]
    assert size > 200000
    out = str(tmp_path / "interrupted.h5")
    proxy = StallingProxy(pivot.url, stall_after=100000)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "speeddata_pivot", "--url", proxy.url,
                                 "download", job["job_id"], "-o", out], env=_env(pivot),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        # Wait until the proxy's stall holds the download still: the part
        # has bytes and stops growing (bounded in time).
        deadline = time.monotonic() + 90
        part, steady = -1, 0
        while time.monotonic() < deadline and steady < 6 and proc.poll() is None:
            time.sleep(0.05)
            now = os.path.getsize(out + ".part") if os.path.exists(out + ".part") else 0
            steady = steady + 1 if now == part and now > 0 else 0
            part = now
        if not 0 < part < size:
            proc.kill()
            _, stderr = proc.communicate(timeout=30)
            raise AssertionError("the download held %d of %d bytes (exit %s): %s"
                                 % (part, size, proc.returncode, stderr))
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        proxy.close()
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-2:] == [
        "speeddata-pivot: interrupted",
        "  the bytes received are kept in %s.part: `speeddata-pivot download %s -o %s` "
        "resumes from there" % (out, job["job_id"], out)]
    assert os.path.getsize(out + ".part") == part
    r = run(pivot, "download", job["job_id"], "-o", out)
    assert (r.returncode, r.stdout) == (0, out + "\n"), r.stderr
    assert r.stderr.splitlines()[0] == "download %s: %s of %s (%d%%)" % (
        job["job_id"], human_bytes(part), human_bytes(size), 100 * part // size)
    assert os.path.getsize(out) == size
