"""The schedule on the live screen: +5/-5, skip and move with keys no one types, saved
in the clock; F6/F7 follow the running order; the countdown digits beside the question."""

from __future__ import annotations

from pathlib import Path

from facilitator.domain import schedule as sch
from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, FakeClock, make_app, make_workshop, screen_text, settle


def saved_clock(data_dir: Path):  # type: ignore[no-untyped-def]
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return store.clock(1)


async def test_plus_and_minus_five_are_saved_and_counted_down(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f5")
        clock.advance(60)
        await pilot.press("ctrl+up", "ctrl+up", "ctrl+down")
        await settle(pilot)
        screen.tick()
        await pilot.pause()
        assert sch.minutes(screen.session, screen.clock, 0) == 20
        assert [c.minutes for c in saved_clock(tmp_path).changes] == [5, 5, -5]
        assert screen.query_one("#countdown").digits == "19:00"
        text = screen_text(app)
        assert "00:01:00 / 20:00" in text or "01:00 / 20:00" in text
        assert "15→20m" in text and "5 min achter" in text


async def test_skip_the_next_step_and_f7_passes_it(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f5", "f11")
        assert sch.skipped(screen.clock) == {1}
        await pilot.press("f7")
        assert screen.clock.current_step == 2
        await pilot.press("f6")
        assert screen.clock.current_step == 0
        await settle(pilot)
        assert sch.skipped(saved_clock(tmp_path)) == {1}


async def test_f11_again_from_the_capture_line_takes_the_skipped_step_back(tmp_path: Path) -> None:
    """Acceptance (issue 8, 3d): F11 twice from the capture line skipped two steps (the second
    F11 went to the next step not skipped) instead of taking the first one back in."""
    make_workshop(tmp_path)
    app = make_app(tmp_path, clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f5", "f11")
        assert sch.skipped(screen.clock) == {1}
        await pilot.press("f11")
        assert sch.skipped(screen.clock) == set()
        assert app.focused is screen.query_one("#capture")
        await pilot.press("f11", "f7", "f11")  # another step now: F11 skips the next one again
        assert screen.clock.current_step == 2 and sch.skipped(screen.clock) == {1, 3}
        await settle(pilot)
        assert sch.skipped(saved_clock(tmp_path)) == {1, 3}


async def test_move_the_highlighted_step_in_the_agenda(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f5", "f2")  # the agenda panel
        agenda = screen.query_one("#agenda")
        agenda.highlighted = 3  # "Afsluiting en afspraken"
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert sch.order(screen.session, screen.clock) == [0, 1, 3, 2]
        assert agenda.step_at(agenda.highlighted) == 3  # the highlight went with it
        await pilot.press("ctrl+pageup")
        assert sch.order(screen.session, screen.clock) == [0, 3, 1, 2]
        await pilot.press("ctrl+pageup")  # not before the current step
        assert sch.order(screen.session, screen.clock) == [0, 3, 1, 2]
        await pilot.press("escape", "f7")
        assert screen.clock.current_step == 3
        await settle(pilot)
        assert sch.order(screen.session, saved_clock(tmp_path)) == [0, 3, 1, 2]


async def test_the_schedule_keys_are_in_the_palette_and_refuse_in_read_only(tmp_path: Path) -> None:
    from facilitator.tui.commands import screen_actions

    make_workshop(tmp_path)
    app = make_app(tmp_path, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        names = {d for d, *_ in screen_actions(app.screen)}
        assert {"+5 min bij deze stap", "-5 min bij deze stap", "Stap overslaan / terugnemen", "Stap eerder",
                "Stap later"} <= names
        await pilot.press("ctrl+up", "f11")
        assert app.screen.clock.changes == []


async def test_the_countdown_warns_at_the_plans_threshold(tmp_path: Path) -> None:
    from facilitator.domain.plan import parse_plan

    from .helpers import plan_text

    text = plan_text().replace('code_prefix = "OWP"', 'code_prefix = "OWP"\nwarn = "5 min"')
    WorkshopStore.create(tmp_path, parse_plan(text), text).close()
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f5")
        clock.advance(9 * 60)
        screen.tick()
        await pilot.pause()
        assert not screen.query_one("#countdown").has_class("-warning")
        clock.advance(60)
        screen.tick()
        await pilot.pause()
        assert screen.query_one("#countdown").has_class("-warning")
        await pilot.pause()
        assert [n.message for n in app._notifications if "Nog" in n.message] == ["Stap 1: Nog 5 min"]
        screen.tick()  # once only
        await pilot.pause()
        assert [n.message for n in app._notifications if "Nog" in n.message] == ["Stap 1: Nog 5 min"]
