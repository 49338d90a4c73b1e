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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
