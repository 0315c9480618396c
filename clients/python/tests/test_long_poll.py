"""Client.wait long-polls: every status read asks ?wait= and, after the first,
sends the ETag it last saw, so the server answers on the job's next change
instead of the client sleeping a Retry-After between polls."""

import requests

from speeddata_pivot import Client


def test_wait_long_polls_with_the_last_etag(pivot):
    sent = []
    session = requests.Session()
    session.hooks["response"].append(
        lambda r, *a, **kw: sent.append((r.request.method, r.request.url,
                                         r.request.headers.get("If-None-Match"),
                                         r.headers.get("ETag"))))
    with Client(pivot.url, api_key=pivot.key, session=session) as client:
        job = client.submit(channels=["ch000"], start="2025-01-01T00:00:00Z",
                            end="2025-01-01T00:01:00Z")
        done = client.wait(job, progress=False)
    assert done["status"] == "completed"
    polls = [s for s in sent if s[0] == "GET" and "/jobs/" + job["job_id"] in s[1]]
    assert polls, sent
    assert all("wait=30.000" in url for _, url, _, _ in polls), polls
    # Each poll names the state the one before it answered, and the answers differ.
    assert [p[2] for p in polls] == [None] + [p[3] for p in polls[:-1]]
    assert len({p[3] for p in polls}) == len(polls)
    assert polls[-1][3] == 'W/"completed-100"'


def test_wait_without_long_polling_still_works(client):
    job = client.submit(channels=["ch000"], start="2025-01-01T00:00:00Z",
                        end="2025-01-01T00:00:10Z")
    assert client.wait(job, progress=False, long_poll=0, poll_interval=0.05)["status"] == \
        "completed"
