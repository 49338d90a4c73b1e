"""The session's `actie:` lines, in their own list."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from facilitator.tui.i18n import tr
from facilitator.i18n import section

TEXT = section("tui.widgets.actions")


class ActionsTable(DataTable):
    def __init__(self, lang: str, **kwargs: object):
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self.lang = lang

    def on_mount(self) -> None:
        self.add_column(tr(TEXT, self.lang, "text"), key="text")
        self.add_column(tr(TEXT, self.lang, "owner"), key="owner")
        self.add_column(tr(TEXT, self.lang, "themes"), key="themes")

    def add_action(self, uid: str, text: str, owner: str, themes: str, pending: bool) -> None:
        self.add_row(Text(text + (" …" if pending else "")), Text(owner), Text(themes), key=uid)

    def set_action(self, uid: str, text: str, failed: bool) -> None:
        self.update_cell(uid, "text", Text(text, style="bold red" if failed else ""))
