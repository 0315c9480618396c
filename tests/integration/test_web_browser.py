#!/usr/bin/python3
"""The web page in a real headless Chromium against a real pivotd: sign in
with a key, find a channel, build a request with a pattern and a preset, see
the estimate, submit, watch progress reach 100 %, download the file and read
it with h5py, open the quick look and read the plot's pixels back, and cancel
a running job. Screenshots of each step go to PIVOT_ARTIFACT_DIR."""
import glob
import os
import shutil
import signal
import sys
import threading
import time
import unittest

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pivot_harness as h  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

# Pixels of the first two series colours (#1f77b4, #d62728) on the plot.
COUNT_PIXELS = """
const c = document.querySelector('#quicklook-plot canvas');
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let blue = 0, red = 0;
const near = (i, r, g, b) => Math.abs(d[i] - r) < 40 && Math.abs(d[i + 1] - g) < 40 &&
                             Math.abs(d[i + 2] - b) < 40 && d[i + 3] > 128;
for (let i = 0; i < d.length; i += 4) {
  if (near(i, 31, 119, 180)) blue++;
  if (near(i, 214, 39, 40)) red++;
}
return [blue, red, c.width, c.height];
"""
# The job ids of the jobs table, newest first, read in one go.
JOB_ROWS = "return [...document.querySelectorAll('#jobs-table tbody tr')].map(r => r.dataset.job);"
CHANNELS = 6
SECONDS = 600
RATE = 200


def new_worker(known, server_pid, timeout=10.0):
    """(pid, job id) of the first `pivotd worker --job ID` of the server
    whose ID is not in known, looked for every 2 ms so that it is found as
    it starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid, job in h.worker_processes(server_pid):
            if job not in known:
                return pid, job
        time.sleep(0.002)
    raise AssertionError("no new worker process appeared")


class WorkerCatcher(threading.Thread):
    """Stops the next new worker as soon as it exists (outside a job-store write)."""

    def __init__(self, known, server):
        super().__init__(daemon=True)
        self.known, self.server = known, server
        self.pid = self.job_id = self.error = None

    def run(self):
        try:
            self.pid, self.job_id = new_worker(self.known, self.server.proc.pid)
            h.stop_worker(self.pid, self.server.state_dir)
        except BaseException as e:  # reported by the test after join()
            self.error = e


def start_chromium(profile, downloads):
    """Headless Chromium at 1280x800 that saves downloads into downloads."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--user-data-dir=" + profile):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                           "download.prompt_for_download": False})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=opts)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": downloads})
    driver.set_script_timeout(20)
    return driver


