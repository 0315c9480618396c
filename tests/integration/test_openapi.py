#!/usr/bin/python3
"""docs/openapi.yaml: served as built, and the live server's answers of the main
flows validate against its schemas."""

import os
import re
import sys
import unittest

import jsonschema
import requests
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

API = h.API
SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                         "openapi.yaml")


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SPEC_PATH, "rb") as f:
            cls.spec_bytes = f.read()
        cls.spec = yaml.safe_load(cls.spec_bytes)
        cls.resolver = jsonschema.RefResolver.from_schema(cls.spec)
        cls.work = h.WorkDir("pivot-openapi-")
        h.Cache.generate(cls.work.sub("data"), channels=2, seconds=60, rate=100, signals=1,
                         with_mode=True)
        cls.server = h.Server(cls.work.sub("data"), cls.work.sub("state")).start()
        cls.api = cls.server.client(cls.server.create_key("alice"))

    @classmethod
    def tearDownClass(cls):
        cls.api.close()
        rc = cls.server.stop()
        cls.work.close()
        assert rc == 0, rc

    def check(self, instance, name):
        jsonschema.Draft202012Validator(
            {"$ref": "#/components/schemas/" + name}, resolver=self.resolver).validate(instance)

    def check_response(self, r, path, method, status):
        """Validates r against the schema the spec gives for path/method/status."""
        self.assertEqual(r.status_code, status, r.text)
        op = self.spec["paths"][path][method]
        resp = op["responses"][str(status)]
        if "$ref" in resp:
            resp = self.spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
        self.assertIn("X-Request-Id", resp["headers"])
        self.assertRegex(r.headers["X-Request-Id"], r"^[0-9a-f]{24}$")
        ctype = r.headers["Content-Type"]
        self.assertIn(ctype, resp["content"])
        schema = resp["content"][ctype]["schema"]
        if ctype.endswith("json"):
            jsonschema.Draft202012Validator(schema, resolver=self.resolver).validate(r.json())

    def test_served_file_is_the_documented_one(self):
        r = requests.get(self.server.base + "/api/v1/openapi.yaml", timeout=10)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Type"], "application/yaml; charset=utf-8")
        self.assertEqual(r.content, self.spec_bytes)
        self.assertEqual(self.spec["openapi"], "3.1.0")

    def test_every_route_of_the_router_is_described(self):
        self.assertEqual(sorted(self.spec["paths"]), [
            "/api/v1/health", "/api/v1/openapi.yaml", "/api/v1/pivot/channels",
            "/api/v1/pivot/export", "/api/v1/pivot/jobs", "/api/v1/pivot/jobs/{job_id}",
            "/api/v1/pivot/jobs/{job_id}/download", "/api/v1/pivot/jobs/{job_id}/preview",
            "/api/v1/pivot/presets",
            "/api/v1/pivot/quota", "/metrics"])
        # Each described route exists: none of them is the router's 404.
        for path in self.spec["paths"]:
            r = self.api.request("HEAD", path.replace("{job_id}", "AAAAAAAAAAAAAAAAAAAAAA"))
            self.assertNotEqual(r.status_code, 405, path)
            if "{job_id}" not in path:
                self.assertEqual(r.status_code, 200 if "export" not in path else 400, path)
        for name, schema in self.spec["components"]["schemas"].items():
            jsonschema.Draft202012Validator.check_schema(schema)

    def test_every_response_declares_its_request_id(self):
        responses = list(self.spec["components"]["responses"].items())
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                if method != "parameters":
                    responses += [("%s %s %s" % (method, path, status), resp)
                                  for status, resp in op["responses"].items()]
        for where, resp in responses:
            if "$ref" not in resp:
                self.assertEqual(resp["headers"]["X-Request-Id"],
                                 {"$ref": "#/components/headers/RequestId"}, where)

    def test_job_flow_matches_the_schemas(self):
        body = {"time_range": h.absolute("2025-01-01T00:00:10Z", "2025-01-01T00:00:20Z"),
                "channels": {"include": ["ch000", "ch001"]},
                "signals": {"ch000": ["sig0"]},
                "options": {"metadata": {"description": "openapi"}}}
        jsonschema.Draft202012Validator(
            {"$ref": "#/components/schemas/JobRequest"}, resolver=self.resolver).validate(body)
        r, _ = self.api.post_job(body)
        self.check_response(r, "/api/v1/pivot/jobs", "post", 202)
        job_id = r.json()["job_id"]
        r = self.api.get(API + "/jobs/" + job_id)
        self.check_response(r, "/api/v1/pivot/jobs/{job_id}", "get", 200)
        self.check(self.api.wait(job_id), "Job")
        done = self.api.job(job_id)
        self.assertEqual(done["status"], "completed")
        self.check(done["result"], "JobResult")
        r = self.api.get(API + "/jobs?status=completed&limit=5")
        self.check_response(r, "/api/v1/pivot/jobs", "get", 200)
        self.assertIn(job_id, [j["job_id"] for j in r.json()["jobs"]])
        r = self.api.download(job_id)
        self.check_response(r, "/api/v1/pivot/jobs/{job_id}/download", "get", 200)
        r = self.api.download(job_id, headers={"Range": "bytes=10-"})
        self.check_response(r, "/api/v1/pivot/jobs/{job_id}/download", "get", 206)
        r = self.api.get(API + "/jobs/" + job_id + "/preview?points=10")
        self.check_response(r, "/api/v1/pivot/jobs/{job_id}/preview", "get", 200)
        self.assertEqual(len(r.json()["series"]), 3)
        r = self.api.delete(API + "/jobs/" + job_id)
        self.check_response(r, "/api/v1/pivot/jobs/{job_id}", "delete", 200)
        self.assertEqual(r.json()["action"], "deleted")

    def test_queued_job_cancel_matches_the_schema(self):
        job_id = self.api.submit({"time_range": {"type": "relative", "duration": "PT1M"},
                                  "channels": {"include": ["ch000"]}})
        r = self.api.delete(API + "/jobs/" + job_id)
        self.assertIn(r.status_code, (200, 202))
        self.check_response(r, "/api/v1/pivot/jobs/{job_id}", "delete", r.status_code)

    def test_discovery_matches_the_schemas(self):
        r = self.api.get("/api/v1/health")
        self.check_response(r, "/api/v1/health", "get", 200)
        r = self.api.get(API + "/channels")
        self.check_response(r, "/api/v1/pivot/channels", "get", 200)
        r = self.api.get(API + "/quota")
        self.check_response(r, "/api/v1/pivot/quota", "get", 200)
        r = self.api.get(API + "/presets")
        self.check_response(r, "/api/v1/pivot/presets", "get", 200)
        self.assertIn("last_hour", [p["name"] for p in r.json()["presets"]])
        r = self.api.get(API + "/export", params={"channels": "ch001", "start":
                                                  "2025-01-01T00:00:00Z", "duration": "PT5S"})
        self.check_response(r, "/api/v1/pivot/export", "get", 200)

    def test_problems_match_the_schema(self):
        cases = [
            (self.api.post_job("{")[0], "/api/v1/pivot/jobs", "post", 400),
            (self.api.post_job({"time_range": {"type": "relative", "duration": "PT1M"},
                                "channels": {"include": ["nope"]}})[0],
             "/api/v1/pivot/jobs", "post", 422),
            (requests.get(self.server.base + API + "/jobs", timeout=10),
             "/api/v1/pivot/jobs", "get", 401),
            (self.api.get(API + "/jobs?limit=0"), "/api/v1/pivot/jobs", "get", 400),
            (self.api.get(API + "/jobs/AAAAAAAAAAAAAAAAAAAAAA"),
             "/api/v1/pivot/jobs/{job_id}", "get", 404),
            (self.api.get(API + "/export", params={"channels": "ch000", "duration": "PT6M"}),
             "/api/v1/pivot/export", "get", 413),
            (self.api.request("PUT", "/api/v1/health"), "/api/v1/health", "get", 405),
        ]
        slugs = self.spec["components"]["schemas"]["Problem"]["properties"]["type"]["x-slugs"]
        for r, path, method, status in cases:
            if method == "get" and path == "/api/v1/health":
                self.assertEqual(r.status_code, 405)
                self.check(r.json(), "Problem")
            else:
                self.check_response(r, path, method, status)
            self.assertIn(r.json()["type"].rsplit("/", 1)[1], slugs)

    def test_every_slug_of_the_api_guide_is_in_the_spec(self):
        guide = os.path.join(os.path.dirname(SPEC_PATH), "api.md")
        with open(guide, encoding="utf-8") as f:
            text = f.read()
        table = text[text.index("| Slug "):]
        table = table[:table.index("\n\n")]
        in_guide = set(re.findall(r"^\| `([a-z-]+)`", table, re.M))
        slugs = self.spec["components"]["schemas"]["Problem"]["properties"]["type"]["x-slugs"]
        self.assertEqual(sorted(in_guide), sorted(set(slugs)))
        self.assertIn("missing-data", slugs)


if __name__ == "__main__":
    unittest.main()
