"""The JSON body of a job submission, built from keyword arguments.

The names are the API's (docs/api.md, "The request schema"); values may also
be given in the short forms the command line uses ("mean:10", "gzip:6").
Problems with the arguments raise :class:`ArgumentError`, whose message names
them as the caller spells them: ``start=`` from Python, ``--start`` from the
command line.
"""

import json
import operator

from .times import iso_duration, rfc3339

RANGE_NAMES = ("last", "start", "end", "duration", "preset")
PRIORITIES = ("low", "normal", "high")
DECIMATION_METHODS = ("downsample", "mean", "min", "max", "rms", "minmax")
# zlib's own default level, for a compression given without one.
DEFAULT_GZIP_LEVEL = 6


def python_spelling(name):
    return name + "="


class ArgumentError(ValueError):
    """Arguments that cannot make a request. ``template`` names arguments as ``{name}``;
    :meth:`spelled` renders it for a caller (str() gives the Python spelling)."""

    def __init__(self, template, **values):
        self.template = template
        self.values = values
        super().__init__(self.spelled(python_spelling))

    def spelled(self, spell):
        names = {n: spell(n) for n in RANGE_NAMES + ("channels", "pattern", "signals",
                                                      "decimation", "compression",
                                                      "chunk_size", "priority", "metadata")}
        values = {k: (", ".join(spell(n) for n in v) if isinstance(v, (set, list, tuple))
                      else v) for k, v in self.values.items()}
        return self.template.format(**names, **values)


def names(value):
    """A list of names from a list or a comma-separated string; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return list(value)


def time_range(last=None, start=None, end=None, duration=None, preset=None):
    """The request's ``time_range`` from exactly one combination of the arguments."""
    given = {k for k, v in (("last", last), ("start", start), ("end", end),
                            ("duration", duration), ("preset", preset)) if v is not None}
    if given == {"last"}:
        return {"type": "relative", "duration": iso_duration(last)}
    if given == {"start", "end"}:
        return {"type": "absolute", "start": rfc3339(start), "end": rfc3339(end)}
    if given == {"start", "duration"}:
        return {"type": "start_duration", "start": rfc3339(start),
                "duration": iso_duration(duration)}
    if given == {"end", "duration"}:
        return {"type": "end_duration", "end": rfc3339(end), "duration": iso_duration(duration)}
    if given == {"preset"}:
        return {"type": "preset", "name": preset}
    raise ArgumentError("give the time range as {last}, {start} and {end}, {start} and "
                        "{duration}, {end} and {duration}, or {preset}; got {given}",
                        given=sorted(given) if given else "nothing")


def parse_decimation(value):
    """``options.decimation`` from the API's object or "METHOD:FACTOR" / "METHOD:INTERVAL"
    ("mean:10", "mean:PT1S"); an interval may be any duration :mod:`.times` accepts."""
    if value is None or isinstance(value, dict):
        if isinstance(value, dict) and "interval" in value:
            value = dict(value, interval=iso_duration(value["interval"]))
        return value
    if not isinstance(value, str) or ":" not in value:
        raise ArgumentError("{decimation} takes METHOD:FACTOR or METHOD:INTERVAL (mean:10, "
                            "mean:PT1S) or the API's object; got %r" % (value,))
    method, _, size = value.partition(":")
    if size.isdigit():
        return {"method": method, "factor": int(size)}
    return {"method": method, "interval": size}


def parse_compression(value):
    """``options.compression`` from "none", the API's {"gzip": LEVEL}, a LEVEL, "gzip"
    (level 6, zlib's default) or "gzip:LEVEL"."""
    if value is None or isinstance(value, dict) or value == "none":
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return {"gzip": value}
    if isinstance(value, str) and value.partition(":")[0] == "gzip":
        level = value.partition(":")[2]
        if not level:
            return {"gzip": DEFAULT_GZIP_LEVEL}
        if level.isdigit():
            return {"gzip": int(level)}
    raise ArgumentError("{compression} takes none, gzip, gzip:LEVEL (1 fastest to 9 "
                        "smallest) or the API's object; got %r" % (value,))


def parse_chunk_size(value):
    """``options.chunk_size``: an integer (numpy integers too), or None."""
    if value is None:
        return None
    try:
        return operator.index(value)
    except TypeError:
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise ArgumentError("{chunk_size} takes a number of elements per chunk (64 to "
                            "1048576); got %r" % (value,)) from None


def parse_metadata(value):
    """``options.metadata``: a mapping, or its JSON text."""
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    raise ArgumentError("{metadata} takes a JSON object; got %r" % (value,))


def build_request(channels=None, signals=None, last=None, start=None, end=None, duration=None,
                  preset=None, decimation=None, metadata=None, format=None, exclude=None,
                  pattern=None, compression=None, chunk_size=None, priority=None,
                  on_missing=None):
    """The JSON body of POST /api/v1/pivot/jobs for these arguments.

    The time range is one of: ``last`` (a duration before now), ``start`` and
    ``end``, ``start`` and ``duration``, ``end`` and ``duration``, or a
    ``preset`` name. ``signals`` is a mapping {channel: [names] or "*"}, or a
    list applied to every channel in ``channels``. The options are the API's
    ``options`` members; the server checks their values.
    """
    body = {"time_range": time_range(last=last, start=start, end=end, duration=duration,
                                     preset=preset)}
    include = names(channels)
    if include is None and pattern is None:
        raise ArgumentError("name the channels to export with {channels} or {pattern}")
    body["channels"] = {"include": include, "exclude": names(exclude), "pattern": pattern}
    if signals is not None:
        if isinstance(signals, dict):
            body["signals"] = dict(signals)
        else:
            if include is None:
                raise ArgumentError("a list of signals applies to the channels named in "
                                    "{channels}; with a pattern, give {signals} per channel")
            body["signals"] = {ch: names(signals) for ch in include}
    options = {"format": format, "metadata": parse_metadata(metadata),
               "decimation": parse_decimation(decimation),
               "compression": parse_compression(compression),
               "chunk_size": parse_chunk_size(chunk_size), "priority": priority,
               "on_missing": on_missing}
    options = {k: v for k, v in options.items() if v is not None}
    if options:
        body["options"] = options
    return body

