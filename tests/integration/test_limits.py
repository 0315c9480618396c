"""Limits and faults of a running pivotd: a result that outgrows
jobs.max_output_bytes, an exporter plugin that crashes its worker, and idle
or slow clients. Each fails or holds only what it touches: the server keeps
answering and other jobs complete."""

import os
import resource
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
LIMIT = 256 * 1024


def body(channels, seconds, fmt=None):
    end = "2025-01-01T00:%02d:%02dZ" % (seconds // 60, seconds % 60)
    b = {"time_range": ph.absolute("2025-01-01T00:00:00Z", end),
         "channels": {"include": list(channels)}}
    if fmt is not None:
        b["options"] = {"format": fmt}
    return b


def small_body(fmt=None):
    """One channel for one second in small chunks: a file of some KiB."""
    b = body(["ch001"], 1, fmt)
    b.setdefault("options", {})["chunk_size"] = 256
    return b


def result_files(state, job_id):
    results = os.path.join(state, "results")
    if not os.path.isdir(results):
        return []
    return sorted(n for n in os.listdir(results) if n.startswith(job_id))


class LimitsBase(unittest.TestCase):
    config = None

    @classmethod
    def setUpClass(cls):
        cls.work = ph.WorkDir("pivot-limits-")
        cls.data = cls.work.sub("data")
        # 8 channels x 60 s x 1 kHz x 3 signals: some MB of HDF5, far over LIMIT.
        cls.cache = ph.Cache.generate(cls.data, channels=8, seconds=60, rate=1000, signals=3)
        cls.state = cls.work.sub("state")
        config = None
        if cls.config is not None:
            config = ph.write_config(cls.work.sub("pivot.yaml"), cls.config)
        cls.server = cls.make_server(config)
        cls.server.start()
        cls.api = cls.server.client(cls.server.create_key("alice"))

    @classmethod
    def make_server(cls, config):
        return ph.Server(cls.data, cls.state, config)

    @classmethod
    def tearDownClass(cls):
        cls.api.close()
        cls.server.stop()
        cls.work.close()

    def assert_serving(self):
        r = self.api.get("/api/v1/health")
        self.assertEqual(r.status_code, 200)

    def assert_small_job_completes(self, fmt=None):
        job = self.api.wait(self.api.submit(small_body(fmt)), timeout=60)
        self.assertEqual(job["status"], "completed", job.get("error"))
        r = self.api.download(job["job_id"])
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.content[:8], b"\x89HDF\r\n\x1a\n")
        self.assertLess(len(r.content), LIMIT)


class OutputLimitTest(LimitsBase):
    config = "jobs:\n  max_output_bytes: %d\n" % LIMIT

    def test_a_result_over_the_limit_fails_and_leaves_no_file(self):
        big = self.api.submit(body(self.cache.channel_names(), 60))
        small = self.api.submit(small_body())
        job = self.api.wait(big, timeout=120)
        self.assertEqual(job["status"], "failed")
        self.assertEqual(job["error"],
                         "the result exceeded jobs.max_output_bytes (%d bytes)" % LIMIT)
        self.assertEqual(result_files(self.state, big), [])
        self.assertEqual(self.api.download(big).status_code, 409)
        # The job submitted alongside, and one after, complete under the limit.
        self.assertEqual(self.api.wait(small, timeout=60)["status"], "completed")
        self.assertEqual([n.split(".", 1)[1] for n in result_files(self.state, small)],
                         ["h5", "h5.preview.jsonl"])
        self.assert_serving()
        self.assert_small_job_completes()


    def test_a_compressed_result_over_the_limit_fails_while_threads_compress(self):
        """The same limit when the result is deflated by the compression
        threads and written in direct chunks (gzip 1: hdf5's default)."""
        b = body(self.cache.channel_names(), 60)
        b["options"] = {"compression": {"gzip": 1}}
        big = self.api.submit(b)
        job = self.api.wait(big, timeout=120)
        self.assertEqual(job["status"], "failed")
        self.assertEqual(job["error"],
                         "the result exceeded jobs.max_output_bytes (%d bytes)" % LIMIT)
        self.assertEqual(result_files(self.state, big), [])
        self.assert_serving()
        self.assert_small_job_completes()


class CrashingPluginTest(LimitsBase):
    @classmethod
    def make_server(cls, config):
        # The normal plugins plus the crashing exporter, by symbolic links.
        plugins = ph.link_plugins(cls.work.sub("plugins"),
                                  {"crash.so": os.environ["PIVOT_CRASH_PLUGIN"]})
        # Under a sanitizer build, let the signal kill the worker as it would
        # in production instead of the runtime turning it into an exit status.
        for name in ("ASAN_OPTIONS", "TSAN_OPTIONS"):
            os.environ[name] = ":".join(filter(None, [os.environ.get(name), "handle_segv=0"]))
        return ph.Server(cls.data, cls.state, config, plugins=plugins)

    def test_a_segfaulting_exporter_fails_only_its_job(self):
        crash = self.api.submit(body(["ch000"], 2, "crash"))
        job = self.api.wait(crash, timeout=60)
        self.assertEqual(job["status"], "failed")
        self.assertIn("killed by signal 11", job["error"])
        self.assertEqual(result_files(self.state, crash), [])
        self.assert_serving()
        self.assert_small_job_completes("hdf5")


def raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


class SlowClientsTest(LimitsBase):
    IDLE = 1000
    # A short request time, so that the slow client is cut off in seconds.
    config = "api:\n  limits:\n    request_timeout: 3s\n"

    @classmethod
    def make_server(cls, config):
        # The server inherits the limit: it must hold the idle sockets too.
        raise_fd_limit(4 * cls.IDLE)
        return ph.Server(cls.data, cls.state, config)

    def test_idle_and_slowloris_clients_do_not_stop_others(self):
        port = int(self.server.base.rsplit(":", 1)[1])
        idle = []
        stop = threading.Event()
        slow_closed = []

        def slowloris():
            started = time.monotonic()
            s = socket.create_connection(("127.0.0.1", port))
            head = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: "
            try:
                for i in range(len(head) + 1000):
                    if stop.is_set():
                        break
                    s.sendall(head[i:i + 1] if i < len(head) else b"a")
                    time.sleep(1.0)
            except OSError:
                slow_closed.append(time.monotonic() - started)
            finally:
                s.close()

        try:
            for _ in range(self.IDLE):
                idle.append(socket.create_connection(("127.0.0.1", port)))
            t = threading.Thread(target=slowloris)
            t.start()
            time.sleep(2.5)  # the slow client is in the middle of its head
            for _ in range(5):
                t0 = time.monotonic()
                r = self.api.get("/api/v1/health", timeout=5)
                elapsed = time.monotonic() - t0
                self.assertEqual(r.status_code, 200)
                self.assertLess(elapsed, 1.0)
            # The server closes the slow client once its request time is up.
            t.join(timeout=20)
            self.assertFalse(t.is_alive())
            self.assertEqual(len(slow_closed), 1)
            # api.limits.request_timeout (3 s), plus the send that finds the
            # connection closed; the default 10 s would be far later.
            self.assertGreaterEqual(slow_closed[0], 2.5)
            self.assertLess(slow_closed[0], 8.0)
        finally:
            stop.set()
            for s in idle:
                s.close()
        self.assert_serving()


if __name__ == "__main__":
    unittest.main(verbosity=2)
