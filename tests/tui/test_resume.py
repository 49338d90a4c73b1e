"""`facilitator run SLUG` after a restart mid-session comes back to that session."""

from __future__ import annotations

from pathlib import Path

from .helpers import FakeClock, make_app, make_workshop, settle, type_line


async def test_restart_mid_session_resumes_it_and_a_day_later_moves_on(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    clock = FakeClock()
    app = make_app(tmp_path, session=None, clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.number == 1
        await pilot.press("f5")  # the clock runs
        clock.advance(600)
        await type_line(pilot, "wt: eerste regel")
        await settle(pilot)
    clock.advance(1800)  # the app was closed (or crashed); half an hour later it starts again
    app = make_app(tmp_path, session=None, clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.number == 1
    clock.advance(14 * 24 * 3600)  # the next meeting, two weeks later
    app = make_app(tmp_path, session=None, clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.number == 2
