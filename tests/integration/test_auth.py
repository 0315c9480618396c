"""Multi-user authentication against a real pivotd: the key lifecycle (create
with a label and an expiry, list, use, revoke and expire while the server
runs), isolation between two users on every job endpoint, the admin role and
its owner filter, the audit lines, the trusted-header backend from a trusted
and an untrusted address, a brute-force loop of wrong keys, and the keys of a
state folder made before the apikey backend had its own file (auth.db)."""

import http.client
import json
import os
import random
import re
import sqlite3
import string
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pivot_harness as ph  # noqa: E402

JOBS = ph.API + "/jobs"
QUOTA = ph.API + "/quota"
SMALL = {"time_range": ph.absolute("2025-01-01T00:00:00Z", "2025-01-01T00:00:02Z"),
         "channels": {"include": ["ch000"]}}
UNTRUSTED = "127.0.0.2"
LEGACY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                      "state-before-auth-db")
B64URL = string.ascii_letters + string.digits + "-_"


def pivotd(server, *args):
    """Runs a pivotd admin command on the server's state; returns (rc, stdout, stderr)."""
    cmd = [ph.pivotd_path()] + list(args) + server._common_args()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return out.returncode, out.stdout.decode(), out.stderr.decode()


def key_id(key):
    return key[4:16]


def raw_request(server, method, path, headers, source=None, body=None):
    """One request over http.client, optionally from another local address."""
    host, port = re.match(r"http://([0-9.]+):(\d+)", server.base).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=30,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data
    finally:
        conn.close()


class AuthCase(ph.ServerCase):
    """An empty pivot.yaml unless a class sets one; the tests make every key."""

    WORK_PREFIX = "pivot-auth-"
    CONFIG = ""
    USER = None

    @classmethod
    def write_data(cls, data):
        ph.Cache.generate(data, channels=3, seconds=10, rate=10, signals=1)

    def assertProblem(self, r, status, slug):
        self.assertEqual(r.status_code, status, r.text)
        self.assertEqual(r.headers["Content-Type"], ph.PROBLEM_CT)
        self.assertEqual(r.json()["type"], "/api/v1/problems/" + slug)

    def assertUnauthorized(self, r):
        self.assertProblem(r, 401, "unauthorized")
        self.assertEqual(r.headers["WWW-Authenticate"], 'ApiKey header="X-API-Key"')

    def wait_log(self, pattern, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.server.log())
            if m is not None or time.monotonic() > deadline:
                return m
            time.sleep(0.05)


