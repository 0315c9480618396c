"""Presets from plugins: a real pivotd with the SDK's site_shifts example
loaded beside the bundled plugins. GET /api/v1/pivot/presets lists every
preset with its plugin and its range now, value by value against the
server's own `now_ns`; a job with the plugin's `last_shift` exports exactly
the samples of the last shift; an unknown name is refused with the names
there are; a name two plugins register stops the second one at load;
`pivotd plugins list` shows the presets."""

import datetime
import os
import subprocess
import sys
import time
import unittest
from zoneinfo import ZoneInfo

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

NS = ph.NS
PRESETS = ph.API + "/presets"
ZONE_NAME = "Europe/Berlin"
ZONE = ZoneInfo(ZONE_NAME)
# The example's shifts: start and length in local minutes.
SHIFTS = [(6 * 60, 8 * 60), (14 * 60, 8 * 60), (22 * 60, 8 * 60)]
DAY = 86400 * NS
# Load order is file-name order: site_shifts.so before timespec.so.
NAMES = ["last_shift", "last_15_minutes", "last_hour", "last_6_hours", "last_24_hours", "today",
         "yesterday"]
SPANS = {"last_15_minutes": 900 * NS, "last_hour": 3600 * NS, "last_6_hours": 6 * 3600 * NS,
         "last_24_hours": 86400 * NS}
RATE = 10
SECONDS = 120


