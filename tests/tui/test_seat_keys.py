"""Two seats: the other seat's keys look disabled (dim in the key bar, marked in the command
palette and in F1) and, pressed or chosen, still say which seat they belong to.

They looked as if they worked: only pressing one said whose it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facilitator.store.workshop import WorkshopStore
from facilitator.tui.commands import screen_actions

from .helpers import SLUG, make_app, make_workshop, screen_text, type_line
from .helpers import until as _until

# The facilitator's actions (clock, steps, schedule) and the note-taker's (record, attendance).
FACILITATOR_ACTIONS = {"toggle_clock", "prev_step", "next_step", "end_session", "extend(5)", "extend(-5)",
                       "skip_step", "move_step(-1)", "move_step(1)"}
FACILITATOR_KEYS = ("f5", "f6", "f7", "ctrl+o", "ctrl+up", "ctrl+down", "f11", "ctrl+pageup", "ctrl+pagedown")
NOTES_ACTIONS = {"edit", "delete", "undo", "put_back"}
FACILITATOR_SAYS = "van de facilitator-stoel"  # tui.screens.live."seat.facilitator"
NOTES_SAYS = "stoel van de notulist"  # tui.screens.live."seat.notes"


def _bar(app: Any) -> dict[str, tuple[bool, bool]]:
    """key -> (enabled, drawn dim) of every key the key bar draws."""
    bar = app.screen.query_one("KeyBar")
    text = bar.render()
    starts = {key: start for start, _end, key in bar.spans}  # the keys drawn (the screen is wide enough)
    out = {}
    for key, _display, _description, enabled in bar.keys():
        if key not in starts:
            continue
        dim = any(s.start <= starts[key] < s.end and "dim" in str(s.style) for s in text.spans)
        out[key] = (enabled, dim)
    return out


def _marks(app: Any) -> dict[str, str | None]:
    """action -> its palette mark (None: shown as working)."""
    return {action: mark for _d, _k, _node, action, mark in screen_actions(app.screen)}


def _said(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _open(pilot: Any) -> Any:
    screen = pilot.app.screen
    assert await _until(pilot, lambda: getattr(screen, "ready", False))
    await pilot.pause()
    return screen


@pytest.mark.parametrize("seat,theirs,ours,mark", [
    ("notes", ("f5", "f6", "f7"), ("f9", "f12", "ctrl+z", "f2", "f8"), "facilitator-stoel"),
    ("facilitator", ("f9", "f12", "ctrl+z"), ("f5", "f6", "f7", "f2", "f8"), "notulist-stoel"),
])
async def test_each_seat_shows_the_other_seats_keys_disabled(tmp_path: Path, seat: str, theirs: tuple[str, ...],
                                                             ours: tuple[str, ...], mark: str) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat=seat)
    async with app.run_test(size=(240, 40)) as pilot:
        await _open(pilot)
        bar = _bar(app)
        for key in theirs:
            assert bar[key] == (False, True), (key, bar)
        for key in ours:
            assert bar[key] == (True, False), (key, bar)
        marks = _marks(app)
        assert FACILITATOR_ACTIONS | NOTES_ACTIONS <= set(marks)
        their_actions, our_actions = ((FACILITATOR_ACTIONS, NOTES_ACTIONS) if seat == "notes"
                                      else (NOTES_ACTIONS, FACILITATOR_ACTIONS))
        for action in their_actions:
            assert marks[action] == mark, (action, marks)
        for action in our_actions:
            assert marks[action] is None, (action, marks)


async def test_the_facilitator_seat_shows_the_record_and_attendance_keys_disabled(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="facilitator")
    async with app.run_test(size=(240, 40)) as pilot:
        await _open(pilot)
        await pilot.press("f8")  # the record: its Enter (edit) and Del are the note-taker's
        await pilot.pause()
        bar = _bar(app)
        assert bar["enter"] == (False, True) and bar["delete"] == (False, True), bar
        await pilot.press("f3")  # the attendance panel: its keys are the note-taker's
        await pilot.pause()
        bar = _bar(app)
        for key in ("ctrl+t", "ctrl+right", "ctrl+left"):
            assert bar[key] == (False, True), (key, bar)
        assert {mark for _d, _k, node, _a, mark in screen_actions(app.screen)
                if type(node).__name__ == "AttendancePanel"} == {"notulist-stoel"}


async def test_the_facilitators_keys_on_the_notes_seat_still_say_whose_they_are(tmp_path: Path) -> None:
    """Disabled, a binding does nothing in Textual: each key must still give the notice, from
    the capture line and from a panel."""
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="notes")
    async with app.run_test(size=(240, 40)) as pilot:
        screen = await _open(pilot)
        for key in FACILITATOR_KEYS:
            await type_line(pilot, "wt: half", enter=False)
            before = len(_said(app))
            await pilot.press(key)
            await pilot.pause()
            assert [m for m in _said(app)[before:] if FACILITATOR_SAYS in m], key
            assert screen.capture.value == "wt: half"
        await pilot.press("f2")  # from the agenda panel too
        await pilot.pause()
        before = len(_said(app))
        await pilot.press("f5")
        await pilot.pause()
        assert [m for m in _said(app)[before:] if FACILITATOR_SAYS in m]
        assert type(app.screen).__name__ == "LiveScreen"  # Ctrl+O asked nothing
        assert screen.live.clock.started_at is None
    with WorkshopStore.open(tmp_path, SLUG, readonly=True) as ro:
        assert ro.clock(1).started_at is None and not ro.clock(1).changes


async def test_the_note_takers_keys_on_the_facilitator_seat_still_say_whose_they_are(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="facilitator")
    async with app.run_test(size=(240, 40)) as pilot:
        await _open(pilot)
        for keys in (("f9",), ("f12",), ("ctrl+z",), ("f10",), ("f8", "enter"), ("f8", "delete"),
                     ("f3", "ctrl+t"), ("f3", "ctrl+right"), ("f3", "ctrl+left")):
            await pilot.press(*keys[:-1])
            before = len(_said(app))
            await pilot.press(keys[-1])
            await pilot.pause()
            assert [m for m in _said(app)[before:] if NOTES_SAYS in m], keys


@pytest.mark.parametrize("seat,query,says", [("notes", "start", FACILITATOR_SAYS), ("notes", "5 min", FACILITATOR_SAYS),
                                             ("facilitator", "ongedaan", NOTES_SAYS)])
async def test_the_palette_marks_the_other_seats_commands_and_says_whose(tmp_path: Path, seat: str, query: str,
                                                                         says: str) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat=seat)
    async with app.run_test(size=(240, 40)) as pilot:
        screen = await _open(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*query)
        assert await _until(pilot, lambda: ("facilitator-stoel" if seat == "notes" else "notulist-stoel")
                            in screen_text(app)), screen_text(app)
        before = len(_said(app))
        await pilot.press("enter")
        assert await _until(pilot, lambda: [m for m in _said(app)[before:] if says in m]), _said(app)
        assert app.screen is screen and screen.live.clock.started_at is None


@pytest.mark.parametrize("seat,marked,unmarked", [("notes", "Start/pauze", "Ongedaan maken"),
                                                  ("facilitator", "Ongedaan maken", "Start/pauze")])
async def test_f1_marks_the_other_seats_keys(tmp_path: Path, seat: str, marked: str, unmarked: str) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat=seat)
    async with app.run_test(size=(140, 60)) as pilot:
        await _open(pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        does = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        mark = "facilitator-stoel" if seat == "notes" else "notulist-stoel"
        assert f"{marked} · {mark}" in does, does
        assert unmarked in does, does
        if seat == "facilitator":  # the attendance panel's keys (not focused) too
            assert any(d.startswith("Aanwezig aan/uit") and d.endswith(mark) for d in does), does


async def test_one_seat_marks_nothing(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(240, 40)) as pilot:
        await _open(pilot)
        assert all(enabled for enabled, _dim in _bar(app).values()), _bar(app)
        assert not [m for m in _marks(app).values() if m], _marks(app)


async def test_english_marks(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, seat="notes", lang="en")
    async with app.run_test(size=(240, 40)) as pilot:
        await _open(pilot)
        assert _marks(app)["toggle_clock"] == "facilitator's seat"
        await pilot.press("f5")
        await pilot.pause()
        assert any("belong to the facilitator's seat" in m for m in _said(app)), _said(app)


async def test_read_only_palette_marks_the_disabled_commands_and_says_why(tmp_path: Path) -> None:
    """The read-only view's key bar showed F5 disabled, but its palette entry looked usable
    and, chosen, did nothing."""
    make_workshop(tmp_path)
    app = make_app(tmp_path, readonly=True)
    async with app.run_test(size=(240, 40)) as pilot:
        await _open(pilot)
        assert _bar(app)["f5"] == (False, True)  # as before
        assert _marks(app)["toggle_clock"] == "alleen lezen"
        assert _marks(app)["panel('agenda')"] is None
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"start")
        assert await _until(pilot, lambda: "alleen lezen" in screen_text(app)), screen_text(app)
        before = len(_said(app))
        await pilot.press("enter")
        assert await _until(pilot, lambda: [m for m in _said(app)[before:] if "Alleen lezen" in m]), _said(app)
