"""Typed exceptions carrying the server's RFC 9457 problem details."""

from .units import with_human_bytes


class PivotError(Exception):
    """An error answered by pivotd (or a job that ended without a result).

    The members mirror the problem document: ``type`` (``/api/v1/problems/<slug>``),
    ``title``, ``status`` (HTTP), ``detail`` (what to fix), ``instance`` and
    ``field`` (the offending request member, or None). ``slug`` is the last
    part of ``type``; ``response`` is the ``requests.Response``, when any.
    The message (str()) follows byte counts of the detail with human units;
    ``detail`` is the server's text as it is.
    """

    def __init__(self, status, title, detail=None, type=None, field=None, instance=None,
                 response=None, problem=None):
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.field = field
        self.instance = instance
        self.response = response
        self.problem = problem if problem is not None else {}
        super().__init__(self._message())

    @property
    def slug(self):
        return self.type.rsplit("/", 1)[-1] if self.type else None

    def _message(self):
        text = "%s (%s)" % (self.title, self.status)
        if self.detail:
            text += ": " + with_human_bytes(self.detail)
        return text


class BadRequest(PivotError):
    """400: a malformed or invalid request (see ``field``)."""


class Unauthorized(PivotError):
    """401: no API key, or the key was refused."""


class NotFound(PivotError):
    """404: no such job for this key, or no such endpoint on this server."""


class MethodNotAllowed(PivotError):
    """405."""


class Conflict(PivotError):
    """409: e.g. the download of a job that is not completed."""


class Gone(PivotError):
    """410: the job's file was removed when its retention ended."""


class TooLarge(PivotError):
    """413: the request asks for more than the server's limits allow."""


class Unprocessable(PivotError):
    """422: valid JSON that asks for something impossible (unknown channel...)."""


class MissingData(Unprocessable):
    """422 missing-data: the job asked ``on_missing="fail"`` and a channel has no data in
    the range, or only part of it; the detail names each channel, the range and its span."""


class MissingDataWarning(UserWarning):
    """A submitted (or dry-run) job's channel has no data in the range, or only part of it.

    Raised through :mod:`warnings`; ``warning`` is the server's object
    ({"channel", "kind", "requested", "available", "message"}). Turn it into an
    exception with ``warnings.simplefilter("error", MissingDataWarning)``, or ask the
    server to refuse such a job with ``on_missing="fail"`` (:class:`MissingData`).
    """

    def __init__(self, warning):
        self.warning = warning
        super().__init__(warning.get("message", str(warning)))


class QuotaExceeded(PivotError):
    """429: a quota of the user is exhausted."""


class ServerError(PivotError):
    """5xx."""


class JobFailed(PivotError):
    """A job ended ``failed``, ``cancelled`` or ``expired``; ``job`` is its last status."""

    def __init__(self, job):
        self.job = job
        super().__init__(status=None, title="job %s %s" % (job.get("job_id"), job.get("status")),
                         detail=job.get("error"), type=None)


class WaitTimeout(PivotError):
    """``Client.wait`` gave up before the job finished; ``job`` is its last status."""

    def __init__(self, job, seconds):
        self.job = job
        super().__init__(status=None, title="job %s still %s after %.0f s"
                         % (job.get("job_id"), job.get("status"), seconds))


_BY_STATUS = {
    400: BadRequest,
    401: Unauthorized,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    410: Gone,
    413: TooLarge,
    422: Unprocessable,
    429: QuotaExceeded,
}


def error_from_response(response):
    """The typed exception for an error response (problem+json or not)."""
    problem = {}
    ctype = response.headers.get("Content-Type", "")
    if "json" in ctype:
        try:
            body = response.json()
            if isinstance(body, dict):
                problem = body
        except ValueError:
            problem = {}
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else PivotError)
    if status == 422 and str(problem.get("type", "")).endswith("/missing-data"):
        cls = MissingData
    title = problem.get("title") or response.reason or "HTTP %d" % status
    detail = problem.get("detail")
    if detail is None and not problem:
        text = response.text.strip() if response.text else ""
        detail = text[:500] or None
    return cls(status=problem.get("status", status), title=title, detail=detail,
               type=problem.get("type"), field=problem.get("field"),
               instance=problem.get("instance"), response=response, problem=problem)
