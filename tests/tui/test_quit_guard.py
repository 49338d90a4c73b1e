"""Ctrl+Q never loses the researcher's text: the report screen saves first, and
refuses to quit while a save fails (the app asks every screen in the stack)."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store.workshop import StoreWriteError, WorkshopStore

from .helpers import SLUG, make_app, make_workshop


async def test_ctrl_q_on_the_report_screen_saves_or_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, slug=None, session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "ReportScreen"
        store = app.store

        def full_disk(*args: object, **kwargs: object) -> None:
            raise StoreWriteError("could not save: No space left on device (nothing was changed)")

        await pilot.press("f3")
        await pilot.pause()
        screen.query_one("#text-conclusion").focus()
        await pilot.press(*"Slotsom")
        monkeypatch.setattr(store, "save_report_text", full_disk)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.screen is screen
        assert any("Niet gestopt" in str(n.message) for n in app._notifications)
        monkeypatch.undo()  # room again
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running
    with WorkshopStore.open(tmp_path, SLUG, readonly=True) as store:
        assert store.report_text().conclusion == "Slotsom"


async def test_a_rescue_file_that_cannot_be_written_is_loud_and_shows_the_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, slug=None, session=None)
    async with app.run_test(size=(100, 30)) as pilot:
        def full_disk(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(app, "write_rescue", full_disk)
        assert app.rescue(["wt: nog niet bewaard"]) is None
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("NIET geschreven" in m and "No space left" in m and "wt: nog niet bewaard" in m for m in messages)
        assert app.is_running
