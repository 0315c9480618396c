"""Progress displays: of a job (Client.wait) and of a download's bytes (Client.download).

A tqdm bar when tqdm is installed, a plain line otherwise; both write to stderr.
"""

import sys

from .units import human_bytes

try:
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # tqdm is optional
    _tqdm = None


class _TqdmProgress:
    """The job's status goes in the description: tqdm prefixes a postfix with ", "."""

    def __init__(self, job_id, stream=None):
        self._job_id = job_id
        self._bar = _tqdm(total=100, unit="%", desc="job %s" % job_id, file=stream,
                          bar_format="{desc}: {percentage:3.0f}%|{bar}|")
        self._last = 0

    def update(self, job):
        pct = int(job.get("progress") or 0)
        if pct > self._last:
            self._bar.update(pct - self._last)
            self._last = pct
        self._bar.set_description_str("job %s %s" % (self._job_id, job.get("status", "")),
                                      refresh=True)

    def close(self):
        self._bar.close()


class _Line:
    """One line, rewritten in place on a terminal, else written once per change."""

    def __init__(self, stream=None):
        self._stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self._stream, "isatty") and self._stream.isatty()
        self._written = False

    def write(self, text):
        self._written = True
        self._stream.write("\r\x1b[K" + text if self.tty else text + "\n")
        self._stream.flush()

    def close(self):
        if self.tty and self._written:
            self._stream.write("\n")
            self._stream.flush()


class _LineProgress:
    """One line per change of status or progress."""

    def __init__(self, job_id, stream=None):
        self._job_id = job_id
        self._line = _Line(stream)
        self._last = None

    def update(self, job):
        state = (job.get("status"), int(job.get("progress") or 0), job.get("queue_position"))
        if state == self._last:
            return
        self._last = state
        text = "job %s: %s %3d%%" % (self._job_id, state[0], state[1])
        if state[2]:
            text += " (position %d in the queue)" % state[2]
        self._line.write(text)

    def close(self):
        self._line.close()


class _NoProgress:
    def update(self, job):
        pass

    def start(self, done, total):
        pass

    def advance(self, n):
        pass

    def close(self):
        pass


def make_progress(job_id, progress):
    """progress: True (tqdm if installed, else a line), False/None, "line", or an object
    with update(job) and close()."""
    if progress is None or progress is False:
        return _NoProgress()
    if progress == "line" or (progress is True and _tqdm is None):
        return _LineProgress(job_id)
    if progress is True:
        return _TqdmProgress(job_id)
    return progress


class _TqdmBytes:
    def __init__(self, job_id, stream=None):
        self._desc = "download %s" % job_id
        self._stream = stream
        self._bar = None

    def start(self, done, total):
        if self._bar is None:
            self._bar = _tqdm(total=total, initial=done, unit="B", unit_scale=True,
                              unit_divisor=1024, desc=self._desc, file=self._stream)
        else:  # a resumed request after a broken connection
            self._bar.n = done
            self._bar.refresh()

    def advance(self, n):
        self._bar.update(n)

    def close(self):
        if self._bar is not None:
            self._bar.close()


class _LineBytes:
    """"download JOB: 1.5 MiB of 6.0 MiB (25%)": on a terminal at every chunk, elsewhere
    at the start, at every further tenth, and at the end."""

    def __init__(self, job_id, stream=None):
        self._job_id = job_id
        self._line = _Line(stream)
        self._done = self._total = 0
        self._tenth = -1

    def start(self, done, total):
        self._done, self._total = done, total
        self._tenth = -1
        self._show()

    def advance(self, n):
        self._done += n
        self._show()

    def _show(self):
        if self._total is None:  # no Content-Length: the bytes so far
            self._line.write("download %s: %s" % (self._job_id, human_bytes(self._done)))
            return
        pct = 100 * self._done // self._total if self._total else 100
        if not self._line.tty and pct // 10 == self._tenth:
            return
        self._tenth = pct // 10
        self._line.write("download %s: %s of %s (%d%%)" % (
            self._job_id, human_bytes(self._done), human_bytes(self._total), pct))

    def close(self):
        self._line.close()


def make_byte_progress(job_id, progress):
    """progress: True (tqdm if installed, else a line), False/None, "line", or an object
    with start(done_bytes, total_bytes), advance(bytes) and close()."""
    if progress is None or progress is False:
        return _NoProgress()
    if progress == "line" or (progress is True and _tqdm is None):
        return _LineBytes(job_id)
    if progress is True:
        return _TqdmBytes(job_id)
    return progress
