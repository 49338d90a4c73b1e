"""What a session leaves behind: statements, actions, attendance, step timing,
and the researcher's report text. Plain pydantic models, JSON round-trippable.

Speakers are stored as the key the note-taker typed (a role key such as ``sm`` or
a participant key such as ``sm1``) or None for an unknown participant; the role
is resolved through the plan, so a name can never travel with a record.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["quote", "note"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Statement(_Record):
    id: int | None = None  # assigned by the store
    session: int  # session number
    step: int | None = None  # 0-based index into the session's agenda
    speaker: str | None = None  # role or participant key; None: "een deelnemer"
    kind: Kind = "note"
    text: str
    themes: list[str] = Field(default_factory=list)
    # Framework elements tagged `#FRAMEWORK.ELEMENT`, stored as "framework.element".
    elements: list[str] = Field(default_factory=list)
    key: bool = False  # the trailing "!": a candidate for the report summary
    offset: float | None = None  # seconds since the session's clock started
    seq: int = 0  # order within the session, assigned by the store


class Action(_Record):
    id: int | None = None
    session: int
    step: int | None = None
    text: str
    owner: str | None = None  # role or participant key
    themes: list[str] = Field(default_factory=list)
    seq: int = 0


class StepTiming(_Record):
    """Wall-clock facts of one agenda step, in epoch seconds."""

    start: float | None = None
    end: float | None = None
    paused: float = 0.0  # seconds spent paused, completed pauses only
    paused_at: float | None = None  # set while paused

    def elapsed(self, now: float) -> float:
        """Running seconds of the step, pauses excluded."""
        if self.start is None:
            return 0.0
        stop = self.end if self.end is not None else (self.paused_at if self.paused_at is not None else now)
        return max(0.0, stop - self.start - self.paused)


class ScheduleChange(_Record):
    """One change to the session's schedule made during the session, in the order made
    (facilitator.domain.schedule replays them): `extend` adds `minutes` (+5 or -5) to a
    step's time box; `skip`/`unskip` leave a step out of (or back into) the schedule;
    `move` puts a step at position `to` of the running order (0-based)."""

    kind: Literal["extend", "skip", "unskip", "move"]
    step: int  # 0-based index into the session's agenda
    minutes: int = 0
    to: int | None = None
    at: float | None = None  # epoch seconds the change was made


class SessionClock(_Record):
    """The live state of a session, saved on every change so a restart resumes it."""

    session: int
    started_at: float | None = None  # epoch seconds the first step started
    current_step: int = 0
    steps: dict[int, StepTiming] = Field(default_factory=dict)
    changes: list[ScheduleChange] = Field(default_factory=list)  # the schedule's changes, oldest first


class Finding(_Record):
    id: int | None = None
    text: str = ""
    statements: list[int] = Field(default_factory=list)  # statement ids, in order
    position: int = 0


class ReportText(_Record):
    """The researcher's written parts of the series report (Markdown allowed)."""

    introduction: str | None = None  # None: the plan's introduction
    analysis_title: str | None = None
    analysis: str = ""
    conclusion: str = ""
    next_steps: list[str] = Field(default_factory=list)
    # Theme keys that stand for the stages of an analysis framework, in order;
    # the analysis section counts the statements tagged with each.
    stages: list[str] = Field(default_factory=list)
    # The key of a plan framework that structures the analysis section (its elements,
    # with the statements tagged with each); when set it replaces `stages`.
    framework: str | None = None
