"""`pivotd jobs migrate --to URI`: a site's SQLite job store moved into
PostgreSQL keeps its jobs (statuses, results, idempotency keys), its
quotas, its quota ledger and its API keys (from auth.db, now shared); the server then runs on PostgreSQL over the
same state folder and results. A second migration into the same database
is refused and copies nothing."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402
import pivot_postgres  # noqa: E402

JOBS = ph.API + "/jobs"
SMALL = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"),
         "channels": {"include": ["ch000"]}}


def pivotd(server, *args):
    out = subprocess.run([ph.pivotd_path()] + list(args) + server._common_args(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return out.returncode, out.stdout.decode(), out.stderr.decode()


class MigrateTest(unittest.TestCase):

    def setUp(self):
        self.work = ph.WorkDir("pivot-migrate-")
        self.pg = pivot_postgres.PostgresServer().start()
        self.addCleanup(self.work.close)
        self.addCleanup(self.pg.close)
        ph.Cache.generate(self.work.sub("data"), channels=2, seconds=60, rate=100, signals=1)

    def test_jobs_quotas_and_ledger_move_over(self):
        data, state = self.work.sub("data"), self.work.sub("state")
        config = ph.write_config(self.work.sub("sqlite.yaml"), "{}\n")
        server = ph.Server(data, state, config, engine="sqlite")
        key = server.create_key("alice")
        server.start()
        try:
            api = server.client(key)
            done = api.wait(api.submit(SMALL))
            self.assertEqual(done["status"], "completed")
            r = api.request("POST", JOBS, json=SMALL, headers={"Idempotency-Key": "once"})
            self.assertEqual(r.status_code, 202, r.text)
            keyed = api.wait(r.json()["job_id"])
            before = api.download(done["job_id"]).content
            rc, _, err = pivotd(server, "quota", "set", "--user", "alice", "--max-queued", "7")
            self.assertEqual(rc, 0, err)
            api.close()
        finally:
            self.assertEqual(server.stop(), 0)

        db = self.pg.new_database("migrated")
        rc, out, err = pivotd(server, "jobs", "migrate", "--to", self.pg.uri(db))
        self.assertEqual(rc, 0, err)
        self.assertIn("copied 2 jobs, 2 quota rows, 4 quota ledger entries and 1 API keys", out)
        # Once only: the database holds jobs now.
        rc, _, err = pivotd(server, "jobs", "migrate", "--to", self.pg.uri(db))
        self.assertEqual(rc, 1)
        self.assertIn("already holds 2 jobs", err)

        config = ph.write_config(self.work.sub("pg.yaml"), "job_store: \"%s\"\n" % self.pg.uri(db))
        # The keys now live in PostgreSQL: a node with another state folder takes them too.
        os.rename(os.path.join(state, "auth.db"), os.path.join(state, "auth.db.old"))
        server = ph.Server(data, state, config, engine="sqlite")
        server.start()
        try:
            api = server.client(key)
            listed = api.get(JOBS).json()
            self.assertEqual(sorted(j["job_id"] for j in listed["jobs"]),
                             sorted([done["job_id"], keyed["job_id"]]))
            self.assertEqual(api.job(done["job_id"])["status"], "completed")
            self.assertEqual(api.download(done["job_id"]).content, before)
            # The idempotency key still names its job.
            r = api.request("POST", JOBS, json=SMALL, headers={"Idempotency-Key": "once"})
            self.assertEqual(r.json()["job_id"], keyed["job_id"])
            quota = api.get(ph.API + "/quota").json()
            self.assertEqual(quota["limits"]["max_queued_jobs"], 7)
            self.assertEqual(quota["usage"]["jobs_last_24h"], 2)
            api.close()
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
