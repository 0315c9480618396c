#!/usr/bin/python3
"""pivotd under a service manager, against a real pivotd.

A fake systemd: an AF_UNIX datagram socket named by NOTIFY_SOCKET, as
sd_notify(3) speaks to it. READY=1 comes once the listener answers (a
request sent the moment READY arrives gets its 200), with MAINPID and the
address; WATCHDOG_USEC makes keep-alives come at a quarter of the interval;
SIGHUP says RELOADING=1 then READY=1 and applies the edited configuration
(log level, a rotated audit file reopened, quota defaults), keys created
meanwhile work without it, a bad file changes nothing; SIGTERM says
STOPPING=1 and exits 0. An HTTP loop that stops answering (blocked on a
full stderr pipe) withholds the keep-alives until it runs again. The unit
file passes `systemd-analyze verify`.
"""

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402
import requests  # noqa: E402

API = h.API
HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, "..", "..", "packaging", "pivotd.service")
WATCHDOG_USEC = 400000


class FakeNotifySocket:
    """The service manager's end of sd_notify: one datagram per call."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.messages = []

    def close(self):
        self.sock.close()

    def next(self, timeout=10.0):
        """The next message as a dict of its KEY=value lines, or None."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        msg = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
        self.messages.append(msg)
        return msg

    def wait_for(self, key, timeout=10.0):
        """The first message carrying key, skipping keep-alives and others."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.next(max(0.01, deadline - time.monotonic()))
            if msg is not None and key in msg:
                return msg
        raise AssertionError("no %s from pivotd in %.0f s; the last messages: %r"
                             % (key, timeout, self.messages[-5:]))


class ServiceTest(unittest.TestCase):
    BASE_CONFIG = "logging:\n  format: json\n  audit_file: AUDIT\n"

    @classmethod
    def setUpClass(cls):
        cls.work = h.WorkDir("pivot-service-")
        cls.cache = h.Cache.generate(cls.work.sub("data"), channels=1, seconds=5, rate=20,
                                     signals=1)
        cls.state = cls.work.sub("state")
        cls.audit = cls.work.sub("audit.log")
        cls.config = h.write_config(cls.work.sub("pivot.yaml"),
                                    cls.BASE_CONFIG.replace("AUDIT", cls.audit))
        cls.notify = FakeNotifySocket(cls.work.sub("notify.sock"))
        env = dict(os.environ, NOTIFY_SOCKET=cls.notify.path, WATCHDOG_USEC=str(WATCHDOG_USEC))
        cls.server = h.Server(cls.cache.data_dir, cls.state, cls.config, env=env)
        cls.alice = cls.server.create_key("alice")
        cls.server.start()
        # The request goes out the moment READY arrives: it must be answered.
        cls.ready = cls.notify.wait_for("READY")
        cls.first_messages = list(cls.notify.messages)
        client = h.Client(cls.server.base, None)
        cls.health_at_ready = client.get("/api/v1/health", timeout=2).status_code
        client.close()
        cls.body = {"time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:02Z"),
                    "channels": {"include": ["ch000"]}}

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.notify.close()
        cls.work.close()

    def test_1_ready_only_once_the_listener_answers(self):
        # Nothing but READY came first: no keep-alive before readiness.
        self.assertEqual(self.first_messages, [self.ready])
        self.assertEqual(self.ready["READY"], "1")
        self.assertEqual(self.ready["MAINPID"], str(self.server.proc.pid))
        self.assertEqual(self.ready["STATUS"], "listening on " + self.server.base)
        self.assertEqual(self.health_at_ready, 200)

    def test_2_watchdog_keep_alives(self):
        start = time.monotonic()
        count = 0
        while time.monotonic() - start < 1.2:
            msg = self.notify.next(timeout=1.0)
            if msg is not None and msg.get("WATCHDOG") == "1":
                count += 1
        # Every 100 ms (a quarter of 400 ms): about 12 in 1.2 s; at least
        # one per half interval is what systemd needs.
        self.assertGreaterEqual(count, 6)

    def test_3_sighup_reloads_settings_and_keys_need_no_reload(self):
        api = self.server.client(self.alice)
        self.addCleanup(api.close)
        # A key created while serving works at once, before any reload.
        bob = self.server.client(self.server.create_key("bob"))
        self.addCleanup(bob.close)
        self.assertEqual(bob.get(API + "/jobs").status_code, 200)
        api.submit(self.body)
        api.submit(self.body)
        metrics = self.server.base + "/metrics"
        self.assertEqual(requests.get(metrics, timeout=10).status_code, 200)

        # Rotate the audit file and tighten the settings, then SIGHUP.
        os.rename(self.audit, self.audit + ".1")
        h.write_config(self.config, self.BASE_CONFIG.replace("AUDIT", self.audit)
                       + "  level: warning\nquotas:\n  jobs_per_day: 2\n"
                       + "metrics:\n  allow: 10.0.0.0/8\n")
        self.server.proc.send_signal(signal.SIGHUP)
        self.assertEqual(self.notify.wait_for("RELOADING")["RELOADING"], "1")
        self.assertEqual(self.notify.wait_for("READY")["READY"], "1")
        # (Its "reloaded" line is info, below the new level: not written.)

        # The quota default applies to submissions at once: a third job is refused.
        r, _ = api.post_job(self.body)
        self.assertEqual(r.status_code, 429, r.text)
        self.assertEqual(r.json()["type"].rsplit("/", 1)[-1], "quota-exceeded")
        # Loopback is no longer allowed to read /metrics: it is not there for it.
        self.assertEqual(requests.get(metrics, timeout=10).status_code, 404)
        # Keys still work after the reload, bob's too.
        self.assertEqual(bob.get(API + "/jobs").status_code, 200)
        # level warning: no access line for this request any more.
        r = api.request("GET", API + "/quota", headers={"X-Request-Id": "after-reload"})
        self.assertEqual(r.status_code, 200)
        # The audit line goes to the reopened file, not the rotated one.
        stranger = h.Client(self.server.base, "pvk_EEEEEEEEEEEE_" + "F" * 43)
        self.addCleanup(stranger.close)
        self.assertEqual(stranger.get(API + "/jobs").status_code, 401)
        deadline = time.monotonic() + 10
        lines = []
        while not lines and time.monotonic() < deadline:
            with open(self.audit) as f:
                lines = [json.loads(x) for x in f if x.strip()]
            time.sleep(0.05)
        self.assertEqual([(x["event"], x["key"]) for x in lines],
                         [("auth-failure", "EEEEEEEEEEEE")])
        with open(self.audit + ".1") as f:
            self.assertNotIn("EEEEEEEEEEEE", f.read())
        self.assertNotIn("after-reload", self.server.log())

        # A bad file on reload changes nothing and says why.
        h.write_config(self.config, "logging:\n  format: xml\n")
        self.server.proc.send_signal(signal.SIGHUP)
        self.notify.wait_for("READY")
        self.assertIn('reload failed: logging.format: \\"xml\\" is not a format',
                      self.server.log())
        r = api.request("GET", API + "/quota", headers={"X-Request-Id": "after-bad"})
        self.assertEqual(r.status_code, 200)
        time.sleep(0.2)
        self.assertNotIn("after-bad", self.server.log())
        for line in self.server.log().splitlines():
            json.loads(line)

        # A bad metrics value is refused before anything applies: the
        # logging format stays, /metrics stays closed to loopback.
        h.write_config(self.config, "logging:\n  format: text\nmetrics:\n  allow: everyone\n")
        self.server.proc.send_signal(signal.SIGHUP)
        self.notify.wait_for("READY")
        self.assertIn('metrics.allow: \\"everyone\\" is not an IP address or network',
                      self.server.log())
        self.assertEqual(requests.get(metrics, timeout=10).status_code, 404)
        for line in self.server.log().splitlines():
            json.loads(line)

    def test_4_sigterm_says_stopping_and_exits_0(self):
        self.server.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.notify.wait_for("STOPPING")["STOPPING"], "1")
        self.assertEqual(self.server.stop(), 0)


class StuckLoopTest(unittest.TestCase):
    """An HTTP loop that stops answering: its thread blocked writing a log
    line to a stderr nobody reads (a stalled journal), as one stuck on a
    lock would be. The keep-alives stop while it is stuck, so systemd would
    restart pivotd, and come back once it runs again."""

    def test_a_stuck_loop_withholds_the_keep_alives(self):
        work = h.WorkDir("pivot-stuck-")
        self.addCleanup(work.close)
        cache = h.Cache.generate(work.sub("data"), channels=1, seconds=5, rate=20, signals=1)
        # One HTTP loop; an access line for every request, written by the loop.
        config = h.write_config(work.sub("pivot.yaml"),
                                "api:\n  threads: 1\nlogging:\n  format: json\n")
        notify = FakeNotifySocket(work.sub("notify.sock"))
        self.addCleanup(notify.close)
        server = h.Server(cache.data_dir, work.sub("state"), config, engine="sqlite")
        env = dict(os.environ, NOTIFY_SOCKET=notify.path, WATCHDOG_USEC=str(WATCHDOG_USEC))
        read_end, write_end = os.pipe()
        fcntl.fcntl(read_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
        proc = subprocess.Popen(server.command(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=write_end, env=env)
        os.close(write_end)
        drain = threading.Thread(target=lambda: [None for _ in iter(
            lambda: os.read(read_end, 65536), b"")])
        client = None
        try:
            ready = notify.wait_for("READY")
            base = ready["STATUS"].split("listening on ", 1)[1]
            notify.wait_for("WATCHDOG", timeout=5)
            # Fill the 4 KiB pipe with access lines until a request goes unanswered.
            client = h.Client(base, None)
            for _ in range(500):
                try:
                    client.get("/api/v1/health", timeout=1.0)
                except requests.exceptions.RequestException:
                    break
            else:
                self.fail("500 answered requests did not fill a 4 KiB pipe")
            # Keep-alives already on their way land; then none for three intervals.
            time.sleep(2 * WATCHDOG_USEC / 1e6)
            while notify.next(timeout=0.05) is not None:
                pass
            end = time.monotonic() + 3 * WATCHDOG_USEC / 1e6
            withheld = []
            while time.monotonic() < end:
                msg = notify.next(timeout=max(0.01, end - time.monotonic()))
                if msg is not None and "WATCHDOG" in msg:
                    withheld.append(msg)
            self.assertEqual(withheld, [])
            # The journal reads again: the loop runs on, and so do the keep-alives.
            drain.start()
            self.assertEqual(notify.wait_for("WATCHDOG", timeout=10)["WATCHDOG"], "1")
            client.close()
            client = h.Client(base, None)
            self.assertEqual(client.get("/api/v1/health", timeout=10).status_code, 200)
        finally:
            if client is not None:
                client.close()
            if not drain.is_alive() and drain.ident is None:
                drain.start()
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
            drain.join(10)
            os.close(read_end)
        self.assertEqual(rc, 0)


class UnitFileTest(unittest.TestCase):
    def test_unit_verifies(self):
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.fail("systemd-analyze is missing (scripts/install-deps installs systemd)")
        work = h.WorkDir("pivot-unit-")
        self.addCleanup(work.close)
        with open(UNIT) as f:
            text = f.read()
        self.assertIn("Type=notify\n", text)
        self.assertIn("WatchdogSec=", text)
        self.assertIn("ExecReload=/bin/kill -HUP $MAINPID\n", text)
        # verify checks that ExecStart names an executable: point it at the build's.
        unit = os.path.join(work.sub("units"), "pivotd.service")
        os.makedirs(os.path.dirname(unit))
        with open(unit, "w") as f:
            f.write(text.replace("/usr/bin/pivotd", h.pivotd_path()))
        r = subprocess.run([analyze, "verify", unit], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual((r.returncode, r.stderr.decode(), r.stdout.decode()), (0, "", ""))


if __name__ == "__main__":
    unittest.main(verbosity=2)
