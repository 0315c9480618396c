#!/usr/bin/python3
"""Exports a time range through the Pivot job API the way a researcher's
script does: submit the job, poll its status until it is completed, then
download the HDF5 file.

    demo_client.py --url http://127.0.0.1:8000 --key pvk_... --out export.h5

The key may also come from the PIVOT_API_KEY environment variable.
"""

import argparse
import os
import sys
import time

import requests


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://localhost:8000",
                    help="the server's base URL (default %(default)s)")
    ap.add_argument("--key", default=os.environ.get("PIVOT_API_KEY"),
                    help="API key (default: $PIVOT_API_KEY)")
    ap.add_argument("--channels", type=int, default=20,
                    help="export ch000 .. ch<N-1> (default %(default)s)")
    ap.add_argument("--start", default="2025-01-01T00:00:00Z",
                    help="first instant of the range (default %(default)s)")
    ap.add_argument("--duration", default="PT5M",
                    help="ISO 8601 length of the range (default %(default)s)")
    ap.add_argument("--out", default="export.h5", help="where to write the file")
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between status polls")
    args = ap.parse_args()
    if not args.key:
        ap.error("no API key: pass --key or set PIVOT_API_KEY")
    return args


def fail(what, resp):
    """Prints the server's problem document, which says what to change."""
    try:
        problem = resp.json()
        detail = "%s: %s" % (problem.get("title"), problem.get("detail"))
    except ValueError:
        detail = resp.text[:500]
    print("demo_client: %s failed with HTTP %d: %s" % (what, resp.status_code, detail),
          file=sys.stderr)
    return 1


def main():
    args = parse_args()
    base = args.url.rstrip("/")
    headers = {"X-API-Key": args.key}
    channels = ["ch%03d" % c for c in range(args.channels)]

    # Submit job
    resp = requests.post(base + "/api/v1/pivot/jobs", json={
        "time_range": {"type": "start_duration", "start": args.start,
                       "duration": args.duration},
        "channels": {"include": channels, "exclude": [], "pattern": None},
        "options": {"decimation": None, "format": "hdf5",
                    "metadata": {"description": "Pivot demo export",
                                 "user": "demo@speeddata.local"}},
    }, headers=headers, timeout=30)
    if resp.status_code != 202:
        return fail("submitting the job", resp)
    job_id = resp.json()["job_id"]
    print("submitted job %s: %d channels, %s from %s" % (job_id, len(channels), args.duration,
                                                         args.start))

    # Poll until complete
    started = time.monotonic()
    last = None
    while True:
        resp = requests.get(f"{base}/api/v1/pivot/jobs/{job_id}", headers=headers, timeout=30)
        if resp.status_code != 200:
            return fail("polling the job", resp)
        status = resp.json()
        shown = (status["status"], status["progress"])
        if shown != last:
            print("  %-10s %3d%%  (%.1f s)" % (status["status"], status["progress"],
                                              time.monotonic() - started))
            last = shown
        if status["status"] == "completed":
            break
        if status["status"] in ("failed", "cancelled"):
            print("demo_client: job %s %s: %s" % (job_id, status["status"], status["error"]),
                  file=sys.stderr)
            return 1
        time.sleep(args.poll)

    # Download result
    file_resp = requests.get(f"{base}/api/v1/pivot/jobs/{job_id}/download", headers=headers,
                             timeout=300)
    if file_resp.status_code != 200:
        return fail("downloading the result", file_resp)
    with open(args.out, "wb") as f:
        f.write(file_resp.content)
    result = status["result"]
    actual = result["time_range_actual"] or {"start": "-", "end": "-"}
    print("downloaded %s: %d bytes, %d channels, %d samples, %s .. %s" % (
        args.out, len(file_resp.content), result["channels_exported"],
        result["samples_exported"], actual["start"], actual["end"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
