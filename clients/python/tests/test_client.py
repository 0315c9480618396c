"""The Python client against a real pivotd: export, wait, resume, errors, files."""

import io
import os
import socket
import threading

import pytest
import requests

import pivot_harness as h
import speeddata_pivot
from speeddata_pivot import Client, errors
from speeddata_pivot.progress import _LineProgress

START = "2025-01-01T00:01:00Z"
END = "2025-01-01T00:02:00Z"


def test_export_returns_the_path_of_the_file_with_the_exact_samples(client, pivot, tmp_path):
    path = client.export(channels=["ch000", "ch001"], signals={"ch000": ["sig0", "mode"]},
                         start=START, end=END, metadata={"description": "client test"},
                         path=str(tmp_path / "export.h5"), progress=False)
    assert path == str(tmp_path / "export.h5")
    assert not os.path.exists(path + ".part")
    idx = pivot.cache.indices_in(h.parse_rfc3339_ns(START), h.parse_rfc3339_ns(END))
    assert len(idx) == 6000
    with client.open(path) as f:
        assert sorted(f.keys()) == ["ch000", "ch001"]
        # mode's short values are rows of 8 bytes: the `string8` dimension.
        assert sorted(f["ch000"].keys()) == ["mode", "sig0", "string8", "time"]
        assert sorted(f["ch001"].keys()) == ["counter", "mode", "sig0", "sig1", "string8", "time"]
        assert f["ch000/mode"].shape == (6000, 8)
        assert speeddata_pivot.strings(f["ch000/mode"]) == [pivot.cache.mode_of(i) for i in idx]
        assert f["ch000/time"][:].tolist() == [pivot.cache.time_of(i) for i in idx]
        assert f["ch000/sig0"][:].tolist() == [pivot.cache.sig_value(0, 0, i) for i in idx]
        assert f.attrs["description"] == "client test"


def test_submit_status_wait_download_step_by_step(client, tmp_path):
    job = client.submit(channels="ch001", start=START, duration="PT30S")
    assert job["status"] == "queued"
    assert job["status_url"] == "/api/v1/pivot/jobs/" + job["job_id"]
    lines = io.StringIO()
    done = client.wait(job["job_id"], progress=_LineProgress(job["job_id"], lines))
    assert done["status"] == "completed"
    assert done["progress"] == 100
    assert done["time_range"] == {"start": START, "end": "2025-01-01T00:01:30Z"}
    assert lines.getvalue().splitlines()[-1] == "job %s: completed 100%%" % job["job_id"]
    assert client.status(job)["result"]["samples_exported"] == 3000
    path = client.download(job, str(tmp_path / "x.h5"))
    assert os.path.getsize(path) == done["result"]["file_size"]


def test_preview_of_a_completed_job(client):
    done = _completed_job(client)
    p = client.preview(done, signals=["ch001.sig1", "ch000.counter"], points=30)
    assert [(s["channel"], s["signal"]) for s in p["series"]] == [("ch000", "counter"),
                                                                    ("ch001", "sig1")]
    assert p["points"] == 30
    # 300 s in 4000 buckets of 75 ms, merged 134 at a time.
    assert p["bucket_ns"] == 134 * 75000000
    counter = p["series"][0]
    # The counter is the sample index: 100 Hz from the range's start.
    assert counter["min"][:2] == [0, 1005]
    assert counter["max"][:2] == [1004, 2009]
    with pytest.raises(errors.PivotError) as e:
        client.preview(done, signals="ch000.nosuch")
    assert e.value.status == 422 and e.value.field == "signals"


def test_wait_follows_retry_after(client, monkeypatch):
    job = client.submit(channels="ch000", start=START, duration=10)
    sleeps = []
    monkeypatch.setattr(speeddata_pivot.client.time, "sleep", lambda s: sleeps.append(s))
    client.wait(job, progress=False)
    # Every status answer of an unfinished job says Retry-After: 1.
    assert set(sleeps) <= {1.0}


def _completed_job(client):
    job = client.submit(channels=["ch000", "ch001"], start="2025-01-01T00:00:00Z",
                        end="2025-01-01T00:05:00Z")
    return client.wait(job, progress=False)


