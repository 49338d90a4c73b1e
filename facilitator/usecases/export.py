"""Exporting a workshop: the one function the CLI, the home screen and the report
screen call.

`export_workshop(source, out_dir, session=None, mode=0o600, formats=("md",))`
renders the workshop in every asked format and writes all files at once
(`export.files.write_documents`: names checked first, each file atomic). It
returns an `ExportResult` with the paths and the number of places where a
participant's name was replaced by a role: every caller must show that count
(`names_notice`), it is the researcher's cue to check those quotes.

Next to the exports it writes the names-review file `{slug}-names-review.txt`
(`export.review`): every replacement with its file, line, the form replaced and
the role it became. Always mode 0600 whatever `mode` says, never in `paths` (it
is not part of the hand-over: it holds the names), and rewritten by every export,
also when nothing was replaced, so an old list never lingers.

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

from facilitator.i18n import Joined, message_of
from facilitator.usecases.errors import ExportError

if TYPE_CHECKING:
    from facilitator.domain.workshop import WorkshopData
    from facilitator.export import Document

Renderer = Callable[["WorkshopData", "int | None"], "list[Document]"]


def _markdown(data: WorkshopData, session: int | None) -> list[Document]:
    from facilitator.export import render_all

    return render_all(data, session)


class _NotRendered(Exception):
    """A format's documents could not be made: why (a `Message`, or a tool's own words)."""


def _through_pandoc(fmt: str) -> Renderer:
    """Word, ODT, PDF: the Markdown documents converted by pandoc (facilitator.export.pandoc)."""

    def render(data: WorkshopData, session: int | None) -> list[Document]:
        from facilitator.export import Document, render_all
        from facilitator.export.pandoc import PandocMissing, convert, find_pandoc

        try:
            pandoc = find_pandoc()
            out = []
            for doc in render_all(data, session, page=True):
                body = convert(doc.text, fmt, data.plan.workshop.language, pandoc)
                out.append(Document(filename=doc.filename.removesuffix(".md") + "." + fmt, text="",
                                    redactions=doc.redactions, data=body))
            return out
        except (PandocMissing, RuntimeError) as exc:
            raise _NotRendered(message_of(exc)) from None

    return render


def _qdpx(data: WorkshopData, session: int | None) -> list[Document]:
    """The whole series as a REFI-QDA project (docs/qda.md)."""
    from facilitator.export import render_qdpx

    return [render_qdpx(data)]


def _qdc(data: WorkshopData, session: int | None) -> list[Document]:
    """The codebook alone (themes, theme groups, frameworks)."""
    from facilitator.export import render_qdc

    try:
        return [render_qdc(data)]
    except ValueError as exc:
        raise _NotRendered(Joined([f"{data.plan.slug}:", message_of(exc)], " ")) from None


FORMATS: dict[str, Renderer] = {"md": _markdown, "docx": _through_pandoc("docx"), "odt": _through_pandoc("odt"),
                                "pdf": _through_pandoc("pdf"), "qdpx": _qdpx, "qdc": _qdc}
WHOLE_SERIES = {"qdpx": "export.series_only_qdpx", "qdc": "export.series_only_qdc"}  # no --session: their message


def register_format(name: str, renderer: Renderer) -> None:
    """Make `formats=(name,)` render with `renderer` (a later registration replaces one)."""
    FORMATS[name] = renderer


@dataclass(frozen=True)
class ExportResult:
    paths: list[Path]  # every file written, in order
    names_replaced: int  # places where a participant's name became a role (per format, the most)
    documents: list[Any] = field(default_factory=list)  # the Documents written
    review_path: Path | None = None  # the names-review file (local, 0600, not handed over)
    ordinary_words: int = 0  # of the replacements, forms that are also ordinary words ("Roos", "Mark")


def export_workshop(source: Any, out_dir: Path, *, slug: str | None = None, session: int | None = None,
                    mode: int = 0o600, formats: Iterable[str] = ("md",), lang: str = "en") -> ExportResult:
    """Export a workshop. `source`: a `WorkshopData`, an open store (its snapshot is
    taken), or a data directory with `slug` (opened read-only for the snapshot; a
    StoreError passes through). `session`: only that session's minutes.
    Raises ExportError (in the interface language `lang`; the documents are in the
    plan's) for an unknown session or format, or output that cannot be written."""
    from facilitator.i18n import in_language, text

    data = _snapshot(source, slug)
    if session is not None and data.plan.session(session) is None:
        known = ", ".join(str(s.number) for s in data.plan.sessions)
        raise ExportError(text("export.no_session", lang, session=session, slug=repr(data.plan.slug), known=known))
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ExportError(text("export.unknown_format", lang, unknown=", ".join(unknown) or "-",
                               known=", ".join(sorted(FORMATS))))
    for name in formats:
        if session is not None and name in WHOLE_SERIES:
            raise ExportError(text(WHOLE_SERIES[name], lang))
    docs: list[Document] = []
    replaced = 0
    per_format: list[list[Document]] = []
    for name in formats:
        try:
            rendered = FORMATS[name](data, session)
        except _NotRendered as exc:  # said in `lang` (a tool's own words as it gives them)
            raise ExportError(in_language(exc.args[0], lang)) from None
        replaced = max(replaced, sum(d.redactions for d in rendered))
        per_format.append(rendered)
        docs.extend(rendered)
    # The review lists the places of one format: the first that says where (Markdown; the
    # other formats are made from the same texts, so their places are the same).
    listed = next((r for r in per_format if any(d.replacements for d in r)), per_format[0])
    from facilitator.export import review_file
    from facilitator.export.files import write_documents

    review = review_file(listed, data.plan.workshop.slug or "workshop", data.plan.workshop.language)
    out_dir = Path(out_dir)
    try:
        paths = write_documents(docs, out_dir, mode)
        (review_path,) = write_documents([review], out_dir, 0o600)  # holds the names: always 0600
    except OSError as exc:
        raise ExportError(text("export.cannot_write", lang, out=out_dir, reason=exc.strerror or exc)) from None
    except ValueError as exc:  # a file name that is not plain and portable, or two alike
        raise ExportError(text("export.cannot_write", lang, out=out_dir, reason=exc)) from None
    ordinary = sum(1 for d in listed for r in d.replacements if r.common)
    return ExportResult(paths=list(paths), names_replaced=replaced, documents=docs, review_path=review_path,
                        ordinary_words=ordinary)


def names_notice(count: int, review_path: Path | None = None, ordinary: int = 0, lang: str = "en") -> str:
    """The notice for `ExportResult.names_replaced`, in `lang` (the CLI's; screens say it in their own words)."""
    from facilitator.i18n import text

    where = f" ({review_path})" if review_path else ""
    if not count:
        return text("usecase.names_none", lang, where=where)
    also = text("usecase.names_ordinary", lang, n=ordinary) if ordinary else ""
    listed = (text("usecase.names_listed", lang, path=review_path) if review_path
              else text("usecase.names_check", lang))
    return text("usecase.names_one" if count == 1 else "usecase.names_many", lang, n=count, also=also, listed=listed)


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
