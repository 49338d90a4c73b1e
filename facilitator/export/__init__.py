"""Exports: pure functions from the domain (WorkshopData) to Markdown text.

Public API:
- `Document(filename, text, redactions, data=None, replacements=())` (`data`: a
  binary format's bytes; `replacements`: where each name was replaced, for the
  names-review file, `review_file(docs, slug, lang)`)
- `render_minutes(data, number)` -> the minutes of one session, `{slug}-{code}.md`
- `render_report(data)` -> the series report, `{slug}.md`
- `render_all(data, session=None)` -> the report plus the minutes of every held
  session, or only that session's minutes
- `preview_report(data)` -> the report's Markdown text (for the TUI)
- `render_qdpx(data)`, `render_qdc(data)` -> the REFI-QDA project / codebook
  (`{slug}.qdpx`, `{slug}.qdc`; docs/qda.md)
- `facilitator.export.files.write_documents(docs, out_dir, mode=0o600)`: the only I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from facilitator.domain.workshop import WorkshopData

if TYPE_CHECKING:
    from facilitator.export.common import Shared


@dataclass(frozen=True)
class Document:
    filename: str
    text: str
    redactions: int  # participant names replaced by a role label
    data: bytes | None = None  # a binary document's bytes (docx, qdpx...); None: `text` as UTF-8
    # Each replacement (common.Replacement: file, line, form, role, ...), for the
    # review file. Holds the names: never written into an export.
    replacements: tuple[Any, ...] = ()


def render_minutes(data: WorkshopData, number: int, shared: Shared | None = None) -> Document:
    from facilitator.export.minutes import minutes

    return minutes(data, number, shared)


def render_report(data: WorkshopData, shared: Shared | None = None) -> Document:
    from facilitator.export.report import report

    return report(data, shared)


def render_all(data: WorkshopData, session: int | None = None, page: bool = False) -> list[Document]:
    """`page`: the Markdown a Word/ODT/PDF document is made from (tables laid out for a page)."""
    from facilitator.export.common import Shared
    from facilitator.export.minutes import minutes
    from facilitator.export.report import report

    shared = Shared()
    if session is not None:
        return [minutes(data, session, shared, page=page)]
    return [report(data, shared, page=page)] + [minutes(data, n, shared, page=page) for n in data.held_sessions()]


def review_file(docs: list[Document], slug: str, lang: str = "nl") -> Document:
    """The names-review file (`{slug}-names-review.md`, local, never handed over)."""
    from facilitator.export.review import review

    return review(docs, slug, lang)


def preview_report(data: WorkshopData) -> str:
    return render_report(data).text


def render_qdpx(data: WorkshopData) -> Document:
    from facilitator.export.qda import render_qdpx as qdpx

    out = qdpx(data)
    return Document(filename=out.filename, text="", redactions=out.redactions, data=out.content)


def render_qdc(data: WorkshopData) -> Document:
    """Raises ValueError when there is nothing to put in it (no themes, no frameworks)."""
    from facilitator.export.qda import render_qdc as qdc

    out = qdc(data)
    return Document(filename=out.filename, text=out.content.decode("utf-8"), redactions=out.redactions,
                    data=out.content)


__all__ = ["Document", "render_minutes", "render_report", "render_all", "preview_report", "render_qdpx", "render_qdc",
           "review_file"]
