"""Exports: pure functions from the domain (WorkshopData) to Markdown text.

Public API:
- `Document(filename, text, redactions, data=None)` (`data`: a binary format's bytes)
- `render_minutes(data, number)` -> the minutes of one session, `{slug}-{code}.md`
- `render_report(data)` -> the series report, `{slug}.md`
- `render_all(data, session=None)` -> the report plus the minutes of every held
  session, or only that session's minutes
- `preview_report(data)` -> the report's Markdown text (for the TUI)
- `facilitator.export.files.write_documents(docs, out_dir, mode=0o600)`: the only I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from facilitator.domain.workshop import WorkshopData

if TYPE_CHECKING:
    from facilitator.export.common import Shared


@dataclass(frozen=True)
class Document:
    filename: str
    text: str
    redactions: int  # participant names replaced by a role label
    data: bytes | None = None  # a binary document's bytes (docx, qdpx...); None: `text` as UTF-8


def render_minutes(data: WorkshopData, number: int, shared: Shared | None = None) -> Document:
    from facilitator.export.minutes import minutes

    return minutes(data, number, shared)


def render_report(data: WorkshopData, shared: Shared | None = None) -> Document:
    from facilitator.export.report import report

    return report(data, shared)


def render_all(data: WorkshopData, session: int | None = None) -> list[Document]:
    from facilitator.export.common import Shared

    shared = Shared()
    if session is not None:
        return [render_minutes(data, session, shared)]
    return [render_report(data, shared)] + [render_minutes(data, n, shared) for n in data.held_sessions()]


def preview_report(data: WorkshopData) -> str:
    return render_report(data).text


__all__ = ["Document", "render_minutes", "render_report", "render_all", "preview_report"]
