"""The countdown widget: large digits, the warning threshold's colour and notice, the
overrun counting up, one line on a small terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from facilitator.domain import schedule as sch
from facilitator.domain.plan import parse_plan
from facilitator.domain.records import SessionClock, StepTiming
from facilitator.tui.widgets.countdown import Countdown

from .helpers import PLAN_PATH

PLAN = parse_plan(PLAN_PATH.read_text(encoding="utf-8"))
S1 = PLAN.session(1)
T0 = dt.datetime(2026, 3, 3, 13, 30, tzinfo=dt.timezone.utc).timestamp()
CLOCK = SessionClock(session=1, started_at=T0, steps={0: StepTiming(start=T0)})


class Harness(App):
    CSS_PATH = str(Path(__file__).parents[2] / "facilitator" / "tui" / "styles" / "room.tcss")

    def __init__(self) -> None:
        super().__init__()
        self.crossed: list[tuple[int, str]] = []

    def compose(self) -> ComposeResult:
        yield Countdown("nl", id="cd")

    def on_countdown_crossed(self, event: Countdown.Crossed) -> None:
        self.crossed.append((event.step, event.level))


def view(at: float, threshold: sch.Threshold = sch.DEFAULT_THRESHOLD, clock: SessionClock = CLOCK) -> sch.Countdown:
    return sch.countdown(S1, clock, T0 + at, threshold, dt.timezone.utc)


def colour(cd: Countdown) -> str:
    return str(cd.query_one("#cd-digits").rich_style.color)


async def test_digits_title_and_question_beside_them() -> None:
    app = Harness()
    async with app.run_test(size=(100, 24)) as pilot:
        cd = app.query_one(Countdown)
        cd.show(view(60))
        await pilot.pause()
        assert cd.digits == "14:00" and not cd.compact
        assert "Opening en rondje" in str(cd.query_one("#cd-step").render())
        assert "bij welke bewoner" in str(cd.query_one("#cd-question").render())
        assert cd.query_one("#cd-digits").region.height == 3


async def test_threshold_turns_the_countdown_orange_with_a_notice_once() -> None:
    app = Harness()
    async with app.run_test(size=(100, 24)) as pilot:
        cd = app.query_one(Countdown)
        cd.show(view(60))
        await pilot.pause()
        calm = colour(cd)
        cd.show(view(12 * 60))  # 3 of 15 minutes left: 20 %
        await pilot.pause()
        assert cd.has_class("-warning") and colour(cd) != calm
        assert "Nog 3 min" in str(cd.query_one("#cd-notice").render())
        cd.show(view(12 * 60 + 30))
        await pilot.pause()
        assert app.crossed == [(0, "warning")]


async def test_a_minutes_threshold_from_the_plan_or_settings() -> None:
    app = Harness()
    async with app.run_test(size=(100, 24)) as pilot:
        cd = app.query_one(Countdown)
        five = sch.parse_threshold("5 min")
        cd.show(view(9 * 60, five))
        await pilot.pause()
        assert not cd.has_class("-warning")
        cd.show(view(10 * 60, five))
        await pilot.pause()
        assert cd.has_class("-warning")


async def test_over_time_counts_up_in_red() -> None:
    app = Harness()
    async with app.run_test(size=(100, 24)) as pilot:
        cd = app.query_one(Countdown)
        cd.show(view(12 * 60))
        await pilot.pause()
        warning = colour(cd)
        cd.show(view(17 * 60 + 5))
        await pilot.pause()
        assert cd.digits == "+02:05" and cd.has_class("-over") and colour(cd) != warning
        assert "Tijd is om: 02:05 over tijd" in str(cd.query_one("#cd-notice").render())
        cd.show(view(18 * 60 + 5))
        await pilot.pause()
        assert cd.digits == "+03:05"
        assert app.crossed == [(0, "warning"), (0, "over")]


async def test_paused_and_not_started_say_so_and_do_not_warn() -> None:
    app = Harness()
    async with app.run_test(size=(100, 24)) as pilot:
        cd = app.query_one(Countdown)
        cd.show(sch.countdown(S1, SessionClock(session=1), T0, tz=dt.timezone.utc))
        await pilot.pause()
        assert "nog niet begonnen" in str(cd.query_one("#cd-notice").render()) and cd.digits == "15:00"
        paused = CLOCK.model_copy(deep=True)
        paused.steps[0].paused_at = T0 + 13 * 60
        cd.show(view(20 * 60, clock=paused))
        await pilot.pause()
        assert cd.digits == "02:00" and "gepauzeerd" in str(cd.query_one("#cd-notice").render())
        assert app.crossed == []


@pytest.mark.parametrize("size", [(40, 24), (100, 10)])
async def test_small_terminal_falls_back_to_one_line(size: tuple[int, int]) -> None:
    app = Harness()
    async with app.run_test(size=size) as pilot:
        cd = app.query_one(Countdown)
        cd.show(view(17 * 60))
        await pilot.pause()
        await pilot.pause()
        assert cd.compact and cd.region.height == 1
        assert cd.line_text().startswith("+02:00  Tijd is om")
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        cd.show(view(17 * 60 + 1))  # the next tick: the screen's height is looked at on every show
        await pilot.pause()
        assert not cd.compact and cd.region.height >= 3
