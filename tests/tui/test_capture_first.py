"""Issue 8, driven with Pilot: no keystroke is lost and no printable key is a command.

Each test names the defect it guards; each failed on the code before the headless
LiveSession (letters bound in the record, keys typed in a panel dropped, a half-typed
line lost on Ctrl+Q, the first seconds unsafe, a rescue file that held less than it said)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from facilitator.store.workshop import StoreWriteError, WorkshopStore

from .helpers import SLUG, FakeClock, make_app, make_workshop, screen_text, settle, type_line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


def saved(data_dir: Path) -> list[str]:
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return [s.text for s in store.statements(1)]


def chars(text: str) -> list[str]:
    names = {" ": "space", ":": "colon", ".": "full_stop", "#": "number_sign", "!": "exclamation_mark",
             "+": "plus", "-": "minus", "“": "“", "”": "”"}
    return [names.get(c, c) for c in text]


async def test_typing_after_f8_goes_to_the_capture_line_and_deletes_nothing(data_dir: Path) -> None:
    """`ha1: dat doen we dan` typed after F8 deleted three statements (every `d` was Delete)."""
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        for line in ("wt1: een", "twee", "drie"):
            await type_line(pilot, line)
        await settle(pilot)
        await pilot.press("f8")
        assert app.focused is app.screen.query_one("#record")
        await pilot.press(*chars("jw1: dat doen we dan"))
        capture = app.screen.query_one("#capture")
        assert capture.value == "jw1: dat doen we dan" and app.focused is capture
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f12", "ctrl+z")  # F12 shows the row; Ctrl+Z; then typing goes on in the line
        await pilot.press(*chars("bib: verder"))
        assert capture.value == "bib: verder"
        await pilot.press("enter")
        await settle(pilot)
    assert saved(data_dir) == ["een", "twee", "drie", "dat doen we dan", "verder"]


@pytest.mark.parametrize("panel", ["f2", "f3", "f4"])
async def test_typing_in_a_side_panel_is_kept(data_dir: Path, panel: str) -> None:
    """After F2, F3 or F4 typed text went to the side panel and was gone."""
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(panel)
        assert app.focused is not app.screen.query_one("#capture")
        await pilot.press(*chars("wt1: x + y - z"), "enter")
        await settle(pilot)
        assert app.screen.live.attendance == []  # nothing toggled on the way
    assert saved(data_dir) == ["x + y - z"]


async def test_a_paste_in_a_panel_goes_to_the_capture_line(data_dir: Path) -> None:
    from textual import events

    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        app._driver.send_message(events.Paste("wt1: geplakt\njw: ook"))
        await pilot.pause()
        await settle(pilot)
    assert saved(data_dir) == ["geplakt", "ook"]


async def test_ctrl_u_clears_the_whole_line_and_ctrl_z_brings_it_back(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*chars("wt: halverwege"), "left", "left", "left")
        await pilot.press("ctrl+u")
        capture = app.screen.query_one("#capture")
        assert capture.value == ""
        await pilot.press("ctrl+z")
        assert capture.value == "wt: halverwege"


async def test_quit_with_a_half_typed_line_asks_and_rescues_it_0600(data_dir: Path) -> None:
    """A half-typed line was lost on Ctrl+Q (no question, no rescue file)."""
    old = os.umask(0o022)
    try:
        app = make_app(data_dir)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*chars("wt: nog niet af"))
            await pilot.press("ctrl+q")
            await pilot.pause()
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmQuit" and "1 regel(s)" in screen_text(app)
            await pilot.press("f2")
            await pilot.pause()
    finally:
        os.umask(old)
    [path] = list(data_dir.glob("rescue-*.txt"))
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["## 1", "wt: nog niet af"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_the_rescue_file_holds_what_the_dialog_counts(data_dir: Path) -> None:
    """With saves failing the dialog said 6 lines and the file held 3: an edit, an attendance
    line and a delete were lost, and lines typed under `## 2` came back under step 1."""
    from facilitator.usecases.notes import parse_notes

    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "wt1: bewaard een")
        await type_line(pilot, "wt1: bewaard twee")
        await settle(pilot)
        store = app.store

        def full(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise StoreWriteError("No space left on device")

        for name in ("add_statement", "update_statement", "delete_statement", "set_attendance", "add_action"):
            setattr(store, name, full)
        await type_line(pilot, "## 2")
        await type_line(pilot, "jw: onder twee")
        await type_line(pilot, "actie: bellen @jw")
        await type_line(pilot, "aanwezig: wt1 jw1")
        await pilot.press("f8", "up", "up", "up", "f9")  # edit the first saved statement
        await pilot.press("ctrl+u", *chars("wt1: anders gezegd"), "enter")
        await pilot.press("f8", "up", "f12")  # delete the second
        await settle(pilot)
        await pilot.press("escape", *chars("bib: half"))
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"
        shown = screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
    [path] = list(data_dir.glob("rescue-*.txt"))
    from facilitator.live import rescue

    lines = path.read_text(encoding="utf-8").splitlines()
    n = rescue.count(lines)
    assert f"{n} regel(s)" in shown and n == 6, lines
    assert "jw: onder twee" in lines and "actie: bellen @jw" in lines and "aanwezig: wt1 jw1" in lines
    assert any(line.startswith("// edit of statement") and "anders gezegd" in line for line in lines)
    assert any(line.startswith("// delete statement") and "bewaard twee" in line for line in lines)
    assert lines[-1] == "bib: half"
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        parsed = parse_notes("\n".join(lines) + "\n", path.name, store.plan, [], 1)
    assert not parsed.errors
    steps = {getattr(r, "text", ""): r.step for r in parsed.records}
    assert steps["onder twee"] == 1 and steps["half"] == 1 and steps["bellen"] == 1


async def test_read_only_view_disables_the_line_and_clock_keys_and_says_why(data_dir: Path) -> None:
    """In the read-only view a typed line vanished silently while the capture line and
    'f5 Start/pauze' were still offered."""
    app = make_app(data_dir, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        capture = app.screen.query_one("#capture")
        assert capture.disabled and "alleen lezen" in capture.placeholder
        await pilot.press(*chars("wt: weg?"), "enter", "f5", "f7")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert messages and all("Alleen lezen" in m for m in messages)
        assert app.screen.live.clock.started_at is None
        bar = {key: enabled for key, _d, _desc, enabled in app.screen.query_one("KeyBar").keys()}
        assert bar.get("f5") is False


async def test_quitting_with_the_clock_running_keeps_the_last_steps_minutes(data_dir: Path) -> None:
    """Quitting while the clock ran exported the last step as 0 or 1 min although it ran 2 and 4+."""
    from facilitator.export.minutes import step_minutes

    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        clock.advance(2 * 60)
        await pilot.press("f7")
        clock.advance(4 * 60 + 20)
        await pilot.press("ctrl+q")
        await pilot.pause()
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        saved_clock = store.clock(1)
    assert step_minutes(saved_clock, 0) == 2 and step_minutes(saved_clock, 1) == 4


async def test_end_session_key_and_palette(data_dir: Path) -> None:
    from facilitator.live import clock as clockctl
    from facilitator.tui.commands import screen_actions

    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "Sessie afsluiten" in {d for d, *_ in screen_actions(app.screen)}
        await pilot.press("f5")
        clock.advance(300)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmEnd"
        await pilot.press("e")  # no letter answers it: typing goes on in the capture line
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen" and app.screen.query_one("#capture").value == "e"
        assert clockctl.state(app.screen.live.clock) == "running"
        await pilot.press("ctrl+u", "ctrl+o")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmEnd"
        await pilot.press("f2")
        await pilot.pause()
        assert clockctl.state(app.screen.live.clock) == "done"
        assert "afgesloten" in screen_text(app)
        await settle(pilot)
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert store.clock(1).steps[0].end == pytest.approx(clock.t)


async def test_the_first_seconds_keep_every_key_and_clock_keys_wait(data_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """F6/F7 while 'De workshop wordt geopend…' crashed the app ('LiveScreen' object has no
    attribute 'clock'); lines typed meanwhile were lost; a line being typed when the store
    opened was cut."""
    gate = threading.Event()
    real_open = WorkshopStore.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        assert gate.wait(10)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(WorkshopStore, "open", classmethod(slow_open))
    clock = FakeClock()
    app = make_app(data_dir, background_open=True, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert not screen.ready
        await pilot.press("f5", "f7")
        await pilot.press(*chars("wt1: vroeg"), "enter")
        await pilot.press(*chars("wt1: dit is een langzame"))
        gate.set()
        for _ in range(300):
            if screen.ready:
                break
            await pilot.pause(0.02)
        assert screen.ready and app.is_running
        await pilot.press(*chars(" regel"), "enter")
        await settle(pilot)
        assert screen.live.clock.current_step == 1 and screen.live.clock.started_at is not None
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [(s.speaker, s.text, s.step) for s in store.statements(1)] == [
            ("wt1", "vroeg", 1), ("wt1", "dit is een langzame regel", 1)]


async def test_a_paste_into_the_lock_question_is_kept(data_dir: Path) -> None:
    from textual import events

    from facilitator.tui.screens.dialogs import LockedScreen

    class Host(type(make_app(data_dir))):  # type: ignore[misc]
        pass

    app = make_app(data_dir, slug=None)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = LockedScreen("held by pid 1")
        await app.push_screen(dialog)
        app._driver.send_message(events.Paste("wt1: geplakt tijdens de vraag\njw: nog een"))
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.typed_lines() == ["wt1: geplakt tijdens de vraag", "jw: nog een"]


async def test_f1_lists_every_key_grouped(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        rows = [(str(table.get_row_at(i)[0]).strip(), str(table.get_row_at(i)[1])) for i in range(table.row_count)]
        groups = [key for key, does in rows if not does]
        assert groups[:5] == ["Invoer", "Klok en agenda", "Uitspraken", "Panelen", "Aanwezig-paneel"], groups
        does = {d for _k, d in rows}
        for words in ("Regel wissen", "Sessie afsluiten", "Aanwezig aan/uit", "Persoon erbij", "Ongedaan maken",
                      "Verwijder uitspraak", "Niet-opgeslagen terugzetten"):
            assert words in does, words


async def test_typing_while_a_question_is_up_is_kept_and_never_answers_it(data_dir: Path) -> None:
    """Acceptance: with the Ctrl+Q question up, the `s` of "dus" quit the app and the words
    around it were lost; with the Ctrl+O question up, a typed line vanished."""
    from facilitator.store.workshop import WorkshopStore

    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*chars("wt: half getypt"))
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"
        await pilot.press(*chars(" en dus verder typen"))
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "LiveScreen"
        assert app.screen.query_one("#capture").value == "wt: half getypt en dus verder typen"
        await pilot.press("ctrl+u", "ctrl+o")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmEnd"
        await pilot.press(*chars("wt: getypt tijdens de vraag"), "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "LiveScreen"
        await settle(pilot)
    store = WorkshopStore.open(data_dir, SLUG, readonly=True)
    try:
        assert "getypt tijdens de vraag" in [s.text for s in store.statements()]
    finally:
        store.close()
