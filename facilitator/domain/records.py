"""What a session leaves behind: statements, actions, attendance, step timing,
and the researcher's report text. Plain pydantic models, JSON round-trippable.

Speakers are stored as the key the note-taker typed (a role key such as ``sm`` or
a participant key such as ``sm1``) or None for an unknown participant; the role
is resolved through the plan, so a name can never travel with a record.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    seen: float | None = None  # a running step: the last moment the app saved it running (quit, kill -9)
    away: float = 0.0  # seconds between leaving the step (F7) and coming back to it (F6): not a pause

    def elapsed(self, now: float) -> float:
        """Running seconds of the step, pauses and time spent in other steps excluded."""
        if self.start is None:
            return 0.0
        stop = self.end if self.end is not None else (self.paused_at if self.paused_at is not None else now)
        return max(0.0, stop - self.start - self.paused - self.away)


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


BlockKind = Literal["paragraph", "quote", "excerpt", "heading"]

# An inline citation inside a paragraph: `[[12]]` stands for statement 12, cited in
# the running text as “…” (een buurtcoach, CODE). Not valid CommonMark link syntax,
# so a paragraph without the export still reads as plain text.
INLINE_CITATION = re.compile(r"\[\[(\d+)\]\]")


class Block(_Record):
    """One part of a finding, in order.

    - paragraph: researcher's Markdown (`text`), may cite statements inline as `[[id]]`
    - quote: one statement (`statements[0]`) as a block quote with its code
    - excerpt: several statements from one conversation as ONE block quote with one
      code; the speakers are shown inside when they differ
    - heading: a sub-heading inside the finding (`text`)
    """

    kind: BlockKind = "paragraph"
    text: str = ""
    statements: list[int] = Field(default_factory=list)

    def cited(self) -> list[int]:
        """The statement ids this block shows, in order (inline citations included)."""
        if self.kind == "paragraph":
            return [int(m.group(1)) for m in INLINE_CITATION.finditer(self.text)]
        return list(self.statements) if self.kind in ("quote", "excerpt") else []


class Finding(_Record):
    """A numbered finding of the report: ordered blocks.

    Stores written before blocks existed hold `text` + `statements` (statement ids);
    they are read as a paragraph followed by one quote block per statement."""

    id: int | None = None
    blocks: list[Block] = Field(default_factory=list)
    position: int = 0

    @model_validator(mode="before")
    @classmethod
    def _from_text_and_statements(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("text" in data or "statements" in data):
            data = dict(data)
            text, ids = data.pop("text", "") or "", data.pop("statements", []) or []
            if "blocks" not in data:
                blocks: list[Any] = [Block(kind="paragraph", text=text)] if text.strip() else []
                blocks += [Block(kind="quote", statements=[i]) for i in ids]
                data["blocks"] = blocks
        return data

    @property
    def text(self) -> str:
        """The paragraphs and sub-headings, blank-line separated (a summary for lists)."""
        return "\n\n".join(b.text for b in self.blocks if b.kind in ("paragraph", "heading") and b.text.strip())

    @property
    def statements(self) -> list[int]:
        """Every statement id the finding cites, in order, each once."""
        return list(dict.fromkeys(i for b in self.blocks for i in b.cited()))


class Appendix(_Record):
    """An appendix the researcher adds: a title and Markdown text."""

    title: str = ""
    text: str = ""


# The report's generated appendices, in their order; `ReportText.appendices_off` names those left out.
APPENDICES = ("sessions", "statements", "overview")


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
    # The generated sentence of the introduction (sessions held, who took part):
    # None: generated; "": left out; any other text: the researcher's own version.
    held_sentence: str | None = None
    next_lead: str = ""  # lead text of "Hoe nu verder?", before the numbered steps
    colofon_note: str = ""  # a free paragraph under the colofon's list
    appendices_off: list[str] = Field(default_factory=list)  # keys of APPENDICES left out
    own_appendices: list[Appendix] = Field(default_factory=list)  # after the generated ones
    # The key of a plan framework that structures the analysis section (its elements,
    # with the statements tagged with each); when set it replaces `stages`.
    framework: str | None = None
