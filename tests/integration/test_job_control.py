#!/usr/bin/python3
"""Job management under real conditions: cancel, timeout, crashes, restarts,
retention, the concurrency cap, fairness and idempotent submission.

Jobs are held in `processing` by stopping their worker process with SIGSTOP
(found through /proc), never by slowing down the product: the scheduler must
cope with a worker that makes no progress exactly as it would in production.
"""

import fcntl
import os
import signal
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

API = h.API




def freeze_worker(job_id, state_dir):
    """Stops the job's worker as soon as it exists; returns its pid."""
    pid = h.worker_pid(job_id)
    h.stop_worker(pid, state_dir)
    return pid


def lock_holder(path):
    """The pid holding a write lock on the file at path (fcntl F_GETLK), or 0."""
    fd = os.open(path, os.O_RDWR)
    try:
        # struct flock on Linux x86_64/aarch64: type, whence, start, len, pid.
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        l_type, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    finally:
        os.close(fd)
    return 0 if l_type == fcntl.F_UNLCK else pid


def result_files(state_dir, job_id):
    results = os.path.join(state_dir, "results")
    return sorted(n for n in os.listdir(results) if n.startswith(job_id))


class JobControlBase(unittest.TestCase):
    """A cache big enough that an export lasts a while, and a server per test."""

    config = ""

    @classmethod
    def setUpClass(cls):
        cls.work = h.WorkDir("pivot-jobctl-")
        cls.cache = h.Cache.generate(cls.work.sub("data"), channels=4, seconds=600, rate=1000,
                                     signals=4, file_seconds=120)
        cls.job_body = {
            "time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
            "channels": {"include": cls.cache.channel_names()},
        }

    @classmethod
    def tearDownClass(cls):
        cls.work.close()

    def setUp(self):
        self.state = self.work.sub("state-" + self.id().rsplit(".", 1)[-1])
        config = h.write_config(self.state + ".yaml", self.config or "{}\n")
        self.server = h.Server(self.cache.data_dir, self.state, config).start()
        self.alice = self.server.client(self.server.create_key("alice"))
        self.stopped = []

    def tearDown(self):
        for pid in self.stopped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.alice.close()
        if self.server.proc is not None:
            self.server.stop()

    def restart(self):
        """Starts the server again (on a new port) and points the client at it."""
        self.server.start()
        self.alice.base = self.server.base

    def freeze(self, job_id):
        pid = freeze_worker(job_id, self.state)
        self.stopped.append(pid)
        return pid

    def assert_health(self):
        r = self.alice.get("/api/v1/health")
        self.assertEqual(r.status_code, 200)


