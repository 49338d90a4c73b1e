"""Rewrite the golden exports of the demo workshop: `python3 -m tests.export.update_goldens`.

Builds the demo into a temporary directory, renders everything and writes it to
`tests/export/golden/`, removing golden files that are no longer produced. Review the diff before committing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from facilitator.export import Document, render_all

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def demo_documents() -> list[Document]:
    from facilitator.demo import build_demo
    from facilitator.store.workshop import WorkshopStore

    with tempfile.TemporaryDirectory() as tmp:
        slug = build_demo(Path(tmp))
        store = WorkshopStore.open(Path(tmp), slug, readonly=True)
        try:
            data = store.snapshot()
        finally:
            store.close()
    return render_all(data)


def main() -> int:
    from facilitator.export.files import write_documents

    docs = demo_documents()
    names = {d.filename for d in docs}
    for old in GOLDEN_DIR.glob("*.md"):
        if old.name not in names:
            old.unlink()
    for path in write_documents(docs, GOLDEN_DIR, mode=0o644):
        print(path.relative_to(ROOT))
    path = write_golden_docx()
    if path is not None:
        print(path.relative_to(ROOT))
    return 0


GOLDEN_DOCX = GOLDEN_DIR / "holtenbroek-2025.docx"


def demo_docx() -> bytes:
    """The demo's report as Word (needs pandoc: on PATH or pypandoc-binary from the test extra)."""
    import os

    from facilitator.export import render_report

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1762214400")  # pandoc stamps the file with this date
    from facilitator.export.pandoc import convert

    with tempfile.TemporaryDirectory() as tmp:
        from facilitator.demo import build_demo
        from facilitator.store.workshop import WorkshopStore

        slug = build_demo(Path(tmp))
        with WorkshopStore.open(Path(tmp), slug, readonly=True) as store:
            data = store.snapshot()
    from facilitator.export.report import report

    assert render_report  # the Markdown export; the Word one is made from its page variant
    return convert(report(data, page=True).text, "docx", data.plan.workshop.language)


def write_golden_docx() -> Path | None:
    """The report as .docx beside the Markdown goldens, for people to open; the test
    compares its paragraphs and tables (not its bytes: pandoc versions differ in those)."""
    from facilitator.export.pandoc import PandocMissing

    try:
        body = demo_docx()
    except PandocMissing as exc:
        print(f"skipped {GOLDEN_DOCX.name}: {exc}")
        return None
    GOLDEN_DOCX.write_bytes(body)
    return GOLDEN_DOCX


if __name__ == "__main__":
    raise SystemExit(main())
