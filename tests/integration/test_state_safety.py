"""The state folder is never lost or shared by accident: a second server on
one state folder refuses to start; results survive a state folder moved
elsewhere, and a removed or emptied job store beside results is refused at
start instead of wiping them."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
# One channel for two seconds: done in a moment.
SMALL = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:02Z"),
         "channels": {"include": ["ch000"]}}
# Every sample of every channel: long enough to find its worker running.
BIG = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
       "channels": {"pattern": "ch*"}}




def open_files(pid):
    """The paths the process pid has open."""
    fd_dir = "/proc/%d/fd" % pid
    paths = []
    for fd in os.listdir(fd_dir):
        try:
            paths.append(os.readlink(os.path.join(fd_dir, fd)))
        except OSError:
            pass
    return paths


class StateCase(unittest.TestCase):
    """A cache shared by the class; a state folder and server per test."""

    @classmethod
    def setUpClass(cls):
        cls.work = ph.WorkDir("pivot-state-")
        cls.data = cls.work.sub("data")
        ph.Cache.generate(cls.data, channels=4, seconds=600, rate=1000, signals=4,
                          file_seconds=120)

    @classmethod
    def tearDownClass(cls):
        cls.work.close()

    def setUp(self):
        self.servers = []
        self.clients = []
        self.state = self.work.sub("state-" + self.id().rsplit(".", 1)[-1])

    def tearDown(self):
        for c in self.clients:
            c.close()
        for s in self.servers:
            if s.proc is not None:
                s.stop()

    def start(self, state=None, config=None):
        server = ph.Server(self.data, state or self.state, config)
        self.servers.append(server)
        return server.start()

    def client(self, server, key):
        c = server.client(key)
        self.clients.append(c)
        return c

    def serve_until_exit(self, state, timeout=15.0, config=None):
        """Runs `pivotd serve` that is expected to refuse to start: its exit
        status and stderr. A server that starts instead fails the test."""
        cmd = [ph.pivotd_path(), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data,
               "--state-dir", state, "--plugin-dir", ph.plugin_dir()]
        if config is not None:
            cmd += ["--config", config]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            self.fail("pivotd serve did not refuse to start:\n" + err.decode(errors="replace"))
        return proc.returncode, err.decode(errors="replace")


class OneServerPerStateTest(StateCase):
    def test_second_server_on_one_state_folder_refuses(self):
        first = self.start()
        key = first.create_key("alice")
        api = self.client(first, key)
        job_id = api.submit(BIG)
        pid = ph.worker_pid(job_id)

        rc, err = self.serve_until_exit(self.state)
        self.assertEqual(rc, 1, err)
        self.assertIn("state directory %s is in use by another pivotd serve (pid %d)"
                      % (os.path.realpath(self.state), first.proc.pid), err)
        self.assertNotIn("listening", err)
        # The lock file names the server; the worker does not hold (or inherit) the lock.
        lock = os.path.join(self.state, "pivotd.lock")
        with open(lock) as f:
            self.assertEqual(f.read().strip(), str(first.proc.pid))
        self.assertNotIn(os.path.realpath(lock), open_files(pid))

        # The administration commands still run beside the server.
        other = first.create_key("bob")
        self.assertTrue(other.startswith("pvk_"))
        out = subprocess.run([ph.pivotd_path(), "quota", "set", "--user", "alice",
                              "--jobs-per-day", "100"] + first._common_args(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr.decode())

        # The first server's job was not touched: it completes on its first attempt.
        job = api.wait(job_id, timeout=120)
        self.assertEqual((job["status"], job["attempts"]), ("completed", 1), job)
        self.assertNotIn("leftover worker", first.log())

        # Once the first server stops, the folder is free again.
        self.assertEqual(first.stop(), 0)
        second = self.start()
        self.assertEqual(self.client(second, key).job(job_id)["status"], "completed")


    def test_two_sqlite_servers_on_one_results_folder_refuse(self):
        # Each on a state folder of its own, both told to use one results_dir:
        # each one's sweep would delete the other's results.
        shared = self.work.sub("shared-results")
        config = ph.write_config(self.work.sub("shared-results.yaml"),
                                 "results_dir: %s\n" % shared)
        first = self.start(config=config)
        key = first.create_key("alice")
        job_id = self.client(first, key).submit(BIG)
        rc, err = self.serve_until_exit(self.state + "-second", config=config)
        self.assertEqual(rc, 1, err)
        self.assertIn("the results folder %s is in use by another pivotd serve; a server on "
                      "the embedded SQLite job store needs a results_dir of its own"
                      % os.path.realpath(shared), err)
        self.assertNotIn("listening", err)
        job = self.client(first, key).wait(job_id, timeout=120)
        self.assertEqual(job["status"], "completed", job)
        self.assertTrue(os.path.exists(os.path.join(shared, job_id + ".h5")))
        # The lock goes with the server: it starts again on the same folder.
        self.assertEqual(first.stop(), 0)
        again = self.start(config=config)
        self.assertEqual(self.client(again, key).job(job_id)["status"], "completed")


class ResultsSurviveTest(StateCase):
    """Finished results outlive whatever happens to the folder around them."""

    def make_results(self, n=2):
        """Runs n small jobs to completion on a server that then stops;
        returns its key and each job's downloaded file by job id."""
        server = self.start()
        key = server.create_key("alice")
        api = self.client(server, key)
        files = {}
        for _ in range(n):
            job = api.wait(api.submit(SMALL))
            self.assertEqual(job["status"], "completed", job)
            r = api.download(job["job_id"])
            self.assertEqual(r.status_code, 200)
            files[job["job_id"]] = r.content
        self.assertEqual(server.stop(), 0)
        return key, files

    @staticmethod
    def result_files_of(files):
        """What the results folder holds for these jobs: each file and its preview."""
        return sorted(n for i in files for n in (i + ".h5", i + ".h5.preview.jsonl"))

    def result_names(self, state):
        return sorted(os.listdir(os.path.join(state, "results")))

    def assertRefused(self, state, what, files):
        rc, err = self.serve_until_exit(state)
        self.assertEqual(rc, 1, err)
        self.assertIn("the job store %s is %s but %s holds %d result files"
                      % (os.path.join(state, "jobs.db"), what,
                         os.path.join(os.path.realpath(state), "results"), len(files)), err)
        self.assertIn("restore the jobs.db these results belong to", err)
        self.assertEqual(self.result_names(state), self.result_files_of(files))

    def test_moved_state_folder_keeps_results(self):
        key, files = self.make_results()
        moved = self.state + "-restored"
        shutil.move(self.state, moved)
        server = self.start(moved)
        api = self.client(server, key)
        # The first orphan sweep has run before the server listens.
        self.assertEqual(self.result_names(moved), self.result_files_of(files))
        for job_id, content in files.items():
            self.assertEqual(api.job(job_id)["status"], "completed")
            r = api.download(job_id)
            self.assertEqual(r.status_code, 200, r.text[:300])
            self.assertEqual(r.content, content)
        self.assertNotIn("no job refers to it", server.log())

    def test_missing_job_store_is_refused(self):
        _, files = self.make_results()
        for name in ("jobs.db", "jobs.db-wal", "jobs.db-shm"):
            if os.path.exists(os.path.join(self.state, name)):
                os.unlink(os.path.join(self.state, name))
        self.assertRefused(self.state, "missing", files)
        # Nothing was created in its place.
        self.assertFalse(os.path.exists(os.path.join(self.state, "jobs.db")))

    def test_empty_job_store_is_refused(self):
        _, files = self.make_results()
        os.truncate(os.path.join(self.state, "jobs.db"), 0)
        self.assertRefused(self.state, "empty (0 bytes)", files)
        self.assertEqual(os.path.getsize(os.path.join(self.state, "jobs.db")), 0)

    def test_store_without_jobs_keeps_and_reports_results(self):
        key, files = self.make_results()
        db = sqlite3.connect(os.path.join(self.state, "jobs.db"))
        with db:
            db.execute("DELETE FROM jobs")
        db.close()
        server = self.start()
        # The first orphan sweep has run before the server listens.
        self.assertEqual(self.result_names(self.state), self.result_files_of(files))
        log = server.log()
        self.assertIn("holds 2 result files", log)
        self.assertIn("but the job store holds no job: keeping them", log)
        self.assertNotIn("no job refers to it", log)


