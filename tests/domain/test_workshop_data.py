"""WorkshopData: which sessions were held, and which one to run next."""

from __future__ import annotations

from pathlib import Path

from facilitator.domain.plan import parse_plan
from facilitator.domain.records import SessionClock, Statement
from facilitator.domain.workshop import WorkshopData

EXAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "plan-example.toml"


def data(**kw) -> WorkshopData:
    plan = parse_plan(EXAMPLE.read_text(encoding="utf-8"), default_slug="lombok-2026")
    return WorkshopData(plan=plan, themes=list(plan.themes), statements=kw.pop("statements", []),
                        actions=[], **kw)


def test_next_session_is_the_first_not_held_and_the_last_when_all_were():
    assert data().next_session() == 1
    held = data(statements=[Statement(session=1, text="a")], attendance={2: ["wt1"]},
                clocks={3: SessionClock(session=3, started_at=1.0)})
    assert held.held_sessions() == [1, 2, 3] and held.next_session() == 4
    every = data(statements=[Statement(session=n, text="a") for n in (1, 2, 3, 4)])
    assert every.next_session() == 4
    gap = data(statements=[Statement(session=2, text="a")])
    assert gap.next_session() == 1
