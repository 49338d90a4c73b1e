"""The record follows new lines from the capture line, also after an edit or an undo;
F9/F12 from the capture line first show the row they would act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store.workshop import WorkshopStore
from facilitator.tui.widgets.record import RecordTable

from .helpers import SLUG, make_app, make_workshop, screen_text, settle, type_line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        from facilitator.domain.records import Statement

        for i in range(30):
            store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=f"oude regel {i}",
                                          themes=[], key=False))
    return tmp_path


async def test_record_follows_after_an_undo(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8", "home", "delete")  # delete the first row: the cursor stays at the top
        await settle(pilot)
        await pilot.press("escape", "ctrl+z")  # undo: the record is rebuilt
        await settle(pilot)
        await type_line(pilot, "wt: nieuwste regel")
        await pilot.pause()
        assert "nieuwste regel" in screen_text(app)
        record = app.screen.query_one(RecordTable)
        assert record.cursor_row == record.row_count - 1


async def test_record_stays_while_browsed(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8", "home")
        record = app.screen.query_one(RecordTable)
        record.screen.submit_line("wt: van elders")  # a line recorded while the record is browsed
        await pilot.pause()
        assert record.cursor_row == 0 and "oude regel 0" in screen_text(app)


async def test_f12_and_f9_from_the_capture_line_first_show_the_row(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        record = screen.query_one(RecordTable)
        await pilot.press("f8", "home", "escape")  # cursor on row 0, out of sight once back at the bottom
        record.move_cursor(row=0)
        await pilot.press("f12")
        await settle(pilot)
        assert app.focused is record and record.cursor_row == record.row_count - 1
        assert len(screen.entries) == 30  # nothing deleted
        await pilot.press("f12")  # now it acts on the visible, highlighted last row
        await settle(pilot)
        assert len(screen.entries) == 29 and "oude regel 29" not in screen_text(app)
        await pilot.press("escape", "f9")
        assert app.focused is record and screen.editing is None
        await pilot.press("f9")
        assert screen.editing is not None and "oude regel 28" in screen.query_one("#capture").value
