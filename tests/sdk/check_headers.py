"""Each public header compiles on its own as C11 and as C++, and a C++ plugin
exports the loader's two entry points under their C names.

usage: check_headers.py INCLUDE_DIR WORK_DIR
"""
import os
import subprocess
import sys

C_FLAGS = ["-std=c11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wstrict-prototypes",
           "-Wmissing-prototypes"]
CXX_FLAGS = ["-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wold-style-cast"]

CXX_PLUGIN = r"""
#include <pivot/plugin.h>

#include <cstdio>

PIVOT_PLUGIN_MAGIC("cxx_plugin", "1.0");

namespace {
int resolve(const pivot_json *, int64_t now_ns, pivot_range *out, char *, size_t)
{
    out->start_ns = now_ns - 1;
    out->end_ns = now_ns;
    return 0;
}
const pivot_timespec_parser parser = {sizeof(pivot_timespec_parser), "cxx", resolve};
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    if (!PIVOT_HAS_MEMBER(host, pivot_host, config_key_at)) {
        snprintf(err, errlen, "this server is older than the SDK");
        return PIVOT_ENOTSUP;
    }
    return host->register_timespec(reg, &parser);
}
"""

failures = 0


def run(cmd):
    global failures
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        failures += 1
        print("FAIL:", " ".join(cmd))
        print(proc.stdout + proc.stderr)
    return proc


def main():
    include, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    headers = sorted(h for h in os.listdir(os.path.join(include, "pivot")) if h.endswith(".h"))
    if headers != ["auth.h", "common.h", "exporter.h", "host.h", "plugin.h", "source.h",
                   "timespec.h"]:
        print("FAIL: unexpected header set", headers)
        return 1
    for h in headers:
        stem = h[:-2]
        for lang, compiler, flags, ext in (("c", "cc", C_FLAGS, "c"),
                                           ("c++", "g++", CXX_FLAGS, "cpp")):
            src = os.path.join(work, "only_%s.%s" % (stem, ext))
            with open(src, "w") as f:
                # The header first and alone: it must bring everything it uses.
                f.write("#include <pivot/%s>\n" % h)
                f.write("int pivot_header_check_%s(void);\n" % stem)
                f.write("int pivot_header_check_%s(void) { return 0; }\n" % stem)
            run([compiler] + flags + ["-I", include, "-c", src, "-o", src + ".o"])
            print("ok: %s alone as %s" % (h, lang))
    # A C++ plugin: the entry points must keep their C names and stay visible.
    src = os.path.join(work, "cxx_plugin.cpp")
    lib = os.path.join(work, "cxx_plugin.so")
    with open(src, "w") as f:
        f.write(CXX_PLUGIN)
    if run(["g++"] + CXX_FLAGS + ["-fPIC", "-shared", "-fvisibility=hidden", "-I", include,
                                  src, "-o", lib]).returncode == 0:
        syms = run(["nm", "-D", "--defined-only", lib]).stdout.split()
        for name in ("pivot_plugin_magic", "pivot_plugin_init"):
            if name not in syms:
                print("FAIL: %s does not export %s unmangled: %s" % (lib, name, syms))
                failures_add()
        exported = [s for s in syms if s.startswith("pivot_") or s.startswith("_Z")]
        if sorted(exported) != ["pivot_plugin_init", "pivot_plugin_magic"]:
            print("FAIL: the C++ plugin exports more than its two entry points:", exported)
            failures_add()
        print("ok: C++ plugin exports", exported)
    return 1 if failures else 0


def failures_add():
    global failures
    failures += 1


if __name__ == "__main__":
    sys.exit(main())
