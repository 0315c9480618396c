"""The README's quick start, run as the script it says it is: its two shell
blocks under "## Quick start", joined, with the build tree's binaries, a free
port instead of 8000 and a scratch directory as the repository root. It must
exit 0 having written export.h5 with the channels it asked for, and its loops
must end on their own (the run is bounded)."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402

import pivot_harness as ph  # noqa: E402

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def quickstart_blocks():
    with open(README) as f:
        text = f.read()
    section = text.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_script(blocks, bin_dir, port):
    script = "\n".join(blocks)
    # The tree is built already; the binaries are the build's, wherever it is.
    script = re.sub(r"^make build$", "", script, flags=re.M)
    script = script.replace("build/bin/", bin_dir + "/")
    return script.replace("127.0.0.1:8000", "127.0.0.1:%d" % port)


class ReadmeQuickstartTest(unittest.TestCase):
    def test_the_blocks_are_there(self):
        blocks = quickstart_blocks()
        self.assertEqual(len(blocks), 2)
        self.assertIn("pivotd serve", blocks[0])
        self.assertIn("api/v1/health", blocks[0])
        self.assertIn("?wait=30", blocks[1])

    def test_quickstart_runs_as_a_script(self):
        bin_dir = os.path.dirname(ph.pivotd_path())
        script = as_script(quickstart_blocks(), bin_dir, free_port())
        with tempfile.TemporaryDirectory(prefix="pivot-readme-") as root:
            with open(os.path.join(root, "quickstart.sh"), "w") as f:
                f.write(script)
            proc = subprocess.Popen(["bash", "quickstart.sh"], cwd=root, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, start_new_session=True)
            try:
                out, err = proc.communicate(timeout=120)
            finally:
                # Whatever the script left running (pivotd if `kill %1` was not reached).
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            self.assertEqual(proc.returncode, 0, err)
            self.assertRegex(out, r"job [A-Za-z0-9_-]{22}: completed\n")
            self.assertNotIn("job  ", out)
            with h5py.File(os.path.join(root, "export.h5"), "r") as f:
                self.assertEqual(sorted(f["ch000"].keys()), ["mode", "sig0", "string8", "time"])
                self.assertEqual(f["ch000/time"].shape, (5 * 60 * 100,))
                self.assertEqual(sorted(k for k in f["ch001"].keys()),
                                 ["counter", "mode", "sig0", "sig1", "sig2", "string8", "time"])
            self.assertIn("/ch000/sig0", out)  # h5ls -r


if __name__ == "__main__":
    unittest.main()
