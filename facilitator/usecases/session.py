"""Opening a workshop, and what a failure to open it means: one code path for the
CLI, the app's start-up (the live screen opens it in a thread), the home screen
and the report screen.

`open_workshop` is the only way they open a store. When it fails, `open_failure`
decides what follows, the same way everywhere:
- `locked`: another copy of the app writes this workshop. The caller asks whether
  to look read-only (`can_read_only`): the app with its lock question, then
  `open_workshop(..., readonly=True)`; refused, the app stops with exit 1.
- `problem`: the user can fix it (damaged or newer store, no such workshop or
  session): a one-line message, exit 2 as on the command line.
- `unexpected`: anything else: exit 1, the traceback goes to the error log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal


def open_workshop(data_dir: Path, slug: str, *, readonly: bool = False, fallback_plan: Any = None,
                  seat: str | None = None) -> Any:
    """Open the workshop `slug` in `data_dir` (writable: takes its lock). Raises
    StoreLocked when another process holds it, another StoreError when it cannot be read.
    `seat` ("facilitator", "notes"): open it for that seat of a two-seat session
    (facilitator.store.seats); read-only is the same for every seat."""
    from facilitator.store.workshop import WorkshopStore

    if seat is not None and not readonly:
        from facilitator.store.seats import open_seat

        return open_seat(Path(data_dir), slug, seat)
    return WorkshopStore.open(Path(data_dir), slug, readonly=readonly, fallback_plan=fallback_plan)


def opener(data_dir: Path, slug: str, *, readonly: bool = False, seat: str | None = None) -> Callable[[], Any]:
    """`open_workshop` for later (the live screen calls it in its thread)."""
    return lambda: open_workshop(data_dir, slug, readonly=readonly, seat=seat)


@dataclass(frozen=True)
class OpenFailure:
    kind: Literal["locked", "problem", "unexpected"]
    message: str  # one line for the user (no traceback)
    exit_code: int  # when the app stops because of it: 1 locked/unexpected, 2 problem

    @property
    def can_read_only(self) -> bool:
        """Another copy writes it: looking at it read-only is possible."""
        return self.kind == "locked"


def open_failure(exc: BaseException, lang: str = "en") -> OpenFailure:
    """What a failure to open a workshop (or its session) means; see the module's docstring.
    The message is in `lang` (a store error raised with a catalog Message)."""
    from facilitator.i18n import in_language
    from facilitator.store.workshop import StoreError, StoreLocked

    message = in_language(exc, lang) or type(exc).__name__
    if isinstance(exc, StoreLocked):
        return OpenFailure("locked", message, 1)
    if isinstance(exc, (StoreError, LookupError)):  # LookupError: a session not in the plan
        return OpenFailure("problem", message, 2)
    return OpenFailure("unexpected", message, 1)


def recovery_notes(store: Any, slug: str, lang: str = "en") -> list[str]:
    """What opening repaired or skipped in a damaged store, one line each, to tell the user."""
    return recovery_lines(store.recovery, slug, lang, missing=store.readonly)


def recovery_lines(recovery: list[Any], slug: str, lang: str = "en", *, missing: bool = False) -> list[str]:
    """The store's recovery notes for the user, in `lang`; `missing`: what could not be read is
    not in what the command shows or writes (a read-only open, or damage met while reading)."""
    from facilitator.i18n import in_language

    notes = [f"{slug}: {in_language(note, lang)}" for note in recovery]
    if recovery and missing:
        from facilitator.i18n import text

        notes.append(text("usecase.recovery_missing", lang, slug=slug))
    return notes
