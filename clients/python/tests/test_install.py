"""The offline install documented in clients/python/README.md works as written: a venv
that sees Debian's packages, pip with no index and no build isolation, nothing downloaded."""

import os
import re
import shutil
import subprocess
import sys

import speeddata_pivot

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "..")


def documented_command():
    with open(os.path.join(PKG, "README.md")) as f:
        found = re.findall(r"^(python3 -m venv --system-site-packages .*)$", f.read(), flags=re.M)
    assert len(found) == 1, found
    return found[0]


def test_offline_install_from_the_readme(tmp_path):
    # A copy of the source: an in-tree build leaves build/ and *.egg-info behind.
    src = str(tmp_path / "clients" / "python")
    shutil.copytree(PKG, src, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info",
                                                            "__pycache__"))
    venv = str(tmp_path / "venv")
    command = documented_command()
    assert "~/.venvs/pivot" in command
    command = command.replace("~/.venvs/pivot", venv).replace("python3 ", sys.executable + " ", 1)
    # Any attempt to reach an index or a proxy fails: nothing listens on port 9.
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               PYTHONPATH="")
    r = subprocess.run(["bash", "-ec", command], cwd=str(tmp_path), env=env,
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([os.path.join(venv, "bin", "speeddata-pivot"), "--version"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (0, "speeddata-pivot %s\n" % speeddata_pivot.__version__)
    r = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                        "import speeddata_pivot; print(speeddata_pivot.__file__)"],
                       cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(os.path.join(venv, "lib")), r.stdout
