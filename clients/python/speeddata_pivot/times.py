"""Times and durations for the API, from whatever a researcher holds.

Times become RFC 3339 UTC strings with up to nine fractional digits,
durations ISO 8601 ``PT<seconds>S``. Besides strings (sent as they are),
``datetime.datetime`` (with a timezone), ``numpy.datetime64`` (UTC, as numpy
has no timezones), pandas ``Timestamp`` (with a timezone), and for durations
``datetime.timedelta``, ``numpy.timedelta64``, pandas ``Timedelta`` and
seconds as a number. numpy and pandas are used only when given, never imported.
"""

import datetime
import numbers

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_NS = 1000000000


def _numpy_ns(value, kind):
    """Nanoseconds of a numpy datetime64/timedelta64 (kind "M"/"m"), or None if it is not one."""
    dtype = getattr(value, "dtype", None)
    if dtype is None or getattr(dtype, "kind", None) != kind or getattr(value, "ndim", 0) != 0:
        return None
    if str(value) in ("NaT", "NaN"):
        raise ValueError("%r is not a time: give a real value" % (value,))
    return int(value.astype("%s8[ns]" % kind).astype("int64"))


def _fraction(ns):
    """".123" for 123000000 ns, "" for none: the API's fractional seconds."""
    return ("." + ("%09d" % ns).rstrip("0")) if ns else ""


def rfc3339(value):
    """A time for the API: strings pass through, the rest becomes RFC 3339 UTC."""
    if value is None or isinstance(value, str):
        return value
    ns = _numpy_ns(value, "M")
    if ns is None and isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive time %r: give it a timezone (datetime.timezone.utc, or "
                             "Timestamp.tz_localize('UTC'))" % (value,))
        # pandas Timestamps carry nanoseconds beyond datetime's microseconds.
        extra_ns = int(getattr(value, "nanosecond", 0) or 0)
        delta = value.astimezone(datetime.timezone.utc) - _EPOCH
        ns = ((delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds) * 1000 \
            + extra_ns
    if ns is None:
        raise TypeError("a time must be an RFC 3339 string, a datetime with a timezone, a "
                        "numpy.datetime64 or a pandas Timestamp; got %s %r"
                        % (type(value).__name__, value))
    seconds, frac = divmod(ns, _NS)
    when = _EPOCH + datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(frac) + "Z"


def duration_ns(value):
    """A duration object or number of seconds as integer nanoseconds; None for a string."""
    if isinstance(value, str):
        return None
    ns = _numpy_ns(value, "m")
    if ns is not None:
        return ns
    if hasattr(value, "value") and isinstance(value, datetime.timedelta):
        return int(value.value)  # pandas Timedelta: exact nanoseconds
    if isinstance(value, datetime.timedelta):
        return ((value.days * 86400 + value.seconds) * 1000000 + value.microseconds) * 1000
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return int(round(float(value) * _NS)) if not isinstance(value, numbers.Integral) \
            else int(value) * _NS
    raise TypeError("a duration must be an ISO 8601 string (PT1H), seconds as a number, a "
                    "datetime.timedelta, a numpy.timedelta64 or a pandas Timedelta; got %s %r"
                    % (type(value).__name__, value))


def iso_duration(value):
    """A duration for the API: strings pass through, the rest becomes ``PT<seconds>S``."""
    if value is None:
        return None
    ns = duration_ns(value)
    if ns is None:
        return value
    if ns <= 0:
        raise ValueError("a duration must be positive, got %r" % (value,))
    seconds, frac = divmod(ns, _NS)
    return "PT%d%sS" % (seconds, _fraction(frac))
