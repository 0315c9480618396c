#!/usr/bin/python3
"""Soak: mixed traffic from several users against one pivotd, then a check
that nothing was lost, leaked or left behind.

For --seconds, each user (a key of its own) loops over a random mix of
submit, poll, list, download and cancel/delete of its own jobs, and now and
then asks for another user's job (which must be 404). Then the traffic stops,
every job is waited for, and the run fails (exit 1) unless:

  - every job is in the final state that matches what happened to it:
    completed when left alone; cancelled when cancelled while queued;
    cancelled or completed when cancelled while running (the race is
    legitimate); gone (404) once deleted;
  - every completed job has its file, of the size the job reports, and every
    file in results/ belongs to a completed job; no .part file remains;
  - the server's resident memory is flat: the median of the last quarter of
    the samples is within --rss-tolerance-mib of the median of the second
    quarter (the first is warm-up).

It talks to 127.0.0.1 only and asserts no time. The 10-second run is the
ctest bench_soak_smoke; the long run is

    /usr/bin/python3 bench/soak.py --build BUILD_DIR [--seconds 600] [--users 4]
"""
import argparse
import os
import random
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

API = "/api/v1/pivot"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
FINAL = ("completed", "failed", "cancelled")
CHANNELS = 4
SECONDS = 60
RATE = 1000


