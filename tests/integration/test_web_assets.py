#!/usr/bin/python3
"""The web page's files as pivotd serves them: media types, the CSP that
forbids inline scripts, ETag revalidation, caching, and no key needed."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web")


class WebAssetsTest(h.ServerCase):
    WORK_PREFIX = "pivot-web-assets-"

    @classmethod
    def write_data(cls, data):
        h.Cache.generate(data, channels=1, seconds=2, rate=10, signals=1)

    def get(self, path, headers=None):
        return self.client(None).get(path, headers=headers or {}, allow_redirects=False)

    def test_index_is_the_page_with_csp_and_revalidation(self):
        r = self.get("/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(r.headers["Content-Security-Policy"], CSP)
        self.assertEqual(r.headers["Cache-Control"], "no-cache")
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        with open(os.path.join(SOURCE, "index.html"), "rb") as f:
            self.assertEqual(r.content, f.read())
        # No inline script: every <script> has a src on this origin.
        scripts = re.findall(rb"<script[^>]*>", r.content)
        self.assertEqual(scripts, [b'<script type="module" src="/web/js/main.js">'])
        etag = r.headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        again = self.get("/", {"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again.headers["ETag"], etag)
        other = self.get("/", {"If-None-Match": '"0000000000000000"'})
        self.assertEqual(other.status_code, 200)

    def test_modules_are_javascript(self):
        r = self.get("/web/js/main.js")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Type"], "text/javascript; charset=utf-8")
        self.assertEqual(r.headers["Cache-Control"], "no-cache")
        with open(os.path.join(SOURCE, "js", "main.js"), "rb") as f:
            self.assertEqual(r.content, f.read())
        css = self.get("/web/app.css")
        self.assertEqual(css.headers["Content-Type"], "text/css; charset=utf-8")
        self.assertNotEqual(css.headers["ETag"], r.headers["ETag"])

    def test_vendored_library_is_immutable_with_its_licence(self):
        r = self.get("/web/vendor/uplot/1.6.32/uPlot.esm.js")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Type"], "text/javascript; charset=utf-8")
        self.assertEqual(r.headers["Cache-Control"], "public, max-age=31536000, immutable")
        self.assertEqual(len(r.content), 145423)
        lic = self.get("/web/vendor/uplot/1.6.32/LICENSE")
        self.assertEqual(lic.headers["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn(b"Leon Sorokin", lic.content)

    def test_unknown_file_and_other_methods(self):
        r = self.get("/web/nosuch.js")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.headers["Content-Type"], h.PROBLEM_CT)
        self.assertIn("/nosuch.js", r.json()["detail"])
        p = self.client(None).request("POST", "/", data=b"x")
        self.assertEqual(p.status_code, 405)
        self.assertEqual(p.headers["Allow"], "GET, HEAD")
        head = self.client(None).request("HEAD", "/web/app.css")
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")


if __name__ == "__main__":
    unittest.main(verbosity=2)