def mount_tmpfs(test, path, size):
    """Mounts a tmpfs of size at path (made if missing), unmounted at the
    test's end; skips the test where mounting is not allowed."""
    os.makedirs(path, exist_ok=True)
    out = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    if out.returncode != 0:
        test.skipTest("cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): "
                      + out.stdout.decode(errors="replace").strip())
    test.addCleanup(subprocess.run, ["umount", "-l", path], timeout=30)


def fill(path):
    """Writes a file in directory path until its file system is full."""
    with open(os.path.join(path, "filler"), "wb") as f:
        block = b"\0" * 65536
        try:
            for _ in range(1 << 16):
                f.write(block)
                f.flush()
        except OSError:
            pass
        try:
            f.close()
        except OSError:
            pass


class FullDiskTest(StateCase):
    """A full disk under the results or under the job store is told to the
    client plainly: a one-sentence job error, a 507 with Retry-After."""

    def test_full_results_disk_fails_the_job_in_one_plain_sentence(self):
        os.makedirs(self.state)
        mount_tmpfs(self, os.path.join(self.state, "results"), "1m")
        server = self.start()
        api = self.client(server, server.create_key("alice"))
        job = api.wait(api.submit(BIG), timeout=120)
        self.assertEqual(job["status"], "failed", job)
        error = job["error"]
        # One line that says what failed and why, e.g. 'channel "ch000": writing
        # the HDF5 file failed: ... H5Dwrite failed: No space left on device'.
        self.assertNotIn("/", error)
        self.assertIsNone(re.search(r"0x[0-9a-fA-F]", error), error)
        self.assertNotIn("\n", error)
        self.assertTrue(error.startswith('channel "ch000": writing the HDF5 file failed: '), error)
        self.assertTrue(error.endswith(" failed: No space left on device"), error)
        self.assertEqual(os.listdir(os.path.join(self.state, "results")), [])
        # The log keeps HDF5's whole record for the operator.
        log = server.log()
        self.assertIn("hdf5: error: ", log)
        self.assertIn("%s.h5.1.part', file descriptor" % job["job_id"], log)
        self.assertIn("errno = 28", log)

    def test_full_job_store_disk_answers_507(self):
        os.makedirs(self.state)
        mount_tmpfs(self, self.state, "4m")
        server = self.start()
        api = self.client(server, server.create_key("alice"))
        self.assertEqual(api.wait(api.submit(SMALL))["status"], "completed")
        fill(self.state)
        # Free pages of the job store's files may take a few more rows. Each
        # POST carries a key of its own: a failed insert then looks for the
        # key's job before answering, which must not hide SQLite's error.
        for i in range(200):
            r = api.request("POST", JOBS, data=json.dumps(SMALL).encode(),
                            headers={"Content-Type": "application/json",
                                     "Idempotency-Key": "full-%d" % i})
            if r.status_code != 202:
                break
        self.assertEqual(r.status_code, 507, r.text)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
        self.assertEqual(r.json()["type"], "/api/v1/problems/store-full")
        self.assertEqual(r.headers["Retry-After"], "60")
        log = server.log()
        self.assertIn("pivotd: error: job store: database or disk is full", log)
        self.assertNotIn("not an error", log)
        # Reads go on; once there is room again, submissions do too.
        self.assertEqual(api.get(JOBS).status_code, 200)
        os.unlink(os.path.join(self.state, "filler"))
        self.assertEqual(api.wait(api.submit(SMALL))["status"], "completed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
