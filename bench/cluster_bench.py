#!/usr/bin/python3
"""Scale-out: three pivotd nodes on one PostgreSQL against one node on SQLite.

In one run, on this machine, two topologies take the same work:

  sqlite  one `pivotd serve` with its embedded <state_dir>/jobs.db
  pg3     three nodes on one PostgreSQL 15 (started here on a Unix socket,
          as the integration tests do) and one shared results folder

For each it measures:

  submit/s     accepted submissions per second: --submissions small jobs
               POSTed by 6 client threads spread over the nodes
  start p50/99 submit -> processing (the job's created_ms to started_ms, both
               stamped by the servers) of those jobs: queueing included
  idle start   the same for --idle jobs submitted one at a time to an idle
               topology (the wake-up path: NOTIFY for pg3)
  poll p99     GET /api/v1/pivot/jobs/{id} latency on every node while the
               submitted jobs run, from a process of its own
  floor        GET /api/v1/health timed beside each poll: what any request
               costs on this machine under the same load, store aside

jobs.max_concurrent is 3 in both (for pg3, in the whole cluster). Every loop
is bounded by its count and by --seconds; loopback only. Benchmarks are not
tests: nothing here asserts a figure.

    /usr/bin/python3 bench/cluster_bench.py --build BUILD_DIR [--submissions 200]
"""
import argparse
import multiprocessing
import os
import queue
import sqlite3
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

import pivot_harness as ph  # noqa: E402
import pivot_postgres  # noqa: E402

API = "/api/v1/pivot"




def config(job_store, results, node):
    text = ("jobs:\n  max_concurrent: 3\n"
            "quotas:\n  max_queued_jobs: 100000\n  jobs_per_day: 1000000\n"
            "auth:\n  backends: [trusted-header]\n"
            "plugins:\n  auth:\n    trusted_header:\n      header: X-Remote-User\n"
            "      proxies: [127.0.0.1]\n")
    if job_store:
        text += "job_store: \"%s\"\nresults_dir: %s\nnode_name: node%d\n" % (
            job_store, results, node)
    return text


def small(k):
    t0 = ph.parse_rfc3339_ns("2025-01-01T00:00:00Z") + (k % 500) * ph.NS
    return {"time_range": ph.absolute(ph.format_ns(t0), ph.format_ns(t0 + ph.NS)),
            "channels": {"include": ["ch000"]}}


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def poll_loop(bases, users, id_queue, out_queue, stop, deadline):
    """Polls the newest job of each user on every node, and /health beside
    it, until stop; puts both lists of latencies (ms) on out_queue."""
    cs = [ph.HeaderClient(b, u) for b in bases for u in users]
    latest, polls, health = {}, [], []
    i = 0
    try:
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                while True:
                    job_id, user = id_queue.get_nowait()
                    latest[user] = job_id
            except queue.Empty:
                pass
            c = cs[i % len(cs)]
            if c.user in latest:
                t0 = time.monotonic()
                r = c.get(API + "/jobs/" + latest[c.user])
                if r.status_code == 200:
                    polls.append((time.monotonic() - t0) * 1000)
                t0 = time.monotonic()
                r = c.get("/api/v1/health")
                if r.status_code == 200:
                    health.append((time.monotonic() - t0) * 1000)
            i += 1
            time.sleep(0.005)
    finally:
        for c in cs:
            c.close()
        out_queue.put((polls, health))