class KeysAndIsolationTest(AuthCase):
    def test_key_lifecycle_list_revoke_expire(self):
        rc, out, err = pivotd(self.server, "keys", "create", "--user", "life",
                              "--label", "nightly sync", "--expires", "1h")
        self.assertEqual(rc, 0, err)
        key = out.strip()
        self.assertRegex(key, r"^pvk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$")
        api = self.client(key)
        r = api.get(QUOTA)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual((r.json()["user"], r.json()["role"]), ("life", "user"))

        rc, listing, err = pivotd(self.server, "keys", "list")
        self.assertEqual(rc, 0, err)
        self.assertNotIn(key, listing)
        self.assertNotIn(key[17:], listing)  # nor the secret alone
        header = listing.splitlines()[0].split()
        self.assertEqual(header, ["ID", "USER", "ROLE", "CREATED", "LAST", "USED", "EXPIRES",
                                  "REVOKED", "LABEL"])
        row = [line for line in listing.splitlines() if line.startswith(key_id(key))]
        self.assertEqual(len(row), 1)
        cols = row[0].split()
        self.assertEqual(cols[:3], [key_id(key), "life", "user"])
        created, used, expires, revoked = cols[3:7]
        self.assertRegex(used, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")  # the use above
        # The command reads the clock for the expiry just before the backend reads
        # it for the creation, and both are kept to the second: a second boundary
        # may fall between the two reads.
        self.assertIn(ph.parse_rfc3339_ns(expires) - ph.parse_rfc3339_ns(created),
                      (3599 * ph.NS, 3600 * ph.NS))
        self.assertEqual(revoked, "-")
        self.assertEqual(" ".join(cols[7:]), "nightly sync")

        # Revoked while the server runs: refused at the very next request.
        rc, out, err = pivotd(self.server, "keys", "revoke", key_id(key))
        self.assertEqual((rc, out), (0, "revoked %s\n" % key_id(key)), err)
        self.assertUnauthorized(api.get(QUOTA))
        self.assertUnauthorized(api.get(JOBS))
        rc, listing, _ = pivotd(self.server, "keys", "list")
        row = [line for line in listing.splitlines() if line.startswith(key_id(key))][0]
        self.assertRegex(row.split()[6], r"^\d{4}-\d\d-\d\dT")
        m = self.wait_log(r"auth: warning: audit: \S+Z auth-failure from 127\.0\.0\.1 key %s: "
                          r"revoked" % re.escape(key_id(key)))
        self.assertIsNotNone(m, self.server.log())
        # Revoking an unknown id fails and says so.
        rc, _, err = pivotd(self.server, "keys", "revoke", "AAAAAAAAAAAA")
        self.assertEqual(rc, 1)
        self.assertIn('no api key has the id "AAAAAAAAAAAA"', err)
        # Ids are base64url and may start with "-" or "--": taken as the id,
        # not as an option, with or without a "--" before them.
        for args in (("-AAAAAAAAAAA",), ("--", "-AAAAAAAAAAA"), ("--AAAAAAAAAA",),
                     ("--", "--AAAAAAAAAA")):
            rc, _, err = pivotd(self.server, "keys", "revoke", *args)
            self.assertEqual(rc, 1, (args, err))
            self.assertIn('no api key has the id "%s"' % args[-1], err)

        # A short expiry: refused once it has passed. A key with an expiry
        # is accepted before it (the hour-long key above); this one lives a
        # second, and the wait ends as soon as the server's clock, which
        # counts whole seconds, has reached the expiry `keys list` shows.
        rc, out, err = pivotd(self.server, "keys", "create", "--user", "life", "--expires", "1s")
        self.assertEqual(rc, 0, err)
        short = self.client(out.strip())
        rc, listing, _ = pivotd(self.server, "keys", "list")
        row = [line for line in listing.splitlines() if line.startswith(key_id(out.strip()))][0]
        # A "*" after the expiry marks a key already expired (a slow run).
        created, expires = row.split()[3], row.split()[5].rstrip("*")
        self.assertEqual(ph.parse_rfc3339_ns(expires) - ph.parse_rfc3339_ns(created), ph.NS)
        wait = ph.parse_rfc3339_ns(expires) / ph.NS - time.time()
        self.assertLessEqual(wait, 1.0)
        time.sleep(max(0.0, wait + 0.01))
        self.assertUnauthorized(short.get(QUOTA))
        m = self.wait_log(r"audit: \S+Z auth-failure from 127\.0\.0\.1 key %s: expired"
                          % re.escape(key_id(out.strip())))
        self.assertIsNotNone(m, self.server.log())
        # Bad arguments are refused before anything is stored.
        for args in (["--expires", "soon"], ["--role", "root"], ["--expires", "0s"]):
            rc, out, _ = pivotd(self.server, "keys", "create", "--user", "life", *args)
            self.assertNotEqual(rc, 0, args)
            self.assertEqual(out, "")
        self.assertNotIn(key, self.server.log())

    def test_missing_and_unknown_keys_are_401_and_audited(self):
        anon = self.client(None)
        self.assertUnauthorized(anon.get(JOBS))
        self.assertEqual(anon.get(JOBS).json()["title"], "Authentication required")
        m = self.wait_log(r"pivotd: warning: audit: \S+Z auth-failure from 127\.0\.0\.1 key -: "
                          r"no credentials: GET /api/v1/pivot/jobs")
        self.assertIsNotNone(m, self.server.log())
        fake = "pvk_ZZZZZZZZZZZZ_" + "A" * 43
        r = self.client(fake).get(JOBS)
        self.assertUnauthorized(r)
        self.assertEqual(r.json()["title"], "Authentication failed")
        m = self.wait_log(r"pivotd: warning: audit: \S+Z auth-failure from 127\.0\.0\.1 key "
                          r"ZZZZZZZZZZZZ: refused by backend apikey")
        self.assertIsNotNone(m, self.server.log())
        self.assertNotIn("A" * 43, self.server.log())

    def test_isolation_between_users_on_every_endpoint(self):
        alice, bob = self.user("alice"), self.user("bob")
        job = alice.submit(SMALL)
        self.assertEqual(alice.wait(job)["status"], "completed")
        self.assertEqual(alice.download(job).status_code, 200)
        path = JOBS + "/" + job
        # Bob cannot tell alice's job from a job that does not exist.
        for r in (bob.get(path), bob.download(job), bob.delete(path),
                  bob.request("HEAD", path), bob.request("HEAD", path + "/download")):
            self.assertEqual(r.status_code, 404)
        self.assertProblem(bob.get(path), 404, "job-not-found")
        self.assertEqual(bob.get(path).json()["detail"],
                         bob.get(JOBS + "/AAAAAAAAAAAAAAAAAAAAAA").json()["detail"])
        self.assertEqual(bob.get(JOBS).json()["total"], 0)
        self.assertEqual(bob.get(JOBS + "?status=completed").json()["jobs"], [])
        # A user may not look at another user's list, and cannot probe names.
        for name in ("alice", "nobody"):
            r = bob.get(JOBS + "?owner=" + name)
            self.assertProblem(r, 400, "invalid-query")
            self.assertEqual(r.json()["field"], "owner")
        self.assertEqual(bob.get(JOBS + "?owner=bob").json()["total"], 0)
        self.assertEqual(bob.get(QUOTA).json()["user"], "bob")
        self.assertEqual(bob.get(QUOTA).json()["usage"]["jobs_last_24h"], 0)
        # Alice still has her job, untouched by bob's DELETE.
        self.assertEqual(alice.job(job)["status"], "completed")
        self.assertEqual([j["job_id"] for j in alice.get(JOBS).json()["jobs"]], [job])
        self.assertEqual(alice.get(QUOTA).json()["usage"]["jobs_last_24h"], 1)

    def test_admin_sees_filters_and_cancels_everyones_jobs(self):
        carol, dave = self.user("carol"), self.user("dave")
        admin_key = self.server.create_key("root", role="admin")
        admin = self.client(admin_key)
        cj = carol.submit(SMALL)
        dj = dave.submit(SMALL)
        carol.wait(cj)
        dave.wait(dj)
        body = admin.get(JOBS + "?owner=carol").json()
        self.assertEqual(([j["job_id"] for j in body["jobs"]], body["total"]), ([cj], 1))
        self.assertEqual([j["job_id"] for j in admin.get(JOBS + "?owner=dave").json()["jobs"]],
                         [dj])
        self.assertEqual(admin.get(JOBS + "?owner=nobody").json()["total"], 0)
        self.assertProblem(admin.get(JOBS + "?owner=a%2Fb"), 400, "invalid-query")
        everyone = {j["job_id"] for j in admin.get(JOBS + "?limit=1000").json()["jobs"]}
        self.assertTrue({cj, dj} <= everyone)
        self.assertEqual(admin.download(cj).content, carol.download(cj).content)
        r = admin.delete(JOBS + "/" + dj)
        self.assertEqual((r.status_code, r.json()["action"]), (200, "deleted"))
        self.assertEqual(dave.get(JOBS + "/" + dj).status_code, 404)
        m = self.wait_log(r"pivotd: info: audit: \S+Z admin-action from 127\.0\.0\.1 key %s: "
                          r"user root \(apikey\): DELETE /api/v1/pivot/jobs/%s"
                          % (re.escape(key_id(admin_key)), re.escape(dj)))
        self.assertIsNotNone(m, self.server.log())
        self.assertNotIn(admin_key, self.server.log())

    def test_brute_force_of_1000_wrong_keys(self):
        good = self.user("target")
        real_id = key_id(good.key)
        rng = random.Random(4)
        s = self.client(None)
        started = time.monotonic()
        statuses = set()
        for i in range(1000):
            if i % 4 == 0:  # the right id with a wrong secret
                guess = "pvk_%s_%s" % (real_id, "".join(rng.choice(B64URL) for _ in range(43)))
            elif i % 4 == 1:
                guess = "pvk_" + "".join(rng.choice(B64URL) for _ in range(12)) + "_" + \
                    "".join(rng.choice(B64URL) for _ in range(43))
            elif i % 4 == 2:  # the right key with one character changed
                pos = rng.randrange(17, len(good.key))
                ch = "A" if good.key[pos] != "A" else "B"
                guess = good.key[:pos] + ch + good.key[pos + 1:]
            else:
                guess = "".join(rng.choice(B64URL) for _ in range(rng.randrange(1, 80)))
            s.key = guess
            statuses.add(s.get(JOBS).status_code)
        elapsed = time.monotonic() - started
        self.assertEqual(statuses, {401})
        # Still responsive, for the real key and for everyone else.
        self.assertEqual(good.get(JOBS).status_code, 200)
        self.assertEqual(s.get("/api/v1/health").status_code, 200)
        self.assertLess(elapsed, 60.0)
        failures = re.findall(r"auth: warning: audit: \S+ auth-failure from 127\.0\.0\.1 key %s: "
                              r"wrong secret" % re.escape(real_id), self.server.log())
        self.assertGreaterEqual(len(failures), 250)


class TrustedHeaderTest(AuthCase):
    CONFIG = ("auth:\n  backends: [apikey, trusted-header]\n"
              "plugins:\n  auth:\n    trusted_header:\n      header: X-Remote-User\n"
              "      proxies: [127.0.0.1]\n      admins: [boss]\n")

    def get(self, path, headers, source=None):
        return raw_request(self.server, "GET", path, headers, source)

    def test_trusted_proxy_is_believed(self):
        status, _, body = self.get(QUOTA, {"X-Remote-User": "erin"})
        self.assertEqual(status, 200, body)
        self.assertEqual((json.loads(body)["user"], json.loads(body)["role"]), ("erin", "user"))
        status, _, body = self.get(QUOTA, {"X-Remote-User": "boss"})
        self.assertEqual(json.loads(body)["role"], "admin")
        # The admin's audit line names the credential as the backend does:
        # the header the proxy named the user in.
        m = self.wait_log(r"pivotd: info: audit: \S+Z admin-action from 127\.0\.0\.1 key "
                          r"x-remote-user: user boss \(trusted-header\): GET /api/v1/pivot/quota")
        self.assertIsNotNone(m, self.server.log())
        # A job submitted through the proxy belongs to the proxy's user, and
        # API keys of that user see it: quotas and ownership are per user.
        status, _, body = raw_request(self.server, "POST", JOBS, {
            "X-Remote-User": "erin", "Content-Type": "application/json"},
            body=json.dumps(SMALL))
        self.assertEqual(status, 202, body)
        job = json.loads(body)["job_id"]
        erin_key = self.user("erin")
        self.assertEqual(erin_key.wait(job)["status"], "completed")
        status, _, body = self.get(QUOTA, {"X-Remote-User": "erin"})
        self.assertEqual(json.loads(body)["usage"]["jobs_last_24h"], 1)
        status, _, _ = self.get(JOBS + "/" + job, {"X-Remote-User": "frank"})
        self.assertEqual(status, 404)

    def test_keys_are_administered_by_the_first_backend_that_can(self):
        # trusted-header, listed first, has no keys: apikey, next, makes them.
        config = self.work.sub("header-first.yaml")
        ph.write_config(config, self.server.config_text(
            self.CONFIG.replace("[apikey, trusted-header]", "[trusted-header, apikey]")))
        cmd = [ph.pivotd_path(), "keys", "create", "--user", "hank", "--config", config,
               "--state-dir", self.server.state_dir, "--plugin-dir", ph.plugin_dir()]
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        key = out.stdout.decode().strip()
        status, _, body = self.get(QUOTA, {"X-API-Key": key})
        self.assertEqual((status, json.loads(body)["user"]), (200, "hank"))
        # Without a backend that administers keys, every keys command says so.
        ph.write_config(config, self.server.config_text(
            self.CONFIG.replace("[apikey, trusted-header]", "[trusted-header]")))
        for args, verb in ((["create", "--user", "hank"], "create"), (["list"], "list"),
                           (["revoke", "AAAAAAAAAAAA"], "revoke")):
            cmd = [ph.pivotd_path(), "keys"] + args + [
                "--config", config, "--state-dir", self.server.state_dir,
                "--plugin-dir", ph.plugin_dir()]
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            self.assertEqual(out.returncode, 1, out.stderr)
            self.assertEqual(out.stdout, b"")
            self.assertIn("pivotd: no auth backend in auth.backends (trusted-header) can %s keys"
                          % verb, out.stderr.decode())

    def test_untrusted_address_is_refused(self):
        status, headers, body = self.get(QUOTA, {"X-Remote-User": "erin"}, source=UNTRUSTED)
        self.assertEqual(status, 401, body)
        self.assertEqual(json.loads(body)["title"], "Authentication failed")
        self.assertEqual(headers["content-type"], ph.PROBLEM_CT)
        m = self.wait_log(r"auth: warning: audit: \S+Z auth-failure from 127\.0\.0\.2 key -: "
                          r"header x-remote-user sent by an address that is not a trusted proxy")
        self.assertIsNotNone(m, self.server.log())
        m = self.wait_log(r"pivotd: warning: audit: \S+Z auth-failure from 127\.0\.0\.2 key "
                          r"x-remote-user: refused by backend trusted-header")
        self.assertIsNotNone(m, self.server.log())
        # Scripts elsewhere still use API keys: apikey is tried first.
        key = self.server.create_key("gina")
        status, _, body = self.get(QUOTA, {"X-API-Key": key}, source=UNTRUSTED)
        self.assertEqual((status, json.loads(body)["user"]), (200, "gina"))
        status, _, _ = self.get(QUOTA, {}, source=UNTRUSTED)
        self.assertEqual(status, 401)
        # From the proxy, a header that is no user name is refused too.
        status, _, _ = self.get(QUOTA, {"X-Remote-User": "a b"})
        self.assertEqual(status, 401)
        status, _, _ = self.get(QUOTA, {"X-Remote-User": ""})
        self.assertEqual(status, 401)



class KeysMovedFromTheJobStoreTest(AuthCase):
    """A state folder whose keys are in the job store, as the build before
    auth.db left it (tests/data/state-before-auth-db): the server moves them
    into <state_dir>/auth.db once, and they keep working as they did."""

    @classmethod
    def make_server(cls, data, state, config):
        os.makedirs(state, mode=0o700)
        with open(os.path.join(LEGACY, "jobs.sql")) as f:
            dump = f.read()
        db = sqlite3.connect(os.path.join(state, "jobs.db"))
        try:
            db.executescript(dump)
            db.execute("PRAGMA journal_mode=WAL").fetchall()
        finally:
            db.close()
        with open(os.path.join(LEGACY, "keys.json")) as f:
            cls.keys = json.load(f)
        # The legacy keys are in a SQLite jobs.db, whatever store the run tests.
        return ph.Server(data, state, config, engine="sqlite")

    def quota_user(self, key):
        r = self.client(key).get(QUOTA)
        return r.status_code, r.json().get("user")

    def test_keys_still_work_from_their_own_file(self):
        self.assertEqual(self.quota_user(self.keys["alice"]), (200, "alice"))
        self.assertEqual(self.quota_user(self.keys["root"]), (200, "root"))
        self.assertEqual(self.client(self.keys["root"]).get(QUOTA).json()["role"], "admin")
        # A revocation made before the move still holds.
        self.assertUnauthorized(self.client(self.keys["mallory_revoked"]).get(QUOTA))
        self.assertIn("auth: info: moved 3 api keys from the job store into ", self.server.log())
        self.assertTrue(os.path.exists(os.path.join(self.server.state_dir, "auth.db")))
        # The job store no longer holds keys: an older server fails closed.
        db = sqlite3.connect(os.path.join(self.server.state_dir, "jobs.db"))
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        finally:
            db.close()
        self.assertNotIn("api_keys", tables)
        self.assertIn("jobs", tables)
        rc, listing, err = pivotd(self.server, "keys", "list")
        self.assertEqual(rc, 0, err)
        self.assertIn("made before auth.db", listing)
        self.assertEqual(sorted(line.split()[1] for line in listing.splitlines()[1:]),
                         ["alice", "mallory", "root"])
        # The move happens once: a key revoked now stays revoked after a restart.
        rc, _, err = pivotd(self.server, "keys", "revoke", key_id(self.keys["alice"]))
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        self.assertUnauthorized(self.client(self.keys["alice"]).get(QUOTA))
        self.assertEqual(self.quota_user(self.keys["root"]), (200, "root"))
        self.assertNotIn("moved", self.server.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
