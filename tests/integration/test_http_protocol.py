"""The HTTP protocol edges of a real pivotd, mostly over raw sockets: no
HTTP/2 on the plain port (prior knowledge or Upgrade), ambiguous request
framing refused and the connection closed (no smuggled second request),
ranges merged and capped on downloads with If-Range and If-None-Match: *
honoured, credential headers sent twice refused, duplicate JSON members
refused, absolute-form request URIs routed by their path, a query that is
not UTF-8 named as a bad query, and a Server header without a version.

Every socket read loop is bounded in count and in time.
"""

import json
import os
import re
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
QUOTA = ph.API + "/quota"
HEALTH = "/api/v1/health"
SMALL = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:10Z"),
         "channels": {"include": ["ch000"]}}
# The most ranges one Range header may list before the whole file is sent (docs/security.md).
MAX_RANGES = 16
H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def h2_frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack(">I", stream) + payload


def parse_responses(data):
    """Splits raw bytes into HTTP/1.1 responses: [(status, headers, body)].
    Headers are a list of (lower-case name, value); a body is framed by
    Content-Length or chunked encoding, else it runs to the end."""
    out = []
    for _ in range(100):
        if not data.startswith(b"HTTP/1."):
            break
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = [(n.strip().lower(), v.strip())
                   for n, _, v in (line.partition(":") for line in lines[1:])]
        names = dict(headers)
        if "content-length" in names:
            n = int(names["content-length"])
            body, data = rest[:n], rest[n:]
        elif names.get("transfer-encoding") == "chunked":
            body = b""
            for _ in range(10000):
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line, 16)
                body += rest[:size]
                rest = rest[size + 2:]
                if size == 0:
                    break
            data = rest
        elif status in (204, 304):
            body = b""
            data = rest
        else:
            body, data = rest, b""
        out.append((status, headers, body))
    return out


def header(headers, name):
    values = [v for n, v in headers if n == name]
    return values[0] if values else None


def multipart_parts(content_type, body):
    """The (Content-Range, bytes) of each part of a multipart/byteranges body."""
    boundary = re.search(r"boundary=(\S+)", content_type).group(1).encode()
    parts = []
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, payload = chunk.partition(b"\r\n\r\n")
        crange = re.search(rb"(?i)content-range: *bytes (\d+)-(\d+)/(\d+)", head)
        parts.append(((int(crange.group(1)), int(crange.group(2))), payload[:-2]))
    return parts


