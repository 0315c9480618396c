"""The speeddata-pivot command: submit, status, wait, download, ls, cancel, channels,
quota, presets.

    speeddata-pivot [--url URL] [--api-key KEY] COMMAND ...

URL defaults to $SPEEDDATA_PIVOT_URL (else http://localhost:8000), the key to
$SPEEDDATA_API_KEY. Exit status: 0 success, 1 the server refused, could not
be reached, or the job failed (with --strict: a channel short of data), 2 bad
usage, 130 interrupted (Ctrl-C). Channels with no data in the range, or only
part of it, are warned about on stderr.
"""

import argparse
import json
import os
import sys
import warnings

import requests

from . import __version__, cli_messages
from .client import Client
from .errors import MissingDataWarning, NotFound, PivotError
from .request import ArgumentError, PRIORITIES
from .units import human_bytes

EXIT_INTERRUPTED = 130


def _signals(values):
    """--signals sig0,mode (every channel) or --signals ch000=sig0,mode (repeatable)."""
    if not values:
        return None
    if len(values) == 1 and "=" not in values[0]:
        return [s for s in values[0].split(",") if s]
    out = {}
    for v in values:
        channel, sep, names = v.partition("=")
        if not sep:
            raise ArgumentError("{signals} %s: use CHANNEL=SIG,SIG when giving several" % v)
        out[channel] = "*" if names == "*" else [s for s in names.split(",") if s]
    return out


def _metadata(a):
    """--metadata KEY=VALUE (repeatable) or a JSON object, and --description, merged."""
    out = {}
    for item in a.metadata or ():
        if item.lstrip().startswith("{"):
            try:
                value = json.loads(item)
            except ValueError as e:
                raise ArgumentError("{metadata} %s: not a JSON object (%s)" % (item, e)) from None
            if not isinstance(value, dict):
                raise ArgumentError("{metadata} %s: not a JSON object" % item)
            out.update(value)
        else:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise ArgumentError("{metadata} %s: use KEY=VALUE or a JSON object" % item)
            out[key] = value
    if a.description:
        out["description"] = a.description
    return out or None


def _progress(a):
    """A tqdm bar on a terminal; plain lines in a log or a pipe; nothing with -q."""
    if a.quiet:
        return False
    return True if sys.stderr.isatty() else "line"


def _print_json(obj):
    json.dump(obj, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _request_args(a):
    return dict(channels=a.channels, signals=_signals(a.signals), last=a.last, start=a.start,
                end=a.end, duration=a.duration, preset=a.preset, metadata=_metadata(a),
                exclude=a.exclude, pattern=a.pattern, decimation=a.decimation,
                compression=a.compression, chunk_size=a.chunk_size, priority=a.priority,
                format=a.format, on_missing="fail" if a.strict else None)


def _say_missing(caught):
    """The server's missing-data warnings, one line each on stderr."""
    for w in caught:
        if issubclass(w.category, MissingDataWarning):
            _say(["warning: %s" % w.message])


def _print_dry_run(answer):
    rng = answer["time_range"]
    print("dry run: nothing was queued")
    print("range     %s .. %s (%s)" % (rng["start"], rng["end"], answer.get("format")))
    for ch in answer.get("channels", []):
        print("%-9s %d samples, %d rows (%s)" % (ch["name"], ch["samples"], ch["rows"],
                                                 ", ".join(ch.get("signals") or [])))
    est = answer["estimate"]
    size = "%s (%d bytes)" % (human_bytes(est["bytes"]), est["bytes"])
    if est.get("bytes_is_upper_bound"):
        size = "at most " + size + ", less once compressed"
    else:
        size = "about " + size
    print("estimate  %d samples, %d rows, %s" % (est["samples"], est["rows"], size))


def _cmd_submit(client, a):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MissingDataWarning)
        return _submit(client, a, caught)


def _submit(client, a, caught):
    if a.dry_run:
        answer = client.dry_run(**_request_args(a))
        _say_missing(caught)
        if a.json:
            _print_json(answer)
        else:
            _print_dry_run(answer)
        return 0
    job = client.submit(idempotency_key=a.idempotency_key, **_request_args(a))
    _say_missing(caught)
    print(job["job_id"])
    sys.stdout.flush()
    if a.wait or a.output:
        a.interrupted = ("the job keeps running on the server: follow it with "
                         "`speeddata-pivot wait %s`" % job["job_id"])
        client.wait(job, progress=_progress(a))
        if a.output:
            _download(client, job["job_id"], a.output, True, a)
    return 0


def _cmd_status(client, a):
    _print_json(client.status(a.job_id))
    return 0


def _cmd_wait(client, a):
    a.interrupted = ("the job keeps running on the server: `speeddata-pivot wait %s` again, "
                     "or `speeddata-pivot cancel %s`" % (a.job_id, a.job_id))
    job = client.wait(a.job_id, progress=_progress(a), timeout=a.timeout)
    if a.quiet:
        print(job["status"])
    else:
        _print_json(job)
    return 0


