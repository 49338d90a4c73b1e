"""F7/F6 while the clock is paused: the steps end and start, the clock stays paused."""

from __future__ import annotations

from pathlib import Path

from facilitator.tui import clockctl

from .helpers import FakeClock, make_app, make_workshop, screen_text


async def test_next_step_while_paused_stays_paused(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f5")
        clock.advance(60)
        await pilot.press("f5")  # pause
        clock.advance(30)
        await pilot.press("f7")
        assert screen.clock.current_step == 1 and clockctl.state(screen.clock) == "paused"
        assert screen.clock.steps[0].end == clock()
        clock.advance(100)  # paused time does not count
        screen.tick()
        assert clockctl.step_elapsed(screen.clock, 1, clock()) == 0
        assert "gepauzeerd" in screen_text(app)
        await pilot.press("f5")  # resume
        clock.advance(10)
        assert clockctl.state(screen.clock) == "running"
        assert clockctl.step_elapsed(screen.clock, 1, clock()) == 10
