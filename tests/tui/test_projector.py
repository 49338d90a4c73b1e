"""The projector view: countdown, next step, schedule; it follows the store; never a
statement, a name or a seat key."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from facilitator.domain import schedule as sch
from facilitator.domain.plan import parse_plan
from facilitator.domain.records import Action, SessionClock, Statement, StepTiming
from facilitator.store.workshop import WorkshopStore
from facilitator.tui.projector import ProjectorApp

from .helpers import SLUG, FakeClock, make_workshop, plan_text, screen_text, until

UTC = dt.timezone.utc
T0 = FakeClock().t  # 2026-03-03 13:30 UTC, the plan's start of session 1


def app_for(data_dir: Path, clock: FakeClock, session: int | None = 1, **kw: Any) -> ProjectorApp:
    return ProjectorApp(data_dir, SLUG, session, now=clock, tz=UTC, poll=0.05, **kw)


def start_clock(data_dir: Path, at: float, step: int = 0, **changes: Any) -> SessionClock:
    with WorkshopStore.open(data_dir, SLUG) as store:
        clock = SessionClock(session=1, started_at=at, current_step=step, steps={step: StepTiming(start=at)})
        store.save_clock(clock)
    return clock


def screen(app: ProjectorApp) -> Any:
    return app.screen


async def test_shows_the_countdown_the_question_and_what_comes_next(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    start_clock(tmp_path, T0 + 12 * 60)  # started 12 minutes late
    clock = FakeClock(T0 + 12 * 60 + 5 * 60)
    app = app_for(tmp_path, clock)
    async with app.run_test(size=(110, 32)) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        await pilot.pause()
        text = screen_text(app)
        assert "OWP1-3mrt2026 · Kennismaken met elkaars opdracht" in text
        assert screen(app).query_one("#pj-countdown").digits == "10:00"
        assert "Stap 1/4  Opening en rondje" in text and "bij welke bewoner liep je" in text
        assert "Hierna: Ieders opdracht in vijf minuten · om 13:57" in text
        assert "Gepland 13:30–15:30" in text and "12 min achter op schema" in text and "verwacht einde 15:42" in text
        assert "14:37  Casus: het gezin boven de bakker (45 min)" in text


async def test_follows_a_step_change_made_by_another_store(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    start_clock(tmp_path, T0)
    clock = FakeClock(T0 + 60)
    app = app_for(tmp_path, clock)
    async with app.run_test(size=(110, 32)) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        with WorkshopStore.open(tmp_path, SLUG) as store:  # the facilitator's process: F7, then +5
            c = store.clock(1)
            c.steps[0].end = T0 + 60
            c.steps[1] = StepTiming(start=T0 + 60)
            c.current_step = 1
            store.save_clock(sch.extend(store.plan.session(1), c, 5, T0 + 60))
        assert await until(pilot, lambda: "Ieders opdracht" in str(screen(app).query_one("#cd-step").render()))
        assert screen(app).query_one("#pj-countdown").digits == "45:00"
        assert "Hierna: Casus: het gezin boven de bakker · om 14:16" in screen_text(app)


async def test_without_a_session_it_follows_the_running_one(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.save_clock(SessionClock(session=2, started_at=T0, steps={0: StepTiming(start=T0)}))
    app = app_for(tmp_path, FakeClock(T0 + 60), session=None)
    async with app.run_test(size=(110, 32)) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        await pilot.pause()
        assert "Woorden en beelden" in screen_text(app)


async def test_before_the_start_and_after_the_end(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    clock = FakeClock(T0 - 600)
    app = app_for(tmp_path, clock)
    async with app.run_test(size=(110, 32)) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        await pilot.pause()
        text = screen_text(app)
        assert "Begint om 13:30" in text and "nog niet begonnen" in text
        assert screen(app).query_one("#pj-countdown").digits == "15:00"
        with WorkshopStore.open(tmp_path, SLUG) as store:
            store.save_clock(SessionClock(session=1, started_at=T0, current_step=3, steps={
                3: StepTiming(start=T0, end=T0 + 600)}))
        assert await until(pilot, lambda: "De bijeenkomst is afgelopen." in screen_text(app))


async def test_the_plans_warning_threshold_and_the_option(tmp_path: Path) -> None:
    text = plan_text().replace('code_prefix = "OWP"', 'code_prefix = "OWP"\nwarn = "5 min"')
    WorkshopStore.create(tmp_path, parse_plan(text), text).close()
    start_clock(tmp_path, T0)
    for warn, warned in ((None, True), ("2 min", False)):
        app = app_for(tmp_path, FakeClock(T0 + 10 * 60), warn=warn)  # 5 of 15 minutes left
        async with app.run_test(size=(110, 32)) as pilot:
            assert await until(pilot, lambda: screen(app).reads >= 1)
            await pilot.pause()
            assert screen(app).query_one("#pj-countdown").has_class("-warning") is warned


async def test_no_key_changes_anything_and_the_store_is_never_written(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    start_clock(tmp_path, T0)
    before = (tmp_path / SLUG / "store.db").read_bytes()
    app = app_for(tmp_path, FakeClock(T0 + 60))
    async with app.run_test(size=(110, 32)) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        await pilot.press(*"wt1: hallo", "enter", "f5", "f7", "ctrl+p", "escape", "delete", "+", "-")
        await pilot.pause()
        assert isinstance(app.screen, type(screen(app))) and screen(app).query_one("#pj-countdown").digits == "14:00"
    assert (tmp_path / SLUG / "store.db").read_bytes() == before


# -- privacy: never a statement, a name or a seat key ----------------------------------------------

SECRET_PLAN_EDIT = (
    ('title = "Casus: het gezin boven de bakker"', 'title = "Casus van Fatima en wt2"'),
    ('prompt = "Wie had wat kunnen doen, en wanneer hadden jullie elkaar nodig?"',
     'prompt = "Wat had Ruben (jw1) van bib1 nodig?"'),
)


def secret_workshop(data_dir: Path) -> tuple[list[str], list[str]]:
    """A session with a statement by every seat (and every role), names in the plan's texts;
    returns (the statements' texts, the names and seat keys)."""
    text = plan_text()
    for old, new in SECRET_PLAN_EDIT:
        assert old in text
        text = text.replace(old, new)
    plan = parse_plan(text)
    texts = []
    with WorkshopStore.create(data_dir, plan, text) as store:
        speakers = [p.key for p in plan.participants] + [r.key for r in plan.roles] + [None]
        for i, speaker in enumerate(speakers):
            said = f"geheime uitspraak {i} van {speaker or 'iemand'} over Fatima"
            texts.append(said)
            store.add_statement(Statement(session=1, step=i % 4, speaker=speaker, kind="quote", text=said))
        store.add_action(Action(session=1, text="geheime actie voor Ruben", owner="jw1"))
        texts.append("geheime actie voor Ruben")
        store.set_attendance(1, [p.key for p in plan.participants])
    secrets = [p.name for p in plan.participants if p.name] + [p.key for p in plan.participants]
    return texts, secrets


def leaks(shown: str, texts: list[str], secrets: list[str]) -> list[str]:
    import re

    found = [t for t in texts if t in shown or t[:20] in shown]
    found += [s for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", shown, re.IGNORECASE)]
    found += ["geheim"] if "geheim" in shown else []
    return found


@pytest.mark.parametrize("size", [(110, 32), (60, 20), (40, 10)])
async def test_no_statement_name_or_seat_key_ever_appears(tmp_path: Path, size: tuple[int, int]) -> None:
    texts, secrets = secret_workshop(tmp_path)
    start_clock(tmp_path, T0)
    clock = FakeClock(T0 + 60)
    app = app_for(tmp_path, clock)
    async with app.run_test(size=size) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        seen = []
        for step in range(4):  # every step is current once, and next once
            with WorkshopStore.open(tmp_path, SLUG) as store:
                c = store.clock(1)
                c.steps.setdefault(c.current_step, StepTiming(start=T0)).end = clock.t
                c.steps[step] = StepTiming(start=clock.t)
                c.current_step = step
                store.save_clock(c)
            reads = screen(app).reads
            assert await until(pilot, lambda: screen(app).reads > reads)
            for advance in (0, 30 * 60, 60 * 60):  # within time, near the end, over time
                clock.advance(advance)
                screen(app).redraw()
                await pilot.pause()
                seen.append(screen_text(app))
                seen.append(screen(app).visible_text())
        shown = "\n".join(seen)
        assert "Casus van [wijkteammedewerker] en [wijkteammedewerker]" in shown
        assert leaks(shown, texts, secrets) == []
        assert "Wat had [jongerenwerker] ([jongerenwerker]) van [bibliotheekmedewerker] nodig?" in shown


def test_the_leak_check_finds_a_leak() -> None:
    """The check above could fail: it sees a statement, a name and a seat key."""
    assert leaks("x geheime uitspraak 3 van bib1 x", ["geheime uitspraak 3 van bib1"], ["bib1"])
    assert leaks("Casus Fatima", [], ["Fatima"]) == ["Fatima"]
    assert leaks("[wijkteammedewerker] wt1b", [], ["wt1"]) == []


async def test_a_session_not_in_the_plan_ends_with_a_message(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = app_for(tmp_path, FakeClock(T0), session=9)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(pilot, lambda: app.return_code is not None or not app.is_running, 5)
    assert app.return_code == 2


async def test_a_damaged_read_keeps_the_last_view_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_workshop(tmp_path)
    start_clock(tmp_path, T0)
    app = app_for(tmp_path, FakeClock(T0 + 60))
    async with app.run_test(size=(110, 32)) as pilot:
        assert await until(pilot, lambda: screen(app).reads >= 1)
        import facilitator.store.follow as follow

        def broken(*a: Any, **k: Any) -> Any:
            raise OSError("I/O error")

        monkeypatch.setattr(follow.RoomFollower, "read", broken)
        start_clock(tmp_path, T0 + 1)  # a change: the next poll reads, and fails
        assert await until(pilot, lambda: screen(app).has_class("-stale"))
        assert "Kan de workshop nu niet lezen (I/O error)" in screen_text(app)
        assert screen(app).query_one("#pj-countdown").digits == "14:00"
        monkeypatch.undo()
        assert await until(pilot, lambda: not screen(app).has_class("-stale"))