def _download(client, job_id, output, resume, a):
    path = output or "pivot-%s.h5" % job_id
    a.interrupted = ("the bytes received are kept in %s.part: `speeddata-pivot download %s "
                     "-o %s` resumes from there" % (path, job_id, path))
    print(client.download(job_id, path, resume=resume, progress=_progress(a)))


def _cmd_download(client, a):
    _download(client, a.job_id, a.output, not a.no_resume, a)
    return 0


def _cmd_ls(client, a):
    jobs = client.jobs(status=a.status, limit=a.limit, page=1 if a.limit else None)
    if a.json:
        _print_json(jobs)
        return 0
    print("%-22s  %-10s  %4s  %-24s  %s" % ("JOB", "STATUS", "PCT", "CREATED", "RANGE"))
    for j in jobs:
        rng = j.get("time_range") or {}
        print("%-22s  %-10s  %3d%%  %-24s  %s .. %s" % (
            j["job_id"], j["status"], j.get("progress") or 0, j.get("created_at") or "",
            rng.get("start"), rng.get("end")))
    return 0


def _cmd_cancel(client, a):
    job = client.cancel(a.job_id)
    print("%s %s" % (job["job_id"], job.get("action")))
    return 0


def _cmd_channels(client, a):
    channels = client.channels()
    if a.json:
        _print_json(channels)
        return 0
    for ch in channels:
        if ch.get("signals") is None:
            print("%s  (unreadable: %s)" % (ch["name"], ch.get("error")))
            continue
        print("%s  %s" % (ch["name"], ", ".join("%s:%s" % (s["name"], s["type"])
                                                for s in ch["signals"])))
    return 0


def _quota_value(name, value):
    if value is None:
        return "none" if name in _LIMIT_NAMES else "-"
    if "bytes" in name and isinstance(value, int):
        return "%d (%s)" % (value, human_bytes(value))
    return str(value)


_LIMIT_NAMES = ("max_running_jobs", "max_queued_jobs", "jobs_per_day", "output_bytes_per_day",
                "max_channels_per_job", "max_time_range_s")


def _cmd_quota(client, a):
    quota = client.quota()
    if a.json:
        _print_json(quota)
        return 0
    print("user %s (%s)" % (quota.get("user"), quota.get("role")))
    for section in ("limits", "usage"):
        print("%s:" % section)
        for name, value in (quota.get(section) or {}).items():
            print("  %-30s %s" % (name, _quota_value(name, value)))
    return 0


def _cmd_presets(client, a):
    try:
        presets = client.presets()
    except NotFound:
        sys.stderr.write("speeddata-pivot: this server does not list its presets (no GET "
                         "/api/v1/pivot/presets); the built-in ones are last_15_minutes, "
                         "last_hour, last_6_hours, last_24_hours, today and yesterday "
                         "(docs/api.md)\n")
        return 1
    if a.json:
        _print_json(presets)
        return 0
    for p in presets:
        if isinstance(p, dict):
            rest = {k: v for k, v in p.items() if k != "name"}
            print("%-18s %s" % (p.get("name"), json.dumps(rest) if rest else ""))
        else:
            print(p)
    return 0


SUBMIT_EXAMPLES = """examples:
  speeddata-pivot submit --channels ch000,ch001 --last PT1H -o export.h5
  speeddata-pivot submit --channels ch000 --signals sig0,mode --start 2025-01-01T00:01:00Z \\
      --duration PT5M --decimation mean:PT1S --compression gzip:4 --wait
  speeddata-pivot submit --pattern 'ch0*' --preset yesterday --dry-run
"""


