"""Byte counts in human units, for messages and progress displays."""

import re

_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
# "1057671168 bytes" in a server's message, unless a human figure already follows.
_BYTES_IN_TEXT = re.compile(r"\b(\d{4,}) bytes\b(?! \()")


def human_bytes(n):
    """1536 -> "1.5 KiB", 1057671168 -> "1008.7 MiB"; binary units, as ls -h and h5ls."""
    n = int(n)
    if abs(n) < 1024:
        return "%d B" % n
    value = float(n)
    for unit in _UNITS:
        value /= 1024.0
        if abs(value) < 1024.0 or unit == _UNITS[-1]:
            return "%.1f %s" % (value, unit)
    return "%d B" % n  # not reached


def with_human_bytes(text):
    """The text with every "N bytes" of four digits or more followed by its human figure."""
    if not text:
        return text
    return _BYTES_IN_TEXT.sub(lambda m: "%s bytes (%s)" % (m.group(1),
                                                          human_bytes(m.group(1))), text)
