"""WorkshopData: which sessions were held, and which one to run next."""

from __future__ import annotations

from pathlib import Path

from facilitator.domain.plan import parse_plan
from facilitator.domain.records import SessionClock, Statement
from facilitator.domain.workshop import WorkshopData

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "plan-example.toml"


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


def test_a_session_still_running_is_resumed_within_the_day():
    from facilitator.domain.records import StepTiming

    running = SessionClock(session=1, started_at=1000.0, current_step=1,
                           steps={0: StepTiming(start=1000.0, end=1900.0), 1: StepTiming(start=1900.0)})
    d = data(statements=[Statement(session=1, text="a")], clocks={1: running})
    assert d.next_session() == 2  # without a clock to compare with: the first not held
    assert d.next_session(now=1900.0 + 3600) == 1  # restarted an hour later: back to session 1
    assert d.next_session(now=1900.0 + 13 * 3600) == 2  # the next day: the next session
    paused = running.model_copy(update={"steps": {0: StepTiming(start=1000.0, end=1900.0),
                                                  1: StepTiming(start=1900.0, paused_at=5000.0)}})
    assert data(clocks={1: paused}).next_session(now=5000.0 + 11 * 3600) == 1
    ended = running.model_copy(update={"steps": {0: StepTiming(start=1000.0, end=1900.0),
                                                 1: StepTiming(start=1900.0, end=2500.0)}})
    assert data(clocks={1: ended}).next_session(now=2600.0) == 2