class Tracked:
    """What the soak did to one job, and so what its final state must be."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.cancel = None  # None, "cancelled", "cancelling" or "deleted"
        self.status = "queued"  # as last seen


class User(threading.Thread):
    def __init__(self, ph, server, name, deadline, seed, others):
        super().__init__(name=name)
        self.ph = ph
        self.api = server.client(server.create_key(name))
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.jobs = []
        self.others = others  # every user's job list, for the isolation probe
        self.errors = []
        self.counts = {}

    def body(self):
        rng = self.rng
        seconds = rng.choice([1, 1, 2, 5, 30])
        start = rng.randrange(0, SECONDS - seconds + 1)
        end = start + seconds
        names = ["ch%03d" % c for c in range(CHANNELS)]
        return {"time_range": self.ph.absolute("2025-01-01T00:%02d:%02dZ" % divmod(start, 60),
                                               "2025-01-01T00:%02d:%02dZ" % divmod(end, 60)),
                "channels": {"include": rng.sample(names, rng.randint(1, CHANNELS))}}

    def fail(self, what, r):
        self.errors.append("%s: %s %s" % (what, r.status_code, r.text[:300]))

    def submit(self):
        # Keep the queue bounded: a user with many unfinished jobs waits.
        active = [j for j in self.jobs if j.cancel is None and j.status not in FINAL]
        if len(active) >= 20:
            return self.poll(active[0])
        r, _ = self.api.post_job(self.body())
        if r.status_code != 202:
            return self.fail("POST /jobs", r)
        self.jobs.append(Tracked(r.json()["job_id"]))

    def pick(self):
        live = [j for j in self.jobs if j.cancel != "deleted"]
        return self.rng.choice(live) if live else None

    def poll(self, j=None):
        j = j or self.pick()
        if j is None:
            return
        r = self.api.get(API + "/jobs/" + j.job_id)
        if r.status_code != 200:
            return self.fail("GET job " + j.job_id, r)
        j.status = r.json()["status"]

    def list(self):
        r = self.api.get(API + "/jobs", params={"limit": self.rng.choice([1, 10, 100])})
        if r.status_code != 200:
            return self.fail("GET /jobs", r)

    def download(self):
        j = self.pick()
        if j is None:
            return
        job = self.api.job(j.job_id)
        j.status = job["status"]
        if job["status"] != "completed":
            return
        r = self.api.download(j.job_id)
        # Deleted between the two requests by nobody but us: must be there.
        if r.status_code != 200 or r.content[:8] != HDF5_MAGIC or \
                len(r.content) != job["result"]["file_size"]:
            return self.fail("download " + j.job_id, r)

    def cancel(self):
        j = self.pick()
        if j is None:
            return
        r = self.api.delete(API + "/jobs/" + j.job_id)
        if r.status_code not in (200, 202):
            return self.fail("DELETE job " + j.job_id, r)
        action = r.json()["action"]
        if action not in ("cancelled", "cancelling", "deleted"):
            return self.fail("DELETE job " + j.job_id + " action " + action, r)
        # A second DELETE of a job being cancelled may still say "cancelling".
        if not (j.cancel == "cancelled" and action == "cancelling"):
            j.cancel = action

    def probe_other(self):
        theirs = [j for jobs in self.others if jobs is not self.jobs for j in list(jobs)]
        if not theirs:
            return
        r = self.api.get(API + "/jobs/" + self.rng.choice(theirs).job_id)
        if r.status_code != 404:
            self.fail("another user's job", r)

    def run(self):
        actions = [(self.submit, 25), (self.poll, 30), (self.list, 10), (self.download, 15),
                   (self.cancel, 8), (self.probe_other, 4)]
        funcs = [a for a, _ in actions]
        weights = [w for _, w in actions]
        while time.monotonic() < self.deadline and len(self.errors) < 20:
            f = self.rng.choices(funcs, weights)[0]
            self.counts[f.__name__] = self.counts.get(f.__name__, 0) + 1
            try:
                f()
            except Exception as e:  # a dropped connection or a timeout is a finding
                self.errors.append("%s: %r" % (f.__name__, e))
            time.sleep(self.rng.uniform(0.0, 0.02))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sample_rss(pid, stop, samples):
    while not stop.wait(0.25):
        try:
            samples.append(rss_kib(pid))
        except OSError:
            return


def expected_states(j):
    if j.cancel is None:
        return ("completed",)
    if j.cancel == "cancelled":
        return ("cancelled",)
    if j.cancel == "cancelling":
        return ("cancelled", "completed")
    return ()  # deleted: 404


def check_jobs(users, results_dir):
    problems = []
    completed = {}
    tracked = set()
    for u in users:
        for j in u.jobs:
            tracked.add(j.job_id)
            r = u.api.get(API + "/jobs/" + j.job_id)
            if j.cancel == "deleted":
                if r.status_code != 404:
                    problems.append("job %s was deleted but answers %d" % (j.job_id,
                                                                           r.status_code))
                continue
            if r.status_code != 200:
                problems.append("job %s: GET answers %d" % (j.job_id, r.status_code))
                continue
            job = r.json()
            if job["status"] not in expected_states(j):
                problems.append("job %s is %s (%s) after %s" % (
                    j.job_id, job["status"], job.get("error"), j.cancel or "no cancel"))
            if job["status"] == "completed":
                completed[j.job_id] = job["result"]["file_size"]
    files = sorted(os.listdir(results_dir)) if os.path.isdir(results_dir) else []
    seen = set()
    for name in files:
        job_id = name.split(".", 1)[0]
        if name.endswith(".part"):
            problems.append("a partial file remains: %s" % name)
        elif job_id not in completed:
            problems.append("file %s belongs to no completed job%s" % (
                name, "" if job_id in tracked else " (nor to any job of the soak)"))
        elif name.endswith(PREVIEW_SUFFIX):
            # The quick-look preview beside a result: it goes with the result.
            if name[:-len(PREVIEW_SUFFIX)] not in files:
                problems.append("preview %s outlives its result" % name)
        else:
            seen.add(job_id)
            size = os.path.getsize(os.path.join(results_dir, name))
            if size != completed[job_id]:
                problems.append("file %s has %d bytes, its job says %d" % (
                    name, size, completed[job_id]))
    for job_id in sorted(set(completed) - seen):
        problems.append("completed job %s has no file" % job_id)
    return problems, len(completed), len(files)


PREVIEW_SUFFIX = ".preview.jsonl"


def wait_final(users, timeout):
    deadline = time.monotonic() + timeout
    for u in users:
        for j in u.jobs:
            if j.cancel == "deleted":
                continue
            while True:
                r = u.api.get(API + "/jobs/" + j.job_id)
                if r.status_code != 200 or r.json()["status"] in FINAL:
                    break
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
    return True


def check_rss(samples, tolerance_kib):
    if len(samples) < 8:
        return ["only %d memory samples: run longer" % len(samples)]
    q = len(samples) // 4
    base = statistics.median(samples[q:2 * q])
    last = statistics.median(samples[-q:])
    if last - base > tolerance_kib:
        return ["server RSS grew from %d KiB to %d KiB (tolerance %d KiB)" % (base, last,
                                                                           tolerance_kib)]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="build directory (bin/, lib/pivot)")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rss-tolerance-mib", type=float, default=16)
    ap.add_argument("--no-rss", action="store_true",
                    help="skip the memory check (sanitizer runtimes keep freed memory)")
    a = ap.parse_args()

    os.environ.setdefault("PIVOTD", os.path.join(a.build, "bin", "pivotd"))
    os.environ.setdefault("PIVOT_GEN_AVRO", os.path.join(a.build, "bin", "pivot-gen-avro"))
    os.environ.setdefault("PIVOT_PLUGIN_DIR", os.path.join(a.build, "lib", "pivot"))
    import pivot_harness as ph

    work = ph.WorkDir("pivot-soak-")
    server = None
    try:
        data = work.sub("data")
        ph.Cache.generate(data, channels=CHANNELS, seconds=SECONDS, rate=RATE, signals=2)
        # No quota in the way: the soak is about the service, not the limits.
        config = ph.write_config(work.sub("pivot.yaml"),
                                 "quotas:\n  jobs_per_day: 0\n  max_queued_jobs: 0\n")
        state = work.sub("state")
        server = ph.Server(data, state, config).start()
        deadline = time.monotonic() + a.seconds
        lists = []
        users = []
        for i in range(a.users):
            u = User(ph, server, "soak%d" % i, deadline, a.seed * 1000 + i, lists)
            lists.append(u.jobs)
            users.append(u)

        samples, stop = [], threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.proc.pid, stop, samples))
        sampler.start()
        for u in users:
            u.start()
        for u in users:
            u.join()
        stop.set()
        sampler.join()

        problems = [e for u in users for e in u.errors]
        if not wait_final(users, 120):
            problems.append("jobs still not final 120 s after the traffic stopped")
        found, ncompleted, nfiles = check_jobs(users, os.path.join(state, "results"))
        problems += found
        if not a.no_rss:
            problems += check_rss(samples, int(a.rss_tolerance_mib * 1024))
        if server.proc.poll() is not None:
            problems.append("pivotd exited with %d" % server.proc.returncode)

        counts = {}
        for u in users:
            for k, v in u.counts.items():
                counts[k] = counts.get(k, 0) + v
        njobs = sum(len(u.jobs) for u in users)
        print("soak: %.0f s, %d users, %d jobs (%d completed, %d files), actions %s, "
              "RSS %s..%s KiB" % (a.seconds, a.users, njobs, ncompleted, nfiles,
                                   " ".join("%s=%d" % kv for kv in sorted(counts.items())),
                                   min(samples, default=0), max(samples, default=0)))
        for p in problems:
            print("soak: FAIL: " + p)
        if server.stop() != 0:
            problems.append("pivotd did not stop cleanly")
            print("soak: FAIL: pivotd did not stop cleanly")
        server = None
        if problems:
            print(open(os.path.join(work.path, "state.serve.log")).read()[-4000:]
                  if os.path.exists(os.path.join(work.path, "state.serve.log")) else "")
            return 1
        print("soak: ok")
        return 0
    finally:
        if server is not None:
            server.stop()
        work.close()


if __name__ == "__main__":
    sys.exit(main())
