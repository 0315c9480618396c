"""Progress display for Client.wait: a tqdm bar when tqdm is installed, a plain line otherwise."""

import sys

try:
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # tqdm is optional
    _tqdm = None


class _TqdmProgress:
    def __init__(self, job_id):
        self._bar = _tqdm(total=100, unit="%", desc="job %s" % job_id,
                          bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")
        self._last = 0

    def update(self, job):
        pct = int(job.get("progress") or 0)
        if pct > self._last:
            self._bar.update(pct - self._last)
            self._last = pct
        self._bar.set_postfix_str(job.get("status", ""), refresh=True)

    def close(self):
        self._bar.close()


class _LineProgress:
    """One line per change of status or progress, rewritten in place on a terminal."""

    def __init__(self, job_id, stream=None):
        self._job_id = job_id
        self._stream = stream if stream is not None else sys.stderr
        self._tty = hasattr(self._stream, "isatty") and self._stream.isatty()
        self._last = None

    def update(self, job):
        state = (job.get("status"), int(job.get("progress") or 0), job.get("queue_position"))
        if state == self._last:
            return
        self._last = state
        text = "job %s: %s %3d%%" % (self._job_id, state[0], state[1])
        if state[2]:
            text += " (position %d in the queue)" % state[2]
        if self._tty:
            self._stream.write("\r\x1b[K" + text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def close(self):
        if self._tty and self._last is not None:
            self._stream.write("\n")
            self._stream.flush()


class _NoProgress:
    def update(self, job):
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
