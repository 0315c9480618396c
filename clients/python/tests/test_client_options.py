"""The whole request API from Python against a real pivotd: every option reaches the file,
dry runs, quota and presets, numpy/pandas/datetime times, human byte figures, lazy xarray."""

import datetime
import io
import subprocess

import pytest

import pivot_harness as h
import speeddata_pivot
from speeddata_pivot import Client, errors, progress

START = "2025-01-01T00:01:00Z"


def test_every_option_reaches_the_file(client, tmp_path):
    path = client.export(channels="ch000", signals=["sig0", "mode"], start=START, duration=10,
                         compression="gzip:4", chunk_size=512, priority="high",
                         metadata={"description": "options"}, decimation="mean:10",
                         path=str(tmp_path / "o.h5"), progress=False)
    with client.open(path) as f:
        sig0 = f["ch000/sig0"]
        assert (sig0.compression, sig0.compression_opts, sig0.chunks) == ("gzip", 4, (512,))
        assert sig0.shape == (100,)
        assert f.attrs["decimation_method"] == "mean"
        assert int(f.attrs["decimation_factor"]) == 10
        assert f.attrs["description"] == "options"
        job_id = f.attrs["job_id"]
        if isinstance(job_id, bytes):
            job_id = job_id.decode()
    assert client.status(job_id)["priority"] == "high"


def test_options_in_the_api_spelling_are_sent_as_they_are(client):
    answer = client.dry_run(channels="ch000", start=START, duration=10,
                            compression={"gzip": 9}, chunk_size=64,
                            decimation={"method": "max", "interval": datetime.timedelta(seconds=1)})
    assert answer["channels"][0]["rows"] == 10
    assert (answer["estimate"]["compressed"], answer["estimate"]["bytes_is_upper_bound"]) == \
        (True, True)


def test_idempotency_key_returns_the_same_job(client):
    first = client.export(channels="ch001", start=START, duration=1, wait=False,
                          idempotency_key="client-options-1")
    again = client.submit(channels="ch001", start=START, duration=1,
                          idempotency_key="client-options-1")
    assert again["job_id"] == first


def test_dry_run_returns_the_estimate_and_queues_nothing(client):
    before = len(client.jobs())
    answer = client.dry_run(channels=["ch000", "ch001"], signals=["sig0"], start=START,
                            end="2025-01-01T00:01:30Z", priority="low")
    assert answer["dry_run"] is True
    assert answer["time_range"] == {"start": START, "end": "2025-01-01T00:01:30Z"}
    assert [(c["name"], c["signals"], c["samples"]) for c in answer["channels"]] == [
        ("ch000", ["sig0"], 3000), ("ch001", ["sig0"], 3000)]
    assert answer["estimate"]["samples"] == 6000
    assert len(client.jobs()) == before
    with pytest.raises(errors.Unprocessable) as e:
        client.dry_run(channels="nope", last="PT1H")
    assert e.value.slug == "unknown-channel"


def test_bad_option_values_are_refused_naming_the_field(client):
    with pytest.raises(errors.BadRequest) as e:
        client.submit(channels="ch000", start=START, duration=1, chunk_size=10)
    assert e.value.field == "options.chunk_size"
    with pytest.raises(speeddata_pivot.ArgumentError) as e:
        client.submit(channels="ch000", start=START, duration=1, compression="zip")
    assert str(e.value) == ("compression= takes none, gzip, gzip:LEVEL (1 fastest to 9 "
                            "smallest) or the API's object; got 'zip'")
    with pytest.raises(ValueError) as e:
        client.submit(channels="ch000", start=START)
    assert str(e.value) == ("give the time range as last=, start= and end=, start= and "
                            "duration=, end= and duration=, or preset=; got start=")


def test_numpy_pandas_and_datetime_times_and_durations(client):
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    cases = [
        dict(start=np.datetime64("2025-01-01T00:01:00"), duration=np.timedelta64(30, "s")),
        dict(start=pd.Timestamp("2025-01-01 00:01:00", tz="UTC"), duration=pd.Timedelta("30s")),
        dict(start=pd.Timestamp("2025-01-01 01:01:00", tz="Europe/Berlin"),
             end=np.datetime64("2025-01-01T00:01:30", "ms")),
        dict(end=datetime.datetime(2025, 1, 1, 0, 1, 30, tzinfo=datetime.timezone.utc),
             duration=datetime.timedelta(seconds=30)),
    ]
    for times in cases:
        answer = client.dry_run(channels="ch000", **times)
        assert answer["time_range"] == {"start": START, "end": "2025-01-01T00:01:30Z"}, times
    answer = client.dry_run(channels="ch000", start=np.datetime64("2025-01-01T00:01:00.123456789"),
                            duration=pd.Timedelta(nanoseconds=1500))
    assert answer["time_range"] == {"start": "2025-01-01T00:01:00.123456789Z",
                                    "end": "2025-01-01T00:01:00.123458289Z"}
    with pytest.raises(ValueError) as e:
        client.dry_run(channels="ch000", start=pd.Timestamp("2025-01-01"), duration=1)
    assert "naive time" in str(e.value) and "tz_localize('UTC')" in str(e.value)
    with pytest.raises(TypeError) as e:
        client.dry_run(channels="ch000", start=20250101, duration=1)
    assert str(e.value).startswith("a time must be an RFC 3339 string, a datetime with a "
                                   "timezone, a numpy.datetime64 or a pandas Timestamp; got int")


