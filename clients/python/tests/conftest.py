"""A real pivotd for the client's tests, started once per test session.

The binaries come from the environment ctest sets (PIVOTD, PIVOT_GEN_AVRO,
PIVOT_PLUGIN_DIR); the server helpers are the integration tests' harness.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import pivot_harness as h  # noqa: E402


class Deployment:
    def __init__(self, work, cache, server, key, other_key):
        self.work = work
        self.cache = cache
        self.server = server
        self.key = key
        self.other_key = other_key

    @property
    def url(self):
        return self.server.base


@pytest.fixture(scope="session")
def pivot():
    work = h.WorkDir("pivot-client-")
    # 2 channels, 10 minutes at 100 Hz from 2025-01-01T00:00:00Z: the range the
    # README and the notebook example use.
    cache = h.Cache.generate(work.sub("data"), channels=2, seconds=600, rate=100, signals=2,
                             with_mode=True)
    server = h.Server(work.sub("data"), work.sub("state"))
    server.start()
    try:
        yield Deployment(work, cache, server, server.create_key("alice"),
                         server.create_key("bob"))
    finally:
        rc = server.stop()
        work.close()
        assert rc == 0, "pivotd serve exited with %r" % (rc,)


@pytest.fixture
def client(pivot):
    from speeddata_pivot import Client
    c = Client(pivot.url, api_key=pivot.key)
    yield c
    c.close()
