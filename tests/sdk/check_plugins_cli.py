"""`pivotd plugins check FILE` says why a file would be refused, with exit
status 1, survives a plugin that crashes, and accepts a good one (status 0),
also a rebuilt copy of an installed plugin. `pivotd plugins --help` prints
the usage. The messages asserted here are the ones docs/plugin-guide.md
quotes.

usage: check_plugins_cli.py PIVOTD TEST_PLUGIN_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = 0



def sdk_abi():
    """The ABI major of the SDK in this checkout, from <pivot/common.h>."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk",
                          "include", "pivot", "common.h")
    text = open(header).read()
    return int(re.search(r"#define PIVOT_ABI_MAJOR (\d+)", text).group(1))


ABI_MAJOR = sdk_abi()

def expect(pivotd, plugin_dir, empty_dir, name, status, *needles, note=None):
    global failures
    path = os.path.join(plugin_dir, name + ".so")
    proc = subprocess.run([pivotd, "plugins", "check", path, "--plugin-dir", empty_dir],
                          capture_output=True, text=True, timeout=30)
    ok = proc.returncode == status and all(n in proc.stdout for n in needles)
    ok = ok and (note is None or note in proc.stderr)
    print("%s: %s (status %d) %s" % ("ok" if ok else "FAIL", name, proc.returncode,
                                      proc.stdout.strip()))
    if not ok:
        print("  expected status %d and %r; stderr: %s" % (status, needles, proc.stderr))
        failures += 1


def main():
    pivotd, plugins = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as empty:
        expect(pivotd, plugins, empty, "good", 0, "ok (server ABI %d)" % ABI_MAJOR,
               "good         2.5.1      1     ", "provides: time_range: last_n_seconds")
        expect(pivotd, plugins, empty, "wrong_abi", 1,
               "refused: %s/wrong_abi.so: incompatible plugin ABI major version: server has 1, "
               "library has 2; rebuild the plugin against this server's SDK" % plugins)
        # Structs grown at the end by a later version of the major: accepted.
        expect(pivotd, plugins, empty, "larger_structs", 0, "ok (server ABI %d)" % ABI_MAJOR,
               "provides: time_range: last_seven_ns")
        expect(pivotd, plugins, empty, "no_magic", 1,
               "not a Pivot plugin: it has no pivot_plugin_magic() (use PIVOT_PLUGIN_MAGIC in "
               "the plugin)")
        expect(pivotd, plugins, empty, "not_elf", 1, "cannot load")
        expect(pivotd, plugins, empty, "small_provider", 1,
               "plugin \"small_provider\" failed to initialise: register_exporter: struct size 8 "
               "is smaller than ABI 1's 72; set its size member to sizeof(pivot_exporter) "
               "(error -22, PIVOT_EINVAL)")
        expect(pivotd, plugins, empty, "missing_callback", 1,
               "plugin \"missing_callback\" failed to initialise: register_exporter: "
               "\"incomplete\" has no end_channel, which is required (see the guide's table of "
               "callbacks) (error -22, PIVOT_EINVAL)")
        expect(pivotd, plugins, empty, "failing_init", 1,
               "plugin \"failing_init\" failed to initialise: plugins.failing_init.path: not "
               "set; give the file of shifts to read (error -22, PIVOT_EINVAL)")
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
            # Nor is a rebuilt copy of it: it is checked in place of the installed one.
            with tempfile.TemporaryDirectory() as rebuilt:
                shutil.copy(os.path.join(plugins, "good.so"), os.path.join(rebuilt, "good.so"))
                expect(pivotd, rebuilt, installed, "good", 0,
                       "%s/good.so: ok (server ABI %d)" % (rebuilt, ABI_MAJOR),
                       note="%s/good.so is checked in place of the installed %s/good.so"
                       % (rebuilt, installed))
            # A crash of an installed plugin is not blamed on the file.
            os.symlink(os.path.join(plugins, "crash_init.so"),
                       os.path.join(installed, "crash_init.so"))
            expect(pivotd, plugins, installed, "larger_structs", 1,
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
    # A command word with --help shows the usage, never "unknown command".
    for word in ("plugins", "keys", "quota"):
        proc = subprocess.run([pivotd, word, "--help"], capture_output=True, text=True)
        if (proc.returncode != 0 or "pivotd plugins check FILE" not in proc.stdout
                or "unknown command" in proc.stderr):
            print("FAIL: %s --help: %d %s %s" % (word, proc.returncode, proc.stdout,
                                                 proc.stderr))
            failures_inc()
    proc = subprocess.run([pivotd, "plugins"], capture_output=True, text=True)
    if (proc.returncode != 2 or "pivotd: plugins: expected a subcommand" not in proc.stderr
            or "unknown command" in proc.stderr):
        print("FAIL: plugins alone: %d %s" % (proc.returncode, proc.stderr))
        failures_inc()
    return 1 if failures else 0


def failures_inc():
    global failures
    failures += 1


if __name__ == "__main__":
    sys.exit(main())
