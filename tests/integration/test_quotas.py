"""Per-user quotas against a real pivotd: each limit is hit (413 for a
per-job limit, 429 with Retry-After for a count or rate quota) and freed
again, the running-jobs cap holds jobs in the queue, and GET /quota shows
the caller's limits and usage. Overrides are set with `pivotd quota set`
while the server runs. The 24-hour window is advanced by ageing the
quota_usage ledger in the job store."""

import os
import re
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
QUOTA = ph.API + "/quota"
DAY_MS = 86400 * 1000


def body(channels=("ch000",), seconds=2):
    end = "2025-01-01T00:%02d:%02dZ" % (seconds // 60, seconds % 60)
    return {"time_range": ph.absolute("2025-01-01T00:00:00Z", end),
            "channels": {"include": list(channels)}}


# Every sample of every channel: long enough to catch its worker running.
BIG = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
       "channels": {"pattern": "ch*"}}


class QuotaTest(ph.ServerCase):
    WORK_PREFIX = "pivot-quota-"
    CONFIG = "jobs:\n  heartbeat_timeout: 10m\nquotas:\n  max_queued_jobs: 50\n"
    USER = None  # each test is a user of its own: self.user()

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=20, seconds=600, rate=100, signals=3)

    @classmethod
    def after_start(cls):
        cls.stopped = []

    def tearDown(self):
        for pid in self.stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.stopped.clear()

    def quota_set(self, user, *args):
        cmd = [ph.pivotd_path(), "quota", "set", "--user", user] + list(args) + \
            self.server._common_args()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        return out.stdout.decode()

    def age_ledger(self, user):
        """Moves the user's quota ledger a day into the past: the window slides on."""
        return ph.store_execute(self.state,
                                "UPDATE quota_usage SET at_ms = at_ms - ? WHERE user = ?",
                                "UPDATE quota_usage SET at_ms = at_ms - %s WHERE owner = %s",
                                (DAY_MS + 1000, user))

    def assertProblem(self, r, status, slug, field):
        self.assertEqual(r.status_code, status, r.text)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
        self.assertEqual(r.json()["type"], "/api/v1/problems/" + slug)
        self.assertEqual(r.json()["field"], field)
        return r.json()["detail"]

    def test_quota_endpoint_shows_limits_and_usage(self):
        api = self.user("shown")
        q = api.get(QUOTA).json()
        self.assertEqual(q, {
            "user": "shown", "role": "user",
            "limits": {"max_running_jobs": None, "max_queued_jobs": 50, "jobs_per_day": 1000,
                       "output_bytes_per_day": None, "max_channels_per_job": None,
                       "max_time_range_s": None},
            "usage": {"running_jobs": 0, "queued_jobs": 0, "jobs_last_24h": 0,
                      "output_bytes_last_24h": 0, "jobs_per_day_frees_at": None,
                      "output_bytes_per_day_frees_at": None}})
        out = self.quota_set("shown", "--max-running", "2", "--max-range", "90m",
                             "--bytes-per-day", "1000000")
        self.assertIn("max_time_range_s       5400 s  (set for this user)", out)
        job = api.submit(body())
        size = api.wait(job)["result"]["file_size"]
        q = api.get(QUOTA).json()
        self.assertEqual(q["limits"]["max_running_jobs"], 2)
        self.assertEqual(q["limits"]["max_time_range_s"], 5400)
        self.assertEqual(q["limits"]["output_bytes_per_day"], 1000000)
        self.assertEqual(q["usage"]["jobs_last_24h"], 1)
        self.assertEqual(q["usage"]["output_bytes_last_24h"], size)
        self.assertEqual(api.request("HEAD", QUOTA).status_code, 200)
        self.assertEqual(api.request("POST", QUOTA).status_code, 405)
        self.assertEqual(self.server.client(None).get(QUOTA).status_code, 401)

    def test_per_job_limits_are_413_and_freed(self):
        api = self.user("wide")
        self.quota_set("wide", "--max-channels", "2", "--max-range", "5s")
        detail = self.assertProblem(api.post_job(body(["ch000", "ch001", "ch002"]))[0], 413,
                                    "quota-job-limit", "max_channels_per_job")
        self.assertEqual(detail, "max_channels_per_job: the job selects 3 channels; your quota "
                                 "allows 2 per job; split the export into several jobs")
        detail = self.assertProblem(api.post_job(body(seconds=6))[0], 413, "quota-job-limit",
                                    "max_time_range_s")
        self.assertEqual(detail, "max_time_range_s: the job's time range lasts 6 s; your quota "
                                 "allows 5 s per job; split the range into several jobs")
        self.assertEqual(api.post_job(body(["ch000", "ch001"], seconds=5))[0].status_code, 202)
        self.quota_set("wide", "--max-channels", "default", "--max-range", "0")
        r, _ = api.post_job(body(["ch000", "ch001", "ch002"], seconds=6))
        self.assertEqual(r.status_code, 202, r.text)

    def test_jobs_per_day_is_429_until_the_window_moves(self):
        api = self.user("daily")
        self.quota_set("daily", "--jobs-per-day", "2")
        first = api.submit(body())
        second = api.submit(body())
        first_created = ph.parse_rfc3339_ns(api.job(first)["created_at"]) // 1000000
        r, _ = api.post_job(body())
        detail = self.assertProblem(r, 429, "quota-exceeded", "jobs_per_day")
        retry = int(r.headers["Retry-After"])
        self.assertTrue(86390 <= retry <= 86400, retry)
        self.assertRegex(detail, r"^jobs_per_day: quota used up: 2 jobs submitted in the last 24 "
                                 r"hours, the limit is 2; it frees at \S+Z \(in %d s\)$" % retry)
        q = api.get(QUOTA).json()["usage"]
        frees = ph.parse_rfc3339_ns(q["jobs_per_day_frees_at"]) // 1000000
        self.assertEqual(frees, first_created + DAY_MS)
        # Deleting the jobs gives nothing back: submissions are counted.
        for job in (first, second):
            api.wait(job)
            self.assertEqual(api.delete(JOBS + "/" + job).status_code, 200)
        self.assertEqual(api.post_job(body())[0].status_code, 429)
        self.assertEqual(self.age_ledger("daily"), 4)  # two submissions, two results
        r, _ = api.post_job(body())
        self.assertEqual(r.status_code, 202, r.text)
        self.assertEqual(api.get(QUOTA).json()["usage"]["jobs_last_24h"], 1)

    def test_output_bytes_per_day_counts_completed_jobs(self):
        api = self.user("bytes")
        self.quota_set("bytes", "--bytes-per-day", "1")
        size = api.wait(api.submit(body()))["result"]["file_size"]
        self.assertGreater(size, 0)
        self.assertEqual(api.get(QUOTA).json()["usage"]["output_bytes_last_24h"], size)
        r, _ = api.post_job(body())
        detail = self.assertProblem(r, 429, "quota-exceeded", "output_bytes_per_day")
        # The byte counts are repeated in binary units.
        self.assertIn("output_bytes_per_day: quota used up: %d bytes of results produced "
                      "(%.1f KiB) in the last 24 hours, the limit is 1 (1 byte); it frees at "
                      % (size, size / 1024), detail)
        self.assertTrue(86390 <= int(r.headers["Retry-After"]) <= 86400)
        self.assertEqual(self.age_ledger("bytes"), 2)  # the submission and the bytes
        r, _ = api.post_job(body())
        self.assertEqual(r.status_code, 202, r.text)

    def start_and_stop_a_worker(self, api):
        """Submits BIG and stops its worker with SIGSTOP while it is processing."""
        for _ in range(3):
            job = api.submit(BIG)
            pattern = r"job %s: started worker (\d+)" % re.escape(job)
            deadline = time.monotonic() + 10
            m = None
            while m is None and time.monotonic() < deadline:
                m = re.search(pattern, self.server.log())
                time.sleep(0.005)
            self.assertIsNotNone(m, self.server.log())
            pid = int(m.group(1))
            ph.stop_worker(pid, self.server.state_dir)
            self.stopped.append(pid)
            if api.job(job)["status"] == "processing":
                return job, pid
            os.kill(pid, signal.SIGCONT)  # it finished first; try again
        self.fail("could not catch a worker while it ran")

    def test_running_cap_holds_jobs_queued_and_max_queued_is_429(self):
        api, other = self.user("busy"), self.user("other")
        self.quota_set("busy", "--max-running", "1", "--max-queued", "2")
        big, pid = self.start_and_stop_a_worker(api)
        waiting = [api.submit(body()), api.submit(body())]
        # Slots are free (another user's job runs), yet busy's jobs wait.
        self.assertEqual(other.wait(other.submit(body()))["status"], "completed")
        time.sleep(0.5)
        self.assertEqual([api.job(j)["status"] for j in waiting], ["queued", "queued"])
        q = api.get(QUOTA).json()["usage"]
        self.assertEqual((q["running_jobs"], q["queued_jobs"]), (1, 2))
        r, _ = api.post_job(body())
        detail = self.assertProblem(r, 429, "quota-exceeded", "max_queued_jobs")
        self.assertEqual(r.headers["Retry-After"], "10")
        self.assertEqual(detail, "max_queued_jobs: you have 2 jobs queued, the limit is 2; it "
                                 "frees when one of them starts or is cancelled")
        # Cancelling a queued job frees a place in the queue.
        self.assertEqual(api.delete(JOBS + "/" + waiting[1]).status_code, 200)
        waiting[1] = api.submit(body())
        # Once the worker goes on, the jobs run one at a time.
        os.kill(pid, signal.SIGCONT)
        self.stopped.remove(pid)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            running = api.get(JOBS + "?status=processing").json()["total"]
            self.assertLessEqual(running, 1)
            if all(api.job(j)["status"] == "completed" for j in [big] + waiting):
                break
            time.sleep(0.02)
        self.assertEqual([api.job(j)["status"] for j in [big] + waiting], ["completed"] * 3)
        self.quota_set("busy", "--max-running", "default", "--max-queued", "default")
        self.assertEqual(api.post_job(body())[0].status_code, 202)

    def test_quota_set_takes_the_api_duration_grammar(self):
        """--max-range reads ISO 8601 as the API does, besides the short forms."""
        self.assertIn("max_time_range_s       600 s  (set for this user)",
                      self.quota_set("iso", "--max-range", "PT10M"))
        self.assertIn("max_time_range_s       129600 s  (set for this user)",
                      self.quota_set("iso", "--max-range", "P1DT12H"))
        self.assertIn("max_time_range_s       1209600 s  (set for this user)",
                      self.quota_set("iso", "--max-range", "2w"))
        cmd = [ph.pivotd_path(), "quota", "set", "--user", "iso", "--max-range", "-10m"] + \
            self.server._common_args()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn('pivotd: quota set: --max-range: "-10m" is negative; a duration is a '
                      'length of time', out.stderr.decode())

    def test_quota_set_refuses_bad_values(self):
        for args in (["--max-running", "-1"], ["--max-range", "soon"], ["--jobs-per-day", "x"],
                     []):
            cmd = [ph.pivotd_path(), "quota", "set", "--user", "nobody"] + args + \
                self.server._common_args()
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            self.assertEqual(out.returncode, 2, args)
        cmd = [ph.pivotd_path(), "quota", "show", "--user", "*"] + self.server._common_args()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