class WebBrowserTest(h.ServerCase):
    WORK_PREFIX = "pivot-web-browser-"

    @classmethod
    def write_data(cls, data):
        # Ten minutes that ended a few seconds ago, so that a preset such as
        # last_15_minutes holds all of it.
        start_s = int(time.time()) - SECONDS - 10
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start_s))
        cls.cache = h.Cache.generate(data, channels=CHANNELS, seconds=SECONDS, rate=RATE,
                                     signals=2, start=start, file_seconds=60)

    @classmethod
    def after_start(cls):
        cls.artifacts = os.environ.get("PIVOT_ARTIFACT_DIR") or cls.work.sub("artifacts")
        os.makedirs(cls.artifacts, exist_ok=True)
        cls.downloads = cls.work.sub("downloads")
        os.makedirs(cls.downloads)
        cls.driver = start_chromium(cls.work.sub("profile"), cls.downloads)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "driver", None) is not None:
            cls.driver.quit()
        super().tearDownClass()

    # ------------------------------------------------------------ helpers

    def el(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def wait_for(self, what, timeout=20):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(lambda d: what())

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.artifacts, name + ".png"))

    def type_into(self, css, text):
        e = self.el(css)
        e.clear()
        e.send_keys(text)

    def row(self, job_id):
        return self.el('tr[data-job="%s"]' % job_id)

    def status_of(self, job_id):
        # Read in one script: the page replaces rows as jobs change.
        return self.driver.execute_script(
            "const r = document.querySelector('tr[data-job=\"' + arguments[0] + '\"]');"
            "return r ? r.dataset.status : null;", job_id)

    def newest_job(self, known):
        ids = self.driver.execute_script(JOB_ROWS)
        fresh = [i for i in ids if i not in known]
        return fresh[0] if fresh else None

    def sign_in(self):
        self.driver.get(self.server.base + "/")
        self.wait_for(lambda: self.el("#login").is_displayed())
        self.shot("01-sign-in")
        self.type_into("#api-key", "pvk_wrong_key")
        self.el("#login-form button[type=submit]").click()
        self.wait_for(lambda: self.el("#api-key-error").text != "")
        self.assertEqual(self.el("#api-key").get_attribute("aria-invalid"), "true")
        self.type_into("#api-key", self.key)
        self.el("#login-form button[type=submit]").click()
        self.wait_for(lambda: self.el("#app").is_displayed())
        self.wait_for(lambda: self.el("#who").text == "alice (user)")
        # The key lives in this tab's session storage, never in a cookie.
        self.assertEqual(self.driver.execute_script(
            "return sessionStorage.getItem('pivot.apiKey')"), self.key)
        self.assertEqual(self.driver.get_cookies(), [])

    # ------------------------------------------------------------ the test

    def test_export_from_the_page(self):
        try:
            self.export_from_the_page()
        except BaseException:
            self.shot("99-failure")
            raise

    def export_from_the_page(self):
        self.sign_in()

        # Channels: the list and its search.
        self.wait_for(lambda: len(self.driver.find_elements(
            By.CSS_SELECTOR, "#channels-table tbody tr")) == CHANNELS)
        self.type_into("#channel-search", "ch004")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#channels-table tbody tr")
        self.assertEqual([r.get_attribute("data-channel") for r in rows], ["ch004"])
        self.assertIn("sig0: float64", rows[0].text)
        self.assertIn("%d Hz" % RATE, rows[0].text)
        self.shot("02-channels")

        # A channel that does not exist: the problem shows beside its field.
        self.type_into("#ch-include", "nosuch")
        # The answer to the dry run of "nosuch" (an earlier one may show first).
        self.wait_for(lambda: '"nosuch"' in "".join(
            e.text for e in self.driver.find_elements(By.CSS_SELECTOR,
                                                      "#channels-fieldset-error")))
        self.assertEqual(self.el("#channels-fieldset").get_attribute("aria-invalid"), "true")
        self.shot("03-field-error")
        self.el("#ch-include").clear()

        # A pattern and a preset: the estimate follows the form.
        Select(self.el("#range-type")).select_by_value("preset")
        Select(self.el("#range-preset")).select_by_value("last_15_minutes")
        self.type_into("#ch-pattern", "ch00[0-2]")
        expected = 3 * SECONDS * RATE
        self.wait_for(lambda: self.el("#estimate").get_attribute("data-samples") == str(expected))
        self.assertEqual(self.el("#channel-count").text, "(3 selected)")
        # Ten minutes of data in the fifteen of the preset: two thirds.
        self.el("#channel-search").clear()
        avail = self.el('#channels-table tr[data-channel="ch004"] .avail')
        self.assertEqual(avail.get_attribute("data-coverage"), "67")
        self.assertIn("360,000 samples", self.el("#estimate").text)
        self.el("#request-code summary").click()
        self.assertIn('"pattern": "ch00[0-2]"', self.el("#code-json").text)
        self.assertIn('"name": "last_15_minutes"', self.el("#code-json").text)
        self.assertIn("X-API-Key: $PIVOT_API_KEY", self.el("#code-curl").text)
        self.assertIn("client.submit(request=", self.el("#code-python").text)
        self.shot("04-build")

        # Submit and watch it complete.
        self.el("#submit").click()
        job_id = self.wait_for(lambda: self.newest_job(set()))
        self.wait_for(lambda: self.status_of(job_id) == "completed", timeout=40)
        self.assertEqual(self.row(job_id).find_element(By.CSS_SELECTOR, ".job-progress").text,
                         "100 %")
        detail = self.row(job_id).find_element(By.CSS_SELECTOR, ".job-detail")
        detail.find_element(By.TAG_NAME, "summary").click()
        # Ten minutes of data in a fifteen-minute range: partial, said per channel.
        self.assertEqual(detail.text.splitlines()[0], "3 channels, 360,000 samples, partial")
        self.assertIn("ch002: 120,000 samples", detail.text)
        self.assertIn('channel "ch002" covers only part of', detail.text)
        self.assertIn("(partial: 3 channels short of data)", self.row(job_id).text)
        self.shot("05-completed")

        # Download through the page (the key goes in a header) and read it.
        self.row(job_id).find_element(By.CSS_SELECTOR, "button[data-action=download]").click()
        path = os.path.join(self.downloads, "pivot-%s.h5" % job_id)
        self.wait_for(lambda: os.path.exists(path) and not glob.glob(path + ".crdownload"))
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(f.keys()), ["ch000", "ch001", "ch002"])
            self.assertEqual(f["ch001/sig0"].shape, (SECONDS * RATE,))
            self.assertEqual(f.attrs["job_id"], job_id)

        # The quick look draws two signals: count the pixels of each colour.
        self.type_into("#ql-signals", "ch001.sig0, ch002.sig1")
        self.row(job_id).find_element(By.CSS_SELECTOR, "button[data-action=quicklook]").click()
        self.wait_for(lambda: self.el("#quicklook-info").text.startswith("Job " + job_id + ": 2 signals"))
        blue, red, w, hgt = self.driver.execute_script(COUNT_PIXELS)
        self.assertGreater(w, 600)
        self.assertGreater(blue, 500)
        self.assertGreater(red, 500)
        self.shot("06-quicklook")
        # Zoom with the keyboard: the shown span halves, then comes back.
        whole = int(self.el("#quicklook-plot").get_attribute("data-span"))
        self.assertGreater(whole, 500)
        zoom_in = self.el('#ql-zoom button[data-zoom="in"]')
        zoom_in.send_keys(Keys.ENTER)
        self.wait_for(lambda: abs(int(self.el("#quicklook-plot").get_attribute("data-span"))
                                  - whole / 2) <= 1)
        self.el('#ql-zoom button[data-zoom="reset"]').send_keys(Keys.ENTER)
        self.wait_for(lambda: int(self.el("#quicklook-plot").get_attribute("data-span")) == whole)
        # A signal the export does not have: the problem shows by the field.
        self.type_into("#ql-signals", "ch001.nosuch")
        self.el("#ql-form button[type=submit]").click()
        self.wait_for(lambda: "ch001.nosuch" in self.el("#quicklook-error").text)
        self.assertEqual(self.el("#ql-signals").get_attribute("aria-invalid"), "true")

        # Cancel a running job: its worker is held still until the cancel
        # is sent, so that the job is surely processing when it arrives.
        # The slowest compression gives the worker more to do; it is caught
        # as it starts whatever its speed.
        self.type_into("#ch-pattern", "ch*")
        Select(self.el("#compression")).select_by_value("9")
        self.wait_for(lambda: self.el("#channel-count").text == "(%d selected)" % CHANNELS)
        catcher = WorkerCatcher({job_id}, self.server)
        catcher.start()
        self.el("#submit").click()
        catcher.join(15)
        if catcher.error is not None:
            raise catcher.error
        running = catcher.job_id
        try:
            self.wait_for(lambda: self.status_of(running) == "processing")
            self.row(running).find_element(By.CSS_SELECTOR, "button[data-action=cancel]").click()
            # The page has the DELETE's answer: the cancel is in the job store.
            self.wait_for(lambda: self.driver.execute_script(
                "const r = document.querySelector('tr[data-job=\"' + arguments[0] + '\"]');"
                "return r && r._job.action;", running) == "cancelling", timeout=5)
        finally:
            os.kill(catcher.pid, signal.SIGCONT)
        self.wait_for(lambda: self.status_of(running) == "cancelled")
        self.assertEqual(self.api.job(running)["status"], "cancelled")
        self.shot("07-cancelled")

        # A narrow window still shows the jobs without sideways scrolling.
        self.driver.set_window_size(420, 800)
        self.assertLessEqual(self.driver.execute_script(
            "return document.documentElement.scrollWidth"), 420)
        self.assertTrue(self.driver.execute_script(
            "const p = document.getElementById('jobs-panel');"
            "return p.scrollWidth <= p.clientWidth;"))
        self.shot("08-narrow")
        self.driver.set_window_size(1280, 800)


