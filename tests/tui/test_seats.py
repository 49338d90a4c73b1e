"""Two seats (`run --seat facilitator` / `--seat notes`): each screen writes only what its
seat owns and shows what the other seat saves (facilitator.store.seats, live.follow).
The other seat is a headless store in this process here; test_tmux_seats runs both as
real processes."""

from __future__ import annotations

import time
from pathlib import Path

from facilitator.domain.records import SessionClock, Statement, StepTiming
from facilitator.store import seats
from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text, settle, type_line
from .helpers import until as _until


async def test_facilitator_seat_shows_the_notes_and_takes_none(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="facilitator")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        await _until(pilot, lambda: screen.ready)
        assert screen.live.seat == "facilitator" and screen.capture.disabled
        assert "facilitator-stoel" in screen_text(app)
        notes = seats.open_seat(tmp_path, SLUG, "notes")
        try:
            notes.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text="van de notulist"))
            started = time.monotonic()
            assert await _until(pilot, lambda: "van de notulist" in screen_text(app), 3.0)
            assert time.monotonic() - started < 1.5  # shown within a second (polled every 0.25 s)
            await pilot.press("x", "enter")  # typing here: said whose it is, nothing saved
            await pilot.pause()
            assert len(notes.statements(1)) == 1
            await pilot.press("f5")  # the clock is this seat's
            await settle(pilot)
            with WorkshopStore.open(tmp_path, SLUG, readonly=True) as ro:
                assert ro.clock(1).started_at is not None
            assert seats.follow(notes).ops  # the note-taker's seat sees the clock
            assert notes.clock(1).started_at is not None
        finally:
            notes.close()
        assert not (tmp_path / SLUG / "store.notes.db").read_bytes().count(b'"clocks"')


async def test_notes_seat_captures_and_follows_the_clock(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="notes")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        await _until(pilot, lambda: screen.ready)
        assert screen.live.seat == "notes" and not screen.capture.disabled
        facilitator = seats.open_seat(tmp_path, SLUG, "facilitator")  # store.db is free: the other seat
        try:
            await type_line(pilot, "wt: eerste regel")
            await settle(pilot)
            await pilot.press("f5")  # the clock is the facilitator's: refused, said so
            await settle(pilot)
            assert facilitator.clock(1).started_at is None
            assert await _until(pilot, lambda: (seats.follow(facilitator), facilitator.statements(1))[1] != [])
            assert [s.text for s in facilitator.statements(1)] == ["eerste regel"]
            now = time.time()
            clock = SessionClock(session=1, started_at=now, current_step=1,
                                 steps={0: StepTiming(start=now - 60, end=now), 1: StepTiming(start=now)})
            facilitator.save_clock(clock)
            assert await _until(pilot, lambda: screen.live.clock.current_step == 1, 3.0)
            assert screen.live.capture_step == 1  # filing follows the facilitator's step
            await type_line(pilot, "wt: tweede regel")
            await settle(pilot)
        finally:
            facilitator.close()
    with WorkshopStore.open(tmp_path, SLUG, readonly=True) as ro:
        assert [(s.text, s.step) for s in ro.statements(1)] == [("eerste regel", 0), ("tweede regel", 1)]
        assert ro.clock(1).current_step == 1


async def test_second_notes_seat_is_offered_read_only(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    notes = seats.open_seat(tmp_path, SLUG, "notes")
    try:
        notes.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text="al genoteerd"))
        app = make_app(tmp_path, seat="notes")
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause(0.3)
            assert await _until(pilot, lambda: "de plek van de notulist" in screen_text(app)), screen_text(app)
            await pilot.press("f2")  # the lock question: look read-only
            screen = app.screen
            assert await _until(pilot, lambda: getattr(screen, "ready", False) and app.screen.live.readonly)
            screen = app.screen
            assert "al genoteerd" in screen_text(app)
            notes.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text="daarna"))
            app.readonly_poll  # noqa: B018
            screen._poll_store()
            assert await _until(pilot, lambda: "daarna" in screen_text(app))
    finally:
        notes.close()


def test_run_seat_on_the_command_line(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import sys
    import types

    from facilitator.cli import main

    make_workshop(tmp_path)
    calls = []
    module = types.ModuleType("facilitator.tui.app")
    module.run_app = lambda data_dir, slug, session, lang, seat=None: calls.append((slug, session, seat)) or 0
    monkeypatch.setitem(sys.modules, "facilitator.tui.app", module)
    assert main(["--data-dir", str(tmp_path), "run", SLUG, "--seat", "notes"]) == 0
    assert main(["--data-dir", str(tmp_path), "run", SLUG, "--session", "1", "--seat", "facilitator"]) == 0
    assert calls == [(SLUG, None, "notes"), (SLUG, 1, "facilitator")]
    assert main(["--data-dir", str(tmp_path), "run", "--seat", "notes"]) == 2  # a seat needs a workshop
    assert main(["--data-dir", str(tmp_path), "run", SLUG, "--seat", "projector"]) == 2  # not a seat


async def test_the_clock_keys_on_the_notes_seat_say_whose_they_are(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="notes")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        await _until(pilot, lambda: screen.ready)
        for key in ("f5", "f7", "ctrl+up", "f11"):
            await type_line(pilot, "wt: half", enter=False)  # typing in the capture line: the key still says so
            await pilot.press(key)
            await pilot.pause()
            assert screen.capture.value == "wt: half"
        said = [n.message for n in app._notifications]
        assert len([m for m in said if "van de facilitator-stoel" in m]) == 4, said
        with WorkshopStore.open(tmp_path, SLUG, readonly=True) as ro:
            assert ro.clock(1).started_at is None and not ro.clock(1).changes


async def test_the_facilitator_seat_shows_no_local_name(tmp_path: Path) -> None:
    """The facilitator's seat is the screen often projected for the room: a statement the
    note-taker saved showed the participant's local name beside the seat key there."""
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="facilitator")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        await _until(pilot, lambda: screen.ready)
        notes = seats.open_seat(tmp_path, SLUG, "notes")
        try:
            notes.add_statement(Statement(session=1, step=0, speaker="wt1", kind="note", text="van de notulist"))
            assert await _until(pilot, lambda: "van de notulist" in screen_text(app), 3.0)
            text = screen_text(app)
            assert "wt1" in text and "Fatima" not in text, text
        finally:
            notes.close()
