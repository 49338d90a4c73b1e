"""The single writer thread: every store mutation of a live session, in order.

Typing never waits for disk: the session submits a `Job` and shows it as
pending at once. The thread runs jobs one at a time, in submission order, each
as `job.run(store)`. A job that fails with a write error stays at the head of
the queue (so order is kept), is marked failed, and runs again when `retry()`
is called (the screen calls it every few seconds). Any other exception is a
bug in that job: it is reported (state "error") and dropped, so one bad job
never blocks the saves behind it.

Jobs are typed: one class per kind of mutation, each knowing how to run itself
and which capture lines stand for it in a rescue file (`rescue()`), so what is
not saved can always be written out. No Textual here: the TUI's adapter
(facilitator.tui.writer) turns `on_change` into a Textual message.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Literal

from facilitator.i18n import message_of

if TYPE_CHECKING:
    from facilitator.domain.records import Action, SessionClock, Statement

JobState = Literal["pending", "failed", "saved", "error"]


@dataclass(eq=False)
class Job:
    """One store mutation. Identity is the job itself (eq=False): two equal edits are two jobs."""

    kind: ClassVar[str] = "job"
    state: JobState = field(default="pending", init=False)
    error: str | None = field(default=None, init=False)
    reason: Any = field(default=None, init=False)  # the error's catalog Message when it has one, else `error`
    result: Any = field(default=None, init=False)
    attempts: int = field(default=0, init=False)

    def run(self, store: Any) -> Any:  # pragma: no cover - every job overrides it
        raise NotImplementedError

    @property
    def step(self) -> int | None:
        """The agenda step (0-based) the rescue lines belong under; None: any."""
        return None

    def rescue(self) -> list[str]:
        """Capture lines (or `//` comments) that stand for this job in a rescue file."""
        return []

    @property
    def text(self) -> str:
        """What the user typed for this job, for messages ("" when nothing was typed)."""
        return ""


@dataclass(eq=False)
class AddStatement(Job):
    kind: ClassVar[str] = "statement"
    statement: Statement = None  # type: ignore[assignment]
    line: str = ""
    tag: Any = None  # the session's entry

    def run(self, store: Any) -> Any:
        return store.add_statement(self.statement)

    @property
    def step(self) -> int | None:
        return self.statement.step

    def rescue(self) -> list[str]:
        from facilitator.live.lines import format_line

        return [format_line(self.statement)]

    @property
    def text(self) -> str:
        return self.line


@dataclass(eq=False)
class RestoreStatement(AddStatement):
    """An undone delete: the statement comes back with its id and place."""

    kind: ClassVar[str] = "restore"

    def run(self, store: Any) -> Any:
        store.restore_statement(self.statement)
        return self.statement


@dataclass(eq=False)
class UpdateStatement(Job):
    kind: ClassVar[str] = "update"
    statement: Statement = None  # type: ignore[assignment]
    line: str = ""

    def run(self, store: Any) -> Any:
        store.update_statement(self.statement)
        return self.statement

    def rescue(self) -> list[str]:
        from facilitator.live.lines import format_line

        return [f"// edit of statement {self.statement.seq or self.statement.id}: {format_line(self.statement)}"]

    @property
    def text(self) -> str:
        return self.line


@dataclass(eq=False)
class DeleteStatement(Job):
    kind: ClassVar[str] = "delete"
    statement: Statement = None  # type: ignore[assignment]

    def run(self, store: Any) -> Any:
        return store.delete_statement(self.statement.id)

    def rescue(self) -> list[str]:
        from facilitator.live.lines import format_line

        return [f"// delete statement {self.statement.seq or self.statement.id}: {format_line(self.statement)}"]


@dataclass(eq=False)
class AddAction(Job):
    kind: ClassVar[str] = "action"
    action: Action = None  # type: ignore[assignment]
    line: str = ""
    tag: Any = None

    def run(self, store: Any) -> Any:
        return store.add_action(self.action)

    @property
    def step(self) -> int | None:
        return self.action.step

    def rescue(self) -> list[str]:
        from facilitator.domain.capture import ActionLine, format_action

        a = self.action
        return [format_action(ActionLine(text=a.text, owner=a.owner, themes=tuple(a.themes)))]

    @property
    def text(self) -> str:
        return self.line


@dataclass(eq=False)
class AddTheme(Job):
    kind: ClassVar[str] = "theme"
    key: str = ""

    def run(self, store: Any) -> Any:
        return store.add_theme(self.key)


@dataclass(eq=False)
class SetAttendance(Job):
    kind: ClassVar[str] = "attendance"
    session: int = 0
    keys: list[str] = field(default_factory=list)

    def run(self, store: Any) -> Any:
        store.set_attendance(self.session, list(self.keys))

    def rescue(self) -> list[str]:
        if self.keys:
            return ["aanwezig: " + " ".join(self.keys)]
        return ["// attendance: nobody ticked"]


@dataclass(eq=False)
class SaveClock(Job):
    kind: ClassVar[str] = "clock"
    clock: SessionClock = None  # type: ignore[assignment]

    def run(self, store: Any) -> Any:
        store.save_clock(self.clock)


@dataclass(eq=False)
class Backup(Job):
    """The session's backup copy, taken when its clock first starts. Never blocks what comes after:
    a failure is the result (a message), not an exception."""

    kind: ClassVar[str] = "backup"

    def run(self, store: Any) -> Any:
        try:
            store.backup()
        except Exception as exc:  # noqa: BLE001
            return str(exc) or type(exc).__name__
        return None


@dataclass(eq=False)
class Call(Job):
    """Any other save (the report screen's): `fn(store)`; `label` names it in messages."""

    kind: ClassVar[str] = "call"
    fn: Callable[[Any], Any] = None  # type: ignore[assignment]
    label: str = ""
    tag: Any = None

    def run(self, store: Any) -> Any:
        return self.fn(store)

    @property
    def text(self) -> str:
        return self.label


def _is_retryable(exc: BaseException) -> bool:
    from facilitator.store.workshop import StoreWriteError

    return isinstance(exc, (StoreWriteError, OSError))


class Writer:
    """Runs jobs on `store` in a daemon thread. `on_change(job)` is called from that thread
    after each job saved, failed or erred."""

    def __init__(self, store: Any, on_change: Callable[[Job], None] = lambda job: None):
        self.store = store
        self._on_change = on_change
        self._queue: deque[Job] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._wake = False
        self._busy = False
        self._held = 0  # hold(): no new job starts while > 0
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
        """Take a job that has not run (or failed) out of the queue; False if it is running or done."""
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

    def hold(self) -> list[Job]:
        """Start no new job until `release()` (the one running finishes first); returns the
        unsaved jobs, which stay exactly these until then: a quit question counts them and
        the rescue file holds the same ones."""
        with self._cond:
            self._held += 1
            self._cond.wait_for(lambda: not self._busy, 10.0)
            return list(self._queue)

    def release(self) -> None:
        with self._cond:
            self._held = max(0, self._held - 1)
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until the queue is empty or its head failed; True when empty."""
        with self._cond:
            self._cond.wait_for(
                lambda: not self._busy and (not self._queue or self._held > 0
                                            or (self._queue[0].state == "failed" and not self._wake)),
                timeout)
            return not self._queue

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def _ready(self) -> bool:
        if self._stopping:
            return True
        return bool(self._queue) and not self._held and (self._queue[0].state != "failed" or self._wake)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(self._ready)
                if self._stopping and (not self._queue or self._queue[0].state == "failed" or self._held):
                    return
                if not self._ready():
                    continue
                self._wake = False
                job = self._queue[0]
                self._busy = True
            job.attempts += 1
            try:
                result = job.run(self.store)
            except Exception as exc:  # noqa: BLE001 - reported to the user, never lost
                job.error = str(exc) or type(exc).__name__
                job.reason = message_of(exc)
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
                job.result = result
                job.state = "saved"
                job.error = job.reason = None
                self._queue.popleft()
                self._busy = False
                self._cond.notify_all()
            self._on_change(job)