class SingleSignOnTest(h.ServerCase):
    """Behind a single-sign-on proxy (here: Chromium adding the proxy's
    header itself, from loopback) the page asks for no key; an admin sees
    every user's jobs and narrows them with the user filter."""
    WORK_PREFIX = "pivot-web-sso-"
    CONFIG = ("auth:\n  backends: [apikey, trusted-header]\n"
              "plugins:\n  auth:\n    trusted_header:\n      header: X-Remote-User\n"
              "      proxies: [127.0.0.1]\n      admins: [ops]\n")

    @classmethod
    def write_data(cls, data):
        h.Cache.generate(data, channels=2, seconds=10, rate=10, signals=1)

    @classmethod
    def after_start(cls):
        cls.job_id = cls.api.submit({"time_range": h.absolute("2025-01-01T00:00:00Z",
                                                              "2025-01-01T00:00:10Z"),
                                     "channels": {"include": ["ch000"]}})
        cls.api.wait(cls.job_id, timeout=30)
        cls.driver = start_chromium(cls.work.sub("profile"), cls.work.sub("downloads"))
        cls.driver.execute_cdp_cmd("Network.enable", {})
        cls.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                                   {"headers": {"X-Remote-User": "ops"}})

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "driver", None) is not None:
            cls.driver.quit()
        super().tearDownClass()

    def rows(self):
        return self.driver.execute_script(JOB_ROWS)

    def test_admin_behind_the_proxy(self):
        d = self.driver
        wait = WebDriverWait(d, 20, poll_frequency=0.1)
        d.get(self.server.base + "/")
        wait.until(lambda _: d.find_element(By.ID, "app").is_displayed())
        self.assertFalse(d.find_element(By.ID, "login").is_displayed())
        wait.until(lambda _: d.find_element(By.ID, "who").text == "ops (admin) via single sign-on")
        self.assertIsNone(d.execute_script("return sessionStorage.getItem('pivot.apiKey')"))
        wait.until(lambda _: self.rows() == [self.job_id])
        owner = d.find_element(By.ID, "owner-filter")
        owner.send_keys("nobody\n")
        wait.until(lambda _: self.rows() == [])
        owner.clear()
        owner.send_keys("alice\n")
        wait.until(lambda _: self.rows() == [self.job_id])
        d.save_screenshot(os.path.join(os.environ.get("PIVOT_ARTIFACT_DIR") or self.work.path,
                                       "10-sso-admin.png"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
