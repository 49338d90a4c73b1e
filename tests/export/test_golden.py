"""The demo workshop's exports, byte for byte (update: python3 -m tests.export.update_goldens)."""

from __future__ import annotations

import re

from facilitator.export import render_all
from tests.export.mdcheck import tokens
from tests.export.update_goldens import GOLDEN_DIR, demo_documents


def test_demo_exports_match_the_golden_files() -> None:
    docs = demo_documents()
    assert sorted(d.filename for d in docs) == sorted(p.name for p in GOLDEN_DIR.glob("*.md"))
    for doc in docs:
        golden = (GOLDEN_DIR / doc.filename).read_bytes().decode("utf-8")
        assert doc.text == golden, f"{doc.filename} differs; run python3 -m tests.export.update_goldens and review"


def test_demo_exports_name_no_participant_and_parse() -> None:
    from facilitator.demo import plan_text
    from facilitator.domain.plan import parse_plan

    names = list(parse_plan(plan_text(), "demo.toml").names().values())
    assert names, "the demo plan names its seats"
    for doc in demo_documents():
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", doc.text, re.IGNORECASE), (doc.filename, name)
        assert any(t.type == "table_open" for t in tokens(doc.text))
    assert render_all  # the API the CLI and TUI use