def run(name, servers, started_of, args):
    users = ["ann", "bob", "cyd"]
    clients = [ph.HeaderClient(s.base, users[i % 3]) for i, s in enumerate(servers)]
    deadline = time.monotonic() + args.seconds
    # Idle start: one job at a time, each waited for.
    idle_ids = []
    for k in range(args.idle):
        c = clients[k % len(clients)]
        job_id = c.submit(small(k))
        c.wait(job_id, timeout=30)
        idle_ids.append(job_id)
    # The flood: 6 threads, the submissions spread over the nodes.
    ids, lock = [], threading.Lock()
    counter = iter(range(args.submissions))
    # The poller is a process of its own: in this one it would wait for the
    # submitting threads' GIL, and measure that. It learns the jobs through
    # a queue, and times /health beside each poll: the floor that the
    # machine, the client and the server's loop give any request.
    ctx = multiprocessing.get_context("fork")
    id_queue, out_queue, stop = ctx.Queue(), ctx.Queue(), ctx.Event()

    def submit_loop(t):
        c = ph.HeaderClient(servers[t % len(servers)].base, users[t % 3])
        try:
            while time.monotonic() < deadline:
                with lock:
                    k = next(counter, None)
                if k is None:
                    return
                job_id = c.submit(small(k))
                with lock:
                    ids.append((job_id, c.user))
                id_queue.put((job_id, c.user))
        finally:
            c.close()

    poller = ctx.Process(target=poll_loop,
                         args=([x.base for x in servers], users, id_queue, out_queue, stop,
                               deadline))
    poller.start()
    t0 = time.monotonic()
    threads = [threading.Thread(target=submit_loop, args=(t,)) for t in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submit_s = time.monotonic() - t0
    by_user = {u: ph.HeaderClient(servers[0].base, u) for u in users}
    for job_id, user in ids:
        by_user[user].wait(job_id, timeout=max(1.0, deadline - time.monotonic()))
    for c in by_user.values():
        c.close()
    stop.set()
    polls, health = out_queue.get(timeout=60)
    poller.join(30)
    for c in clients:
        c.close()
    lat = started_of([j for j, _ in ids])
    idle = started_of(idle_ids)
    return {"name": name, "submit_per_s": len(ids) / submit_s, "n": len(ids),
            "start_p50": pct(lat, 50), "start_p99": pct(lat, 99),
            "idle_p50": pct(idle, 50), "idle_p99": pct(idle, 99),
            "poll_p50": pct(polls, 50), "poll_p99": pct(polls, 99), "polls": len(polls),
            "health_p50": pct(health, 50), "health_p99": pct(health, 99)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--submissions", type=int, default=200)
    ap.add_argument("--idle", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=180)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    os.environ.setdefault("PIVOTD", os.path.join(build, "bin", "pivotd"))
    os.environ.setdefault("PIVOT_GEN_AVRO", os.path.join(build, "bin", "pivot-gen-avro"))
    os.environ.setdefault("PIVOT_PLUGIN_DIR", os.path.join(build, "lib", "pivot"))
    os.environ.pop("PIVOT_TEST_JOB_STORE", None)

    work = ph.WorkDir("pivot-cluster-bench-")
    pg = None
    servers = []
    rows = []
    try:
        data = work.sub("data")
        ph.Cache.generate(data, channels=4, seconds=600, rate=100, signals=2)
        # One node on SQLite.
        state = work.sub("sqlite-state")
        cfg = ph.write_config(work.sub("sqlite.yaml"), config(None, None, 0))
        servers = [ph.Server(data, state, cfg, engine="sqlite").start()]

        def sqlite_started(ids):
            db = sqlite3.connect(os.path.join(state, "jobs.db"))
            try:
                q = "SELECT started_ms - created_ms FROM jobs WHERE id IN (%s)" % ",".join(
                    "?" * len(ids))
                return [r[0] for r in db.execute(q, ids)] if ids else []
            finally:
                db.close()
        rows.append(run("sqlite, 1 node", servers, sqlite_started, args))
        for s in servers:
            s.stop()
        servers = []
        # Three nodes on PostgreSQL.
        pg = pivot_postgres.PostgresServer().start()
        db = pg.new_database("bench")
        results = work.sub("results")
        for i in range(3):
            cfg = ph.write_config(work.sub("node%d.yaml" % i), config(pg.uri(db), results, i))
            servers.append(ph.Server(data, work.sub("state%d" % i), cfg, engine="sqlite").start())

        def pg_started(ids):
            con = pg.connect(db)
            try:
                with con.cursor() as cur:
                    cur.execute("SELECT started_ms - created_ms FROM jobs WHERE id = ANY(%s)",
                                (ids,))
                    return [r[0] for r in cur.fetchall()]
            finally:
                con.close()
        rows.append(run("postgresql, 3 nodes", servers, pg_started, args))
    finally:
        for s in servers:
            s.stop()
        if pg is not None:
            pg.close()
        work.close()

    print("%-20s %9s %7s %9s %9s %8s %8s %8s %8s %8s %8s" % (
        "topology", "submit/s", "jobs", "start p50", "start p99", "idle p50", "idle p99",
        "poll p50", "poll p99", "floor50", "floor99"))
    for r in rows:
        print("%-20s %9.1f %7d %7.0fms %7.0fms %6.0fms %6.0fms %6.1fms %6.1fms %6.1fms %6.1fms" % (
            r["name"], r["submit_per_s"], r["n"], r["start_p50"], r["start_p99"],
            r["idle_p50"], r["idle_p99"], r["poll_p50"], r["poll_p99"], r["health_p50"],
            r["health_p99"]))
    print("(floor: GET /api/v1/health, answered on the server's loop without the store, "
          "timed beside each poll by the same client)")


if __name__ == "__main__":
    main()
