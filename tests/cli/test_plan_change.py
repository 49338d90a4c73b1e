"""facilitator.domain.plan_change: the pure check behind `new --update`."""

from __future__ import annotations

from facilitator.domain.plan import parse_plan
from facilitator.domain.plan_change import kept_themes, orphans
from facilitator.domain.records import SessionClock, Statement, StepTiming
from facilitator.domain.workshop import WorkshopData
from tests.cli.conftest import MINIMAL

PLAN = parse_plan(MINIMAL, "wijk.toml")


def data(**kw) -> WorkshopData:
    return WorkshopData(plan=PLAN, themes=list(PLAN.themes), statements=kw.pop("statements", []), actions=[], **kw)


def test_same_plan_and_additions_are_safe():
    d = data(statements=[Statement(session=1, step=1, speaker="sm1", text="x", themes=["regels"])],
             attendance={1: ["sm1", "bj"]})
    assert orphans(d, PLAN) == []
    bigger = parse_plan(MINIMAL + '\n[[roles]]\nkey = "lg"\nlabel = "leidinggevende"\n', "wijk.toml")
    assert orphans(d, bigger) == []


def test_clock_of_a_removed_step_or_session_counts():
    clock = SessionClock(session=2, started_at=10.0, steps={0: StepTiming(start=10.0, end=20.0)})
    shorter = parse_plan(MINIMAL.split("[[sessions]]\nnumber = 2")[0], "wijk.toml")
    assert orphans(data(clocks={2: clock}), shorter) == [
        "session 2 is removed but has a started clock; keep it in the plan"]
    clock1 = SessionClock(session=1, started_at=10.0, steps={1: StepTiming(start=10.0)})
    one_step = parse_plan(MINIMAL.replace('[[sessions.agenda]]\ntitle = "Casus"\nminutes = 40\n', ""), "wijk.toml")
    assert orphans(data(clocks={1: clock1}), one_step) == [
        "session 1: the agenda is shortened to 1 step but step 2 has records or timing; keep at least 2 steps"]


def test_speaker_only_in_attendance_is_an_orphan():
    no_bj = parse_plan(MINIMAL.replace('[[roles]]\nkey = "bj"\nlabel = "buurtteam jeugd"\n', ""), "wijk.toml")
    assert orphans(data(attendance={2: ["bj"]}), no_bj) == [
        "role 'bj' is removed but has attendance in session 2; keep it in the plan"]


def test_dropped_theme_in_use_is_kept():
    no_theme = parse_plan(MINIMAL.replace('[[themes]]\nkey = "regels"\nlabel = "Regels"\n', ""), "wijk.toml")
    assert kept_themes(data(), no_theme) == []
    used = data(statements=[Statement(session=1, text="x", themes=["regels"])])
    assert [t.label for t in kept_themes(used, no_theme)] == ["Regels"]
    assert orphans(used, no_theme) == []
