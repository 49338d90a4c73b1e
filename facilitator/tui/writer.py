"""The single writer thread: every store mutation of the live screen, in order.

Typing never waits for disk: the screen submits a `Job` and shows it as pending
at once. The thread runs jobs one at a time, in submission order. A job that
fails with a write error stays at the head of the queue (so order is kept),
is marked failed, and is retried when `retry()` is called (the screen calls it
every few seconds). No Textual here.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Callable, Literal

JobState = Literal["pending", "failed", "saved", "error"]


class Job:
    """One store mutation. `text` is what the user typed, kept until saved."""

    __slots__ = ("run", "text", "kind", "state", "error", "result", "tag", "attempts")

    def __init__(self, run: Callable[[], Any], text: str = "", kind: str = "other", tag: Any = None):
        self.run = run
        self.text = text
        self.kind = kind
        self.tag = tag  # whatever the screen wants back (its row)
        self.state: JobState = "pending"
        self.error: str | None = None
        self.result: Any = None
        self.attempts = 0


def _is_retryable(exc: BaseException) -> bool:
    from facilitator.store.workshop import StoreWriteError

    return isinstance(exc, (StoreWriteError, OSError))


class Writer:
    """Runs jobs in a daemon thread. `on_change(job)` is called from that thread."""

    def __init__(self, on_change: Callable[[Job], None] = lambda job: None):
        self._on_change = on_change
        self._queue: deque[Job] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._wake = False
        self._busy = False
        self._thread = threading.Thread(target=self._loop, name="facilitator-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> Job:
        with self._cond:
            self._queue.append(job)
            self._cond.notify_all()
        return job

    def retry(self) -> None:
        """Try the failed head job again (no-op when nothing failed)."""
        with self._cond:
            self._wake = True
            self._cond.notify_all()

    def cancel(self, job: Job) -> bool:
        """Take a job that has not run (or failed) out of the queue; False if it is running."""
        with self._cond:
            if job not in self._queue or (self._busy and self._queue[0] is job):
                return False
            self._queue.remove(job)
            self._cond.notify_all()
            return True

    def unsaved(self) -> list[Job]:
        """Jobs not saved yet, in order (pending and failed)."""
        with self._cond:
            return list(self._queue)

    @property
    def failed(self) -> bool:
        with self._cond:
            return bool(self._queue) and self._queue[0].state == "failed"

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until the queue is empty or its head failed; True when empty."""
        with self._cond:
            self._cond.wait_for(
                lambda: not self._busy and (not self._queue or self._queue[0].state == "failed"), timeout)
            return not self._queue

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or (
                    self._queue and (self._queue[0].state != "failed" or self._wake)))
                if not self._queue or (self._stopping and self._queue[0].state == "failed"):
                    if self._stopping:
                        return
                    continue
                self._wake = False
                job = self._queue[0]
                self._busy = True
            job.attempts += 1
            try:
                job.result = job.run()
            except Exception as exc:  # noqa: BLE001 - reported to the user, never lost
                job.error = str(exc) or type(exc).__name__
                retry = _is_retryable(exc)
                with self._cond:
                    job.state = "failed" if retry else "error"
                    self._wake = False
                    if not retry:
                        self._queue.popleft()
                    self._busy = False
                    self._cond.notify_all()
                self._on_change(job)
                continue
            with self._cond:
                job.state = "saved"
                job.error = None
                self._queue.popleft()
                self._busy = False
                self._cond.notify_all()
            self._on_change(job)
