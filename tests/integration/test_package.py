"""The Debian packages, end to end, as CI and an operator meet them.

Builds pivotd and pivot-sdk-dev with CPack from the build directory, checks
them with lintian (no error, no warning; the one override is
packaging/debian/pivot-sdk-dev.lintian-overrides), installs them with
`apt-get install ./<package>.deb`, checks what landed where (files, the
conffile, the system user, the state directory, the enabled unit, an example
plugin built out of tree against the installed SDK), runs the
installed /usr/bin/pivotd as the user "pivot" with its installed plugins and
configuration (once as the unit would, once pointed at a copy of the relay
fixture tests/data/speeddata-relay and a state directory of the test's own,
on a free loopback port), exports the fixture's temperature channel and
compares every value of the HDF5 file with python3-avro's reading of the
relay files; installs the same packages again as an upgrade (the changed
conffile, the state and the user stay), removes pivotd (state kept, unit
masked), then `apt-get purge` and checks that files, user and unit are
gone.

It needs root (it installs a package); without root it is skipped. It
refuses to run where pivotd is installed already or /var/lib/pivot or the
user pivot exist: purging would destroy that installation. A lock file
keeps two runs on one machine (two build directories) apart.

Environment (from ctest, tests/integration/package.cmake):
    PIVOT_BUILD_DIR  the build directory (its CPackConfig.cmake)
    CPACK            the cpack of the CMake that configured it
"""

import fcntl
import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy  # noqa: E402
import requests  # noqa: E402

import pivot_harness as ph  # noqa: E402
from test_relay_files import load_json, read_relay_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.normpath(os.path.join(HERE, "..", "data", "speeddata-relay"))
T0 = 1796393460  # the fixture's first second
PLUGINS = ["auth", "avro", "csv", "hdf5", "matlab", "netcdf", "timespec"]
UNIT = "/lib/systemd/system/pivotd.service"
WANTS = "/etc/systemd/system/multi-user.target.wants/pivotd.service"
MASK = "/etc/systemd/system/pivotd.service"
LOCK = "/run/lock/pivot-package-test.lock"
APT_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
APT_OPTS = ["-o", "DPkg::Lock::Timeout=120", "-q"]


def run(cmd, timeout, **kw):
    """Runs cmd; its output, or AssertionError with everything it printed."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       **kw)
    if r.returncode != 0:
        raise AssertionError("%s exited with %d:\n%s\n%s" % (
            " ".join(cmd), r.returncode, r.stdout.decode(errors="replace"),
            r.stderr.decode(errors="replace")))
    return r.stdout.decode()


def installed(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=30)
    return r.returncode == 0 and r.stdout.decode().endswith(" installed")


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def group_exists(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


# subprocess arguments that run a command as the user pivot (as the unit does).
AS_PIVOT = {"user": "pivot", "group": "pivot", "extra_groups": []}


class InstalledServer:
    """/usr/bin/pivotd serve run by hand as the user pivot on a free port."""

    def __init__(self, args, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            ["/usr/bin/pivotd", "serve", "--listen", "127.0.0.1:0"] + args,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log, **AS_PIVOT)
        self.base = None

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_listening(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.text())
            if m is not None:
                self.base = m.group(1)
                return self.base
            if self.proc.poll() is not None:
                raise AssertionError("installed pivotd exited with %d:\n%s"
                                     % (self.proc.returncode, self.text()))
            time.sleep(0.05)
        raise AssertionError("installed pivotd did not listen in %.0f s:\n%s"
                             % (timeout, self.text()))

    def stop(self, timeout=15.0):
        """SIGTERM; the exit status (0 for a clean stop)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self.log.close()
        return self.proc.returncode


@unittest.skipUnless(os.geteuid() == 0,
                     "installing a Debian package needs root; run this test as root "
                     "(CI does) to build, lintian-check, install, use and purge pivotd")
