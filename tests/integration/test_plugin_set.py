"""One plugin set per server: the workers run exactly the plugin files the
server loaded at start. A file dropped into the plugin directory of a
running server is ignored until it restarts (jobs still complete); a loaded
file replaced on disk (a reinstall) makes the next job fail with a message
saying so, instead of a worker running other code than its server.
/api/v1/health and `pivotd plugins list` show what is in use."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

END = "2025-01-01T00:00:02Z"
# The plugins built with Pivot, which the test server loads.
BUNDLED = ["auth", "avro", "csv", "hdf5", "matlab", "netcdf", "timespec"]


class PluginSetTest(ph.ServerCase):
    WORK_PREFIX = "pivot-plugin-set-"

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=1, seconds=2, rate=10, signals=1)

    @classmethod
    def make_server(cls, data, state, config):
        cls.plugins = ph.link_plugins(cls.work.sub("plugins"), {})
        return ph.Server(data, state, config, plugins=cls.plugins)

    def body(self):
        return {"time_range": ph.absolute(ph.DEFAULT_START, END),
                "channels": {"include": ["ch000"]}}

    def plugins_list(self):
        proc = subprocess.run([ph.pivotd_path(), "plugins", "list", "--plugin-dir", self.plugins,
                               "--state-dir", self.state],
                              capture_output=True, text=True, timeout=30)
        return proc.returncode, proc.stdout

    def test_1_health_lists_the_loaded_files(self):
        health = self.api.get(ph.API.replace("/pivot", "") + "/health").json()
        files = {p["name"]: p["file"] for p in health["plugins"]}
        # The file's name only: anyone may ask, and the directories are the host's.
        self.assertEqual(files["hdf5"], "hdf5.so")
        self.assertEqual(sorted(files), BUNDLED)

    def test_2_a_file_dropped_in_later_is_ignored_until_restart(self):
        wrong = os.path.join(os.environ["PIVOT_TEST_PLUGIN_DIR"], "wrong_abi.so")
        shutil.copy(wrong, os.path.join(self.plugins, "wrong_abi.so"))
        try:
            self.run_export(self.body())
            health = self.api.get(ph.API.replace("/pivot", "") + "/health").json()
            self.assertNotIn("wrong_abi", [p["name"] for p in health["plugins"]])
            rc, out = self.plugins_list()
            pid = self.server.proc.pid
            # Refused, so the next start would fail: the list says both.
            self.assertEqual(rc, 1, out)
            self.assertIn("running server: pid %d, %d plugin file(s) in use" % (pid, len(BUNDLED)),
                          out)
            self.assertIn("%s/wrong_abi.so\n  refused: " % self.plugins, out)
            self.assertIn("  in use: no, added after the server (pid %d) started; takes effect "
                          "when it restarts" % pid, out)
            self.assertIn("%s/hdf5.so\n  provides: exporter: hdf5\n  in use: yes, by the server "
                          "(pid %d)" % (self.plugins, pid), out)
        finally:
            os.unlink(os.path.join(self.plugins, "wrong_abi.so"))

    def test_3_a_replaced_file_fails_the_job_with_a_message(self):
        installed = os.path.join(self.plugins, "hdf5.so")
        copy = installed + ".new"
        # A reinstall: a new file (another inode) renamed over the loaded one.
        shutil.copy(os.path.realpath(installed), copy)
        os.replace(copy, installed)
        job = self.api.wait(self.api.submit(self.body()), timeout=60)
        self.assertEqual(job["status"], "failed", job)
        # The job's error names the file without the server's directories.
        size = os.path.getsize(installed)
        self.assertEqual(job["error"],
                         "loading the plugins failed: the plugin set changed since the server "
                         "started: hdf5.so was replaced or modified (%d bytes when loaded, %d "
                         "bytes now); restart pivotd serve to use the plugins now installed"
                         % (size, size))
        rc, out = self.plugins_list()
        self.assertEqual(rc, 0, out)
        self.assertIn("%s/hdf5.so\n  provides: exporter: hdf5\n  in use: no, changed after the "
                      "server (pid %d) loaded it; jobs fail until the server restarts"
                      % (self.plugins, self.server.proc.pid), out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
