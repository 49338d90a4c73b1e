"""The session's record: every statement, newest at the bottom, following new ones.

A line-API ScrollView of its own: each row is rendered once into a cached Strip,
so adding a row or scrolling with 10,000 rows only draws the visible lines.
Rows are keyed by the screen's own entry ids (store ids come later: saves run
in the background). The first line is the column header. A row's cells may be
given as a function: they are made when the row is first drawn, so opening a
session of 100,000 statements builds only the rows in view.

No printable key is a command here (a letter typed goes to the capture line):
arrows, PageUp/PageDown, Home/End browse, Enter edits, Del deletes.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from facilitator.tui.i18n import tr
from facilitator.i18n import section
from facilitator.tui.keys import bind

TEXT = section("tui.widgets.record")

COLUMNS = ("time", "step", "role", "text", "themes")
FIXED = {"time": 5, "step": 2, "role": 12, "themes": 14}
TEXT_ROOM = 60  # text columns kept before the role and themes columns grow
GROW = (("role", 10), ("themes", 12))
GAP = 2


class RecordTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    RecordTable { background: $surface; overflow-x: hidden; }
    """
    BINDINGS = [
        bind("enter", "edit", "record.edit"),
        bind("delete", "delete", "record.delete"),
        Binding("up", "cursor(-1)", "Omhoog", show=False),
        Binding("down", "cursor(1)", "Omlaag", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "to(0)", show=False),
        Binding("end", "to(-1)", show=False),
    ]

    def __init__(self, lang: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.lang = lang
        self.keys: list[str] = []
        self.index: dict[str, int] = {}
        self.data: dict[str, list[Text]] = {}
        self.cursor_row = 0
        self._cache: dict[tuple[str, int, int], Strip] = {}
        from facilitator.tui.keys import localise

        localise(self, TEXT, lang)

    # -- the DataTable-like surface the screen uses ---------------------------------

    @property
    def row_count(self) -> int:
        return len(self.keys)

    def cells(self, *, offset: str, step: str, role: str, text: str, themes: str, state: str,
              failed: bool = False, seat: str = "", key: bool = False, quote: bool = False) -> list[Text]:
        """A row: a key statement is marked ★ and bold, a quote is in italics between its marks,
        the seat key stands before the role."""
        cell = Text()
        if state:
            cell.append(state + " ", style="bold white on red" if failed else "dim")
        if key:
            cell.append("★ ", style="bold yellow")
        style = "bold red" if failed else ("bold" if key else "")
        if quote:
            style = (style + " italic").strip()
        cell.append(text, style=style)
        who = Text()
        if seat:
            who.append(seat + " ", style="bold")
        who.append(role)
        return [Text(offset), Text(step), who, cell, Text(themes)]

    def add_row(self, *cells: Text, key: str) -> None:
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.data[key] = list(cells)
        self._resize_virtual()

    def load(self, rows: list[tuple[str, Any]], show: str | None = None) -> None:
        """All rows at once (cells, or a function making them): one resize, the cursor on
        `show` or the last row, in view."""
        self.keys = [uid for uid, _cells in rows]
        self.index = {uid: i for i, uid in enumerate(self.keys)}
        self.data = dict(rows)
        self._cache.clear()
        self.cursor_row = self.index.get(show, len(self.keys) - 1) if show is not None else max(0, len(self.keys) - 1)
        self._resize_virtual()
        self._scroll_to_cursor()
        self.call_after_refresh(self._scroll_to_cursor)

    def _cells_of(self, uid: str) -> list[Text]:
        cells = self.data[uid]
        if callable(cells):
            cells = self.data[uid] = cells()
        return cells

    def add_entry(self, uid: str, cells: list[Text], follow: bool = True) -> None:
        """Add a row at the bottom. With `follow` the cursor goes to it (it scrolls into
        view), unless the user is browsing the record (it has focus, cursor elsewhere)."""
        at_end = self.cursor_row >= self.row_count - 1
        self.add_row(*cells, key=uid)
        if follow and (at_end or not self.has_focus):
            self.move_cursor(row=self.row_count - 1)
        else:
            self.refresh()

    def set_entry(self, uid: str, cells: list[Text]) -> None:
        if uid not in self.data:
            return
        self.data[uid] = list(cells)
        self._drop(uid)
        self._refresh_row(self.index[uid])

    def remove_row(self, uid: str) -> None:
        if uid not in self.index:
            return
        self.keys.pop(self.index[uid])
        del self.data[uid]
        self._drop(uid)
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.cursor_row = max(0, min(self.cursor_row, self.row_count - 1))
        self._resize_virtual()
        self.refresh()

    def clear(self) -> None:
        self.keys, self.index, self.data = [], {}, {}
        self._cache.clear()
        self.cursor_row = 0
        self._resize_virtual()
        self.refresh()

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        old = self.cursor_row
        self.cursor_row = max(0, min(row, self.row_count - 1))
        self._refresh_row(old)
        self._refresh_row(self.cursor_row)
        self._scroll_to_cursor()

    def selected_key(self) -> str | None:
        if not self.keys:
            return None
        return self.keys[self.cursor_row]

    # -- rendering ---------------------------------------------------------------------

    def _resize_virtual(self) -> None:
        """Set the scrollable size. Setting `virtual_size` lays out the whole
        screen (O(widgets), every widget repainted); when only the row count
        changes and the scrollbars stay as they are, update the scrollbar alone."""
        size = Size(self.size.width, self.row_count + 1)
        old = self.virtual_size
        if size == old:
            return
        height = self.container_size.height
        if (self.is_mounted and height and size.width == old.width and self.show_vertical_scrollbar
                and old.height > height and size.height > height):
            self.set_reactive(RecordTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
            # The new size (and a scrollbar appearing) takes effect at the next layout;
            # scrolling now would be clamped to the old size and jump to the top.
            self.call_after_refresh(self._scroll_to_cursor)

    def _drop(self, uid: str) -> None:
        for key in [k for k in self._cache if k[0] == uid]:
            del self._cache[key]

    def _refresh_row(self, row: int) -> None:
        """Repaint one row where it is on screen. (ScrollView.refresh_line takes a
        virtual line and subtracts the scroll offset itself: given the on-screen line,
        a scrolled record repainted the wrong line and a saved row kept its "…".)"""
        y = row + 1 - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.size.height - 1)  # the header stays
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + height:
            top = self.cursor_row - height + 1
        self.scroll_to(y=top, animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._resize_virtual()
        self._scroll_to_cursor()

    def widths(self, width: int) -> list[int]:
        """Column widths: the text takes the rest; on a wide terminal, once the text has
        TEXT_ROOM columns, the role and theme columns grow so their labels fit."""
        sizes = dict(FIXED)
        chrome = GAP * (len(COLUMNS) - 1) + 1
        spare = width - sum(sizes.values()) - chrome - TEXT_ROOM
        for column, most in GROW:
            extra = max(0, min(spare, most))
            sizes[column] += extra
            spare -= extra
        text = max(8, width - sum(sizes.values()) - chrome)
        return [sizes.get(c, text) for c in COLUMNS]

    def _line(self, cells: list[Text], width: int, style: Style | None) -> Strip:
        line = Text(" ", no_wrap=True, end="")
        for i, (cell, w) in enumerate(zip(cells, self.widths(width))):
            piece = cell.copy()
            piece.no_wrap = True
            piece.truncate(w, overflow="ellipsis", pad=True)
            line.append_text(piece)
            if i < len(COLUMNS) - 1:
                line.append(" " * GAP)
        segments = list(line.render(self.app.console))
        strip = Strip(segments).crop_extend(0, width, None)
        return strip.apply_style(style) if style else strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = [Text(tr(TEXT, self.lang, c), style="bold") for c in COLUMNS]
            return self._line(header, width, Style(bold=True, dim=False))
        row = int(self.scroll_offset.y) + y - 1
        if row >= self.row_count:
            return Strip.blank(width)
        uid = self.keys[row]
        mode = 0 if row != self.cursor_row else (2 if self.has_focus else 1)
        key = (uid, width, mode)
        strip = self._cache.get(key)
        if strip is None:
            style = {0: None, 1: Style(underline=True), 2: Style(reverse=True)}[mode]
            strip = self._cache[key] = self._line(self._cells_of(uid), width, style)
            if len(self._cache) > 4000:
                self._cache.clear()
        return strip

    def on_focus(self) -> None:
        self._refresh_row(self.cursor_row)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor_row)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor(row=int(self.scroll_offset.y) + event.y - 1)

    # -- actions -----------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(row=self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(row=self.cursor_row + direction * max(1, self.size.height - 2))

    def action_to(self, row: int) -> None:
        self.move_cursor(row=self.row_count - 1 if row < 0 else row)

    def action_edit(self) -> None:
        self.screen.action_edit()  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        self.screen.action_delete()  # type: ignore[attr-defined]


__all__ = ["RecordTable", "Segment"]
