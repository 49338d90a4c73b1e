"""The session's record: every statement, newest at the bottom, following new ones.

A DataTable (line API), so 10,000 rows stay fast: adding a row touches only
that row. Rows are keyed by the screen's own entry ids, since store ids come
later (saves run in the background).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from facilitator.tui.i18n import tr

TEXT = {
    "nl": {"time": "tijd", "step": "st", "role": "rol", "text": "uitspraak", "themes": "thema's",
           "state": "", "pending": "…", "failed": "NIET OPGESLAGEN", "key.record.edit": "Bewerk",
           "key.record.delete": "Verwijder"},
    "en": {"time": "time", "step": "st", "role": "role", "text": "statement", "themes": "themes",
           "state": "", "pending": "…", "failed": "NOT SAVED", "key.record.edit": "Edit",
           "key.record.delete": "Delete"},
}

COLUMNS = ("time", "step", "role", "text", "themes")
FIXED = {"time": 5, "step": 2, "role": 12, "themes": 14}


class RecordTable(DataTable):
    BINDINGS = [
        Binding("enter", "edit", "Bewerk", id="record.edit"),
        Binding("delete,d", "delete", "Verwijder", id="record.delete"),
    ]

    def __init__(self, lang: str, **kwargs: object):
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.lang = lang
        from facilitator.tui.keys import localise

        localise(self, TEXT, lang)

    def on_mount(self) -> None:
        for name in COLUMNS:
            self.add_column(tr(TEXT, self.lang, name), key=name, width=FIXED.get(name, 30))
        self.fit_text_column()

    def on_resize(self) -> None:
        self.fit_text_column()

    def fit_text_column(self) -> None:
        width = self.size.width
        if not width:
            return
        fixed = sum(FIXED.values()) + 2 * len(COLUMNS) + 1
        column = self.columns.get("text")  # type: ignore[call-overload]
        if column is not None:
            new = max(12, width - fixed)
            if new != column.width:
                column.width = new
                column.auto_width = False
                self._clear_caches()
                self._require_update_dimensions = True
                self.refresh()

    def cells(self, *, offset: str, step: str, role: str, text: str, themes: str, state: str,
              failed: bool = False) -> list[Text]:
        cell = Text(no_wrap=True, overflow="ellipsis")
        if state:
            cell.append(state + " ", style="bold white on red" if failed else "dim")
        cell.append(text, style="bold red" if failed else "")
        return [Text(offset), Text(step), Text(role, no_wrap=True, overflow="ellipsis"), cell,
                Text(themes, no_wrap=True, overflow="ellipsis")]

    def add_entry(self, uid: str, cells: list[Text], follow: bool = True) -> None:
        at_end = self.cursor_row >= self.row_count - 1
        self.add_row(*cells, key=uid)
        if follow and at_end:
            self.move_cursor(row=self.row_count - 1, animate=False)

    def set_entry(self, uid: str, cells: list[Text]) -> None:
        for name, cell in zip(COLUMNS, cells):
            self.update_cell(uid, name, cell)

    def selected_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no rows
            return None

    def action_edit(self) -> None:
        self.screen.action_edit()  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        self.screen.action_delete()  # type: ignore[attr-defined]
