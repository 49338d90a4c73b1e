"""The schedule: planned and expected times, behind/ahead, +5/-5, skip and move."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain import schedule as sch
from facilitator.domain.plan import PlanError, parse_plan
from facilitator.domain.records import SessionClock, StepTiming

PLAN = parse_plan((Path(__file__).parents[1] / "tui" / "plan.toml").read_text(encoding="utf-8"))
S1 = PLAN.session(1)  # 2026-03-03 13:30: 15, 40, 45, 20 minutes
UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 3, 13, 30, tzinfo=UTC).timestamp()
MIN = 60.0


def started(at: float, step: int = 0) -> SessionClock:
    return SessionClock(session=1, started_at=at, current_step=step, steps={step: StepTiming(start=at)})


def goto(clock: SessionClock, step: int, now: float) -> SessionClock:
    clock = clock.model_copy(deep=True)
    clock.steps[clock.current_step].end = now
    clock.steps[step] = StepTiming(start=now)
    clock.current_step = step
    return clock


def hm(moment: float | None) -> str:
    return sch.hhmm(moment, UTC)


def test_planned_clock_times_from_the_plans_start() -> None:
    plan = sch.schedule(S1, SessionClock(session=1), T0 - 3600, UTC)
    assert [(hm(s.planned_start), hm(s.planned_end)) for s in plan.slots] == [
        ("13:30", "13:45"), ("13:45", "14:25"), ("14:25", "15:10"), ("15:10", "15:30")]
    assert hm(plan.planned_end) == "15:30" and plan.delay_minutes == 0


def test_a_late_start_is_behind_schedule_before_and_after_the_clock_starts() -> None:
    late = T0 + 12 * MIN
    assert sch.schedule(S1, SessionClock(session=1), late, UTC).delay_minutes == 12
    plan = sch.schedule(S1, started(late), late + 60, UTC)
    assert plan.delay_minutes == 12
    assert hm(plan.slot(1).start) == "13:57" and hm(plan.expected_end) == "15:42"


def test_an_overrun_makes_the_session_late_and_a_short_step_early() -> None:
    clock = started(T0)
    assert sch.schedule(S1, clock, T0 + 20 * MIN, UTC).delay_minutes == 5  # step 1 (15 min) still running at 20
    early = goto(clock, 1, T0 + 10 * MIN)
    plan = sch.schedule(S1, early, T0 + 10 * MIN, UTC)
    assert plan.delay_minutes == -5
    assert plan.slot(0).status == "done" and plan.slot(0).actual == 10 * MIN
    assert hm(plan.slot(2).start) == "14:20"


def test_the_schedule_is_anchored_on_the_day_the_clock_started() -> None:
    """A rehearsal two days later at 13:30 is on time, not two days late."""
    later = T0 + 2 * 86400
    assert sch.schedule(S1, started(later), later, UTC).delay_minutes == 0


def test_without_a_start_time_the_schedule_starts_with_the_clock() -> None:
    text = (Path(__file__).parents[1] / "tui" / "plan.toml").read_text(encoding="utf-8")
    plan = parse_plan(text.replace("start = 13:30:00\n", "", 1))
    session = plan.session(1)
    assert sch.schedule(session, SessionClock(session=1), T0, UTC).planned_start is None
    assert sch.schedule(session, SessionClock(session=1), T0, UTC).delay is None
    clock = started(T0 + 5 * MIN)
    assert sch.schedule(session, clock, T0 + 25 * MIN, UTC).delay_minutes == 5


def test_plus_five_and_minus_five_are_recorded_and_change_the_expected_end() -> None:
    clock = started(T0)
    clock = sch.extend(S1, clock, +5, T0 + 60)
    assert clock.changes[-1].kind == "extend" and clock.changes[-1].minutes == 5 and clock.changes[-1].at == T0 + 60
    assert sch.minutes(S1, clock, 0) == 20
    plan = sch.schedule(S1, clock, T0 + 60, UTC)
    assert plan.delay_minutes == 5 and plan.slot(0).adjusted and not plan.slot(1).adjusted
    clock = sch.extend(S1, sch.extend(S1, clock, -5, T0 + 70), -5, T0 + 80)
    assert sch.minutes(S1, clock, 0) == 10
    assert sch.schedule(S1, clock, T0 + 80, UTC).delay_minutes == -5


def test_minus_five_never_goes_under_one_minute_and_records_what_it_took() -> None:
    clock = started(T0)
    for _ in range(2):
        clock = sch.extend(S1, clock, -5, T0)
    clock = sch.extend(S1, clock, -5, T0)  # 15 -> 10 -> 5 -> 1: takes 4
    assert clock.changes[-1].minutes == -4 and sch.minutes(S1, clock, 0) == 1
    with pytest.raises(sch.ScheduleRefused) as refused:
        sch.extend(S1, clock, -5, T0)
    assert refused.value.reason == "minimum"


def test_a_done_step_cannot_get_more_time() -> None:
    clock = goto(started(T0), 1, T0 + 15 * MIN)
    with pytest.raises(sch.ScheduleRefused) as refused:
        sch.extend(S1, clock, 5, T0, step=0)
    assert refused.value.reason == "done"


def test_skipping_a_step_takes_it_out_of_the_schedule_and_next() -> None:
    clock = started(T0)
    clock = sch.toggle_skip(S1, clock, 1, T0 + 60)
    assert sch.next_step(S1, clock) == 2
    plan = sch.schedule(S1, clock, T0 + 60, UTC)
    assert plan.slot(1).status == "skipped" and plan.slot(1).start is None
    assert plan.delay_minutes == -40 and hm(plan.slot(2).start) == "13:45"
    clock = sch.toggle_skip(S1, clock, 1, T0 + 120)
    assert clock.changes[-1].kind == "unskip" and sch.next_step(S1, clock) == 1


@pytest.mark.parametrize("step,reason", [(0, "current"), (9, "edge")])
def test_skip_refuses_the_current_step_and_steps_not_in_the_agenda(step: int, reason: str) -> None:
    with pytest.raises(sch.ScheduleRefused) as refused:
        sch.toggle_skip(S1, started(T0), step, T0)
    assert refused.value.reason == reason


def test_a_step_that_started_cannot_be_skipped_or_moved() -> None:
    clock = goto(goto(started(T0), 1, T0 + 60), 0, T0 + 120)  # back to step 1: step 2 has started
    for op in (lambda: sch.toggle_skip(S1, clock, 1, T0), lambda: sch.move(S1, clock, 1, 1, T0)):
        with pytest.raises(sch.ScheduleRefused) as refused:
            op()
        assert refused.value.reason == "started"


def test_moving_a_step_changes_the_running_order_and_next() -> None:
    clock = started(T0)
    clock = sch.move(S1, clock, 3, -1, T0)  # "Afsluiting" before the case
    assert sch.order(S1, clock) == [0, 1, 3, 2]
    assert clock.changes[-1].to == 2
    clock = goto(clock, 1, T0 + 15 * MIN)
    assert sch.next_step(S1, clock) == 3
    plan = sch.schedule(S1, clock, T0 + 15 * MIN, UTC)
    assert [s.step for s in plan.slots] == [0, 1, 3, 2]
    assert hm(plan.slot(3).start) == "14:25" and hm(plan.slot(2).start) == "14:45"
    assert plan.delay_minutes == 0  # the same minutes in another order


def test_moving_never_goes_before_the_current_step() -> None:
    clock = goto(started(T0), 1, T0 + 60)
    with pytest.raises(sch.ScheduleRefused) as refused:
        sch.move(S1, clock, 2, -1, T0)
    assert refused.value.reason == "edge"
    with pytest.raises(sch.ScheduleRefused):
        sch.move(S1, clock, 3, +1, T0)


def test_prev_and_next_follow_the_running_order() -> None:
    clock = sch.move(S1, started(T0), 3, -2, T0)
    assert sch.order(S1, clock) == [0, 3, 1, 2]
    clock = goto(clock, 3, T0 + 60)
    assert sch.next_step(S1, clock) == 1 and sch.prev_step(S1, clock) == 0


def test_an_old_clock_record_without_changes_still_reads() -> None:
    clock = SessionClock.model_validate({"session": 1, "started_at": T0, "current_step": 0,
                                         "steps": {"0": {"start": T0}}})
    assert clock.changes == [] and sch.order(S1, clock) == [0, 1, 2, 3]
    assert SessionClock.model_validate(sch.extend(S1, clock, 5, T0).model_dump(mode="json")).changes[0].minutes == 5


# -- the countdown ------------------------------------------------------------------------------


def test_countdown_time_left_and_levels_at_a_percent_threshold() -> None:
    clock = started(T0)
    cd = sch.countdown(S1, clock, T0 + 60, tz=UTC)
    assert (cd.left, cd.level, cd.position, cd.count) == (14 * MIN, "ok", 1, 4)
    assert cd.next_title == "Ieders opdracht in vijf minuten" and hm(cd.next_start) == "13:45"
    assert sch.countdown(S1, clock, T0 + 12 * MIN, tz=UTC).level == "warning"  # 3 of 15 left: 20 %
    over = sch.countdown(S1, clock, T0 + 17 * MIN, tz=UTC)
    assert over.level == "over" and over.left == -2 * MIN and sch.clock_text(over.left) == "+02:00"


def test_countdown_at_a_minutes_threshold() -> None:
    two = sch.parse_threshold("2 min")
    clock = started(T0)
    assert sch.countdown(S1, clock, T0 + 12 * MIN, two, UTC).level == "ok"
    assert sch.countdown(S1, clock, T0 + 13 * MIN, two, UTC).level == "warning"


def test_countdown_before_the_start_shows_the_whole_step_and_no_level() -> None:
    cd = sch.countdown(S1, SessionClock(session=1), T0 - 60, tz=UTC)
    assert cd.state == "idle" and cd.left == 15 * MIN and cd.level == "ok"


def test_countdown_counts_the_added_minutes() -> None:
    clock = sch.extend(S1, started(T0), 5, T0)
    assert sch.countdown(S1, clock, T0 + 16 * MIN, tz=UTC).left == 4 * MIN


@pytest.mark.parametrize("text,expected", [
    ("20%", sch.Threshold(percent=20)), ("2 min", sch.Threshold(minutes=2)), ("2m", sch.Threshold(minutes=2)),
    ("1,5", sch.Threshold(minutes=1.5)), (" 3 minuten ", sch.Threshold(minutes=3))])
def test_parse_threshold(text: str, expected: sch.Threshold) -> None:
    assert sch.parse_threshold(text) == expected


@pytest.mark.parametrize("text", ["", "twee", "0%", "100%", "0", "-2 min", "2 uur"])
def test_parse_threshold_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        sch.parse_threshold(text)


def test_the_plan_can_choose_the_threshold_and_a_bad_one_is_one_line() -> None:
    text = (Path(__file__).parents[1] / "tui" / "plan.toml").read_text(encoding="utf-8")
    assert parse_plan(text.replace('code_prefix = "OWP"', 'code_prefix = "OWP"\nwarn = "3 min"')).workshop.warn == "3 min"
    with pytest.raises(PlanError) as bad:
        parse_plan(text.replace('code_prefix = "OWP"', 'code_prefix = "OWP"\nwarn = "soon"'))
    assert bad.value.lines == ["plan.toml: workshop.warn: expected minutes or a percentage left, "
                               "such as '2 min' or '20%', got 'soon'"]


@pytest.mark.parametrize("seconds,text", [(754.2, "12:35"), (0, "00:00"), (-0.4, "+00:00"), (-192, "+03:12"),
                                          (3900, "1:05:00")])
def test_clock_text(seconds: float, text: str) -> None:
    assert sch.clock_text(seconds) == text


# -- properties ---------------------------------------------------------------------------------

ops = st.lists(st.tuples(st.sampled_from(["extend+", "extend-", "skip", "later", "earlier", "next"]),
                         st.integers(0, 3)), max_size=25)


def apply(clock: SessionClock, script: list[tuple[str, int]], now: float) -> SessionClock:
    for op, step in script:
        now += 60
        try:
            if op == "extend+":
                clock = sch.extend(S1, clock, 5, now)
            elif op == "extend-":
                clock = sch.extend(S1, clock, -5, now)
            elif op == "skip":
                clock = sch.toggle_skip(S1, clock, step, now)
            elif op in ("later", "earlier"):
                clock = sch.move(S1, clock, step, 1 if op == "later" else -1, now)
            else:
                follow = sch.next_step(S1, clock)
                if follow is not None:
                    clock = goto(clock, follow, now)
        except sch.ScheduleRefused:
            pass
    return clock


@settings(max_examples=200, deadline=None)
@given(ops)
def test_any_sequence_keeps_the_schedule_consistent(script: list[tuple[str, int]]) -> None:
    clock = apply(started(T0), script, T0)
    run = sch.order(S1, clock)
    assert sorted(run) == [0, 1, 2, 3]  # a permutation: no step lost or doubled
    now = T0 + 3 * 3600
    plan = sch.schedule(S1, clock, now, UTC)
    assert all(s.minutes >= 1 for s in plan.slots)
    # Started steps never move: done steps and the current one keep their place before what is to come.
    held = [s for s in plan.slots if s.status != "skipped"]
    started_steps = [s.step for s in held if s.status in ("done", "current")]
    assert [s.step for s in held][:len(started_steps)] == started_steps
    # Steps to come are projected one after another, ending at the expected end.
    to_come = [s for s in plan.slots if s.status == "upcoming"]
    for a, b in zip(to_come, to_come[1:]):
        assert a.end == b.start
    if to_come:
        assert plan.expected_end == to_come[-1].end
    assert sch.next_step(S1, clock) not in sch.skipped(clock) - {s for s in clock.steps}
    # The record round-trips through JSON: the store saves it as such.
    again = SessionClock.model_validate(clock.model_dump(mode="json"))
    assert sch.schedule(S1, again, now, UTC) == plan


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-3, 3), max_size=12))
def test_extends_sum_and_never_go_under_a_minute(deltas: list[int]) -> None:
    clock = started(T0)
    expected = 15
    for d in deltas:
        try:
            clock = sch.extend(S1, clock, d * 5, T0)
        except sch.ScheduleRefused:
            assert d == 0 or (d < 0 and expected == 1)
            continue
        expected = max(1, expected + d * 5)
    assert sch.minutes(S1, clock, 0) == expected


def test_a_skipped_step_taken_back_after_it_was_passed_comes_next() -> None:
    clock = sch.toggle_skip(S1, started(T0), 1, T0)
    clock = goto(clock, 2, T0 + 60)
    clock = sch.toggle_skip(S1, clock, 1, T0 + 120)
    assert sch.order(S1, clock) == [0, 2, 1, 3] and sch.next_step(S1, clock) == 1


def test_behind_or_ahead_is_left_out_when_the_session_is_not_today() -> None:
    """Acceptance (issue 8, 3b): opened on another day than the session's, the clock bar said
    "N min achter" against today's clock (a session planned last week: thousands of minutes)."""
    idle = SessionClock(session=1)
    week_later = T0 + 7 * 86400
    assert sch.schedule(S1, idle, week_later, UTC).delay_minutes is None
    assert sch.schedule(S1, idle, T0 - 7 * 86400, UTC).delay_minutes is None  # planned next week
    assert sch.schedule(S1, idle, T0 + 12 * MIN, UTC).delay_minutes == 12  # the day itself: said
    left = goto(started(T0), 1, T0 + 10 * MIN)
    assert sch.schedule(S1, left, T0 + 86400, UTC).delay_minutes is None  # left running, reopened next day
    late_night = started(T0)
    assert sch.schedule(S1, late_night, T0 + 11 * 3600, UTC).delay_minutes is not None  # past midnight: still said
