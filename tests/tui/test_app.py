"""Home screen, plan view, export, help (F1) and the command palette."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text, settle, type_line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


async def test_home_lists_sessions_and_runs_one(data_dir: Path) -> None:
    app = make_app(data_dir, slug=None, session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "OWP1-3mrt2026" in text and "Evaluatie met de leidinggevenden" in text
        await pilot.press("down", "enter")  # session 2
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen" and app.screen.number == 2
        await type_line(pilot, "wt: in sessie twee")
        await settle(pilot)
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [s.session for s in store.statements()] == [2]


async def test_without_session_the_next_not_held_opens(data_dir: Path) -> None:
    app = make_app(data_dir, session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_line(pilot, "wt: iets")
        await settle(pilot)
    app = make_app(data_dir, session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.screen.number == 2


async def test_background_open_picks_the_next_session_and_refuses_one_not_in_the_plan(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As `facilitator run SLUG` starts it: the session is decided after the first frame."""
    app = make_app(data_dir, session=None, background_open=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "LiveScreen" and app.screen.number == 1
    app = make_app(data_dir, session=7, background_open=True)
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(200):  # the open runs in a thread: poll (up to 10 s) for the app to stop
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    err = capsys.readouterr().err
    assert "facilitator: geen sessie 7 in 'lombok-2026' (sessies: 1, 2, 3, 4)" in err and "Traceback" not in err


async def test_plan_screen(data_dir: Path) -> None:
    app = make_app(data_dir, slug=None, session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        text = screen_text(app)
        assert "wijkteammedewerker" in text and "Fatima" in text and "#werkwijze" in text
        assert "Wie ben je, en bij welke bewoner" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_export_from_home(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "work"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(data_dir, slug=None, session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    assert (out / "exports" / f"{SLUG}.md").exists(), messages


async def test_export_from_home_tells_how_many_names_were_replaced(data_dir: Path, tmp_path: Path) -> None:
    """The home screen's export says, as the CLI does, that names became roles (its copy dropped that)."""
    from facilitator.usecases.notes import import_notes

    with WorkshopStore.open(data_dir, SLUG) as store:
        import_notes(store, 1, "wt1: “Fatima zei: dat werkt goed.” #werkwijze\n", "n.txt")
    out = tmp_path / "out"
    app = make_app(data_dir, slug=None, session=None, export_dir=out)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    assert (out / f"{SLUG}.md").exists(), messages
    assert any("2 namen van deelnemers zijn vervangen door een rol" in m and "names-review.txt" in m
               for m in messages), messages
    assert "Fatima" not in (out / f"{SLUG}-OWP1-3mrt2026.md").read_text(encoding="utf-8")


async def test_help_lists_every_key(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        text = screen_text(app)
        for words in ("Start/pauze", "Volgende stap", "Vorige stap", "Bewerk uitspraak", "Verwijder uitspraak",
                      "Ongedaan maken", "Nu opslaan", "Niet-opgeslagen terugzetten", "Aanwezig", "Stoppen"):
            assert words in text, words
        await pilot.press("escape")
        assert type(app.screen).__name__ == "LiveScreen"


async def test_every_binding_is_in_the_palette(data_dir: Path) -> None:
    from facilitator.tui.commands import screen_actions

    app = make_app(data_dir, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        names = {d for d, *_ in screen_actions(app.screen)}
        for binding in type(app.screen).BINDINGS:
            assert binding.id is not None
        assert {"Start/pause", "Next step", "Previous step", "Edit statement", "Delete statement", "Undo",
                "Save now", "Put unsaved back", "Attendance", "Actions", "Keys", "Quit"} <= names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next step")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.clock.current_step == 1


async def test_report_from_home_exports(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    app = make_app(data_dir, slug=None, session=None, export_dir=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReportScreen"
        assert app.store is not None and not app.store.readonly
        await pilot.press("ctrl+p")  # the palette lists the report's commands
        await pilot.pause()
        await pilot.press(*"rapport exporteren")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert (out / f"{SLUG}.md").exists(), [str(n.message) for n in app._notifications]
        await pilot.press("escape", "escape")  # the report screen leaves on a double Esc
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.store is None  # closed again: the workshop can be opened elsewhere
    with WorkshopStore.open(data_dir, SLUG) as store:  # not locked any more
        assert store.plan.workshop.slug == SLUG


async def test_report_commands_in_palette_and_help(data_dir: Path) -> None:
    from facilitator.tui.commands import screen_actions

    app = make_app(data_dir, lang="en")
    async with app.run_test(size=(120, 45)) as pilot:
        await type_line(pilot, "wt: iets voor het rapport")
        await settle(pilot)
        await pilot.press("ctrl+r")  # from the live screen
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "ReportScreen" and screen.store is app.store
        names = {d for d, *_ in screen_actions(screen)}
        assert {"Export report", "Save report", "Report: findings", "Report: texts", "Report: overview",
                "Report: preview", "New finding", "Add a quote", "Add an excerpt", "Rename or merge themes",
                "Keys", "Quit"} <= names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new finding")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.store.findings()) == 1  # the palette ran the pane's action
        await pilot.press("escape", "escape")  # leave the finding's editor, then its blocks
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        text = screen_text(app)
        for words in ("Export report", "Add a quote", "Report: preview", "ctrl+o"):
            assert words in text, words
        await pilot.press("escape")
        await pilot.press("escape", "escape")  # the report screen leaves on a double Esc
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
