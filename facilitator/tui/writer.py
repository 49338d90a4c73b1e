"""The writer, for screens: the headless `Writer` (facilitator.live.writer) telling a
widget through a Textual message.

`attach(store, widget)` starts a writer whose every report arrives at `widget`
as a `JobChanged` message, on the UI thread, in the order the jobs ran. A
screen handles it with `on_job_changed`. The jobs are the typed ones of
facilitator.live.writer; a screen with saves of its own (the report screen)
submits `Call(fn=..., label=...)`.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from facilitator.live.writer import (AddAction, AddStatement, AddTheme, Backup, Call, DeleteStatement, Job,  # noqa: F401
                                     RestoreStatement, SaveClock, SetAttendance, UpdateStatement, Writer)


class JobChanged(Message):
    """A job saved, failed (kept, retried) or erred (dropped, a bug)."""

    def __init__(self, job: Job):
        super().__init__()
        self.job = job


def attach(store: Any, widget: Any) -> Writer:
    """A writer on `store` reporting to `widget` (post_message is thread-safe)."""
    return Writer(store, lambda job: widget.post_message(JobChanged(job)))


__all__ = ["JobChanged", "Writer", "attach", "Job", "Call", "AddStatement", "AddAction", "AddTheme", "Backup",
           "DeleteStatement", "RestoreStatement", "SaveClock", "SetAttendance", "UpdateStatement"]
