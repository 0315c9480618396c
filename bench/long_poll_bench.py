#!/usr/bin/python3
"""Long polling at scale: N concurrent GET /jobs/{id}?wait=60 on loopback, all
parked on pivotd's event loops, all woken by one change of the job.

The only worker slot (jobs.max_concurrent: 1) is held by a job whose worker
is stopped (SIGSTOP), so the watched job stays queued. N connections (1,000
by default) each send GET /api/v1/pivot/jobs/{id}?wait=60 with the job's
ETag; the bench checks that none is answered while nothing changes, counts
pivotd's threads while they wait, then cancels the watched job (DELETE) and
times until every waiter has its answer. Printed beside it, the floor: one
plain status GET on one connection, measured in the same run. Bounded in
count (--waiters) and time (every phase has a deadline); 127.0.0.1 only.
Benchmarks are not tests: nothing here asserts a figure.

    /usr/bin/python3 bench/long_poll_bench.py --build BUILD_DIR [--waiters 1000]
"""
import argparse
import asyncio
import os
import resource
import signal
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

API = "/api/v1/pivot"


def setup_env(build):
    os.environ.setdefault("PIVOTD", os.path.join(build, "bin", "pivotd"))
    os.environ.setdefault("PIVOT_GEN_AVRO", os.path.join(build, "bin", "pivot-gen-avro"))
    os.environ.setdefault("PIVOT_PLUGIN_DIR", os.path.join(build, "lib", "pivot"))


async def get(port, path, headers):
    """One GET on a new connection; returns (status, seconds from sending to the answer)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1", "Connection: close"]
    lines += ["%s: %s" % kv for kv in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    status_line = await reader.readline()
    answered = time.monotonic()
    await reader.read()
    writer.close()
    return int(status_line.split()[1]), answered


def threads_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


async def run(args, server, key, job_id):
    port = int(server.base.rsplit(":", 1)[1])
    headers = {"X-API-Key": key, "If-None-Match": '"queued-0"'}
    # The floor: plain status GETs, one at a time, each on a new connection
    # as the waiters' are.
    floor = []
    for _ in range(20):
        t0 = time.monotonic()
        status, answered = await get(port, API + "/jobs/" + job_id, {"X-API-Key": key})
        floor.append(answered - t0)
        assert status == 200
    path = API + "/jobs/" + job_id + "?wait=60"
    threads_before = threads_of(server.proc.pid)
    t_open = time.monotonic()
    waiters = [asyncio.ensure_future(get(port, path, headers)) for _ in range(args.waiters)]
    # Every request parked: none answers while nothing changes.
    done, _ = await asyncio.wait(waiters, timeout=args.settle)
    parked_in = time.monotonic() - t_open
    threads_waiting = threads_of(server.proc.pid)
    t_cancel = time.monotonic()
    cancel = await asyncio.get_running_loop().run_in_executor(
        None, lambda: server.client(key).delete(API + "/jobs/" + job_id))
    results = await asyncio.wait_for(asyncio.gather(*waiters), timeout=90)
    woken = [answered - t_cancel for _, answered in results]
    statuses = sorted({s for s, _ in results})
    print("waiters                %d (%d answered before the change)" % (args.waiters, len(done)))
    print("pivotd threads         %d before, %d with every waiter parked" %
          (threads_before, threads_waiting))
    print("cancel                 HTTP %d" % cancel.status_code)
    print("answers                HTTP %s" % ",".join(str(s) for s in statuses))
    print("woken after the change first %.1f ms, median %.1f ms, last %.1f ms" %
          (min(woken) * 1e3, statistics.median(woken) * 1e3, max(woken) * 1e3))
    print("floor: one status GET  median %.2f ms, best %.2f ms (new connection each)" %
          (statistics.median(floor) * 1e3, min(floor) * 1e3))
    print("       %d status GETs one after another: about %.1f ms" %
          (args.waiters, statistics.median(floor) * args.waiters * 1e3))
    print("(waiters sent and parked within %.1f s)" % parked_in)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", required=True, help="the CMake build directory")
    p.add_argument("--waiters", type=int, default=1000)
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds the waiters wait with nothing changing")
    args = p.parse_args()
    setup_env(os.path.abspath(args.build))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, args.waiters * 2 + 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    import pivot_harness as h
    from test_job_control import freeze_worker

    work = h.WorkDir("pivot-longpoll-bench-")
    server = None
    pid = None
    try:
        cache = h.Cache.generate(work.sub("data"), channels=4, seconds=600, rate=1000,
                                 signals=4, file_seconds=120)
        state = work.sub("state")
        config = h.write_config(work.sub("pivot.yaml"),
                                "jobs:\n  max_concurrent: 1\n"
                                "quotas:\n  max_queued_jobs: 1000000\n")
        server = h.Server(cache.data_dir, state, config).start()
        key = server.create_key("bench")
        api = server.client(key)
        body = {"time_range": h.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z"),
                "channels": {"include": cache.channel_names()}}
        holder = api.submit(body)
        pid = freeze_worker(holder, state)
        watched = api.submit(dict(body, channels={"include": ["ch000"]}))
        asyncio.run(run(args, server, key, watched))
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGCONT)
        if server is not None:
            server.stop()
        work.close()


if __name__ == "__main__":
    main()
