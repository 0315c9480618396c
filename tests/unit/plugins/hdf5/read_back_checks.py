"""What the Python read-back checks of the exporter's files share: check()
records a failure and carries on, so that one run reports every broken
expectation; check_eq() compares the type too, so that an attribute stored
as another numpy type than expected fails."""
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("CHECK failed: " + what, file=sys.stderr)


def check_eq(actual, expected, what):
    ok = type(actual) is type(expected) and actual == expected
    check(ok, "%s == %r (%s), expected %r (%s)" % (
        what, actual, type(actual).__name__, expected, type(expected).__name__))
