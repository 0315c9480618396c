#!/usr/bin/python3
"""pivotd backup and pivotd check against a real pivotd.

backup: copies taken while 50 jobs are being submitted each pass SQLite's
integrity_check and hold every job acknowledged (202) before the copy began
and nothing that was never acknowledged; restored into a new state
directory they serve those jobs to their owner with the same key.
check: a completed job whose file is gone and files no job refers to are
reported (exit 1) and, with --repair, the job failed and the files removed
(exit 0), after which check finds nothing. A job store of a newer schema is
refused by check and serve with a message that says what to do.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

API = h.API
CONFIG = "quotas:\n  max_queued_jobs: 0\n  jobs_per_day: 0\n"


def job_ids(db_path):
    with sqlite3.connect(db_path) as db:
        return {row[0] for row in db.execute("SELECT id FROM jobs")}


def integrity(db_path):
    with sqlite3.connect(db_path) as db:
        return db.execute("PRAGMA integrity_check").fetchall()


class BackupCase(h.ServerCase):
    WORK_PREFIX = "pivot-backup-"
    CONFIG = CONFIG

    @classmethod
    def write_data(cls, data):
        cls.cache = h.Cache.generate(data, channels=1, seconds=4, rate=20, signals=1)

    @classmethod
    def after_start(cls):
        cls.body = {"time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"),
                    "channels": {"include": ["ch000"]}}

    def pivotd(self, *args, state=None):
        return subprocess.run([h.pivotd_path(), *args, "--state-dir", state or self.state,
                               "--config", self.config_path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)


class BackupWhileServingTest(BackupCase):
    def test_backups_during_50_submissions_hold_every_acknowledged_job(self):
        acked, failures = [], []
        lock = threading.Lock()

        def submit_all():
            client = self.server.client(self.key)
            try:
                for _ in range(50):
                    r, _ = client.post_job(self.body)
                    if r.status_code != 202:
                        failures.append((r.status_code, r.text))
                        return
                    with lock:
                        acked.append(r.json()["job_id"])
            finally:
                client.close()

        submitter = threading.Thread(target=submit_all)
        submitter.start()
        backups = []
        try:
            for n, after in enumerate((5, 20, 35)):
                deadline = time.monotonic() + 30
                while len(acked) < after and submitter.is_alive() and time.monotonic() < deadline:
                    time.sleep(0.002)
                with lock:
                    before = set(acked)
                dest = self.work.sub("backup-%d" % n)
                r = self.pivotd("backup", dest)
                self.assertEqual(r.returncode, 0, r.stderr.decode())
                self.assertIn("%s/jobs.db: " % dest, r.stdout.decode())
                self.assertIn("%s/auth.db: " % dest, r.stdout.decode())
                backups.append((dest, before))
        finally:
            submitter.join(60)
        self.assertEqual(failures, [])
        self.assertEqual(len(acked), 50)
        # At least one copy was taken while submissions were still coming.
        self.assertLess(len(backups[0][1]), 50)
        for dest, before in backups:
            self.assertEqual(sorted(os.listdir(dest)), ["auth.db", "jobs.db"])
            self.assertEqual(integrity(os.path.join(dest, "jobs.db")), [("ok",)])
            self.assertEqual(integrity(os.path.join(dest, "auth.db")), [("ok",)])
            held = job_ids(os.path.join(dest, "jobs.db"))
            self.assertEqual(before - held, set(), dest)
            self.assertEqual(held - set(acked), set(), dest)

        # Restored into a new state directory, the first copy serves its jobs
        # to alice with her key.
        dest, before = backups[0]
        restored = self.work.sub("restored")
        os.makedirs(restored)
        for name in ("jobs.db", "auth.db"):
            shutil.copy(os.path.join(dest, name), os.path.join(restored, name))
        server = h.Server(self.cache.data_dir, restored, self.config_path)
        server.start()
        try:
            api = server.client(self.key)
            try:
                for job_id in sorted(before):
                    self.assertEqual(api.get(API + "/jobs/" + job_id).status_code, 200, job_id)
            finally:
                api.close()
        finally:
            self.assertEqual(server.stop(), 0, server.log())

    def test_the_copies_are_the_server_users_alone(self):
        # An empty directory given by the operator, open to everyone.
        dest = self.work.sub("open-dir")
        os.makedirs(dest)
        os.chmod(dest, 0o755)
        r = self.pivotd("backup", dest)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        for name in ("jobs.db", "auth.db"):
            self.assertEqual(os.stat(os.path.join(dest, name)).st_mode & 0o777, 0o600, name)

    def test_backup_refuses_a_used_destination(self):
        dest = self.work.sub("used")
        os.makedirs(dest)
        with open(os.path.join(dest, "old"), "w") as f:
            f.write("x")
        r = self.pivotd("backup", dest)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.decode().splitlines()[-1],
                         "pivotd: backup: %s exists and is not empty; give a new or empty "
                         "directory" % dest)
        r = self.pivotd("backup")
        self.assertEqual(r.returncode, 2)

    def test_backup_of_a_postgresql_store_points_to_pg_dump(self):
        config = self.work.sub("pg.yaml")
        with open(config, "w") as f:
            f.write('job_store: "postgresql://pivot@127.0.0.1:1/pivot"\n')
        dest = self.work.sub("pg-backup")
        r = subprocess.run([h.pivotd_path(), "backup", dest, "--state-dir", self.state,
                            "--config", config], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.decode().splitlines()[-1],
                         "pivotd: backup: the job store is a PostgreSQL database (job_store): "
                         "back it up with pg_dump, as docs/operations.md shows; pivotd backup "
                         "copies the embedded SQLite store")
        self.assertFalse(os.path.exists(dest))


class CheckTest(BackupCase):
    def test_check_finds_and_repairs(self):
        ids = [self.api.submit(self.body) for _ in range(3)]
        for job_id in ids:
            self.assertEqual(self.api.wait(job_id)["status"], "completed")
        results = os.path.realpath(os.path.join(self.state, "results"))
        # Each completed job left its file and its preview (<file>.preview.jsonl),
        # which goes with the file: not counted, removed with a lost file's job.
        previews = sorted(f for f in os.listdir(results) if f.endswith(".preview.jsonl"))
        self.assertEqual(len(previews), 3)
        files = {f.split(".")[0]: f for f in os.listdir(results) if f not in previews}
        ext = files[ids[0]][len(ids[0]):]
        lost = os.path.join(results, files[ids[0]])
        os.unlink(lost)
        orphan = os.path.join(results, "Orphan0000000000000000" + ext)
        partial = os.path.join(results, "Orphan1111111111111111" + ext + ".part")
        for path in (orphan, partial):
            with open(path, "wb") as f:
                f.write(b"left by a crash")

        r = self.pivotd("check")
        out = r.stdout.decode().splitlines()
        self.assertEqual(r.returncode, 1, r.stdout.decode() + r.stderr.decode())
        self.assertEqual(sorted(out), sorted([
            "missing: job %s of alice is completed but its file %s is gone" % (ids[0], lost),
            "orphan: %s: no job refers to it" % orphan,
            "orphan: %s: no job refers to it" % partial,
            "checked 3 completed jobs and 4 result files: 1 missing, 2 orphaned, 0 unaccounted",
        ]))

        r = self.pivotd("check", "--repair")
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())
        self.assertEqual(r.stdout.decode().splitlines()[-1],
                         "checked 3 completed jobs and 4 result files: 1 missing, 2 orphaned, "
                         "0 unaccounted, 3 repaired")
        self.assertFalse(os.path.exists(orphan))
        self.assertFalse(os.path.exists(partial))
        job = self.api.job(ids[0])
        self.assertEqual(job["status"], "failed")
        self.assertIn("its result file was lost", job["error"]["message"]
                      if isinstance(job.get("error"), dict) else job.get("error", ""))
        self.assertNotEqual(self.api.download(ids[0]).status_code, 200)
        self.assertEqual(self.api.download(ids[1]).status_code, 200)

        r = self.pivotd("check")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout.decode(), "checked 2 completed jobs and 2 result files: "
                                            "0 missing, 0 orphaned, 0 unaccounted\n")

    def test_a_newer_schema_is_refused(self):
        dest = self.work.sub("newer-backup")
        self.assertEqual(self.pivotd("backup", dest).returncode, 0)
        state = self.work.sub("newer")
        os.makedirs(state)
        shutil.copy(os.path.join(dest, "jobs.db"), os.path.join(state, "jobs.db"))
        with sqlite3.connect(os.path.join(state, "jobs.db")) as db:
            current = db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            db.execute("UPDATE schema_version SET version = 999")
        message = ("job store schema version 999 is newer than this pivotd understands "
                   "(%d); upgrade pivotd" % current)
        r = self.pivotd("check", state=state)
        self.assertEqual(r.returncode, 2)
        self.assertIn(message, r.stderr.decode())
        server = h.Server(self.cache.data_dir, state, self.config_path)
        with self.assertRaises(RuntimeError) as caught:
            server.start()
        self.assertIn(message, str(caught.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
