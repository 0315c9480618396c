"""The speeddata-pivot command against a real pivotd."""

import json
import os
import subprocess
import sys
import tomllib

PKG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def run(pivot, *args, key=True):
    env = dict(os.environ, PYTHONPATH=PKG, SPEEDDATA_PIVOT_URL=pivot.url)
    env.pop("SPEEDDATA_API_KEY", None)
    if key:
        env["SPEEDDATA_API_KEY"] = pivot.key
    return subprocess.run([sys.executable, "-m", "speeddata_pivot"] + list(args), env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def test_console_script_entry_point():
    with open(os.path.join(PKG, "pyproject.toml"), "rb") as f:
        meta = tomllib.load(f)
    assert meta["project"]["scripts"] == {"speeddata-pivot": "speeddata_pivot.__main__:main"}
    assert meta["project"]["dependencies"] == ["requests>=2.25"]


def test_submit_wait_download_ls_cancel(pivot, tmp_path):
    r = run(pivot, "submit", "--channels", "ch000,ch001", "--signals", "ch000=sig0",
            "--start", "2025-01-01T00:00:00Z", "--duration", "PT20S", "-q")
    assert r.returncode == 0, r.stderr
    job_id = r.stdout.strip()
    assert len(job_id) == 22
    r = run(pivot, "wait", job_id, "-q")
    assert (r.returncode, r.stdout) == (0, "completed\n"), r.stderr
    r = run(pivot, "status", job_id)
    status = json.loads(r.stdout)
    assert (status["status"], status["result"]["samples_exported"]) == ("completed", 4000)
    out = str(tmp_path / "cli.h5")
    r = run(pivot, "download", job_id, "-o", out)
    assert (r.returncode, r.stdout) == (0, out + "\n")
    assert os.path.getsize(out) == status["result"]["file_size"]
    r = run(pivot, "ls", "--status", "completed", "--json")
    assert job_id in [j["job_id"] for j in json.loads(r.stdout)]
    r = run(pivot, "ls")
    assert r.stdout.splitlines()[0].split() == ["JOB", "STATUS", "PCT", "CREATED", "RANGE"]
    assert any(line.startswith(job_id + "  completed") for line in r.stdout.splitlines())
    r = run(pivot, "cancel", job_id)
    assert (r.returncode, r.stdout) == (0, "%s deleted\n" % job_id)


def test_channels(pivot):
    r = run(pivot, "channels")
    assert r.returncode == 0
    assert r.stdout.splitlines() == [
        "ch000  sig0:float64, sig1:float64, counter:int32, mode:string",
        "ch001  sig0:float64, sig1:float64, counter:int32, mode:string"]


def test_errors_exit_1_with_the_problem(pivot):
    r = run(pivot, "status", "AAAAAAAAAAAAAAAAAAAAAA")
    assert r.returncode == 1
    assert r.stderr.startswith("speeddata-pivot: Job not found (404): no job with this id")
    r = run(pivot, "submit", "--channels", "ch000", "--last", "PT1H", key=False)
    assert r.returncode == 1
    assert "(401)" in r.stderr
    r = run(pivot, "submit", "--channels", "ch000", "--start", "2025-01-01T00:00:00Z")
    assert r.returncode == 2
    assert "give the time range" in r.stderr
