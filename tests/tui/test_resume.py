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


def test_record_columns_grow_on_a_wide_terminal_and_keep_the_text_first() -> None:
    from facilitator.tui.widgets.record import FIXED, RecordTable

    table = RecordTable.__new__(RecordTable)  # widths() is pure arithmetic
    narrow = table.widths(80)
    assert narrow[2] == FIXED["role"] and narrow[4] == FIXED["themes"] and narrow[3] == 80 - 33 - 9
    wide = table.widths(118)
    assert wide[2] == FIXED["role"] + 10 and wide[3] == 60 and wide[4] == FIXED["themes"] + 6
    widest = table.widths(200)
    assert widest[2] == 22 and widest[4] == 26 and widest[3] == 200 - 5 - 2 - 22 - 26 - 9


async def test_rows_added_as_the_record_starts_to_scroll_stay_in_view() -> None:
    """Two rows at once when the record was one row short of full: the scrollbar
    appears at the next layout, and the newest row must still be shown."""
    from rich.text import Text
    from textual.app import App

    from facilitator.tui.widgets.record import RecordTable

    class Host(App):
        def compose(self):
            yield RecordTable("nl", id="record")

    app = Host()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(RecordTable)
        rows = table.size.height - 1  # the header takes one line

        def cells(i: int) -> list[Text]:
            return [Text(""), Text("1"), Text("buurtcoach"), Text(f"regel {i}"), Text("")]

        for i in range(rows - 1):
            table.add_entry(f"r{i}", cells(i))
        await pilot.pause()
        assert table.scroll_offset.y == 0
        table.add_entry("a", cells(100))
        table.add_entry("b", cells(101))
        await pilot.pause()
        await pilot.pause()
        top = int(table.scroll_offset.y)
        assert top <= table.row_count - 1 < top + rows, (top, table.row_count, rows)


async def test_undoing_a_delete_brings_the_row_back_in_view(tmp_path: Path) -> None:
    from facilitator.store.workshop import WorkshopStore
    from facilitator.tui.widgets.record import RecordTable

    make_workshop(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 24)) as pilot:
        for i in range(40):
            await type_line(pilot, f"wt: regel {i}")
        await settle(pilot)
        await pilot.press("f8", "up", "delete")  # the one before the newest
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        await pilot.pause()
        record = app.screen.query_one(RecordTable)
        top, rows = int(record.scroll_offset.y), record.size.height - 1
        assert record.selected_key() is not None
        row = record.cursor_row
        assert record.cells_at(row)[3].plain.endswith("regel 38")
        assert top <= row < top + rows, (top, row, rows)
    with WorkshopStore.open(tmp_path, "lombok-2026", readonly=True) as store:
        assert len(store.statements(1)) == 40
