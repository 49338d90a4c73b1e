"""F1: every key of the screen underneath, with what it does."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from facilitator.tui.commands import key_mark, screen_actions
from facilitator.tui.i18n import tr
from facilitator.i18n import section
from facilitator.tui.context import app_of

TEXT = section("tui.screens.help")


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
    #help DataTable { height: 1fr; }
    #syntax { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "close", show=False)]

    def __init__(self, under: Any):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        lang = app_of(self).lang
        with Vertical(id="help"):
            yield Static(tr(TEXT, lang, "title"), id="title")
            yield DataTable(id="keys", cursor_type="row")
            yield Static(tr(TEXT, lang, "syntax", **self.example_keys()), id="syntax", markup=False)

    def example_keys(self) -> dict[str, str]:
        """The open plan's own keys for the capture examples (the live screen's), else generic ones."""
        keys = getattr(self.under, "example_keys", None)
        if keys is not None and getattr(self.under, "ready", False):
            return keys()
        return {"role": "rol", "owner": "rol", "seat": "rol1", "theme": "thema"}

    def on_mount(self) -> None:
        lang = app_of(self).lang
        table = self.query_one(DataTable)
        table.add_column(tr(TEXT, lang, "key"), key="key")
        table.add_column(tr(TEXT, lang, "does"), key="does")
        groups = getattr(self.under, "HELP_GROUPS", None)
        rows = self.rows()
        if not groups:
            for row in rows:
                table.add_row(*self._cells(row))
        else:
            ids = self._ids()
            placed: set[int] = set()
            for name, prefixes in list(groups) + [("", ("",))]:
                members = [i for i, r in enumerate(rows) if i not in placed
                           and ids.get((id(r[2]), r[3]), "").startswith(prefixes)]
                if not members:
                    continue
                label = self.under.t(name) if name else "…"
                table.add_row(Text(label, style="bold"), Text(""))
                for i in members:
                    placed.add(i)
                    table.add_row(*self._cells(rows[i], indent="  "))
        table.focus()

    @staticmethod
    def _cells(row: tuple[str, str, Any, str, str | None], indent: str = "") -> tuple[Text, Text]:
        """A key and what it does; a key that does nothing here (the other seat's, read-only)
        dim, with why: "F5  Start/pauze · facilitator-stoel"."""
        description, key, _node, _action, mark = row
        if mark is None:
            return Text(indent + key), Text(description)
        return Text(indent + key, style="dim"), Text(f"{description} · {mark}", style="dim")

    def _ids(self) -> dict[tuple[int, str], str]:
        """(node, action) -> the binding's id, for grouping."""
        out: dict[tuple[int, str], str] = {}
        nodes = [self.under, self.app, *self.under.query("*")]
        for node in nodes:
            for _key, bindings in node._bindings.key_to_bindings.items():
                for b in bindings:
                    if b.id:
                        out.setdefault((id(node), b.action), b.id)
        return out

    def rows(self) -> list[tuple[str, str, Any, str, str | None]]:
        rows = screen_actions(self.under)
        seen = {r[0] for r in rows}
        for widget in self.under.query("*"):
            for _key, bindings in widget._bindings.key_to_bindings.items():
                for b in bindings:
                    if b.id and b.description and b.description not in seen:
                        seen.add(b.description)
                        rows.append((b.description, self.app.get_key_display(b), widget, b.action,
                                     key_mark(self.under, widget, b.action)))
        return rows

    def action_close(self) -> None:
        self.dismiss(None)
