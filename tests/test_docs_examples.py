"""The examples in docs/ are what the app does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.domain.capture import (ActionLine, AttendanceLine, Context, Ignored, StatementLine, StepLine,
                                        parse_line)
from facilitator.domain.plan import parse_plan

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _doc_plan():  # type: ignore[no-untyped-def]
    text = (DOCS / "plan-format.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, re.S)
    assert block, "plan-format.md has a TOML example"
    return parse_plan(block.group(1), "plan.toml", "voorbeeld"), text


def test_the_plan_example_loads_with_the_code_the_text_names() -> None:
    plan, text = _doc_plan()
    code = plan.code_of(plan.session(1))
    assert f"first session has the code `{code}`" in text


def _ctx(plan, current=None):  # type: ignore[no-untyped-def]
    speakers = {r.key: r.key for r in plan.roles} | {p.key: p.role for p in plan.participants}
    steps = [s.title for s in plan.session(1).agenda]
    return Context(speakers=speakers, themes=frozenset(t.key for t in plan.themes), steps=steps,
                   current_speaker=current)


def _table_lines() -> list[str]:
    text = (DOCS / "capture-syntax.md").read_text(encoding="utf-8")
    table = text.split("## The kinds of line", 1)[1].split("\n## ", 1)[0]
    return [m.group(1) for m in re.finditer(r"^\| `([^`]*)`", table, re.M)]


EXPECTED = [
    lambda p: isinstance(p, StatementLine) and p.kind == "note" and p.speaker == "wt1" and p.themes == ("signaal",),
    lambda p: isinstance(p, StatementLine) and p.kind == "quote" and p.key and p.speaker == "vw",
    lambda p: isinstance(p, StatementLine) and p.kind == "quote" and p.speaker == "vw" and not p.explicit_speaker,
    lambda p: isinstance(p, StepLine) and p.step == 1,
    lambda p: isinstance(p, ActionLine) and p.owner == "wt1" and p.themes == ("signaal",),
    lambda p: isinstance(p, AttendanceLine) and p.keys == ("wt1", "vw", "vw"),
    lambda p: isinstance(p, Ignored),
]


def test_every_line_in_the_capture_table_means_what_it_says() -> None:
    plan, _ = _doc_plan()
    lines = _table_lines()
    assert len(lines) == len(EXPECTED)
    for line, check in zip(lines, EXPECTED):
        # "## 2 or ## casus": both spellings name step 2 of the example's session 1.
        for variant in line.split("` or `") if line.startswith("##") else [line]:
            parsed = parse_line(variant, _ctx(plan, current="vw"))
            assert check(parsed), (variant, parsed)


@pytest.mark.parametrize("line", ["## casus", "## Casus"])
def test_a_step_by_the_start_of_its_title(line: str) -> None:
    plan, _ = _doc_plan()
    assert parse_line(line, _ctx(plan)) == StepLine(step=1)
