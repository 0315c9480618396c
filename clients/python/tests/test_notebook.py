"""Runs the python cells of docs/example_notebook.md against a real pivotd."""

import os
import re

import pytest

NOTEBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs",
                        "example_notebook.md")


def cells():
    with open(NOTEBOOK) as f:
        return re.findall(r"^```python\n(.*?)^```$", f.read(), flags=re.S | re.M)


def test_notebook_exports_opens_and_saves_a_plot(pivot, tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("SPEEDDATA_PIVOT_URL", pivot.url)
    monkeypatch.setenv("SPEEDDATA_API_KEY", pivot.key)
    monkeypatch.chdir(tmp_path)
    code = cells()
    assert len(code) == 4
    scope = {}
    for cell in code:
        exec(compile(cell, NOTEBOOK, "exec"), scope)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ch000 ['sig0', 'sig1', 'counter', 'mode']"
    assert out[1] == "ch001 ['sig0', 'sig1', 'counter', 'mode']"
    assert out[2] == "example.h5"
    assert out[3] == "notebook example 30000 samples"
    assert out[4] == "first sample at 2025-01-01T00:01:00.000000000"
    assert scope["seconds"][-1] == pytest.approx(299.99)
    with open(tmp_path / "example.png", "rb") as f:
        png = f.read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 800  # width: 8 in at 100 dpi
    assert int.from_bytes(png[20:24], "big") == 300
