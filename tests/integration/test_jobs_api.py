"""Job management: listing and paging, status filter, cancel, delete, and
isolation between users. The server runs one job at a time
(jobs.max_concurrent: 1) so that a job submitted behind a long one stays
queued long enough to be cancelled."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
SMALL = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z"),
         "channels": {"include": ["ch000"]}}
# Every sample of every channel: long enough (several 100 ms) to stay processing
# while the test acts on it, and to keep the jobs behind it queued.
BIG = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
       "channels": {"pattern": "ch*"}}
FINAL = ("completed", "failed", "cancelled")


class JobsApiTest(ph.ServerCase):
    WORK_PREFIX = "pivot-jobs-"
    CONFIG = "jobs:\n  max_concurrent: 1\n"
    USER = None  # each test is a user of its own: self.user()

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=20, seconds=600, rate=100, signals=3, with_mode=True)

    def tearDown(self):
        # Leave the single worker slot free for the next test.
        for c in self.clients:
            for job in c.get(JOBS + "?limit=1000").json()["jobs"]:
                if job["status"] not in FINAL:
                    c.wait(job["job_id"])

    def result_files(self):
        return sorted(os.listdir(os.path.join(self.state, "results")))

    def list_ids(self, client, query=""):
        r = client.get(JOBS + query)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        return r.json()

    def assertProblem(self, r, status, slug):
        self.assertEqual(r.status_code, status, r.text)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
        self.assertEqual(r.json()["type"], "/api/v1/problems/" + slug)

    # ------------------------------------------------------------ listing

    def test_paging_partitions_the_jobs_newest_first(self):
        api = self.user("pager")
        empty = self.list_ids(api)
        self.assertEqual(empty, {"jobs": [], "total": 0, "page": 1, "limit": 20, "pages": 0})
        ids = [api.submit(SMALL) for _ in range(7)]
        jobs = {i: api.wait(i) for i in ids}
        newest_first = list(reversed(ids))

        seen = []
        for page, size in ((1, 3), (2, 3), (3, 1)):
            body = self.list_ids(api, "?limit=3&page=%d" % page)
            self.assertEqual((body["total"], body["page"], body["limit"], body["pages"]),
                             (7, page, 3, 3))
            self.assertEqual(len(body["jobs"]), size)
            for job in body["jobs"]:
                # A listed job is the same object GET /jobs/{id} returns.
                self.assertEqual(job, jobs[job["job_id"]])
            seen += [j["job_id"] for j in body["jobs"]]
        self.assertEqual(seen, newest_first)

        past = self.list_ids(api, "?limit=3&page=4")
        self.assertEqual(past, {"jobs": [], "total": 7, "page": 4, "limit": 3, "pages": 3})
        whole = self.list_ids(api)
        self.assertEqual((whole["total"], whole["page"], whole["limit"], whole["pages"]),
                         (7, 1, 20, 1))
        self.assertEqual([j["job_id"] for j in whole["jobs"]], newest_first)
        one = self.list_ids(api, "?limit=1&page=7")
        self.assertEqual([j["job_id"] for j in one["jobs"]], [ids[0]])
        self.assertEqual(one["pages"], 7)

    def test_status_filter_and_cancel_of_a_queued_job(self):
        api = self.user("filter")
        big = api.submit(BIG)
        small = api.submit(SMALL)
        queued = api.submit(SMALL)
        # One job runs at a time and the first takes a while: the third is queued.
        r = api.delete(JOBS + "/" + queued)
        self.assertEqual(r.status_code, 200, r.text)
        body = r.json()
        self.assertEqual(body["action"], "cancelled")
        self.assertEqual(body["status"], "cancelled")
        self.assertEqual(body["job_id"], queued)
        self.assertIsNone(body["started_at"])
        self.assertIsNotNone(body["completed_at"])
        self.assertIsNone(body["result"])
        self.assertIsInstance(body["error"], str)

        # Still waiting behind the big one: nothing to download yet.
        r = api.download(small)
        self.assertProblem(r, 409, "job-not-finished")
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)

        self.assertEqual(api.wait(big)["status"], "completed")
        self.assertEqual(api.wait(small)["status"], "completed")
        job = api.job(queued)
        self.assertEqual(job["status"], "cancelled")
        self.assertIsNone(job["started_at"])  # it never ran
        self.assertNotIn("action", job)
        self.assertProblem(api.download(queued), 409, "job-not-finished")

        def ids(query):
            return [j["job_id"] for j in self.list_ids(api, query)["jobs"]]

        self.assertEqual(ids("?status=completed"), [small, big])
        self.assertEqual(ids("?status=cancelled"), [queued])
        self.assertEqual(ids("?status=queued"), [])
        self.assertEqual(ids("?status=failed"), [])
        listing = self.list_ids(api, "?status=completed&limit=1&page=2")
        self.assertEqual([j["job_id"] for j in listing["jobs"]], [big])
        self.assertEqual((listing["total"], listing["pages"]), (2, 2))

        # Deleting a cancelled job removes it.
        r = api.delete(JOBS + "/" + queued)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["action"], "deleted")
        self.assertProblem(api.get(JOBS + "/" + queued), 404, "job-not-found")

    def test_cancel_of_a_processing_job(self):
        api = self.user("canceller")
        job_id = api.submit(BIG)
        job = api.wait(job_id, until=("processing",) + FINAL)
        self.assertEqual(job["status"], "processing")
        self.assertIsNotNone(job["started_at"])
        self.assertIsNone(job["result"])
        self.assertTrue(0 <= job["progress"] <= 100)
        r = api.delete(JOBS + "/" + job_id)
        body = r.json()
        if r.status_code == 200:
            # The export finished between the poll and the DELETE.
            self.assertEqual(body["action"], "deleted")
            self.assertEqual(body["status"], "completed")
            self.assertProblem(api.get(JOBS + "/" + job_id), 404, "job-not-found")
            return
        self.assertEqual(r.status_code, 202, r.text)
        self.assertEqual(body["action"], "cancelling")
        self.assertEqual(body["job_id"], job_id)
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        final = api.wait(job_id, timeout=30)
        self.assertEqual(final["status"], "cancelled", final)
        self.assertIsNone(final["result"])
        self.assertIsInstance(final["error"], str)
        self.assertProblem(api.download(job_id), 409, "job-not-finished")
        # The worker removed its partial file.
        leftovers = [f for f in self.result_files() if f.startswith(job_id)]
        self.assertEqual(leftovers, [])

    def test_status_filter_takes_a_list(self):
        api = self.user("lister")
        done = api.submit(BIG)
        cancelled = api.submit(SMALL)  # queued behind the big one
        self.assertEqual(api.delete(JOBS + "/" + cancelled).json()["action"], "cancelled")
        api.wait(done)

        def ids(query):
            return [j["job_id"] for j in self.list_ids(api, query)["jobs"]]

        self.assertEqual(ids("?status=completed,cancelled"), [cancelled, done])
        self.assertEqual(ids("?status=failed,completed"), [done])
        self.assertEqual(ids("?status=queued,processing"), [])
        self.assertProblem(api.get(JOBS + "?status=completed,done"), 400, "invalid-query")

    # ------------------------------------------------------------ idempotency

    def test_idempotency_key_replays_the_same_job(self):
        api = self.user("retrier")
        key = {"Idempotency-Key": "4f7c2a9e-run-42"}
        text = '{"time_range": {"type": "absolute", "start": "2025-01-01T00:00:00Z", ' \
               '"end": "2025-01-01T00:00:01Z"}, "channels": {"include": ["ch000"]}}'

        def post(body, headers):
            h = {"Content-Type": "application/json"}
            h.update(headers)
            return api.request("POST", JOBS, data=body.encode(), headers=h)

        first = post(text, key)
        self.assertEqual(first.status_code, 202, first.text)
        job_id = first.json()["job_id"]
        again = post(text, key)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["job_id"], job_id)
        self.assertEqual(again.headers["Location"], "/api/v1/pivot/jobs/" + job_id)
        self.assertEqual(again.json()["created_at"], first.json()["created_at"])
        self.assertEqual(self.list_ids(api)["total"], 1)

        other = post(text.replace("00:00:01Z", "00:00:02Z"), key)
        self.assertProblem(other, 422, "idempotency-key-reused")
        self.assertIn(job_id, other.json()["detail"])
        # Without the key, or with another one, the same body is a new job.
        self.assertNotEqual(post(text, {}).json()["job_id"], job_id)
        self.assertNotEqual(post(text, {"Idempotency-Key": "run-43"}).json()["job_id"], job_id)
        # Keys belong to their user.
        stranger = self.user("stranger")
        r = stranger.request("POST", JOBS, data=text.encode(),
                             headers=dict(key, **{"Content-Type": "application/json"}))
        self.assertEqual(r.status_code, 202, r.text)
        self.assertNotEqual(r.json()["job_id"], job_id)
        for bad in ("", "x" * 256, "two words"):
            self.assertProblem(post(text, {"Idempotency-Key": bad}), 400, "invalid-header")
        self.assertEqual(self.list_ids(api)["total"], 3)

    # ------------------------------------------------------------ delete

    def test_delete_of_a_completed_job(self):
        api = self.user("deleter")
        keep = api.submit(SMALL)
        gone = api.submit(SMALL)
        done = api.wait(gone)
        self.assertEqual(done["status"], "completed")
        api.wait(keep)
        self.assertIn(self.server.result_name(gone), self.result_files())
        r = api.delete(JOBS + "/" + gone)
        self.assertEqual(r.status_code, 200, r.text)
        body = r.json()
        self.assertEqual(body["action"], "deleted")
        self.assertEqual(body["status"], "completed")
        self.assertEqual(body["job_id"], gone)
        self.assertEqual(body["result"], done["result"])
        self.assertProblem(api.get(JOBS + "/" + gone), 404, "job-not-found")
        self.assertProblem(api.download(gone), 404, "job-not-found")
        self.assertProblem(api.delete(JOBS + "/" + gone), 404, "job-not-found")
        self.assertNotIn(self.server.result_name(gone), self.result_files())
        listing = self.list_ids(api)
        self.assertEqual([j["job_id"] for j in listing["jobs"]], [keep])
        self.assertEqual(listing["total"], 1)
        self.assertEqual(api.download(keep).status_code, 200)

    # ------------------------------------------------------------ users

    def test_users_see_only_their_own_jobs(self):
        alice = self.user("alice")
        bob = self.user("bob")
        a = alice.submit(SMALL)
        b = bob.submit(SMALL)
        alice.wait(a)
        bob.wait(b)
        for path in (JOBS + "/" + a, JOBS + "/" + a + "/download"):
            self.assertProblem(bob.get(path), 404, "job-not-found")
        self.assertProblem(bob.delete(JOBS + "/" + a), 404, "job-not-found")
        self.assertEqual(alice.job(a)["status"], "completed")  # bob's DELETE did nothing
        self.assertEqual([j["job_id"] for j in self.list_ids(bob)["jobs"]], [b])
        self.assertEqual([j["job_id"] for j in self.list_ids(alice)["jobs"]], [a])
        self.assertEqual(self.list_ids(bob, "?status=completed")["total"], 1)
        # A second key of the same user sees the same jobs.
        alice2 = self.user("alice")
        self.assertEqual(alice2.job(a)["job_id"], a)
        self.assertEqual(alice2.download(a).content, alice.download(a).content)

    def test_admin_sees_every_job(self):
        carol = self.user("carol")
        admin = self.user("root", role="admin")
        c = carol.submit(SMALL)
        carol.wait(c)
        self.assertEqual(admin.job(c)["job_id"], c)
        listed = [j["job_id"] for j in self.list_ids(admin, "?limit=1000")["jobs"]]
        self.assertIn(c, listed)

    def test_many_submissions_all_finish(self):
        """More jobs than the worker slot: the queue drains in submission order."""
        api = self.user("burst")
        ids = [api.submit(SMALL) for _ in range(6)]
        finals = [api.wait(i) for i in ids]
        self.assertEqual([f["status"] for f in finals], ["completed"] * 6)
        starts = [ph.parse_rfc3339_ns(f["started_at"]) for f in finals]
        self.assertEqual(starts, sorted(starts))
        for f in finals:
            self.assertEqual(f["result"]["samples_exported"], 100)
            self.assertEqual(f["result"]["channels_exported"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
