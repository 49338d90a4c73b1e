"""The report screen with a plan that has frameworks: element rows in the overview,
per session; the framework chosen on the texts tab is saved and kept."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Select

from facilitator.usecases.notes import import_notes
from facilitator.domain.plan import parse_plan
from facilitator.store.workshop import WorkshopStore
from tests.qda.helpers import FIXTURES
from tests.tui.test_report_screen import Host


def make_store(tmp_path: Path) -> WorkshopStore:
    text = (FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8")
    store = WorkshopStore.create(tmp_path / "data", parse_plan(text), text)
    for n in (1, 2):
        import_notes(store, n, (FIXTURES / f"notes-frameworks-{n}.txt").read_text(encoding="utf-8"), "n.txt")
    return store


async def test_overview_counts_elements_per_role_and_session(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    try:
        app = Host(store)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("f4")
            table = app.screen.query_one("#overview-themes", DataTable)
            labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
            assert "◆ Kleine verbanden" in labels and "◆ Praktisch samenwerken" in labels
            i = labels.index("◆ Kleine verbanden")
            row = table.get_row_at(i)
            assert row[1] == 2  # two statements, one by a sociaal makelaar, one by a wijkteammedewerker
            assert row[3:5] == [1, 1]
            await pilot.press("s")  # session 1 only: nothing of "kleine verbanden" there
            labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
            assert "◆ Kleine verbanden" not in labels and "◆ Chemie en vertrouwen" in labels
    finally:
        store.close()


async def test_choosing_a_framework_saves_it(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    try:
        app = Host(store)
        async with app.run_test(size=(120, 45)) as pilot:
            await pilot.press("f3")
            select = app.screen.query_one("#text-framework", Select)
            select.value = "delden"
            await pilot.pause()
            assert store.report_text().framework == "delden"
            app.screen.query_one("#text-conclusion").focus()
            await pilot.press(*"Slot", "ctrl+s")
            await pilot.pause()
            saved = store.report_text()
            assert (saved.conclusion, saved.framework) == ("Slot", "delden")  # the choice survives other saves
    finally:
        store.close()