class CancelTest(JobControlBase):
    def test_cancel_running_job_stops_it_and_frees_the_slot(self):
        job_id = self.alice.submit(self.job_body)
        pid = self.freeze(job_id)
        self.assertEqual(self.alice.job(job_id)["status"], "processing")
        r = self.alice.delete(API + "/jobs/" + job_id)
        self.assertEqual(r.status_code, 202)
        self.assertEqual(r.json()["action"], "cancelling")
        t0 = time.monotonic()
        os.kill(pid, signal.SIGCONT)
        job = self.alice.wait(job_id, timeout=10)
        elapsed = time.monotonic() - t0
        self.assertEqual(job["status"], "cancelled")
        self.assertLess(elapsed, 2.0, "cancel took %.2f s" % elapsed)
        self.assertIn("cancelled by the user", job["error"])
        self.assertIsNone(job["result"])
        self.assertEqual(result_files(self.state, job_id), [])
        r = self.alice.download(job_id)
        self.assertEqual(r.status_code, 409)
        # The slot is free: the next job runs to completion.
        small = dict(self.job_body, channels={"include": ["ch000"]},
                     time_range=h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:10Z"))
        nxt = self.alice.wait(self.alice.submit(small), timeout=30)
        self.assertEqual(nxt["status"], "completed")
        self.assertEqual(nxt["result"]["samples_exported"], 10000)

    def test_cancel_while_compression_threads_are_busy(self):
        """gzip 9 keeps the exporter's compression threads busy with chunks
        in flight: a cancel that arrives mid-export still stops the job
        within 2 s and leaves no file."""
        body = dict(self.job_body, options={"compression": {"gzip": 9}})
        job_id = self.alice.submit(body)
        pid = h.worker_pid(job_id)
        deadline = time.monotonic() + 30
        job = self.alice.job(job_id)
        while time.monotonic() < deadline and job["status"] in ("queued", "processing") and \
                not job["progress"]:
            time.sleep(0.01)
            job = self.alice.job(job_id)
        self.assertEqual(job["status"], "processing", job)
        self.assertGreater(job["progress"], 0)
        # More threads than the worker's own: the compression threads run.
        self.assertGreater(len(os.listdir("/proc/%d/task" % pid)), 1)
        t0 = time.monotonic()
        r = self.alice.delete(API + "/jobs/" + job_id)
        self.assertEqual(r.status_code, 202)
        job = self.alice.wait(job_id, timeout=10)
        elapsed = time.monotonic() - t0
        self.assertEqual(job["status"], "cancelled", job)
        self.assertLess(elapsed, 2.0, "cancel took %.2f s" % elapsed)
        self.assertEqual(result_files(self.state, job_id), [])

    def test_cancel_queued_job_is_immediate_and_delete_of_finished_removes_it(self):
        small = dict(self.job_body, channels={"include": ["ch000"]},
                     time_range=h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"))
        done = self.alice.wait(self.alice.submit(small))
        self.assertEqual(done["status"], "completed")
        path = os.path.join(self.state, "results", self.server.result_name(done["job_id"]))
        self.assertTrue(os.path.exists(path))
        r = self.alice.delete(API + "/jobs/" + done["job_id"])
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["action"], "deleted")
        self.assertFalse(os.path.exists(path))
        self.assertEqual(self.alice.get(API + "/jobs/" + done["job_id"]).status_code, 404)


class TimeoutTest(JobControlBase):
    config = "jobs:\n  timeout: 1s\n"

    def test_timeout_fails_the_job_from_outside(self):
        job_id = self.alice.submit(self.job_body)
        self.freeze(job_id)
        job = self.alice.wait(job_id, timeout=10)
        self.assertEqual(job["status"], "failed")
        self.assertIn("timed out", job["error"])
        self.assertIn("1 s limit", job["error"])
        self.assertEqual(result_files(self.state, job_id), [])
        self.assert_health()


class HeartbeatTest(JobControlBase):
    config = "jobs:\n  heartbeat_timeout: 1s\n"

    def test_a_silent_worker_is_detected_long_before_the_timeout(self):
        job_id = self.alice.submit(self.job_body)
        t0 = time.monotonic()
        self.freeze(job_id)
        job = self.alice.wait(job_id, timeout=15)
        self.assertEqual(job["status"], "failed")
        self.assertIn("stopped reporting progress", job["error"])
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(result_files(self.state, job_id), [])


class CrashTest(JobControlBase):
    def test_killed_worker_fails_only_its_job(self):
        job_id = self.alice.submit(self.job_body)
        pid = h.worker_pid(job_id)
        os.kill(pid, signal.SIGKILL)
        job = self.alice.wait(job_id, timeout=10)
        self.assertEqual(job["status"], "failed")
        self.assertIn("killed by signal 9", job["error"])
        self.assertEqual(result_files(self.state, job_id), [])
        self.assert_health()
        small = dict(self.job_body, channels={"include": ["ch001"]},
                     time_range=h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"))
        self.assertEqual(self.alice.wait(self.alice.submit(small))["status"], "completed")


class RestartTest(JobControlBase):
    def test_kill_9_of_server_and_workers_loses_nothing(self):
        ids = [self.alice.submit(self.job_body) for _ in range(4)]
        pids = [self.freeze(job_id) for job_id in ids[:3]]
        time.sleep(0.3)
        statuses = [self.alice.job(j)["status"] for j in ids]
        self.assertEqual(statuses, ["processing"] * 3 + ["queued"])
        self.server.proc.kill()
        self.server.proc.wait()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.server.proc = None
        # The next start re-queues the three, removes their .part files, runs all four.
        self.restart()
        done = [self.alice.wait(j, timeout=120) for j in ids]
        self.assertEqual([j["status"] for j in done], ["completed"] * 4)
        self.assertEqual([j["attempts"] for j in done], [2, 2, 2, 1])
        for j in done:
            self.assertEqual(j["result"]["samples_exported"], 4 * 600 * 1000)
            name = self.server.result_name(j["job_id"], attempt=j["attempts"])
            self.assertEqual(result_files(self.state, j["job_id"]),
                             [name, name + ".preview.jsonl"])
        leftovers = [n for n in os.listdir(os.path.join(self.state, "results"))
                     if n.endswith(".part")]
        self.assertEqual(leftovers, [])

    def test_a_worker_holds_the_lock_of_its_job_while_it_runs(self):
        # A server starting after a crash asks this lock, not /proc, which
        # process still works on a job (and kills it).
        job_id = self.alice.submit(self.job_body)
        pid = self.freeze(job_id)
        lock = os.path.join(self.state, "workers", job_id + ".lock")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
                not os.path.exists(lock) or lock_holder(lock) != pid):
            os.kill(pid, signal.SIGCONT)  # it takes the lock first thing
            time.sleep(0.002)
            h.stop_worker(pid, self.state)
        self.assertEqual(lock_holder(lock), pid)
        os.kill(pid, signal.SIGCONT)
        job = self.alice.wait(job_id, timeout=120)
        self.assertEqual(job["status"], "completed", job)
        # The lock file goes once the scheduler has seen the worker exit.
        workers = os.path.join(self.state, "workers")
        deadline = time.monotonic() + 10
        while os.listdir(workers) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(os.listdir(workers), [])

    def test_too_many_attempts_fail_the_job(self):
        job_id = self.alice.submit(self.job_body)
        for attempt in (1, 2):
            pid = self.freeze(job_id)
            self.server.proc.kill()
            self.server.proc.wait()
            os.kill(pid, signal.SIGKILL)
            self.server.proc = None
            self.restart()
        job = self.alice.wait(job_id, timeout=30)
        self.assertEqual(job["status"], "failed")
        self.assertEqual(job["attempts"], 2)
        self.assertIn("jobs.max_attempts", job["error"])


class RetentionTest(JobControlBase):
    config = "jobs:\n  retention: 2s\n"

    def test_results_expire_then_go(self):
        small = dict(self.job_body, channels={"include": ["ch000"]},
                     time_range=h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"))
        job = self.alice.wait(self.alice.submit(small))
        self.assertEqual(job["status"], "completed")
        completed = h.parse_rfc3339_ns(job["completed_at"])
        self.assertEqual(h.parse_rfc3339_ns(job["expires_at"]) - completed, 2 * h.NS)
        path = os.path.join(self.state, "results", self.server.result_name(job["job_id"]))
        # An orphan result file (no job refers to it) is swept too.
        orphan = os.path.join(self.state, "results", "AAAAAAAAAAAAAAAAAAAAAA.h5")
        with open(orphan, "wb") as f:
            f.write(b"x")
        deadline = time.monotonic() + 10
        while self.alice.job(job["job_id"])["status"] != "expired":
            self.assertLess(time.monotonic(), deadline, "never expired")
            time.sleep(0.1)
        self.assertFalse(os.path.exists(path))
        self.assertFalse(os.path.exists(orphan))
        r = self.alice.download(job["job_id"])
        self.assertEqual(r.status_code, 410)
        self.assertEqual(r.json()["type"], "/api/v1/problems/result-gone")
        listed = self.alice.get(API + "/jobs?status=expired").json()
        self.assertEqual([j["job_id"] for j in listed["jobs"]], [job["job_id"]])
        deadline = time.monotonic() + 10
        while self.alice.get(API + "/jobs/" + job["job_id"]).status_code != 404:
            self.assertLess(time.monotonic(), deadline, "the expired row never went")
            time.sleep(0.1)


class SchedulingTest(JobControlBase):
    config = "jobs:\n  max_concurrent: 3\n"

    def running(self, client):
        body = client.get(API + "/jobs?status=processing&limit=100").json()
        return body["total"]

    def test_concurrency_cap_holds(self):
        ids = [self.alice.submit(self.job_body) for _ in range(10)]
        pids = [self.freeze(j) for j in ids[:3]]
        # With three workers stopped, the other seven wait, in order.
        for _ in range(10):
            self.assertEqual(self.running(self.alice), 3)
            time.sleep(0.05)
        queued = [self.alice.job(j) for j in ids[3:]]
        self.assertEqual([j["status"] for j in queued], ["queued"] * 7)
        self.assertEqual([j["queue_position"] for j in queued], list(range(1, 8)))
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        observed = 0
        deadline = time.monotonic() + 120
        while True:
            listed = self.alice.get(API + "/jobs?limit=100").json()["jobs"]
            running = sum(1 for j in listed if j["status"] == "processing")
            self.assertLessEqual(running, 3)
            observed = max(observed, running)
            if all(j["status"] == "completed" for j in listed):
                break
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        self.assertEqual(observed, 3)

    def test_fair_between_users(self):
        bob = self.server.client(self.server.create_key("bob"))
        try:
            alice_ids = [self.alice.submit(self.job_body) for _ in range(6)]
            pids = [self.freeze(j) for j in alice_ids[:3]]
            bob_id = bob.submit(self.job_body)
            self.assertEqual(bob.job(bob_id)["status"], "queued")
            # Free one slot: bob (no running job) goes before alice's older ones.
            os.kill(pids[0], signal.SIGKILL)
            self.assertEqual(self.alice.wait(alice_ids[0])["status"], "failed")
            bob_pid = self.freeze(bob_id)
            self.assertEqual(bob.job(bob_id)["status"], "processing")
            self.assertEqual([self.alice.job(j)["status"] for j in alice_ids[3:]],
                             ["queued"] * 3)
            for pid in pids[1:] + [bob_pid]:
                os.kill(pid, signal.SIGCONT)
            self.assertEqual(bob.wait(bob_id, timeout=120)["status"], "completed")
        finally:
            bob.close()

    def test_priority_orders_a_users_own_jobs(self):
        blockers = [self.alice.submit(self.job_body) for _ in range(3)]
        pids = [self.freeze(j) for j in blockers]
        low = self.alice.submit(dict(self.job_body, options={"priority": "low"}))
        high = self.alice.submit(dict(self.job_body, options={"priority": "high"}))
        self.assertEqual(self.alice.job(high)["priority"], "high")
        os.kill(pids[0], signal.SIGKILL)
        self.freeze(high)
        self.assertEqual(self.alice.job(high)["status"], "processing")
        self.assertEqual(self.alice.job(low)["status"], "queued")


class IdempotencyTest(JobControlBase):
    def test_same_key_same_body_returns_the_original_job(self):
        small = dict(self.job_body, channels={"include": ["ch000"]},
                     time_range=h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"))
        text = h.json.dumps(small)
        headers = {"Content-Type": "application/json", "Idempotency-Key": "run-42"}
        r1 = self.alice.request("POST", API + "/jobs", data=text, headers=headers)
        self.assertEqual(r1.status_code, 202)
        first = r1.json()
        self.alice.wait(first["job_id"])
        r2 = self.alice.request("POST", API + "/jobs", data=text, headers=headers)
        self.assertEqual(r2.status_code, 200)
        self.assertEqual(r2.json()["job_id"], first["job_id"])
        self.assertEqual(r2.json()["created_at"], first["created_at"])
        self.assertEqual(r2.json()["status"], "completed")
        self.assertEqual(self.alice.get(API + "/jobs").json()["total"], 1)
        other = h.json.dumps(dict(small, channels={"include": ["ch001"]}))
        r3 = self.alice.request("POST", API + "/jobs", data=other, headers=headers)
        self.assertEqual(r3.status_code, 422)
        self.assertEqual(r3.json()["type"], "/api/v1/problems/idempotency-key-reused")
        # Keys are per user.
        bob = self.server.client(self.server.create_key("bob"))
        try:
            r4 = bob.request("POST", API + "/jobs", data=text, headers=headers)
            self.assertEqual(r4.status_code, 202)
            self.assertNotEqual(r4.json()["job_id"], first["job_id"])
        finally:
            bob.close()
        bad = self.alice.request("POST", API + "/jobs", data=text,
                                 headers={"Idempotency-Key": "has space"})
        self.assertEqual(bad.status_code, 400)


if __name__ == "__main__":
    unittest.main(verbosity=2)
