"""What the speeddata-pivot command says when something goes wrong: in words, naming its
own flags and environment variables, never a Python traceback."""

from .errors import Unauthorized

# The request member a server error names (its "field"), and the flag that sets it;
# the first prefix that matches wins.
FIELD_FLAGS = (
    ("time_range.start", "--start"), ("time_range.end", "--end"),
    ("time_range.duration", "--last or --duration"), ("time_range.name", "--preset"),
    ("time_range", "--last, --start, --end, --duration or --preset"),
    ("channels.exclude", "--exclude"), ("channels.pattern", "--pattern"),
    ("channels", "--channels"), ("signals", "--signals"),
    ("options.decimation", "--decimation"), ("options.compression", "--compression"),
    ("options.chunk_size", "--chunk-size"), ("options.priority", "--priority"),
    ("options.metadata", "--metadata or --description"), ("options.format", "--format"),
)


def flag_spelling(name):
    """A keyword argument's name as the command's flag: chunk_size -> --chunk-size."""
    return "--" + name.replace("_", "-")


def flag_of_field(field):
    for prefix, flag in FIELD_FLAGS:
        if field == prefix or field.startswith(prefix + ".") or field.startswith(prefix + "["):
            return flag
    return None


def server_error(error, api_key):
    """The lines for an error the server answered (or a job that ended badly)."""
    lines = [str(error)]
    field = getattr(error, "field", None)
    if field:
        flag = flag_of_field(field)
        lines.append("  field: %s%s" % (field, " (%s)" % flag if flag else ""))
    if isinstance(error, Unauthorized):
        if api_key:
            lines.append("  the key given with --api-key or SPEEDDATA_API_KEY was refused; "
                         "check it, or ask an administrator for a new one")
        else:
            lines.append("  no API key was sent: give --api-key KEY or set SPEEDDATA_API_KEY "
                         "(an administrator creates one with `pivotd keys create --user NAME`)")
    return lines


def connection_error(error, url):
    """The lines for a request that never reached a server."""
    text = str(error)
    if "refused" in text.lower():
        why = "connection refused: nothing listens there"
    elif any(s in text for s in ("Name or service not known", "nodename nor servname",
                                 "getaddrinfo", "No address associated")):
        why = "the host name is unknown"
    elif "timed out" in text.lower() or "timeout" in type(error).__name__.lower():
        why = "no answer in time"
    else:
        why = "the connection failed (%s)" % (text.splitlines()[0] if text else
                                               type(error).__name__)
    return ["cannot reach pivotd at %s: %s" % (url, why),
            "  give the server's URL with --url http://HOST:PORT or SPEEDDATA_PIVOT_URL, "
            "and check that pivotd is running there"]


def bad_url(error, url):
    return ["%r is not a server URL (%s)" % (url, error),
            "  give it as --url http://HOST:PORT (or SPEEDDATA_PIVOT_URL)"]