def build_parser():
    p = argparse.ArgumentParser(
        prog="speeddata-pivot", description="Export SpeedData telemetry to HDF5 with pivotd.",
        epilog="Exit status: 0 success, 1 the server refused, could not be reached, or the "
               "job failed, 2 bad usage, 130 interrupted. `speeddata-pivot COMMAND -h` "
               "describes a command.")
    p.add_argument("--version", action="version", version="speeddata-pivot " + __version__)
    p.add_argument("--url", help="server base URL (default $SPEEDDATA_PIVOT_URL or "
                   "http://localhost:8000)")
    p.add_argument("--api-key", help="API key (default $SPEEDDATA_API_KEY)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("submit", help="submit an export job and print its id",
                       description="Submit an export job and print its id; with --wait or -o "
                       "follow it, with --dry-run only estimate it.", epilog=SUBMIT_EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    sel = s.add_argument_group("channels and signals (--channels or --pattern)")
    sel.add_argument("--channels", help="channel names, comma-separated")
    sel.add_argument("--exclude", help="channels to leave out, comma-separated")
    sel.add_argument("--pattern", help="glob of channel names (ch0*)")
    sel.add_argument("--signals", action="append", metavar="SIGNALS",
                     help="SIG,SIG for every channel, or CHANNEL=SIG,SIG (repeatable); "
                     "default: every signal")
    rng = s.add_argument_group("time range (one of --last, --start with --end or "
                               "--duration, --end with --duration, --preset)")
    rng.add_argument("--last", metavar="DURATION", help="a duration before now, ISO 8601 (PT1H)")
    rng.add_argument("--start", metavar="TIME", help="RFC 3339 start (2025-01-01T00:00:00Z)")
    rng.add_argument("--end", metavar="TIME", help="RFC 3339 end (exclusive)")
    rng.add_argument("--duration", metavar="DURATION", help="ISO 8601 duration (PT5M)")
    rng.add_argument("--preset", metavar="NAME", help="last_hour, today, yesterday, ... "
                     "(`speeddata-pivot presets`)")
    opt = s.add_argument_group("export options")
    opt.add_argument("--decimation", metavar="METHOD:SIZE",
                     help="one row per bucket: METHOD (downsample, mean, min, max, rms, "
                     "minmax) over FACTOR samples or an ISO 8601 INTERVAL (mean:10, mean:PT1S)")
    opt.add_argument("--compression", metavar="none|gzip[:LEVEL]",
                     help="none, or gzip with LEVEL 1 (fastest) to 9 (smallest), 6 when not "
                     "given (default: the server's, gzip:1 for hdf5)")
    opt.add_argument("--chunk-size", type=int, metavar="N",
                     help="elements per HDF5 chunk, 64 to 1048576 (default about 128 KiB)")
    opt.add_argument("--priority", choices=PRIORITIES, help="orders your own queued jobs "
                     "(default normal)")
    opt.add_argument("--format", help="output format (default hdf5)")
    opt.add_argument("--metadata", action="append", metavar="KEY=VALUE|JSON",
                     help="stored in the file's metadata (repeatable, or a JSON object)")
    opt.add_argument("--description", help="the metadata's description")
    opt.add_argument("--idempotency-key", metavar="KEY",
                     help="a retried submit with the same key returns the same job")
    opt.add_argument("--strict", action="store_true",
                     help="refuse the job (exit 1) when a channel has no data in the range or "
                          "only part of it; without it, such channels are warned about on "
                          "stderr and exported as they are")
    run = s.add_argument_group("what to do")
    run.add_argument("--dry-run", action="store_true",
                     help="check the request and print what it would export and an estimate "
                     "of the file's size; nothing is queued")
    run.add_argument("--json", action="store_true", help="with --dry-run: print the answer "
                     "as JSON")
    run.add_argument("--wait", action="store_true", help="wait for the job to finish")
    run.add_argument("-o", "--output", help="wait, then download to this path")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    s.set_defaults(run=_cmd_submit)

    s = sub.add_parser("status", help="print a job's status as JSON")
    s.add_argument("job_id")
    s.set_defaults(run=_cmd_status)

    s = sub.add_parser("wait", help="wait for a job to finish, showing its progress")
    s.add_argument("job_id")
    s.add_argument("--timeout", type=float, help="give up after this many seconds")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress; print the status")
    s.set_defaults(run=_cmd_wait)

    s = sub.add_parser("download", help="download a completed job's file (resumes)")
    s.add_argument("job_id")
    s.add_argument("-o", "--output", help="path (default pivot-JOB_ID.h5)")
    s.add_argument("--no-resume", action="store_true", help="start over, ignoring a .part file")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    s.set_defaults(run=_cmd_download)

    s = sub.add_parser("ls", help="list your jobs")
    s.add_argument("--status", help="queued, processing, completed, failed, cancelled, expired "
                   "(comma-separated)")
    s.add_argument("--limit", type=int, help="at most this many (default: all)")
    s.add_argument("--json", action="store_true", help="print the job objects as JSON")
    s.set_defaults(run=_cmd_ls)

    s = sub.add_parser("cancel", help="cancel a job, or delete a finished one")
    s.add_argument("job_id")
    s.set_defaults(run=_cmd_cancel)

    s = sub.add_parser("channels", help="list channels and their signals")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(run=_cmd_channels)

    s = sub.add_parser("quota", help="your quota limits and what you have used")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(run=_cmd_quota)

    s = sub.add_parser("presets", help="the time range presets of the server")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(run=_cmd_presets)
    return p


def _say(lines):
    for line in lines:
        sys.stderr.write(("speeddata-pivot: " if not line.startswith(" ") else "") + line + "\n")


def _quiet_stdout():
    """stdout's reader went away (`| head`): send the rest, and the final flush, nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.interrupted = None
    client = Client(args.url, api_key=args.api_key)
    try:
        status = args.run(client, args)
        sys.stdout.flush()
        return status
    except PivotError as e:
        _say(cli_messages.server_error(e, client.api_key))
        return 1
    except ArgumentError as e:
        _say([e.spelled(cli_messages.flag_spelling)])
        return 2
    except (ValueError, TypeError) as e:
        if isinstance(e, requests.exceptions.RequestException):
            _say(cli_messages.bad_url(e, client.url))
            return 2
        _say([str(e)])
        return 2
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as e:
        _say(cli_messages.connection_error(e, client.url))
        return 1
    except requests.exceptions.RequestException as e:
        _say(cli_messages.bad_url(e, client.url))
        return 2
    except BrokenPipeError:
        _quiet_stdout()
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        _say(["interrupted"] + (["  " + args.interrupted] if args.interrupted else []))
        return EXIT_INTERRUPTED
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
