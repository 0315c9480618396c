"""The speeddata-pivot command: submit, status, wait, download, ls, cancel, channels.

    speeddata-pivot [--url URL] [--api-key KEY] COMMAND ...

URL defaults to $SPEEDDATA_PIVOT_URL (else http://localhost:8000), the key to
$SPEEDDATA_API_KEY. Exit status: 0 success, 1 the server refused or the job
failed, 2 bad usage.
"""

import argparse
import json
import sys

from .client import Client
from .errors import PivotError


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
            raise SystemExit("speeddata-pivot: --signals %s: use CHANNEL=SIG,SIG when "
                             "giving several" % v)
        out[channel] = "*" if names == "*" else [s for s in names.split(",") if s]
    return out


def _print_json(obj):
    json.dump(obj, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _cmd_submit(client, a):
    metadata = {"description": a.description} if a.description else None
    job = client.submit(channels=a.channels, signals=_signals(a.signals), last=a.last,
                        start=a.start, end=a.end, duration=a.duration, preset=a.preset,
                        metadata=metadata, exclude=a.exclude, pattern=a.pattern)
    print(job["job_id"])
    if a.wait or a.output:
        client.wait(job, progress=not a.quiet)
        if a.output:
            print(client.download(job, a.output))
    return 0


def _cmd_status(client, a):
    _print_json(client.status(a.job_id))
    return 0


def _cmd_wait(client, a):
    job = client.wait(a.job_id, progress=not a.quiet, timeout=a.timeout)
    if a.quiet:
        print(job["status"])
    else:
        _print_json(job)
    return 0


def _cmd_download(client, a):
    print(client.download(a.job_id, a.output, resume=not a.no_resume))
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


def build_parser():
    p = argparse.ArgumentParser(prog="speeddata-pivot",
                                description="Export SpeedData telemetry to HDF5 with pivotd.")
    p.add_argument("--url", help="server base URL (default $SPEEDDATA_PIVOT_URL or "
                   "http://localhost:8000)")
    p.add_argument("--api-key", help="API key (default $SPEEDDATA_API_KEY)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("submit", help="submit an export job and print its id")
    s.add_argument("--channels", help="channel names, comma-separated")
    s.add_argument("--exclude", help="channels to leave out, comma-separated")
    s.add_argument("--pattern", help="glob of channel names (ch0*)")
    s.add_argument("--signals", action="append",
                   help="SIG,SIG for every channel, or CHANNEL=SIG,SIG (repeatable)")
    rng = s.add_argument_group("time range (one of)")
    rng.add_argument("--last", help="a duration before now, ISO 8601 (PT1H)")
    rng.add_argument("--start", help="RFC 3339 start, with --end or --duration")
    rng.add_argument("--end", help="RFC 3339 end (exclusive)")
    rng.add_argument("--duration", help="ISO 8601 duration, with --start or --end")
    rng.add_argument("--preset", help="last_hour, today, yesterday, ...")
    s.add_argument("--description", help="stored in the file's metadata")
    s.add_argument("--wait", action="store_true", help="wait for the job to finish")
    s.add_argument("-o", "--output", help="wait, then download to this path")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress display")
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
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    client = Client(args.url, api_key=args.api_key)
    try:
        return args.run(client, args)
    except PivotError as e:
        sys.stderr.write("speeddata-pivot: %s\n" % e)
        if getattr(e, "field", None):
            sys.stderr.write("  field: %s\n" % e.field)
        return 1
    except ValueError as e:
        sys.stderr.write("speeddata-pivot: %s\n" % e)
        return 2
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