def _recording_client(pivot):
    """A client whose session records every request it sends, and the response status."""
    seen = []
    session = requests.Session()
    session.hooks["response"].append(
        lambda r, *a, **kw: seen.append((r.request.method, r.request.url,
                                         r.request.headers.get("Range"), r.status_code)))
    return Client(pivot.url, api_key=pivot.key, session=session), seen


def test_download_resumes_a_partial_file_with_a_range_request(pivot, client, tmp_path):
    job = _completed_job(client)
    whole = client.download(job, str(tmp_path / "whole.h5"))
    with open(whole, "rb") as f:
        expected = f.read()
    assert len(expected) == job["result"]["file_size"]
    # A download that broke after 1000 bytes left this behind.
    target = str(tmp_path / "resumed.h5")
    with open(target + ".part", "wb") as f:
        f.write(expected[:1000])
    rec, seen = _recording_client(pivot)
    assert rec.download(job, target) == target
    with open(target, "rb") as f:
        assert f.read() == expected
    assert not os.path.exists(target + ".part")
    downloads = [s for s in seen if s[1].endswith("/download")]
    assert [(s[2], s[3]) for s in downloads] == [("bytes=1000-", 206)]


class CuttingProxy:
    """A TCP proxy to pivotd that closes the client's connection once, after `cut_after`
    bytes of one response: a connection broken in the middle of a download."""

    def __init__(self, upstream, cut_after):
        host, port = upstream.split("//")[1].split(":")
        self.upstream = (host, int(port))
        self.cut_after = cut_after
        self.cuts = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            up = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(conn, up, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, conn, True), daemon=True).start()

    def _pipe(self, src, dst, downstream):
        sent = 0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if downstream and self.cuts == 0 and sent + len(data) > self.cut_after:
                    dst.sendall(data[:self.cut_after - sent])
                    self.cuts += 1
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.sock.close()


def test_download_resumes_after_the_connection_breaks(pivot, client, tmp_path):
    job = _completed_job(client)
    with open(client.download(job, str(tmp_path / "whole.h5")), "rb") as f:
        expected = f.read()
    proxy = CuttingProxy(pivot.url, cut_after=200000)
    try:
        rec, seen = _recording_client(pivot)
        rec.url = proxy.url
        path = rec.download(job, str(tmp_path / "broken.h5"))
    finally:
        proxy.close()
    assert proxy.cuts == 1
    with open(path, "rb") as f:
        got = f.read()
    assert got == expected
    downloads = [(s[2], s[3]) for s in seen if s[1].endswith("/download")]
    assert len(downloads) == 2
    assert downloads[0] == (None, 200)
    # The second request asks for exactly what the first did not deliver.
    first_bytes = int(downloads[1][0][len("bytes="):-1])
    assert 0 < first_bytes < len(expected)
    assert downloads[1] == ("bytes=%d-" % first_bytes, 206)


def test_cancel_and_jobs(client, pivot):
    job = _completed_job(client)
    listed = client.jobs(status="completed")
    assert job["job_id"] in [j["job_id"] for j in listed]
    assert all(j["status"] == "completed" for j in listed)
    deleted = client.cancel(job)
    assert deleted["action"] == "deleted"
    with pytest.raises(errors.NotFound) as e:
        client.status(job)
    assert e.value.status == 404
    assert e.value.slug == "job-not-found"
    assert job["job_id"] not in [j["job_id"] for j in client.jobs()]


def test_channels(client):
    channels = client.channels()
    assert [c["name"] for c in channels] == ["ch000", "ch001"]
    assert channels[0]["signals"] == [
        {"name": "sig0", "type": "float64", "nullable": False, "source_type": "double"},
        {"name": "sig1", "type": "float64", "nullable": False, "source_type": "double"},
        {"name": "counter", "type": "int32", "nullable": False, "source_type": "int"},
        {"name": "mode", "type": "string", "nullable": False, "source_type": "string"}]
    assert channels[0]["unsupported"] == []


def test_quota_without_a_quota_endpoint_is_a_typed_404_or_a_quota(client):
    try:
        quota = client.quota()
    except errors.NotFound as e:
        assert e.status == 404
        assert e.type == "/api/v1/problems/not-found"
    else:
        assert isinstance(quota, dict)