class HttpProtocolTest(ph.ServerCase):
    WORK_PREFIX = "pivot-http-protocol-"
    # API keys for scripts, and a single-sign-on proxy on 127.0.0.1.
    CONFIG = ("auth:\n  backends: [apikey, trusted-header]\n"
              "plugins:\n  auth:\n    trusted_header:\n      header: X-Remote-User\n"
              "      proxies: [127.0.0.1]\n")

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=2, seconds=20, rate=100, signals=2)

    @classmethod
    def after_start(cls):
        host, port = cls.server.base[len("http://"):].rsplit(":", 1)
        cls.addr = (host, int(port))
        job = cls.api.wait(cls.api.submit(SMALL))
        if job["status"] != "completed":
            raise AssertionError("the download job did not complete: %r" % (job,))
        cls.job_id = job["job_id"]
        r = cls.api.download(cls.job_id)
        cls.file = r.content
        cls.etag = r.headers["ETag"]
        cls.last_modified = r.headers["Last-Modified"]
        cls.download_path = JOBS + "/" + cls.job_id + "/download"

    def tearDown(self):
        started = time.monotonic()
        r = self.client(None).get(HEALTH, timeout=5)
        self.assertEqual(r.status_code, 200)
        self.assertLess(time.monotonic() - started, 1.0)

    # ------------------------------------------------------------ helpers

    def exchange(self, data, seconds=5.0):
        """Sends data on a new connection and reads until the server closes it
        or `seconds` pass; returns (bytes read, whether it closed)."""
        sock = socket.create_connection(self.addr, timeout=seconds)
        out, closed = b"", False
        deadline = time.monotonic() + seconds
        try:
            sock.sendall(data)
            for _ in range(10000):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
                try:
                    chunk = sock.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    closed = True
                    break
                out += chunk
        except (ConnectionResetError, BrokenPipeError):
            closed = True
        finally:
            sock.close()
        return out, closed

    def request_bytes(self, method, target, headers=(), body=b"", close=True):
        """A request; it asks the server to close the connection after it
        unless close is False or the headers name a Connection."""
        lines = ["%s %s HTTP/1.1" % (method, target), "Host: 127.0.0.1"]
        lines += ["%s: %s" % h for h in headers]
        if close and not any(n.lower() == "connection" for n, _ in headers):
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def one_response(self, data, seconds=5.0):
        out, _ = self.exchange(data, seconds)
        responses = parse_responses(out)
        self.assertEqual(len(responses), 1, out[:600])
        return responses[0]

    def assertProblem(self, response, status, slug, field=None):
        got_status, headers, body = response
        self.assertEqual(got_status, status, body[:400])
        self.assertEqual(header(headers, "content-type"), ph.PROBLEM_CT)
        problem = json.loads(body)
        self.assertEqual(problem["type"], "/api/v1/problems/" + slug, problem)
        self.assertEqual(problem.get("field"), field, problem)
        return problem

    def wait_log(self, pattern, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.server.log())
            if m is not None or time.monotonic() > deadline:
                return m
            time.sleep(0.05)

    def download(self, headers):
        return self.api.get(self.download_path, headers=headers)

    # ------------------------------------------------------------ item 4: no HTTP/2 in clear

    def test_h2c_prior_knowledge_is_not_served_as_http2(self):
        # The rapid-reset pattern: HEADERS then RST_STREAM, stream after stream.
        # A GET /api/v1/health header block, HPACK-encoded with static-table
        # entries and literal values.
        block = (b"\x82\x86\x41\x09127.0.0.1\x04\x0e/api/v1/health")
        frames = h2_frame(4, 0, 0)
        for stream in range(1, 2 * 200, 2):
            frames += h2_frame(1, 0x5, stream, block) + h2_frame(3, 0, stream, b"\x00\x00\x00\x08")
        out, closed = self.exchange(H2_PREFACE + frames, seconds=3.0)
        # No SETTINGS frame (type 4 on stream 0) and no HTTP/2 answer at all:
        # the preface is a malformed HTTP/1.1 request.
        self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out[:100])
        self.assertNotIn(b"\x04\x00\x00\x00\x00\x00", out[:20])
        self.assertTrue(closed, out[:200])

    def test_upgrade_h2c_is_answered_in_http1(self):
        status, headers, body = self.one_response(self.request_bytes("GET", HEALTH, [
            ("Connection", "Upgrade, HTTP2-Settings"), ("Upgrade", "h2c"),
            ("HTTP2-Settings", "AAMAAABkAAQAAP__")]))
        self.assertEqual(status, 200)
        self.assertIsNone(header(headers, "upgrade"))
        self.assertEqual(json.loads(body)["status"], "ok")

    # ------------------------------------------------------------ item 5: request framing

    def smuggled(self):
        """The second request of a smuggling attempt: one that needs a key."""
        return self.request_bytes("GET", QUOTA, [("X-API-Key", self.key)])

    def smuggle(self, framing, body):
        """A health check carrying `framing` headers and `body`, followed on
        the same connection by the smuggled request."""
        return self.request_bytes("GET", HEALTH, framing, body + self.smuggled(), close=False)

    def test_two_content_lengths_are_refused_and_close(self):
        smuggled_len = len(self.smuggled())
        for framing in ([("Content-Length", "0"), ("Content-Length", str(smuggled_len))],
                        [("Content-Length", str(smuggled_len)), ("Content-Length", "0")]):
            out, closed = self.exchange(self.smuggle(framing, b""))
            responses = parse_responses(out)
            self.assertEqual(len(responses), 1, out[:800])
            problem = self.assertProblem(responses[0], 400, "invalid-header", "Content-Length")
            self.assertIn("Content-Length", problem["detail"])
            self.assertEqual(header(responses[0][1], "connection"), "close")
            self.assertTrue(closed)
        # The same length twice is not ambiguous (RFC 9112 section 6.3).
        status, _, body = self.one_response(self.request_bytes(
            "GET", HEALTH, [("Content-Length", "0"), ("Content-Length", "0")]))
        self.assertEqual((status, json.loads(body)["status"]), (200, "ok"))

    def test_clean_pipelined_requests_are_all_answered(self):
        # The framing check reads each head from the connection's buffer:
        # requests after the first, with and without a body, are checked too.
        body = json.dumps(SMALL).encode()
        data = (self.request_bytes("GET", QUOTA, [("X-API-Key", self.key)], close=False)
                + self.request_bytes("POST", JOBS + "?dry_run=true", [
                    ("X-API-Key", self.key), ("Content-Length", str(len(body)))], body,
                    close=False)
                + self.request_bytes("GET", HEALTH))
        out, closed = self.exchange(data)
        responses = parse_responses(out)
        self.assertEqual([r[0] for r in responses], [200, 200, 200], out[:800])
        self.assertEqual(json.loads(responses[1][2])["channels"][0]["name"], "ch000")
        self.assertTrue(closed)

    def test_chunked_with_content_length_is_refused_and_closes(self):
        framing = [("Content-Length", "5"), ("Transfer-Encoding", "chunked")]
        out, closed = self.exchange(self.smuggle(framing, b"0\r\n\r\n"))
        responses = parse_responses(out)
        self.assertEqual(len(responses), 1, out[:800])
        self.assertProblem(responses[0], 400, "invalid-header", "Transfer-Encoding")
        self.assertEqual(header(responses[0][1], "connection"), "close")
        self.assertTrue(closed)
        # POST too: no job is queued from such a request.
        before = self.api.get(JOBS).json()["total"]
        body = json.dumps(SMALL).encode()
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        response = self.one_response(self.request_bytes("POST", JOBS, [
            ("X-API-Key", self.key), ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"), ("Content-Length", str(len(chunked)))], chunked))
        self.assertProblem(response, 400, "invalid-header", "Transfer-Encoding")
        self.assertEqual(self.api.get(JOBS).json()["total"], before)

    # ------------------------------------------------------------ item 6: ranges

    def test_many_ranges_get_the_whole_file(self):
        r = self.download({"Range": "bytes=" + ",".join(["0-"] * 1000)})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(int(r.headers["Content-Length"]), len(self.file))
        self.assertEqual(r.content, self.file)
        # The cap counts the ranges as listed: MAX_RANGES disjoint ones are
        # served, one more is the whole file.
        spans = [(i * 100, i * 100 + 9) for i in range(MAX_RANGES + 1)]
        text = ",".join("%d-%d" % s for s in spans)
        r = self.download({"Range": "bytes=" + text.rsplit(",", 1)[0]})
        self.assertEqual(r.status_code, 206)
        parts = multipart_parts(r.headers["Content-Type"], r.content)
        self.assertEqual([p[0] for p in parts], spans[:MAX_RANGES])
        self.assertEqual([p[1] for p in parts], [self.file[a:b + 1] for a, b in spans[:-1]])
        r = self.download({"Range": "bytes=" + text})
        self.assertEqual((r.status_code, len(r.content)), (200, len(self.file)))

    def test_overlapping_and_adjacent_ranges_are_merged(self):
        r = self.download({"Range": "bytes=0-99,50-149,150-199"})
        self.assertEqual(r.status_code, 206)
        self.assertEqual(r.headers["Content-Range"], "bytes 0-199/%d" % len(self.file))
        self.assertEqual(r.content, self.file[:200])
        # Out of order and overlapping: two parts in file order.
        r = self.download({"Range": "bytes=100-109, 0-9, 5-14"})
        self.assertEqual(r.status_code, 206)
        parts = multipart_parts(r.headers["Content-Type"], r.content)
        self.assertEqual(parts, [((0, 14), self.file[0:15]), ((100, 109), self.file[100:110])])
        # A suffix and an open end covering the same tail are one range.
        size = len(self.file)
        r = self.download({"Range": "bytes=-100,%d-" % (size - 150)})
        self.assertEqual(r.headers["Content-Range"], "bytes %d-%d/%d" % (size - 150, size - 1,
                                                                           size))
        self.assertEqual(r.content, self.file[-150:])

    def test_range_units_and_validity(self):
        r = self.download({"Range": "items=0-1"})
        self.assertEqual((r.status_code, r.content), (200, self.file))
        r = self.download({"Range": "bytes=abc"})
        self.assertEqual((r.status_code, r.content), (200, self.file))
        r = self.download({"Range": "bytes=%d-" % len(self.file)})
        self.assertEqual(r.status_code, 416)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
        self.assertEqual(r.headers["Content-Range"], "bytes */%d" % len(self.file))
        self.assertEqual(r.json()["type"], "/api/v1/problems/range-not-satisfiable")
        # Unsatisfiable ranges beside a satisfiable one are dropped.
        r = self.download({"Range": "bytes=0-1,%d-" % (len(self.file) + 10)})
        self.assertEqual((r.status_code, r.content), (206, self.file[:2]))

    def test_if_range(self):
        rng = {"Range": "bytes=10-19"}
        for validator in (self.etag, self.last_modified):
            r = self.download(dict(rng, **{"If-Range": validator}))
            self.assertEqual((r.status_code, r.content), (206, self.file[10:20]), validator)
        for validator in ('"not-the-etag"', "W/" + self.etag, "Wed, 01 Jan 2020 00:00:00 GMT"):
            r = self.download(dict(rng, **{"If-Range": validator}))
            self.assertEqual((r.status_code, len(r.content)), (200, len(self.file)), validator)

    def test_if_none_match_star(self):
        r = self.download({"If-None-Match": "*"})
        self.assertEqual((r.status_code, r.content), (304, b""))
        self.assertEqual(r.headers["ETag"], self.etag)
        r = self.download({"If-None-Match": '"something-else"'})
        self.assertEqual((r.status_code, r.content), (200, self.file))

    # ------------------------------------------------------------ item 7: credentials sent twice

    def test_api_key_twice_is_refused_and_audited(self):
        other = self.server.create_key("mallory")
        for keys in ((self.key, other), (self.key, self.key), ("pvk_bogus", self.key)):
            response = self.one_response(self.request_bytes(
                "GET", QUOTA, [("X-API-Key", keys[0]), ("X-API-Key", keys[1])]))
            problem = self.assertProblem(response, 400, "invalid-header", "X-API-Key")
            self.assertIn("more than once", problem["detail"])
            self.assertNotIn(keys[0], problem["detail"])
        m = self.wait_log(r"pivotd: warning: audit: \S+Z auth-failure from 127\.0\.0\.1 key -: "
                          r"the header x-api-key was sent 2 times: GET /api/v1/pivot/quota")
        self.assertIsNotNone(m, self.server.log()[-2000:])
        self.assertNotIn(other, self.server.log())

    def test_user_header_twice_is_refused_and_audited(self):
        status, _, body = self.one_response(self.request_bytes(
            "GET", QUOTA, [("X-Remote-User", "erin")]))
        self.assertEqual((status, json.loads(body)["user"]), (200, "erin"))
        response = self.one_response(self.request_bytes(
            "GET", QUOTA, [("X-Remote-User", "erin"), ("X-Remote-User", "boss")]))
        self.assertProblem(response, 400, "invalid-header", "X-Remote-User")
        m = self.wait_log(r"pivotd: warning: audit: \S+Z auth-failure from 127\.0\.0\.1 key -: "
                          r"the header x-remote-user was sent 2 times: GET /api/v1/pivot/quota")
        self.assertIsNotNone(m, self.server.log()[-2000:])

    # ------------------------------------------------------------ item 9: duplicate JSON members

    def test_duplicate_json_members_are_refused(self):
        before = self.api.get(JOBS).json()["total"]
        start = '"start":"2025-01-01T00:00:00Z"'
        cases = [
            ('{"time_range":{"type":"absolute",%s,"end":"2025-01-01T00:00:10Z"},'
             '"channels":{"include":["ch000"]},"channels":{"include":["ch001"]}}' % start,
             "channels"),
            ('{"time_range":{"type":"absolute",%s,%s,"end":"2025-01-01T00:00:10Z"},'
             '"channels":{"include":["ch000"]}}' % (start, start.replace("00:00Z", "00:05Z")),
             "time_range.start"),
            ('{"time_range":{"type":"absolute",%s,"end":"2025-01-01T00:00:10Z"},'
             '"channels":{"include":["ch000"]},'
             '"options":{"metadata":{"site":"a","tags":[{"k":1,"k":2}]}}}' % start,
             "options.metadata.tags[0].k"),
            # A large object (sorted rather than compared in pairs).
            ('{"time_range":{"type":"absolute",%s,"end":"2025-01-01T00:00:10Z"},'
             '"channels":{"include":["ch000"]},"options":{"metadata":{%s}}}'
             % (start, ",".join('"m%d":%d' % (i % 90, i) for i in range(100))),
             "options.metadata.m0"),
        ]
        for text, field in cases:
            r, _ = self.api.post_job(text)
            self.assertEqual(r.status_code, 400, r.text)
            problem = r.json()
            self.assertEqual(problem["type"], "/api/v1/problems/invalid-field", problem)
            self.assertEqual(problem["field"], field)
            self.assertIn("more than once", problem["detail"])
        self.assertEqual(self.api.get(JOBS).json()["total"], before)

    # ------------------------------------------------------------ item 13: small ones

    def test_absolute_form_uri_is_routed_by_its_path(self):
        authority = "%s:%d" % self.addr
        status, _, body = self.one_response(self.request_bytes(
            "GET", "http://%s%s" % (authority, HEALTH)))
        self.assertEqual((status, json.loads(body)["status"]), (200, "ok"))
        status, _, body = self.one_response(self.request_bytes(
            "GET", "http://pivot.example%s" % QUOTA, [("X-API-Key", self.key)]))
        self.assertEqual((status, json.loads(body)["user"]), (200, "alice"))
        status, _, body = self.one_response(self.request_bytes(
            "GET", "http://%s%s?limit=1&page=1" % (authority, JOBS), [("X-API-Key", self.key)]))
        self.assertEqual((status, json.loads(body)["limit"]), (200, 1))
        status, _, body = self.one_response(self.request_bytes(
            "GET", "http://%s%s" % (authority, self.download_path), [("X-API-Key", self.key)]))
        self.assertEqual((status, body), (200, self.file))
        response = self.one_response(self.request_bytes(
            "GET", "http://%s/api/v1/nothing" % authority))
        problem = self.assertProblem(response, 404, "not-found")
        self.assertEqual(problem["instance"], "/api/v1/nothing")

    def test_query_that_is_not_utf8_is_a_bad_query(self):
        r = self.api.get(ph.API + "/export?channels=ch000&start=%ff%fe"
                         "&end=2025-01-01T00:00:01Z")
        self.assertEqual(r.status_code, 400, r.text)
        self.assertEqual(r.json()["type"], "/api/v1/problems/invalid-query")
        self.assertEqual(r.json()["field"], "start")
        r = self.api.get(ph.API + "/export?channels=ch%c3&start=2025-01-01T00:00:00Z"
                         "&end=2025-01-01T00:00:01Z")
        self.assertEqual((r.status_code, r.json()["field"]), (400, "channels"), r.text)

    def test_server_header_names_no_version(self):
        for path, key in ((HEALTH, None), ("/nothing", None), (QUOTA, self.key),
                          (self.download_path, self.key)):
            status, headers, _ = self.one_response(self.request_bytes(
                "GET", path, [("X-API-Key", key)] if key else []))
            self.assertEqual(header(headers, "server"), "pivotd", (path, status))


if __name__ == "__main__":
    unittest.main(verbosity=2)
