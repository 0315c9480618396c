"""What the Python read-back checks of the exporter's files share: check()
records a failure and carries on, so that one run reports every broken
expectation; check_eq() compares the type too, so that an attribute stored
as another numpy type than expected fails; read_strings() reads a string
signal in either of its layouts."""
import sys

failures = []


def read_strings(ds):
    """A string signal's values as str, in either layout the exporter writes:
    a character array (rows of one-byte strings, NUL-padded) or
    variable-length strings."""
    if ds.ndim == 2:
        return [r.decode("utf-8") for r in ds[...].view("S%d" % ds.shape[1]).reshape(-1)]
    return list(ds.asstr()[...])


def check(cond, what):
    if not cond:
        failures.append(what)
        print("CHECK failed: " + what, file=sys.stderr)


def check_eq(actual, expected, what):
    ok = type(actual) is type(expected) and actual == expected
    check(ok, "%s == %r (%s), expected %r (%s)" % (
        what, actual, type(actual).__name__, expected, type(expected).__name__))
