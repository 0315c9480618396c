"""`pivotd plugins check FILE` says why a file would be refused, with exit
status 1, survives a plugin that crashes, and accepts a good one (status 0).

usage: check_plugins_cli.py PIVOTD TEST_PLUGIN_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

failures = 0



def sdk_abi():
    """(major, minor) of the SDK in this checkout, from <pivot/common.h>."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk",
                          "include", "pivot", "common.h")
    text = open(header).read()
    return (int(re.search(r"#define PIVOT_ABI_MAJOR (\d+)", text).group(1)),
            int(re.search(r"#define PIVOT_ABI_MINOR (\d+)", text).group(1)))


ABI_MAJOR, ABI_MINOR = sdk_abi()

def expect(pivotd, plugin_dir, empty_dir, name, status, *needles):
    global failures
    path = os.path.join(plugin_dir, name + ".so")
    proc = subprocess.run([pivotd, "plugins", "check", path, "--plugin-dir", empty_dir],
                          capture_output=True, text=True, timeout=30)
    ok = proc.returncode == status and all(n in proc.stdout for n in needles)
    print("%s: %s (status %d) %s" % ("ok" if ok else "FAIL", name, proc.returncode,
                                      proc.stdout.strip()))
    if not ok:
        print("  expected status %d and %r; stderr: %s" % (status, needles, proc.stderr))
        failures += 1


def main():
    pivotd, plugins = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as empty:
        expect(pivotd, plugins, empty, "good", 0, "ok (server ABI %d.%d)" % (ABI_MAJOR, ABI_MINOR),
               "provides: time_range: last_n_seconds")
        expect(pivotd, plugins, empty, "wrong_abi", 1,
               "refused: %s/wrong_abi.so: incompatible plugin ABI major version: server has 1, "
               "library has 2" % plugins)
        expect(pivotd, plugins, empty, "newer_minor", 1,
               "ABI minor version: server has %d (ABI %d.%d), library has %d (ABI %d.%d)"
               % (ABI_MINOR, ABI_MAJOR, ABI_MINOR, ABI_MINOR + 1, ABI_MAJOR, ABI_MINOR + 1))
        expect(pivotd, plugins, empty, "no_magic", 1, "not a Pivot plugin")
        expect(pivotd, plugins, empty, "not_elf", 1, "cannot load")
        expect(pivotd, plugins, empty, "small_provider", 1,
               "register_exporter: struct size 8 is smaller than ABI 1.0's 72")
        expect(pivotd, plugins, empty, "failing_init", 1, "failed to initialise (error -5)")
        expect(pivotd, plugins, empty, "crash_init", 1,
               "the plugin crashed while loading (signal 11")
        expect(pivotd, plugins, empty, "missing", 1, "missing.so: refused: cannot read the file")
        # Checked against a plugin directory: a clash names the installed plugin.
        with tempfile.TemporaryDirectory() as installed:
            os.symlink(os.path.join(plugins, "good.so"), os.path.join(installed, "good.so"))
            expect(pivotd, plugins, installed, "clash", 1,
                   "\"last_n_seconds\" is already registered by plugin \"good\"")
            # The file itself, found in the directory too, is not a clash with itself.
            expect(pivotd, plugins, installed, "good", 0, "ok")
            # A crash of an installed plugin is not blamed on the file.
            os.symlink(os.path.join(plugins, "crash_init.so"),
                       os.path.join(installed, "crash_init.so"))
            expect(pivotd, plugins, installed, "newer_minor", 1,
                   "not checked: an installed plugin crashed while loading (signal 11")
    # A bare file name means the file here, not a search of the library path.
    with tempfile.TemporaryDirectory() as empty:
        proc = subprocess.run([pivotd, "plugins", "check", "good.so", "--plugin-dir", empty],
                              capture_output=True, text=True, cwd=plugins)
    if proc.returncode != 0 or "./good.so: ok" not in proc.stdout:
        print("FAIL: plugins check good.so in its directory: %d %s" % (proc.returncode,
                                                                       proc.stdout))
        failures_inc()
    proc = subprocess.run([pivotd, "plugins", "check"], capture_output=True, text=True)
    if proc.returncode != 2 or "FILE is required" not in proc.stderr:
        print("FAIL: plugins check without FILE: %d %s" % (proc.returncode, proc.stderr))
        failures_inc()
    return 1 if failures else 0


def failures_inc():
    global failures
    failures += 1


if __name__ == "__main__":
    sys.exit(main())