def test_quota_and_presets(client):
    quota = client.quota()
    assert quota["user"] == "alice"
    assert set(quota["limits"]) >= {"max_queued_jobs", "jobs_per_day", "output_bytes_per_day"}
    try:
        presets = client.presets()
    except errors.NotFound as e:
        # A server without GET /api/v1/pivot/presets.
        assert (e.status, e.slug) == (404, "not-found")
    else:
        names = [p["name"] if isinstance(p, dict) else p for p in presets]
        assert "last_hour" in names


def test_byte_figures_in_errors_come_with_human_units(pivot):
    key = pivot.server.create_key("carol")
    out = subprocess.run([h.pivotd_path(), "quota", "set", "--user", "carol", "--bytes-per-day",
                          "1000"] + pivot.server._common_args(), capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    with Client(pivot.url, api_key=key) as c:
        job = c.submit(channels="ch000", start=START, duration=10)
        size = c.wait(job, progress=False)["result"]["file_size"]
        with pytest.raises(errors.QuotaExceeded) as e:
            c.submit(channels="ch000", start=START, duration=10)
    assert "%d bytes of results" % size in e.value.detail
    assert "%d bytes (%s) of results" % (size, speeddata_pivot.human_bytes(size)) in str(e.value)


def test_human_bytes():
    assert [speeddata_pivot.human_bytes(n) for n in (0, 1023, 1536, 406528, 1057671168)] == \
        ["0 B", "1023 B", "1.5 KiB", "397.0 KiB", "1008.7 MiB"]


def test_download_shows_its_bytes_and_resumes(client, tmp_path):
    job = client.wait(client.submit(channels=["ch000", "ch001"], start=START, duration=120),
                      progress=False)
    size = job["result"]["file_size"]
    whole = client.download(job, str(tmp_path / "whole.h5"))
    with open(whole, "rb") as f:
        expected = f.read()
    target = str(tmp_path / "resumed.h5")
    with open(target + ".part", "wb") as f:
        f.write(expected[:size // 2])
    lines = io.StringIO()
    client.download(job, target, progress=progress._LineBytes(job["job_id"], lines))
    shown = lines.getvalue().splitlines()
    assert shown[0] == "download %s: %s of %s (%d%%)" % (
        job["job_id"], speeddata_pivot.human_bytes(size // 2), speeddata_pivot.human_bytes(size),
        100 * (size // 2) // size)
    assert shown[-1] == "download %s: %s of %s (100%%)" % (
        job["job_id"], speeddata_pivot.human_bytes(size), speeddata_pivot.human_bytes(size))
    with open(target, "rb") as f:
        assert f.read() == expected


def test_the_tqdm_bar_shows_the_status_without_a_stray_comma(client):
    pytest.importorskip("tqdm")
    job = client.submit(channels="ch000", start=START, duration=1)
    out = io.StringIO()
    client.wait(job, progress=progress._TqdmProgress(job["job_id"], out))
    text = out.getvalue()
    assert "| ," not in text
    assert "job %s completed: 100%%|" % job["job_id"] in text


def test_to_xarray_opens_every_channel_lazily_with_the_root_attributes(client, pivot, tmp_path):
    pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    path = client.export(channels=["ch000", "ch001"], start=START, duration=10,
                         decimation="mean:10", path=str(tmp_path / "all.h5"), progress=False)
    with speeddata_pivot.to_xarray(path) as channels:
        assert list(channels) == ["ch000", "ch001"]
        assert len(channels) == 2
        ds = channels["ch001"]
        # Nothing of the signals is read until used.
        assert not ds["sig0"].variable._in_memory
        assert ds.sizes["time"] == 100
        assert str(ds["time"].values[0]) == "2025-01-01T00:01:00.000000000"
        idx = pivot.cache.indices_in(h.parse_rfc3339_ns(START), h.parse_rfc3339_ns(START) + 10**8)
        assert float(ds["sig0"].values[0]) == pytest.approx(
            sum(pivot.cache.sig_value(0, 1, i) for i in idx) / 10)
        assert ds.attrs["decimation_method"] == "mean"
        assert int(ds.attrs["decimation_factor"]) == 10
        assert ds.attrs["requested_start_iso"] == START
        assert len(ds.attrs["job_id"]) == 22
        assert int(ds.attrs["sample_count"]) == 100  # the group's own, not the root's
        assert int(ds.attrs["file_sample_count"]) == 200
        assert sorted(channels["ch000"].data_vars) == ["counter", "mode", "sig0", "sig1"]
        # Short strings come out as str through the one open file.
        modes = channels["ch000"]["mode"].values.tolist()
        assert len(modes) == 100 and set(modes) <= set(h.MODES)
        unread = channels["ch000"]["sig1"]
    # Closing the mapping closed the file every channel read through.
    with pytest.raises((ValueError, RuntimeError, OSError), match="(?i)invalid|closed|not a"):
        unread.values
    alone = speeddata_pivot.to_xarray(path, "ch000")
    assert alone.attrs["decimation_method"] == "mean"
    alone.close()
    with pytest.raises(KeyError):
        speeddata_pivot.to_xarray(path, "ch009")
