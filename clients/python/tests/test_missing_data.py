"""Missing data in the client and the CLI: a MissingDataWarning per short channel,
on_missing="fail" raising MissingData, warnings on stderr and --strict exiting 1."""

import warnings

import pytest

from speeddata_pivot import MissingData, MissingDataWarning

from test_cli import run

# The deployment holds 00:00:00 to 00:09:59.99 of 2025-01-01; this range
# holds the last five minutes of it and five minutes past it.
START = "2025-01-01T00:05:00Z"
END = "2025-01-01T00:15:00Z"


def message(ch):
    return ("channel \"%s\" covers only part of %s to %s; its data spans "
            "2025-01-01T00:00:00Z to 2025-01-01T00:09:59.99Z" % (ch, START, END))


def test_submit_warns_per_short_channel(client):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        job = client.submit(channels=["ch000", "ch001"], start=START, end=END)
    got = [w for w in caught if issubclass(w.category, MissingDataWarning)]
    assert [str(w.message) for w in got] == [message("ch000"), message("ch001")]
    assert [w.message.warning["kind"] for w in got] == ["partial-data", "partial-data"]
    assert got[0].filename == __file__
    assert job["warnings"][0]["channel"] == "ch000"


def test_a_covered_range_warns_nothing(client):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = client.dry_run(channels=["ch000"], start="2025-01-01T00:01:00Z",
                                duration="PT1M")
    assert [w for w in caught if issubclass(w.category, MissingDataWarning)] == []
    assert answer["warnings"] == []


def test_warnings_become_errors_with_a_filter(client):
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingDataWarning)
        with pytest.raises(MissingDataWarning) as e:
            client.dry_run(channels=["ch000"], start=START, end=END)
    assert str(e.value) == message("ch000")


def test_on_missing_fail_raises_missing_data(client):
    with pytest.raises(MissingData) as e:
        client.submit(channels=["ch000"], start=START, end=END, on_missing="fail")
    assert e.value.status == 422
    assert e.value.field == "time_range"
    assert e.value.detail.startswith(message("ch000") + " (1 channel short of data)")


def test_cli_prints_warnings_and_strict_exits_1(pivot):
    r = run(pivot, "submit", "--channels", "ch000", "--start", START, "--end", END,
            "--dry-run", "--json")
    assert r.returncode == 0, r.stderr
    assert r.stderr == "speeddata-pivot: warning: %s\n" % message("ch000")
    r = run(pivot, "submit", "--channels", "ch000", "--start", START, "--end", END, "--strict")
    assert r.returncode == 1
    assert r.stdout == ""
    assert message("ch000") in r.stderr
    assert "Traceback" not in r.stderr
