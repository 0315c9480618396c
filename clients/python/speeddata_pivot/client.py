"""The HTTP client: jobs, downloads with resume, channels, quota."""

import os
import time
import warnings

import requests

from . import files
from .errors import JobFailed, MissingDataWarning, PivotError, WaitTimeout, error_from_response
from .progress import make_byte_progress, make_progress
from .request import build_request, names
from .times import iso_duration, rfc3339

DEFAULT_URL = "http://localhost:8000"
FINAL_STATUSES = ("completed", "failed", "cancelled", "expired")
# Errors of a connection that broke in the middle of a body: the download resumes.
_BROKEN = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
           requests.exceptions.ReadTimeout)


def _retry_delay(response, default):
    """The response's Retry-After in seconds, or default (absent, or an HTTP date)."""
    retry_after = response.headers.get("Retry-After")
    if retry_after is not None:
        try:
            return max(0.05, float(retry_after))
        except ValueError:
            pass
    return default


def _warn_missing(answer):
    """One MissingDataWarning per channel the server said is short of data."""
    for item in answer.get("warnings") or []:
        if isinstance(item, dict):
            warnings.warn(MissingDataWarning(item), stacklevel=3)


def _job_id(job):
    return job["job_id"] if isinstance(job, dict) else str(job)


class Client:
    """A connection to one pivotd.

    ``url`` is the server's base URL (``http://host:8000``; a trailing
    ``/api/v1`` or ``/api/v1/pivot`` is accepted), by default
    ``$SPEEDDATA_PIVOT_URL`` or http://localhost:8000. ``api_key`` defaults to
    ``$SPEEDDATA_API_KEY``. Errors raise :class:`PivotError` subclasses.
    A request the server refuses with ``503 store-busy`` (its job store was
    locked and nothing was changed) is sent again after the Retry-After
    delay, up to ``busy_retries`` times.
    """

    def __init__(self, url=None, api_key=None, timeout=30.0, session=None, busy_retries=3):
        url = (url or os.environ.get("SPEEDDATA_PIVOT_URL") or DEFAULT_URL).rstrip("/")
        for suffix in ("/api/v1/pivot", "/api/v1"):
            if url.endswith(suffix):
                url = url[:-len(suffix)]
        self.url = url
        self.api_key = api_key if api_key is not None else os.environ.get("SPEEDDATA_API_KEY")
        self.timeout = timeout
        self.session = session if session is not None else requests.Session()
        self.busy_retries = busy_retries

    # ------------------------------------------------------------ plumbing

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, method, path, headers=None, ok=(200,), **kw):
        h = {"Accept": "application/json"}
        if self.api_key:
            h["X-API-Key"] = self.api_key
        if headers:
            h.update(headers)
        kw.setdefault("timeout", self.timeout)
        for attempt in range(self.busy_retries + 1):
            response = self.session.request(method, self.url + path, headers=h, **kw)
            if response.status_code in ok:
                return response
            error = error_from_response(response)
            # Only store-busy promises that nothing was done: safe to resend.
            if error.slug != "store-busy" or attempt == self.busy_retries:
                raise error
            time.sleep(_retry_delay(response, 2.0))
        raise error

    # ------------------------------------------------------------ jobs

    def submit(self, channels=None, signals=None, last=None, start=None, end=None,
               duration=None, preset=None, decimation=None, metadata=None, format=None,
               exclude=None, pattern=None, idempotency_key=None, request=None,
               compression=None, chunk_size=None, priority=None, on_missing=None):
        """Submits an export job; returns the 202 body ({"job_id", "status", ...}).

        The arguments are the request's members (see :func:`build_request`):
        the channels, the time range, and the ``options`` ``decimation``
        ({"method": "mean", "factor": 10} or "mean:10", "mean:PT1S"),
        ``compression`` ("none", {"gzip": 6}, "gzip:6"), ``chunk_size``,
        ``priority`` ("low", "normal", "high"), ``metadata`` and ``format``.
        ``request`` sends a ready-made JSON body instead of building one.
        ``idempotency_key`` makes a retried submit return the same job.

        Each channel with no data in the range, or only part of it, is reported as a
        :class:`MissingDataWarning` (Python ``warnings``); ``on_missing="fail"`` makes the
        server refuse such a job instead (:class:`MissingData`).
        """
        body = request if request is not None else build_request(
            channels=channels, signals=signals, last=last, start=start, end=end,
            duration=duration, preset=preset, decimation=decimation, metadata=metadata,
            format=format, exclude=exclude, pattern=pattern, compression=compression,
            chunk_size=chunk_size, priority=priority, on_missing=on_missing)
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        answer = self._request("POST", "/api/v1/pivot/jobs", json=body, headers=headers,
                               ok=(200, 202)).json()
        _warn_missing(answer)
        return answer

    def dry_run(self, channels=None, signals=None, last=None, start=None, end=None,
                duration=None, preset=None, decimation=None, metadata=None, format=None,
                exclude=None, pattern=None, idempotency_key=None, request=None,
                compression=None, chunk_size=None, priority=None, on_missing=None):
        """Validates and resolves a submission without queuing it (``?dry_run=true``).

        Takes the arguments of :meth:`submit` (``idempotency_key`` is accepted and not
        consulted, as by the server) and returns the server's answer: the resolved
        ``time_range``, per ``channels`` the signals, samples and rows, and the
        ``estimate`` ({"samples", "rows", "bytes", "compressed", "bytes_is_upper_bound"}).
        Refused requests raise as :meth:`submit` would.
        """
        body = request if request is not None else build_request(
            channels=channels, signals=signals, last=last, start=start, end=end,
            duration=duration, preset=preset, decimation=decimation, metadata=metadata,
            format=format, exclude=exclude, pattern=pattern, compression=compression,
            chunk_size=chunk_size, priority=priority, on_missing=on_missing)
        answer = self._request("POST", "/api/v1/pivot/jobs", json=body,
                               params={"dry_run": "true"}).json()
        _warn_missing(answer)
        return answer

    def status(self, job):
        """The job object (status, progress, result, error)."""
        return self._request("GET", "/api/v1/pivot/jobs/" + _job_id(job)).json()

    def preview(self, job, signals=None, points=None):
        """The min/max quick look of a completed job (``GET /jobs/{id}/preview``).

        ``signals`` names ``"channel.signal"`` strings (all numeric ones when
        None), ``points`` the most buckets per signal (2 to 4000; the server's
        default is 2000). Returns ``{"start_ns", "bucket_ns", "points", "series":
        [{"channel", "signal", "time_ns", "min", "max"}]}``.
        """
        params = {}
        if signals is not None:
            params["signals"] = signals if isinstance(signals, str) else ",".join(signals)
        if points is not None:
            params["points"] = str(points)
        return self._request("GET", "/api/v1/pivot/jobs/" + _job_id(job) + "/preview",
                             params=params).json()

    def _poll(self, job_id, etag, wait_s, poll_interval):
        """One status read that waits up to wait_s for the job to change from etag
        (``?wait=``, long polling). Returns (job, its ETag or None, seconds to sleep
        before the next read: 0 after a long poll; otherwise Retry-After, or
        poll_interval without one)."""
        params = {"wait": "%.3f" % wait_s} if wait_s > 0 else None
        headers = {"If-None-Match": etag} if etag else None
        timeout = None if self.timeout is None else self.timeout + wait_s
        r = self._request("GET", "/api/v1/pivot/jobs/" + job_id, params=params, headers=headers,
                          timeout=timeout)
        new_etag = r.headers.get("ETag")
        # A server that answers without an ETag did not wait: follow its Retry-After.
        waited = wait_s > 0 and new_etag
        return r.json(), new_etag, 0.0 if waited else _retry_delay(r, poll_interval)

    def wait(self, job, progress=True, timeout=None, poll_interval=1.0, long_poll=30.0):
        """Waits until the job is finished, answered by the server as soon as its
        status or progress changes (long polling, ``GET /jobs/{id}?wait=``).

        Returns the completed job; raises :class:`JobFailed` when it failed, was
        cancelled or expired, and :class:`WaitTimeout` after ``timeout`` seconds.
        ``progress``: True shows a tqdm bar (a plain line without tqdm), False
        nothing, "line" a plain line. ``long_poll``: the longest a single request
        waits (at most 60 s; 0 polls every ``poll_interval`` seconds, following
        Retry-After, as against a server without long polling).
        """
        job_id = _job_id(job)
        display = make_progress(job_id, progress)
        started = time.monotonic()
        etag = None
        try:
            while True:
                left = None if timeout is None else timeout - (time.monotonic() - started)
                wait_s = max(0.0, min(long_poll, 60.0, left if left is not None else 60.0))
                current, etag, delay = self._poll(job_id, etag, wait_s, poll_interval)
                display.update(current)
                if current["status"] == "completed":
                    return current
                if current["status"] in FINAL_STATUSES:
                    raise JobFailed(current)
                if timeout is not None and time.monotonic() - started + delay >= timeout:
                    raise WaitTimeout(current, timeout)
                if delay > 0:
                    time.sleep(delay)
        finally:
            display.close()

    def download(self, job, path=None, resume=True, chunk_size=1 << 16, retries=5,
                 progress=False):
        """Streams the result to ``path`` (default ``pivot-<job_id>.h5``); returns the path.

        Bytes go to ``path + ".part"`` first, renamed when complete. When the
        connection breaks, or a ``.part`` file is left from an earlier attempt
        (and ``resume`` is true), the download continues from where it stopped
        with an HTTP Range request. ``progress``: True shows the bytes received
        (a tqdm bar, or a plain line without tqdm), "line" a plain line, False
        nothing. ``chunk_size`` here is the read size (each read waits for that
        many bytes, so it is also the progress and resume granularity), not the
        export option.
        """
        display = make_byte_progress(_job_id(job), progress)
        try:
            return self._download(_job_id(job), path, resume, chunk_size, retries, display)
        finally:
            display.close()

    def _download(self, job_id, path, resume, chunk_size, retries, display):
        path = path or "pivot-%s.h5" % job_id
        part = path + ".part"
        if not resume and os.path.exists(part):
            os.remove(part)
        state = {"etag": None}
        attempt = 0
        while True:
            offset = os.path.getsize(part) if os.path.exists(part) else 0
            headers = {"Accept": "application/x-hdf5, application/problem+json"}
            if offset:
                headers["Range"] = "bytes=%d-" % offset
                if state["etag"]:
                    headers["If-Range"] = state["etag"]
            try:
                done = self._download_once(job_id, part, offset, headers, chunk_size, state,
                                           display)
            except _BROKEN:
                attempt += 1
                if attempt > retries:
                    raise
                time.sleep(min(0.2 * attempt, 2.0))
                continue
            if done:
                os.replace(part, path)
                return path

    def _download_once(self, job_id, part, offset, headers, chunk_size, state, display):
        """One GET; True when the file is complete, False to try again from the new size.
        Records the ETag in state so that a resumed request names the same file."""
        r = self._request("GET", "/api/v1/pivot/jobs/%s/download" % job_id, headers=headers,
                          ok=(200, 206, 416), stream=True)
        state["etag"] = r.headers.get("ETag") or state["etag"]
        with r:
            if r.status_code == 416:
                # Nothing after offset: the .part file is the whole file if its
                # size is the one the server reports, else it is stale.
                total = r.headers.get("Content-Range", "").rpartition("/")[2]
                if total.isdigit() and int(total) == offset:
                    return True
                os.remove(part)
                return False
            mode = "ab" if r.status_code == 206 else "wb"
            expected = r.headers.get("Content-Length")
            before = offset if r.status_code == 206 else 0
            display.start(before, before + int(expected) if expected is not None else None)
            written = 0
            with open(part, mode) as f:
                for chunk in r.iter_content(chunk_size):
                    f.write(chunk)
                    written += len(chunk)
                    display.advance(len(chunk))
            if expected is not None and written < int(expected):
                raise requests.exceptions.ChunkedEncodingError(
                    "the body ended after %d of %s bytes" % (written, expected))
            return True

    def cancel(self, job):
        """Cancels a queued or running job, or deletes a finished one; returns the job object
        with its ``action`` (cancelled, cancelling or deleted)."""
        return self._request("DELETE", "/api/v1/pivot/jobs/" + _job_id(job), ok=(200, 202)).json()

    delete = cancel

    def jobs(self, status=None, limit=100, page=None):
        """Your jobs, newest first (every user's for an admin key).

        ``status`` is a name or a list of names. Without ``page``, every page is
        fetched and one list returned.
        """
        params = {"limit": limit}
        if status is not None:
            params["status"] = status if isinstance(status, str) else ",".join(status)
        if page is not None:
            params["page"] = page
            return self._request("GET", "/api/v1/pivot/jobs", params=params).json()["jobs"]
        out, page = [], 1
        while True:
            params["page"] = page
            body = self._request("GET", "/api/v1/pivot/jobs", params=params).json()
            out.extend(body["jobs"])
            if page >= body.get("pages", 0):
                return out
            page += 1

    # ------------------------------------------------------------ the rest of the API

    def channels(self):
        """The channels and their signals: [{"name", "signals": [{"name", "type"}]}]."""
        return self._request("GET", "/api/v1/pivot/channels").json()["channels"]

    def quota(self):
        """Your quota: {"user", "role", "limits": {...}, "usage": {...}}; a limit of
        None means none. Raises :class:`NotFound` on a server without the endpoint."""
        return self._request("GET", "/api/v1/pivot/quota").json()

    def presets(self):
        """The time range presets the server offers (``GET /api/v1/pivot/presets``).

        Raises :class:`NotFound` on a server that does not list them; the
        built-in ones are in docs/api.md (last_15_minutes, last_hour,
        last_6_hours, last_24_hours, today, yesterday).
        """
        body = self._request("GET", "/api/v1/pivot/presets").json()
        return body["presets"] if isinstance(body, dict) and "presets" in body else body

    def health(self):
        """GET /api/v1/health (no key needed)."""
        return self._request("GET", "/api/v1/health").json()

    def openapi(self):
        """The server's OpenAPI description (YAML text)."""
        return self._request("GET", "/api/v1/openapi.yaml",
                             headers={"Accept": "application/yaml"}).text

    # ------------------------------------------------------------ conveniences

    def export(self, channels=None, signals=None, last=None, start=None, end=None,
               duration=None, preset=None, decimation=None, metadata=None, format=None,
               exclude=None, pattern=None, wait=True, path="export.h5", progress=True,
               timeout=None, idempotency_key=None, compression=None, chunk_size=None,
               priority=None, on_missing=None):
        """Submits (with the arguments of :meth:`submit`), waits, downloads: returns the
        path of the HDF5 file. ``progress`` is shown while waiting and downloading.

        With ``wait=False`` it only submits and returns the job id.
        """
        job = self.submit(channels=channels, signals=signals, last=last, start=start, end=end,
                          duration=duration, preset=preset, decimation=decimation,
                          metadata=metadata, format=format, exclude=exclude, pattern=pattern,
                          idempotency_key=idempotency_key, compression=compression,
                          chunk_size=chunk_size, priority=priority, on_missing=on_missing)
        if not wait:
            return job["job_id"]
        self.wait(job, progress=progress, timeout=timeout)
        return self.download(job, path, progress=progress)

    def export_sync(self, channels, start=None, end=None, duration=None, signals=None,
                    path="export.h5", timeout=None):
        """SpeedData's original synchronous GET /api/v1/pivot/export, for small ranges
        (the server's limits, by default 20 channels and 5 minutes). Returns the path."""
        params = {"channels": ",".join(names(channels))}
        for key, value in (("start", rfc3339(start)), ("end", rfc3339(end)),
                           ("duration", iso_duration(duration))):
            if value is not None:
                params[key] = value
        if signals is not None:
            params["signals"] = ",".join(names(signals))
        r = self._request("GET", "/api/v1/pivot/export", params=params, stream=True,
                          timeout=timeout or max(self.timeout, 660.0))
        with r, open(path + ".part", "wb") as f:
            for chunk in r.iter_content(1 << 20):
                f.write(chunk)
        os.replace(path + ".part", path)
        return path

    open = staticmethod(files.open)
    to_xarray = staticmethod(files.to_xarray)


__all__ = ["Client", "build_request", "PivotError"]
