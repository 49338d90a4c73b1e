"""The capture parser (../shared/spec/capture-syntax.md): one line, one record.

Pure: `parse_line` never touches disk or screen and raises nothing but
`CaptureError`. The same function serves the live capture line and
`facilitator import`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Sequence


class CaptureError(ValueError):
    """A line that cannot be recorded; `message` is one line for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Context:
    """What the parser needs to know about the workshop and the session so far."""

    speakers: Mapping[str, str]  # typed key (role or participant, lower case) -> role key
    themes: frozenset[str]  # known theme keys
    steps: Sequence[str]  # titles of the session's agenda steps, in order
    current_speaker: str | None = None  # the sticky speaker (last one used), or None
    current_step: int | None = None  # 0-based agenda index


@dataclass(frozen=True)
class StatementLine:
    speaker: str | None  # key as typed (lower-cased), or the sticky one; None: unknown participant
    kind: Literal["quote", "note"]
    text: str  # without the quote marks, theme tokens, key mark and speaker
    themes: tuple[str, ...]  # in order of appearance, without duplicates
    key: bool
    new_themes: tuple[str, ...] = ()  # the subset of `themes` not yet known
    explicit_speaker: bool = False  # False: the sticky speaker was used


@dataclass(frozen=True)
class StepLine:
    step: int  # 0-based agenda index


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str | None
    themes: tuple[str, ...]
    new_themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttendanceLine:
    keys: tuple[str, ...]  # as typed (lower-cased), repeats kept: `bj bj` is two people


@dataclass(frozen=True)
class Ignored:
    """An empty line or a `//` comment."""


Parsed = StatementLine | StepLine | ActionLine | AttendanceLine | Ignored


def parse_line(line: str, ctx: Context) -> Parsed:
    """Parse one capture line. Raises CaptureError with a message naming the problem."""
    raise NotImplementedError  # pragma: no cover