def test_errors_carry_the_problem_detail(client, pivot):
    with pytest.raises(errors.Unprocessable) as e:
        client.submit(channels=["ch000", "nope"], last="PT1H")
    assert e.value.status == 422
    assert e.value.type == "/api/v1/problems/unknown-channel"
    assert e.value.slug == "unknown-channel"
    assert e.value.title == "The job names channels that do not exist"
    assert "\"nope\"" in e.value.detail
    with pytest.raises(errors.BadRequest) as e:
        client.submit(channels="ch000", start="yesterday", end=END)
    assert (e.value.status, e.value.field) == (400, "time_range.start")
    with pytest.raises(errors.Unauthorized) as e:
        Client(pivot.url, api_key="pvk_wrong").channels()
    assert e.value.status == 401
    with pytest.raises(errors.NotFound):
        Client(pivot.url, api_key=pivot.other_key).status(_completed_job(client))
    with pytest.raises(ValueError):
        client.submit(channels="ch000", start=START)


def test_failed_wait_raises_job_failed(client):
    job = client.submit(channels="ch000", start=START, end=END)
    client.cancel(job)
    with pytest.raises(errors.JobFailed) as e:
        client.wait(job, progress=False)
    assert e.value.job["status"] == "cancelled"


def test_api_key_and_url_from_the_environment(pivot, monkeypatch):
    monkeypatch.setenv("SPEEDDATA_API_KEY", pivot.key)
    monkeypatch.setenv("SPEEDDATA_PIVOT_URL", pivot.url + "/api/v1/pivot/")
    c = Client()
    assert c.url == pivot.url
    assert [ch["name"] for ch in c.channels()] == ["ch000", "ch001"]


def test_export_sync(client, pivot, tmp_path):
    path = client.export_sync(["ch000"], start=START, duration=30, signals=["sig1"],
                              path=str(tmp_path / "sync.h5"))
    with client.open(path) as f:
        assert sorted(f["ch000"].keys()) == ["sig1", "time"]
        assert f["ch000/time"].shape == (3000,)
    with pytest.raises(errors.TooLarge) as e:
        client.export_sync(["ch000"], start=START, duration="PT6M", path=str(tmp_path / "n.h5"))
    assert e.value.slug == "time-range-too-long"


def test_to_xarray(client, tmp_path):
    pytest.importorskip("xarray")
    path = client.export(channels="ch000", start=START, duration=10, path=str(tmp_path / "x.h5"),
                         progress=False)
    ds = client.to_xarray(path, "ch000")
    assert ds.sizes["time"] == 1000
    assert str(ds["time"].values[0]) == "2025-01-01T00:01:00.000000000"


class CountingSession(requests.Session):
    """A session that counts the POSTs it sends."""

    def __init__(self):
        super().__init__()
        self.posts = 0

    def request(self, method, url, **kw):
        self.posts += method == "POST"
        return super().request(method, url, **kw)


def hold_store_lock(pivot):
    """Takes the job store's write lock from another connection, as a worker
    stopped inside a write would; returns the function that releases it."""
    import sqlite3
    con = sqlite3.connect(os.path.join(pivot.server.state_dir, "jobs.db"),
                          isolation_level=None, check_same_thread=False)
    con.execute("BEGIN IMMEDIATE")

    def release():
        con.execute("ROLLBACK")
        con.close()
    return release


def test_a_busy_store_is_retried_after_retry_after(pivot):
    # The server waits about 5 s for the lock and answers 503 store-busy with
    # Retry-After: 2; the lock is released during the second POST's wait.
    session = CountingSession()
    with Client(pivot.url, api_key=pivot.key, session=session) as c:
        timer = threading.Timer(9.0, hold_store_lock(pivot))
        timer.start()
        try:
            job = c.submit(channels=["ch000"], start="2025-01-01T00:00:00Z",
                           end="2025-01-01T00:00:01Z")
        finally:
            timer.join()
        assert session.posts == 2
        assert c.wait(job, progress=False)["status"] == "completed"


def test_a_busy_store_without_retries_raises_server_error(pivot):
    with Client(pivot.url, api_key=pivot.key, busy_retries=0) as c:
        release = hold_store_lock(pivot)
        try:
            with pytest.raises(errors.ServerError) as e:
                c.submit(channels=["ch000"], start="2025-01-01T00:00:00Z",
                         end="2025-01-01T00:00:01Z")
        finally:
            release()
    assert e.value.status == 503
    assert e.value.slug == "store-busy"