class PackageTest(unittest.TestCase):
    """One test: each step needs the one before (built, installed, running)."""

    def setUp(self):
        self.build = os.environ.get("PIVOT_BUILD_DIR")
        self.cpack = os.environ.get("CPACK")
        self.assertTrue(self.build and self.cpack,
                        "PIVOT_BUILD_DIR and CPACK are unset; run it through ctest")
        for tool in ("lintian", "apt-get", "dpkg-shlibdeps", "pkg-config"):
            self.assertIsNotNone(shutil.which(tool),
                                 "%s is missing (scripts/install-deps installs it)" % tool)
        self.lock = open(LOCK, "w")
        self.addCleanup(self.lock.close)
        deadline = time.monotonic() + 240
        while True:
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.fail("another package test held %s for 240 s" % LOCK)
                time.sleep(0.5)
        for package in ("pivotd", "pivot-sdk-dev"):
            self.assertFalse(installed(package),
                             "%s is installed on this machine; this test would purge it "
                             "(and /var/lib/pivot): remove it first" % package)
        self.assertFalse(os.path.exists("/var/lib/pivot"),
                         "/var/lib/pivot exists; purging the test's package would delete it")
        self.assertFalse(user_exists("pivot"), "a user pivot exists; the purge would delete it")
        self.work = ph.WorkDir("pivot-package-")
        self.addCleanup(self.work.close)
        # The user pivot reads the fixture and the config and writes the state
        # directory under it.
        os.chmod(self.work.path, 0o755)
        self.addCleanup(self.purge_quietly)

    def purge_quietly(self):
        """After a failure: leave no package behind."""
        if installed("pivotd") or installed("pivot-sdk-dev"):
            subprocess.run(["apt-get", "purge", "-y"] + APT_OPTS + ["pivotd", "pivot-sdk-dev"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
                           env=APT_ENV)

    def test_build_lint_install_export_purge(self):
        debs = self.build_packages()
        self.lintian(debs)
        self.install(debs)
        self.check_installed()
        self.run_as_the_unit_would()
        self.export_fixture()
        self.upgrade(debs)
        self.remove()
        self.purge()

    # ------------------------------------------------------------ steps

    def build_packages(self):
        out = self.work.sub("debs")
        run([self.cpack, "-G", "DEB", "--config",
             os.path.join(self.build, "CPackConfig.cmake"), "-B", out], timeout=300)
        debs = sorted(f for f in os.listdir(out) if f.endswith(".deb"))
        version = self.version()
        arch = run(["dpkg", "--print-architecture"], timeout=30).strip()
        self.assertEqual(debs, ["pivot-sdk-dev_%s_all.deb" % version,
                                "pivotd_%s_%s.deb" % (version, arch)])
        return [os.path.join(out, f) for f in debs]

    def version(self):
        with open(os.path.join(self.build, "CPackConfig.cmake")) as f:
            m = re.search(r'set\(CPACK_PACKAGE_VERSION "([^"]+)"\)', f.read())
        self.assertIsNotNone(m)
        return m.group(1)

    def lintian(self, debs):
        r = subprocess.run(["lintian", "--no-tag-display-limit"] + debs,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        out = r.stdout.decode()
        complaints = [line for line in out.splitlines() if re.match(r"^[EW]: ", line)]
        self.assertEqual(complaints, [], out + r.stderr.decode())
        # lintian exits non-zero on errors only; none here.
        self.assertEqual(r.returncode, 0, out + r.stderr.decode())

    def install(self, debs):
        run(["apt-get", "install", "-y"] + APT_OPTS + debs, timeout=300, env=APT_ENV)
        self.assertTrue(installed("pivotd"))
        self.assertTrue(installed("pivot-sdk-dev"))

    def check_installed(self):
        self.assertTrue(os.access("/usr/bin/pivotd", os.X_OK))
        self.assertEqual(sorted(os.listdir("/usr/lib/pivot")), [p + ".so" for p in PLUGINS])
        with open(UNIT) as f:
            unit = f.read()
        self.assertIn("ExecStart=/usr/bin/pivotd serve --config /etc/pivot/pivot.yaml "
                      "--state-dir /var/lib/pivot\n", unit)
        self.assertIn("User=pivot\n", unit)
        self.assertEqual(os.readlink(WANTS), UNIT, "the unit is enabled")
        conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", "pivotd"], timeout=30)
        self.assertEqual([line.split()[0] for line in conffiles.strip().splitlines()],
                         ["/etc/pivot/pivot.yaml"])
        self.assertTrue(os.path.isfile("/usr/share/man/man8/pivotd.8.gz"))
        for doc in ("copyright", "changelog.gz", "operations.md", "config.example.yaml"):
            self.assertTrue(os.path.isfile("/usr/share/doc/pivotd/" + doc), doc)
        # The system user and its state directory.
        user = pwd.getpwnam("pivot")
        self.assertLess(user.pw_uid, 1000, "a system user")
        self.assertEqual(user.pw_dir, "/var/lib/pivot")
        self.assertEqual(user.pw_shell, "/usr/sbin/nologin")
        self.assertEqual(grp.getgrgid(user.pw_gid).gr_name, "pivot")
        for d in ("/var/lib/pivot", "/var/lib/pivot/data"):
            st = os.stat(d)
            self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)),
                             (user.pw_uid, user.pw_gid, 0o750), d)
        # The SDK: headers, and pkg-config without any PKG_CONFIG_PATH.
        self.assertTrue(os.path.isfile("/usr/include/pivot/plugin.h"))
        self.assertTrue(os.path.isfile("/usr/lib/cmake/PivotSDK/PivotSDKConfig.cmake"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PKG_CONFIG")}
        # Relocatable: the path is relative to the .pc file's own folder.
        plugindir = run(["pkg-config", "--variable=plugindir", "pivot-sdk"], timeout=30, env=env)
        self.assertEqual(os.path.normpath(plugindir.strip()), "/usr/lib/pivot")
        cflags = run(["pkg-config", "--cflags", "pivot-sdk"], timeout=30, env=env).split()
        self.assertEqual([("-I" + os.path.normpath(c[2:])) if c.startswith("-I") else c
                          for c in cflags], ["-I/usr/include", "-fvisibility=hidden"])
        # A plugin built out of tree against the installed SDK, as the plugin
        # guide says: find_package(PivotSDK) with no path, installed into
        # /usr/lib/pivot (here under a DESTDIR), accepted by the installed pivotd.
        example = self.work.sub("file_auth")
        shutil.copytree("/usr/share/pivot/sdk-examples/file_auth", example)
        run(["cmake", "-S", example, "-B", example + "/build"], timeout=120)
        run(["cmake", "--build", example + "/build"], timeout=120)
        run(["cmake", "--install", example + "/build"], timeout=60,
            env=dict(os.environ, DESTDIR=self.work.sub("destdir")))
        self.assertTrue(os.path.isfile(self.work.sub("destdir", "usr", "lib", "pivot",
                                                     "file_auth.so")))
        checked = run(["/usr/bin/pivotd", "plugins", "check", example + "/build/file_auth.so"],
                      timeout=60)
        self.assertIn("file_auth.so: ok (server ABI ", checked)
        # Where the installed pivotd looks for its plugins by default.
        listing = run(["/usr/bin/pivotd", "plugins", "list", "--state-dir",
                       self.work.sub("plugins-list")], timeout=60, **AS_PIVOT)
        self.assertIn("plugin directory /usr/bin/../lib/pivot\n", listing)
        for p in PLUGINS:
            self.assertIn("/usr/bin/../lib/pivot/%s.so" % p, listing)
        if shutil.which("systemd-analyze"):
            r = subprocess.run(["systemd-analyze", "verify", UNIT], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            self.assertEqual((r.returncode, r.stderr.decode()), (0, ""))

    def run_as_the_unit_would(self):
        """The unit's command line with the installed configuration as it
        is (its empty data folder), on a free port instead of 8000. Under a
        running systemd the postinst started the unit itself, which holds
        /var/lib/pivot: then that server is asked instead."""
        if os.path.isdir("/run/systemd/system"):
            deadline = time.monotonic() + 60
            while run(["systemctl", "is-active", "pivotd"], timeout=30).strip() != "active":
                self.assertLess(time.monotonic(), deadline, "pivotd.service is not active")
                time.sleep(0.5)
            self.assertEqual(requests.get("http://127.0.0.1:8000/api/v1/health",
                                          timeout=10).status_code, 200)
            return
        server = InstalledServer(["--config", "/etc/pivot/pivot.yaml",
                                  "--state-dir", "/var/lib/pivot"],
                                 self.work.sub("unit.serve.log"))
        try:
            base = server.wait_listening()
            r = requests.get(base + "/api/v1/health", timeout=10)
            self.assertEqual(r.status_code, 200, r.text)
            r = requests.get(base + "/api/v1/pivot/channels", timeout=10)
            self.assertEqual(r.status_code, 401, "no key: the apikey backend is on")
        finally:
            self.assertEqual(server.stop(), 0, server.text())
        self.assertTrue(os.path.isfile("/var/lib/pivot/jobs.db"))
        self.assertEqual(os.stat("/var/lib/pivot/jobs.db").st_uid, pwd.getpwnam("pivot").pw_uid)

    def export_fixture(self):
        """The installed configuration pointed at a copy of the relay
        fixture and a state directory of the test's own."""
        root = self.work.sub("speeddata")
        shutil.copytree(FIXTURE, root)
        state = self.work.sub("state")
        os.mkdir(state, 0o750)
        user = pwd.getpwnam("pivot")
        os.chown(state, user.pw_uid, user.pw_gid)
        with open("/etc/pivot/pivot.yaml") as f:
            text = f.read()
        self.assertIn("  avro_path: /var/lib/pivot/data\n", text)
        self.assertIn("\nstate_dir: /var/lib/pivot\n", text)
        text = text.replace("  avro_path: /var/lib/pivot/data\n", "  avro_path: %s/data\n" % root)
        text = text.replace("\nstate_dir: /var/lib/pivot\n", "\nstate_dir: %s\n" % state)
        config = self.work.sub("pivot.yaml")
        with open(config, "w") as f:
            f.write(text + "\nspeeddata:\n  root: %s\n" % root)
        os.chmod(config, 0o644)

        key = run(["/usr/bin/pivotd", "keys", "create", "--user", "alice", "--config", config],
                  timeout=60, **AS_PIVOT).strip()
        self.assertRegex(key, r"^pvk_\S+$")
        server = InstalledServer(["--config", config], self.work.sub("fixture.serve.log"))
        try:
            api = ph.Client(server.wait_listening(), key)
            self.addCleanup(api.close)
            job_id = api.submit({
                "time_range": ph.absolute(ph.format_ns(T0 * ph.NS),
                                          ph.format_ns((T0 + 80) * ph.NS)),
                "channels": {"include": ["temperature"]},
                "options": {"format": "hdf5"}})
            job = api.wait(job_id, timeout=60)
            self.assertEqual(job["status"], "completed", job)
            r = api.download(job_id)
            self.assertEqual(r.status_code, 200, r.text)
            path = self.work.sub("temperature.h5")
            with open(path, "wb") as f:
                f.write(r.content)
        finally:
            self.assertEqual(server.stop(), 0, server.text())
        self.assertTrue(os.path.isfile(os.path.join(state, "results", job_id + ".h5")))

        manifest = load_json(os.path.join(root, "manifest.json"))["temperature"]
        schema = load_json(os.path.join(root, manifest["schema"]))
        records = []
        for f in manifest["files"]:
            records += read_relay_file(os.path.join(root, "data", "temperature", f["file"]),
                                       schema)
        self.assertEqual(len(records), 800)
        self.assertEqual(job["result"]["samples_exported"], 800)
        with h5py.File(path, "r") as f:
            self.assertEqual(list(f.keys()), ["temperature"])
            g = f["temperature"]
            # device_id and status are short strings: character arrays whose
            # rows (string8: 8 bytes) are a dimension of the group.
            self.assertEqual(sorted(g.keys()), ["device_id", "humidity_pct", "pressure_pa",
                                                "status", "string8", "temperature_c",
                                                "temperature_f", "time"])
            # temperature.avsc's times are milliseconds; the file's nanoseconds.
            self.assertEqual(g["time"].dtype, numpy.dtype("<i8"))
            self.assertEqual(g["time"][:].tolist(), [r["time"] * 1000000 for r in records])
            for name in ("temperature_c", "temperature_f", "pressure_pa", "humidity_pct"):
                self.assertEqual(g[name].dtype, numpy.dtype("<f8"), name)
                self.assertEqual(g[name][:].tolist(), [r[name] for r in records], name)
            for name in ("device_id", "status"):
                self.assertEqual(g[name].shape, (800, 8), name)
                rows = g[name][...].view("S8").ravel()
                self.assertEqual([v.decode() for v in rows.tolist()],
                                 [r[name] for r in records], name)

    def upgrade(self, debs):
        """The same version again, as an upgrade runs it (prerm upgrade,
        postinst configure with the old version): the administrator's change
        to the conffile, the state and the user stay; the unit stays enabled."""
        with open("/etc/pivot/pivot.yaml", "a") as f:
            f.write("# changed by the administrator\n")
        uid = pwd.getpwnam("pivot").pw_uid
        run(["apt-get", "install", "-y", "--reinstall"] + APT_OPTS + debs, timeout=300,
            env=APT_ENV)
        with open("/etc/pivot/pivot.yaml") as f:
            self.assertTrue(f.read().endswith("# changed by the administrator\n"))
        self.assertEqual(pwd.getpwnam("pivot").pw_uid, uid)
        self.assertTrue(os.path.isfile("/var/lib/pivot/jobs.db"))
        self.assertEqual(os.readlink(WANTS), UNIT)

    def remove(self):
        """remove keeps configuration, state and user; the unit is masked
        until the package comes back or is purged."""
        run(["apt-get", "remove", "-y"] + APT_OPTS + ["pivotd"], timeout=300, env=APT_ENV)
        state = run(["dpkg-query", "-W", "-f=${Status}", "pivotd"], timeout=30)
        self.assertEqual(state, "deinstall ok config-files")
        self.assertFalse(os.path.exists("/usr/bin/pivotd"))
        self.assertFalse(os.path.exists(UNIT))
        self.assertEqual(os.readlink(MASK), "/dev/null")
        self.assertTrue(os.path.isfile("/etc/pivot/pivot.yaml"))
        self.assertTrue(os.path.isfile("/var/lib/pivot/jobs.db"))
        self.assertTrue(user_exists("pivot"))

    def purge(self):
        run(["apt-get", "purge", "-y"] + APT_OPTS + ["pivotd", "pivot-sdk-dev"], timeout=300,
            env=APT_ENV)
        self.assertFalse(installed("pivotd"))
        self.assertFalse(installed("pivot-sdk-dev"))
        r = subprocess.run(["dpkg-query", "-W", "pivotd"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
        self.assertNotEqual(r.returncode, 0, "dpkg forgot pivotd (no config-files left)")
        for path in ("/usr/bin/pivotd", "/usr/lib/pivot", "/usr/include/pivot", UNIT,
                     "/etc/pivot", "/var/lib/pivot", WANTS, MASK,
                     "/usr/share/doc/pivotd", "/usr/share/man/man8/pivotd.8.gz",
                     "/var/lib/systemd/deb-systemd-helper-enabled/pivotd.service.dsh-also",
                     "/var/lib/systemd/deb-systemd-helper-masked/pivotd.service"):
            self.assertFalse(os.path.lexists(path), path)
        self.assertFalse(user_exists("pivot"))
        self.assertFalse(group_exists("pivot"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
