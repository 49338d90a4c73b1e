"""Exporting a workshop: the one function the CLI, the home screen and the report
screen call.

`export_workshop(source, out_dir, session=None, mode=0o600, formats=("md",))`
renders the workshop in every asked format and writes all files at once
(`export.files.write_documents`: names checked first, each file atomic). It
returns an `ExportResult` with the paths and the number of places where a
participant's name was replaced by a role: every caller must show that count
(`names_notice`), it is the researcher's cue to check those quotes.

Formats are the extension point: `FORMATS` maps a format name to a renderer
`(data: WorkshopData, session: int | None) -> list[Document]`. A new format (docx,
qdpx, qdc...) registers its renderer with `register_format`; a binary format
returns Documents whose `data` holds the bytes. `qdpx` and `qdc` are the REFI-QDA
project and codebook (docs/qda.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from facilitator.usecases.errors import ExportError

if TYPE_CHECKING:
    from facilitator.domain.workshop import WorkshopData
    from facilitator.export import Document

Renderer = Callable[["WorkshopData", "int | None"], "list[Document]"]


def _markdown(data: WorkshopData, session: int | None) -> list[Document]:
    from facilitator.export import render_all

    return render_all(data, session)


def _qdpx(data: WorkshopData, session: int | None) -> list[Document]:
    """The whole series as a REFI-QDA project (docs/qda.md)."""
    from facilitator.export import render_qdpx

    if session is not None:
        raise ExportError("a QDA project holds the whole series; --session is for the Markdown minutes")
    return [render_qdpx(data)]


def _qdc(data: WorkshopData, session: int | None) -> list[Document]:
    """The codebook alone (themes, theme groups, frameworks)."""
    from facilitator.export import render_qdc

    if session is not None:
        raise ExportError("a codebook holds the whole series; --session is for the Markdown minutes")
    try:
        return [render_qdc(data)]
    except ValueError as exc:
        raise ExportError(f"{data.plan.slug}: {exc}") from None


FORMATS: dict[str, Renderer] = {"md": _markdown, "qdpx": _qdpx, "qdc": _qdc}


def register_format(name: str, renderer: Renderer) -> None:
    """Make `formats=(name,)` render with `renderer` (a later registration replaces one)."""
    FORMATS[name] = renderer


@dataclass(frozen=True)
class ExportResult:
    paths: list[Path]  # every file written, in order
    names_replaced: int  # places where a participant's name became a role (per format, the most)
    documents: list[Any] = field(default_factory=list)  # the Documents written


def export_workshop(source: Any, out_dir: Path, *, slug: str | None = None, session: int | None = None,
                    mode: int = 0o600, formats: Iterable[str] = ("md",)) -> ExportResult:
    """Export a workshop. `source`: a `WorkshopData`, an open store (its snapshot is
    taken), or a data directory with `slug` (opened read-only for the snapshot; a
    StoreError passes through). `session`: only that session's minutes.
    Raises ExportError for an unknown session or format, or output that cannot be written."""
    data = _snapshot(source, slug)
    if session is not None and data.plan.session(session) is None:
        known = ", ".join(str(s.number) for s in data.plan.sessions)
        raise ExportError(f"no session {session} in {data.plan.slug!r} (sessions: {known})")
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ExportError(f"unknown export format {', '.join(unknown) or '(none)'} "
                          f"(formats: {', '.join(sorted(FORMATS))})")
    docs: list[Document] = []
    replaced = 0
    for name in formats:
        rendered = FORMATS[name](data, session)
        replaced = max(replaced, sum(d.redactions for d in rendered))
        docs.extend(rendered)
    from facilitator.export.files import write_documents

    out_dir = Path(out_dir)
    try:
        paths = write_documents(docs, out_dir, mode)
    except OSError as exc:
        raise ExportError(f"{out_dir}: cannot write the export ({exc.strerror or exc})") from None
    except ValueError as exc:  # a file name that is not plain and portable, or two alike
        raise ExportError(f"{out_dir}: cannot write the export ({exc})") from None
    return ExportResult(paths=list(paths), names_replaced=replaced, documents=docs)


def names_notice(count: int) -> str:
    """The English notice for `ExportResult.names_replaced` (the CLI's; screens say it in their language)."""
    return (f"note: a participant's name was replaced by their role in {count} "
            f"place{'s' if count != 1 else ''}; check those quotes before handing the report over")


def _snapshot(source: Any, slug: str | None) -> WorkshopData:
    if hasattr(source, "snapshot"):
        return source.snapshot()
    if isinstance(source, (str, Path)):
        if slug is None:
            raise TypeError("export_workshop(data_dir, ...) needs slug=")
        from facilitator.usecases.session import open_workshop

        with open_workshop(Path(source), slug, readonly=True) as store:
            return store.snapshot()
    return source  # WorkshopData