def last_shift(now_ns):
    """The example's last_shift, computed with Python's zoneinfo: of the shifts
    of today and the two days before (local wall-clock), the latest to end at
    or before now."""
    local_day = datetime.datetime.fromtimestamp(now_ns // NS, ZONE).date()
    best = None
    for back in range(3):
        midnight = datetime.datetime.combine(local_day - datetime.timedelta(days=back),
                                             datetime.time())
        for start_min, minutes in SHIFTS:
            start_wall = midnight + datetime.timedelta(minutes=start_min)
            end_wall = start_wall + datetime.timedelta(minutes=minutes)
            start = int(start_wall.replace(tzinfo=ZONE).timestamp()) * NS
            end = int(end_wall.replace(tzinfo=ZONE).timestamp()) * NS
            if end <= now_ns and (best is None or end > best[1]):
                best = (start, end)
    return best


def expected_range(name, now_ns):
    """What the preset resolves to at now_ns, or None where it has no range."""
    if name in SPANS:
        return (now_ns - SPANS[name], now_ns)
    midnight = now_ns // DAY * DAY
    if name == "today":
        return (midnight, now_ns) if now_ns > midnight else None
    if name == "yesterday":
        return (midnight - DAY, midnight)
    if name == "last_shift":
        return last_shift(now_ns)
    raise AssertionError("no expectation for preset %s" % name)


class PresetsTest(ph.ServerCase):
    WORK_PREFIX = "pivot-presets-"
    CONFIG = "plugins:\n  site_shifts:\n    timezone: %s\n" % ZONE_NAME

    @classmethod
    def write_data(cls, data):
        # ch000 starts a minute before the last shift starts, ch001 a minute
        # before it ends: the job's range cuts each at one end.
        start, end = last_shift(time.time_ns())
        cls.caches = [
            ph.Cache.generate(data, channels=1, seconds=SECONDS, rate=RATE, signals=1,
                              start=ph.format_ns(start - 60 * NS)),
            ph.Cache.generate(data, channels=1, seconds=SECONDS, rate=RATE, signals=1,
                              start=ph.format_ns(end - 60 * NS), first_channel=1),
        ]

    @classmethod
    def make_server(cls, data, state, config):
        cls.plugins = ph.link_plugins(
            cls.work.sub("plugins"), {"site_shifts.so": os.environ["PIVOT_SITE_SHIFTS_PLUGIN"]})
        return ph.Server(data, state, config, plugins=cls.plugins)

    def pivotd(self, *args):
        return subprocess.run([ph.pivotd_path(), *args], capture_output=True, text=True,
                              timeout=30)

    def test_every_preset_is_listed_with_its_range_now(self):
        before = time.time_ns()
        r = self.api.get(PRESETS)
        after = time.time_ns()
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["content-type"], "application/json")
        body = r.json()
        now_ns = body["now_ns"]
        self.assertLessEqual(before, now_ns)
        self.assertLessEqual(now_ns, after)
        self.assertEqual(body["now"], ph.format_ns(now_ns))
        self.assertEqual([p["name"] for p in body["presets"]], NAMES)
        for p in body["presets"]:
            with self.subTest(preset=p["name"]):
                self.assertEqual(p["plugin"],
                                 "site_shifts" if p["name"] == "last_shift" else "timespec")
                want = expected_range(p["name"], now_ns)
                self.assertEqual((p["start_ns"], p["end_ns"]), want)
                self.assertEqual(p["start"], ph.format_ns(want[0]))
                self.assertEqual(p["end"], ph.format_ns(want[1]))
                self.assertNotIn("error", p)
        described = {p["name"]: p["description"] for p in body["presets"]}
        self.assertEqual(described["last_shift"],
                         "the last shift that has ended (shift_a 06:00-14:00, shift_b "
                         "14:00-22:00, shift_c 22:00-06:00), in Europe/Berlin")
        self.assertEqual(described["last_hour"], "the hour before now")

    def test_a_plugins_preset_exports_exactly_its_range(self):
        before = time.time_ns()
        job_id = self.api.submit({"time_range": {"type": "preset", "name": "last_shift"},
                                  "channels": {"include": ["ch000", "ch001"]},
                                  "signals": {"ch000": ["counter"], "ch001": ["counter"]}})
        after = time.time_ns()
        job = self.api.wait(job_id)
        self.assertEqual(job["status"], "completed", job)
        got = (ph.parse_rfc3339_ns(job["time_range"]["start"]),
               ph.parse_rfc3339_ns(job["time_range"]["end"]))
        self.assertIn(got, (last_shift(before), last_shift(after)))
        r = self.api.download(job_id)
        self.assertEqual(r.status_code, 200)
        path = self.save_export("last_shift.h5", r.content)
        with h5py.File(path, "r") as f:
            for c, cache in enumerate(self.caches):
                name = "ch%03d" % c
                idx = cache.indices_in(*got)
                # A minute of each channel lies inside the shift (unless a
                # shift ended between writing the data and submitting).
                if got == last_shift(before) == last_shift(after):
                    self.assertEqual(len(idx), 60 * RATE, name)
                self.assertEqual(f[name]["time"][:].tolist(), [cache.time_of(i) for i in idx],
                                 name)
                self.assertEqual(f[name]["counter"][:].tolist(),
                                 [cache.counter_of(i) for i in idx], name)

    def test_an_unknown_preset_lists_the_names_there_are(self):
        names = ", ".join('"%s"' % n for n in NAMES)
        cases = [
            ({"type": "preset", "name": "last_shfit"},
             'time_range.name: unknown preset "last_shfit" (did you mean "last_shift"?); use one '
             'of %s (GET /api/v1/pivot/presets shows what each resolves to now)' % names),
            ({"type": "preset", "name": "YESTERDAY"},
             'time_range.name: unknown preset "YESTERDAY" (did you mean "yesterday"?); use one '
             'of %s (GET /api/v1/pivot/presets shows what each resolves to now)' % names),
            ({"type": "preset"},
             'time_range.name: required for type "preset", one of %s' % names),
            ({"type": "preset", "name": 7},
             "time_range.name: must be a string, one of %s; got a number" % names),
        ]
        for time_range, detail in cases:
            with self.subTest(time_range=time_range):
                r, _ = self.api.post_job({"time_range": time_range,
                                          "channels": {"include": ["ch000"]}})
                self.assertEqual(r.status_code, 400, r.text)
                self.assertEqual(r.headers["content-type"], ph.PROBLEM_CT)
                problem = r.json()
                self.assertEqual(problem["field"], "time_range.name")
                self.assertEqual(problem["detail"], detail)
        # And the types name "preset" among theirs.
        r, _ = self.api.post_job({"time_range": {"type": "shifts"},
                                  "channels": {"include": ["ch000"]}})
        self.assertEqual(r.json()["detail"],
                         'time_range.type: unknown type "shifts"; use one of "shift", '
                         '"absolute", "start_duration", "end_duration", "relative", '
                         '"duration", "preset"')

    def test_the_list_needs_a_key_and_only_reads(self):
        anonymous = self.client(None)
        r = anonymous.get(PRESETS)
        self.assertEqual(r.status_code, 401)
        r = self.api.request("POST", PRESETS, data=b"{}")
        self.assertEqual(r.status_code, 405)
        self.assertEqual(r.headers["allow"], "GET, HEAD")
        r = self.api.request("HEAD", PRESETS)
        self.assertEqual(r.status_code, 200)

    def test_plugins_list_shows_the_presets(self):
        proc = self.pivotd("plugins", "list", "--plugin-dir", self.plugins, "--config",
                           self.work.sub("pivot.yaml"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("  provides: time_range: shift; preset: last_shift\n", proc.stdout)
        self.assertIn("  provides: time_range: absolute, start_duration, end_duration, relative, "
                      "duration; preset: last_15_minutes, last_hour, last_6_hours, "
                      "last_24_hours, today, yesterday\n", proc.stdout)

    def test_a_preset_name_two_plugins_register_is_refused_at_load(self):
        clash = os.environ["PIVOT_PRESET_CLASH_PLUGIN"]
        proc = self.pivotd("plugins", "check", clash, "--plugin-dir", self.plugins, "--config",
                           self.work.sub("pivot.yaml"))
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn('plugin "preset_clash" failed to initialise: register_preset: "last_hour" '
                      'is already registered by plugin "timespec" (error -17, PIVOT_EEXIST)',
                      proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
