"""Three pivotd nodes on one PostgreSQL job store and one shared results
folder: every job runs exactly once, the cluster never runs more than
jobs.max_concurrent at once, any node answers for any job (status, cancel,
download), a node killed with kill -9 has its jobs taken back by another,
and a PostgreSQL restart under load loses no acknowledged job while /health
says degraded. A node frozen past the heartbeat timeout that comes back
leaves the job it lost alone, even when it runs the job again itself;
fairness, quotas and API keys are the cluster's; the per-node limit holds
beside the cluster's; SQLite servers never share a results folder.

Most users come through the trusted-header backend; API keys, kept in the
shared store, work on every node alike."""

import os
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402
import pivot_postgres  # noqa: E402

JOBS = ph.API + "/jobs"
MAX_CONCURRENT = 3
HEARTBEAT_S = 8
SUBMISSIONS = 1000
USERS = ["ann", "bob", "cyd"]






class ClusterTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = ph.WorkDir("pivot-cluster-")
        cls.pg = pivot_postgres.PostgresServer().start()
        cls.db = cls.pg.new_database("cluster")
        cls.nodes = []
        try:
            cls.cache = ph.Cache.generate(cls.work.sub("data"), channels=4, seconds=600,
                                          rate=1000, signals=4, file_seconds=120)
            cls.results = cls.work.sub("results")
            for i in range(3):
                cls.nodes.append(cls.start_node(i))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def config(cls, i):
        return ("job_store: \"%s\"\nresults_dir: %s\nnode_name: node%d\n"
                "jobs:\n  max_concurrent: %d\n  heartbeat_timeout: %ds\n  max_attempts: 3\n"
                "quotas:\n  max_queued_jobs: 1000\n  jobs_per_day: 100000\n"
                "auth:\n  backends: [apikey, trusted-header]\n"
                "plugins:\n  auth:\n    trusted_header:\n      header: X-Remote-User\n"
                "      proxies: [127.0.0.1]\n"
                % (cls.pg.uri(cls.db), cls.results, i, MAX_CONCURRENT, HEARTBEAT_S))

    @classmethod
    def start_node(cls, i):
        config = ph.write_config(cls.work.sub("node%d.yaml" % i), cls.config(i))
        return ph.Server(cls.cache.data_dir, cls.work.sub("state%d" % i), config,
                         engine="sqlite").start()

    @classmethod
    def tearDownClass(cls):
        for n in cls.nodes:
            if n.proc is not None:
                n.stop()
        cls.pg.close()
        cls.work.close()

    def client(self, node, user="ann"):
        c = ph.HeaderClient(self.nodes[node].base, user)
        self.addCleanup(c.close)
        return c

    def sql(self, query, params=()):
        con = self.pg.connect(self.db)
        try:
            with con.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall()
        finally:
            con.close()

    def small(self, k):
        start = k % 500
        return {"time_range": ph.absolute(ph.format_ns(ph.parse_rfc3339_ns(
                    "2025-01-01T00:00:00Z") + start * ph.NS), ph.format_ns(ph.parse_rfc3339_ns(
                    "2025-01-01T00:00:01Z") + start * ph.NS)),
                "channels": {"include": ["ch000"]}}

    def big(self):
        return {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
                "channels": {"include": self.cache.channel_names()}}

    def watch_running(self):
        """Samples the cluster's processing count until stopped; returns (stop, peak list)."""
        stop = threading.Event()
        peak = [0]

        def run():
            con = self.pg.connect(self.db)
            con.autocommit = True
            try:
                with con.cursor() as cur:
                    while not stop.is_set():
                        try:
                            cur.execute("SELECT count(*) FROM jobs WHERE status = 'processing'")
                            peak[0] = max(peak[0], cur.fetchone()[0])
                        except Exception:
                            return
                        time.sleep(0.005)
            finally:
                con.close()
        t = threading.Thread(target=run)
        t.start()
        return stop, peak, t

    def test_1_submissions_spread_over_nodes_each_run_once(self):
        stop, peak, t = self.watch_running()
        clients = [self.client(i % 3, USERS[i % 3]) for i in range(9)]
        ids = []
        try:
            for k in range(SUBMISSIONS):
                ids.append(clients[k % len(clients)].submit(self.small(k)))
            jobs = {}
            for k, job_id in enumerate(ids):
                jobs[job_id] = clients[k % len(clients)].wait(job_id, timeout=90)
        finally:
            stop.set()
            t.join()
        self.assertEqual(sorted(j["status"] for j in jobs.values()), ["completed"] * SUBMISSIONS)
        rows = self.sql("SELECT attempts, node FROM jobs WHERE id = ANY(%s)", (ids,))
        self.assertEqual(len(rows), SUBMISSIONS)
        self.assertEqual(sorted(set(a for a, _ in rows)), [1])
        self.assertGreaterEqual(len(set(n for _, n in rows)), 2, rows)
        self.assertLessEqual(peak[0], MAX_CONCURRENT)
        self.assertGreater(peak[0], 0)
        # Each job's worker started once in the whole cluster.
        starts = 0
        for n in self.nodes:
            log = n.log()
            starts += sum(log.count("job %s: started worker" % j) for j in ids)
        self.assertEqual(starts, SUBMISSIONS)

    def test_2_cancel_and_download_through_another_node(self):
        ann0, ann1, ann2 = self.client(0), self.client(1), self.client(2)
        done = ann0.wait(ann0.submit(self.small(7)), timeout=30)
        self.assertEqual(done["status"], "completed")
        runner = int(self.sql("SELECT node FROM jobs WHERE id = %s", (done["job_id"],))[0][0][4:])
        other = [ann0, ann1, ann2][(runner + 1) % 3]
        here = [ann0, ann1, ann2][runner]
        a, b = other.download(done["job_id"]), here.download(done["job_id"])
        self.assertEqual(a.status_code, 200)
        self.assertEqual(a.content, b.content)
        # Every node lists the user's jobs alike, this one among them.
        lists = [[j["job_id"] for j in c.get(JOBS + "?limit=1000").json()["jobs"]]
                 for c in (ann0, ann1, ann2)]
        self.assertIn(done["job_id"], lists[0])
        self.assertEqual(lists[1], lists[0])
        self.assertEqual(lists[2], lists[0])

        job_id = ann0.submit(self.big())
        pid = ph.worker_pid(job_id)
        os.kill(pid, signal.SIGSTOP)
        try:
            deadline = time.monotonic() + 10
            node = None
            while node is None and time.monotonic() < deadline:
                node = self.sql("SELECT node FROM jobs WHERE id = %s", (job_id,))[0][0]
                time.sleep(0.01)
            runner = int(node[4:])
            other = [ann0, ann1, ann2][(runner + 1) % 3]
            r = other.delete(JOBS + "/" + job_id)
            self.assertEqual(r.status_code, 202, r.text)
            self.assertEqual(r.json()["action"], "cancelling")
            t0 = time.monotonic()
        finally:
            os.kill(pid, signal.SIGCONT)
        job = other.wait(job_id, timeout=10)
        elapsed = time.monotonic() - t0
        self.assertEqual(job["status"], "cancelled")
        # The heartbeat is 2 s apart here: a cancel within 1 s came by NOTIFY.
        self.assertLess(elapsed, 1.0, "cancel took %.2f s" % elapsed)

    def test_3_kill_9_of_a_node_with_running_jobs(self):
        ann = self.client(1)
        job_id = ann.submit(self.big())
        pid = ph.worker_pid(job_id)
        deadline = time.monotonic() + 10
        node = None
        while node is None and time.monotonic() < deadline:
            node = self.sql("SELECT node FROM jobs WHERE id = %s", (job_id,))[0][0]
        victim = int(node[4:])
        # The node and its worker die together, as the machine would.
        os.kill(pid, signal.SIGKILL)
        self.nodes[victim].proc.kill()
        self.nodes[victim].proc.wait()
        self.nodes[victim].proc = None
        self.nodes[victim]._log.close()
        t0 = time.monotonic()
        survivor = self.client((victim + 1) % 3)
        job = survivor.wait(job_id, timeout=HEARTBEAT_S + 60)
        self.assertEqual(job["status"], "completed", job)
        taken = time.monotonic() - t0
        row = self.sql("SELECT attempts, node FROM jobs WHERE id = %s", (job_id,))[0]
        self.assertEqual(row[0], 2)
        self.assertNotEqual(row[1], "node%d" % victim)
        self.assertGreater(taken, HEARTBEAT_S - 1)
        # The node comes back under its name and leaves the job alone.
        self.nodes[victim] = self.start_node(victim)
        time.sleep(1)
        self.assertEqual(self.client(victim).job(job_id)["status"], "completed")

    def test_5b_quotas_are_the_clusters(self):
        # Set through one node's command line, counted over every node.
        out = ph.subprocess.run([ph.pivotd_path(), "quota", "set", "--user", "dee",
                                 "--jobs-per-day", "2"] + self.nodes[0]._common_args(),
                                stdout=ph.subprocess.PIPE, stderr=ph.subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        dee = [self.client(i, "dee") for i in range(3)]
        first = dee[1].submit(self.small(11))
        second = dee[2].submit(self.small(12))
        r = dee[0].request("POST", JOBS, json=self.small(13))
        self.assertEqual(r.status_code, 429, r.text)
        self.assertTrue(r.json()["detail"].startswith(
            "jobs_per_day: quota used up: 2 jobs submitted in the last 24 "), r.text)
        self.assertEqual([(q["limits"]["jobs_per_day"], q["usage"]["jobs_last_24h"])
                          for q in (c.get(ph.API + "/quota").json() for c in dee)],
                         [(2, 2)] * 3)
        for c, job_id in ((dee[0], first), (dee[0], second)):
            self.assertEqual(c.wait(job_id)["status"], "completed")

    def test_6_a_frozen_node_that_comes_back_leaves_its_job_alone(self):
        ann = self.client(0)
        job_id = ann.submit(self.big())
        pid = ph.worker_pid(job_id)
        deadline = time.monotonic() + 10
        node = None
        while node is None and time.monotonic() < deadline:
            node = self.sql("SELECT node FROM jobs WHERE id = %s", (job_id,))[0][0]
        victim = int(node[4:])
        node_pid = self.nodes[victim].proc.pid
        started = "job %s: starting (pid %d)" % (job_id, pid)
        while started not in self.nodes[victim].log() and time.monotonic() < deadline:
            time.sleep(0.002)
        # The machine freezes (or its network goes): node and worker stop
        # together, in the middle of the export, and come back later.
        os.kill(node_pid, signal.SIGSTOP)
        os.kill(pid, signal.SIGSTOP)
        try:
            survivor = self.client((victim + 1) % 3)
            job = survivor.wait(job_id, timeout=HEARTBEAT_S + 60)
            self.assertEqual(job["status"], "completed", job)
            row = self.sql("SELECT attempts, node FROM jobs WHERE id = %s", (job_id,))[0]
            self.assertEqual(row[0], 2)
            self.assertNotEqual(row[1], "node%d" % victim)
            first = survivor.download(job_id)
            self.assertEqual(first.status_code, 200)
        finally:
            os.kill(pid, signal.SIGCONT)
            os.kill(node_pid, signal.SIGCONT)
        # The old attempt's worker stops by itself: its writes name a job
        # its node no longer runs.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid):
            time.sleep(0.05)
        self.assertFalse(os.path.exists("/proc/%d" % pid), "the old worker still runs")
        back = self.client(victim)
        job = back.job(job_id)
        self.assertEqual((job["status"], job["attempts"]), ("completed", 2))
        again = back.download(job_id)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.content, first.content)
        self.assertEqual([n for n in os.listdir(self.results)
                          if n.startswith(job_id) and n.endswith(".part")], [])
        # Stopped by itself (its write refused) or by its node, whichever
        # saw first that the job was taken over.
        log = self.nodes[victim].log()
        self.assertTrue("job %s: attempt 1 is no longer this node's" % job_id in log or
                        "job %s: attempt 1 was taken over" % job_id in log, log)

    def test_7_an_old_attempt_on_the_same_node_writes_nothing(self):
        """A node taken for dead that comes back and starts its job again
        (attempt 2) while the worker of attempt 1 still runs: that worker's
        writes are refused, by attempt, though they name the right node."""
        ann = self.client(2)
        job_id = ann.submit(self.big())
        pid = ph.worker_pid(job_id)
        deadline = time.monotonic() + 10
        node = None
        while node is None and time.monotonic() < deadline:
            node = self.sql("SELECT node FROM jobs WHERE id = %s", (job_id,))[0][0]
        victim = int(node[4:])
        server = self.nodes[victim]
        started = "job %s: starting (pid %d)" % (job_id, pid)
        while started not in server.log() and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(server.proc.pid, signal.SIGSTOP)
        os.kill(pid, signal.SIGSTOP)
        try:
            # The takeover and the node's own second claim, as the store
            # records them.
            con = self.pg.connect(self.db)
            with con, con.cursor() as cur:
                cur.execute("UPDATE jobs SET attempts = 2 WHERE id = %s AND attempts = 1 "
                            "AND status = 'processing'", (job_id,))
                self.assertEqual(cur.rowcount, 1)
            con.close()
            os.kill(pid, signal.SIGCONT)
            deadline = time.monotonic() + 15
            state = None
            while time.monotonic() < deadline:
                with open("/proc/%d/stat" % pid) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
                if state == "Z":
                    break
                time.sleep(0.01)
            self.assertEqual(state, "Z", "the worker of attempt 1 did not stop")
            row = self.sql("SELECT status, attempts, node, error, file_name FROM jobs "
                           "WHERE id = %s", (job_id,))[0]
            self.assertEqual(row, ("processing", 2, node, None, None))
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        self.assertIn("job %s: attempt 1 is no longer this node's" % job_id, server.log())
        # The node finds attempt 2 without a worker and runs the job again.
        job = ann.wait(job_id, timeout=60)
        self.assertEqual((job["status"], job["attempts"]), ("completed", 3), job)
        self.assertEqual(ann.download(job_id).status_code, 200)

    def test_8_fairness_holds_across_the_cluster(self):
        ann = [self.client(i, "ann") for i in range(3)]
        bob = self.client(2, "bob")
        ids = [ann[k % 3].submit(self.big()) for k in range(6)]
        # The cluster's three slots go to ann's first jobs, wherever they
        # run; their workers are frozen to keep them busy.
        deadline = time.monotonic() + 10
        running = []
        while len(running) < MAX_CONCURRENT and time.monotonic() < deadline:
            running = [r[0] for r in self.sql(
                "SELECT id FROM jobs WHERE id = ANY(%s) AND status = 'processing'", (ids,))]
            time.sleep(0.01)
        self.assertEqual(len(running), MAX_CONCURRENT)
        pids = [ph.worker_pid(j) for j in running]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            bob_id = bob.submit(self.small(5))
            self.assertEqual(bob.job(bob_id)["status"], "queued")
            # One slot frees: bob (nothing running) goes before ann's older
            # queued jobs, on whichever node claims first.
            os.kill(pids[0], signal.SIGKILL)
            self.assertEqual(bob.wait(bob_id, timeout=30)["status"], "completed")
            bob_started = self.sql("SELECT started_ms FROM jobs WHERE id = %s", (bob_id,))[0][0]
            waiting = [j for j in ids if j not in running]
            rows = self.sql("SELECT started_ms FROM jobs WHERE id = ANY(%s)", (waiting,))
            self.assertEqual(len(rows), 3)
            self.assertEqual([r[0] for r in rows if r[0] is not None and r[0] < bob_started],
                             [])
        finally:
            for pid in pids[1:]:
                os.kill(pid, signal.SIGCONT)
        for k, job_id in enumerate(ids):
            self.assertIn(ann[k % 3].wait(job_id, timeout=60)["status"],
                          ("completed", "failed") if job_id == running[0] else ("completed",))

    def refused(self, state, config):
        """Runs a `pivotd serve` expected to refuse to start: its stderr."""
        proc = ph.subprocess.run(
            [ph.pivotd_path(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
             self.cache.data_dir, "--state-dir", state, "--plugin-dir", ph.plugin_dir(),
             "--config", config],
            stdin=ph.subprocess.DEVNULL, stdout=ph.subprocess.DEVNULL,
            stderr=ph.subprocess.PIPE, timeout=30)
        err = proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 1, err)
        self.assertNotIn("listening", err)
        return err

    def test_9_sqlite_and_cluster_nodes_never_share_a_results_folder(self):
        # A server on the embedded store pointed at the cluster's folder.
        config = ph.write_config(self.work.sub("lone.yaml"), "results_dir: %s\n" % self.results)
        err = self.refused(self.work.sub("lone-state"), config)
        self.assertIn("the results folder %s is in use by another pivotd serve; a server on the "
                      "embedded SQLite job store needs a results_dir of its own"
                      % os.path.realpath(self.results), err)
        # A fourth node pointed at a SQLite server's folder.
        own = self.work.sub("lone-results")
        lone = ph.Server(self.cache.data_dir, self.work.sub("lone-state2"),
                         ph.write_config(self.work.sub("lone2.yaml"), "results_dir: %s\n" % own),
                         engine="sqlite").start()
        try:
            config = ph.write_config(self.work.sub("node3.yaml"),
                                     self.config(3).replace(self.results, own))
            err = self.refused(self.work.sub("state3"), config)
            self.assertIn("the results folder %s is in use by a pivotd serve on an embedded "
                          "SQLite job store" % os.path.realpath(own), err)
        finally:
            lone.stop()

    def test_9b_a_node_limit_beside_the_cluster_limit(self):
        # Two more nodes on a database of their own, each allowed one job
        # at a time (jobs.node_max_concurrent) under the cluster's three.
        db = self.pg.new_database("pernode")
        results = self.work.sub("pernode-results")
        servers = []
        try:
            for i in range(2):
                text = self.config(i).replace(self.pg.uri(self.db), self.pg.uri(db))
                text = text.replace(self.results, results).replace(
                    "node_name: node%d" % i, "node_name: limited%d" % i)
                text = text.replace("jobs:\n", "jobs:\n  node_max_concurrent: 1\n")
                config = ph.write_config(self.work.sub("limited%d.yaml" % i), text)
                servers.append(ph.Server(self.cache.data_dir, self.work.sub("limited%d" % i),
                                         config, engine="sqlite").start())
            clients = [ph.HeaderClient(srv.base, USERS[i]) for i, srv in enumerate(servers)]
            for c in clients:
                self.addCleanup(c.close)
            stop = threading.Event()
            peaks = {}

            def watch():
                con = self.pg.connect(db)
                con.autocommit = True
                try:
                    with con.cursor() as cur:
                        while not stop.is_set():
                            cur.execute("SELECT count(*), count(*) FILTER (WHERE node = "
                                        "'limited0'), count(*) FILTER (WHERE node = 'limited1') "
                                        "FROM jobs WHERE status = 'processing'")
                            for name, n in zip(("all", "limited0", "limited1"), cur.fetchone()):
                                peaks[name] = max(peaks.get(name, 0), n)
                            time.sleep(0.005)
                finally:
                    con.close()
            t = threading.Thread(target=watch)
            t.start()
            try:
                ids = [clients[k % 2].submit(self.big()) for k in range(6)]
                jobs = [clients[k % 2].wait(j, timeout=60) for k, j in enumerate(ids)]
            finally:
                stop.set()
                t.join()
            self.assertEqual([j["status"] for j in jobs], ["completed"] * 6)
            self.assertEqual(peaks, {"all": 2, "limited0": 1, "limited1": 1})
        finally:
            for srv in servers:
                srv.stop()

    def test_5_api_keys_are_every_nodes(self):
        key = self.nodes[0].create_key("kim")
        clients = [ph.Client(n.base, key) for n in self.nodes]
        for c in clients:
            self.addCleanup(c.close)
        job_id = clients[1].submit(self.small(3))
        self.assertEqual(clients[2].wait(job_id)["status"], "completed")
        self.assertEqual([c.get(ph.API + "/quota").json()["user"] for c in clients],
                         ["kim"] * 3)
        # Revoked through one node, refused by all at once.
        rows = self.sql("SELECT id FROM auth_api_keys WHERE user_name = 'kim'")
        self.assertEqual(len(rows), 1)
        out = ph.subprocess.run([ph.pivotd_path(), "keys", "revoke", rows[0][0]] +
                                self.nodes[2]._common_args(), stdout=ph.subprocess.PIPE,
                                stderr=ph.subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual([c.get(ph.API + "/quota").status_code for c in clients], [401] * 3)

    def test_4_postgres_restart_under_load(self):
        clients = [self.client(i, USERS[i]) for i in range(3)]
        ids = [clients[k % 3].submit(self.small(k)) for k in range(30)]
        self.pg.stop()
        try:
            deadline = time.monotonic() + 10
            health = None
            while time.monotonic() < deadline:
                health = clients[0].get("/api/v1/health").json()["status"]
                if health == "degraded":
                    break
                time.sleep(0.05)
            self.assertEqual(health, "degraded")
            r = clients[1].request("POST", JOBS, json=self.small(1))
            self.assertEqual(r.status_code, 503, r.text)
        finally:
            self.pg.start()
        for k, job_id in enumerate(ids):
            self.assertEqual(clients[k % 3].wait(job_id, timeout=90)["status"], "completed")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if all(c.get("/api/v1/health").json()["status"] == "ok" for c in clients):
                break
            time.sleep(0.1)
        self.assertEqual([c.get("/api/v1/health").json()["status"] for c in clients], ["ok"] * 3)
        self.assertEqual(len(self.sql("SELECT id FROM jobs WHERE id = ANY(%s)", (ids,))), 30)


if __name__ == "__main__":
    unittest.main(verbosity=2)
