"""The session's record: every statement, newest at the bottom, following new ones.

A line-API ScrollView of its own over a *row source*: it asks the source for the
number of rows, a row's key and its cells only for the rows it draws, so a
session of 100,000 statements makes the objects of the rows in view and no
others (the live screen's source is the headless `LiveSession`, which makes a
row's entry when it is first asked for). Rows are keyed by the screen's own
entry ids (store ids come later: saves run in the background). The first line
is the column header.

The newest WRAP_ROWS rows wrap their text (up to WRAP_LINES lines each) so
what was just typed can be read whole; older rows take one line each, their
text cut with "…".

No printable key is a command here (a letter typed goes to the capture line):
arrows, PageUp/PageDown, Home/End browse, Enter edits, Del deletes.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

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
from facilitator.tui.keys import SeatKeys, bind

TEXT = section("tui.widgets.record")

COLUMNS = ("time", "step", "role", "text", "themes")
FIXED = {"time": 5, "step": 2, "role": 12, "themes": 14}
TEXT_ROOM = 60  # text columns kept before the role and themes columns grow
GROW = (("role", 10), ("themes", 12))
GAP = 2
WRAP_ROWS = 3  # the newest rows wrap their text ...
WRAP_LINES = 4  # ... to this many lines at most
CACHE = 4000  # rows' cells and strips kept


class Rows(Protocol):
    """What the record shows: rows in order, made when asked for."""

    @property
    def row_count(self) -> int: ...

    def key(self, row: int) -> str: ...

    def cells(self, row: int) -> list[Text]: ...

    def row_of(self, key: str) -> int | None: ...


class ListRows:
    """Rows held in lists (a small record, tests): cells, or a function making them."""

    def __init__(self, rows: list[tuple[str, Any]] | None = None):
        self.keys: list[str] = [uid for uid, _cells in rows or ()]
        self.index: dict[str, int] = {uid: i for i, uid in enumerate(self.keys)}
        self.data: dict[str, Any] = dict(rows or ())

    @property
    def row_count(self) -> int:
        return len(self.keys)

    def key(self, row: int) -> str:
        return self.keys[row]

    def cells(self, row: int) -> list[Text]:
        uid = self.keys[row]
        cells = self.data[uid]
        if callable(cells):
            cells = self.data[uid] = cells()
        return cells

    def row_of(self, key: str) -> int | None:
        return self.index.get(key)

    def append(self, key: str, cells: Any) -> None:
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.data[key] = cells

    def remove(self, key: str) -> None:
        if key in self.index:
            self.keys.pop(self.index[key])
            del self.data[key]
            self.index = {k: i for i, k in enumerate(self.keys)}


class RecordTable(SeatKeys, ScrollView, can_focus=True):
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
    SEAT_ACTIONS = {"notes": frozenset({"edit", "delete"})}  # two seats: the note-taker's (keys.seat_check)

    def __init__(self, lang: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.lang = lang
        self.rows: Rows = ListRows()
        self.cursor_row = 0
        self._count = 0  # the row count last laid out
        self._cells: dict[str, list[Text]] = {}
        self._cache: dict[tuple[str, int, int, int, bool], Strip] = {}
        self._layout: tuple[int, int, list[int]] | None = None  # (width, first wrapped row, their heights)
        self._cursor_unseen = False
        from facilitator.tui.keys import localise

        localise(self, TEXT, lang)

    # -- the surface the screen uses ---------------------------------------------------

    @property
    def row_count(self) -> int:
        return self.rows.row_count

    @property
    def keys(self) -> list[str]:
        """Every row's key (makes every row: for tests and small records)."""
        return [self.rows.key(i) for i in range(self.row_count)]

    def cells_at(self, row: int) -> list[Text]:
        uid = self.rows.key(row)
        cells = self._cells.get(uid)
        if cells is None:
            if len(self._cells) > CACHE:
                self._cells.clear()
            cells = self._cells[uid] = self.rows.cells(row)
        return cells

    @staticmethod
    def cells(*, offset: str, step: str, role: str, text: str, themes: str, state: str,
              failed: bool = False, seat: str = "", name: str = "", key: bool = False,
              quote: bool = False) -> list[Text]:
        """A row: a key statement is marked ★ and bold, a quote is in italics between its marks,
        the seat key (and the local name, on the note-taker's screen) stands before the role."""
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
        if name:
            who.append(name + " ", style="italic")
        who.append(role)
        return [Text(offset), Text(step), who, cell, Text(themes)]

    def show_rows(self, rows: Rows, show: str | None = None) -> None:
        """Show `rows` (all redrawn), the cursor on `show` or the last row, in view."""
        self.rows = rows
        self._forget()
        at = rows.row_of(show) if show is not None else None
        self.cursor_row = at if at is not None else max(0, rows.row_count - 1)
        self._count = rows.row_count
        self._cursor_unseen = True  # until laid out: the first frame shows the cursor's rows
        self._resize_virtual()
        self._scroll_to_cursor()
        self.call_after_refresh(self._scroll_to_cursor)

    def load(self, rows: list[tuple[str, Any]], show: str | None = None) -> None:
        """All rows at once (cells, or a function making them)."""
        self.show_rows(ListRows(rows), show)

    def rows_added(self, follow: bool = True) -> None:
        """Rows were added at the bottom of the source. With `follow` the cursor goes to the
        newest (it scrolls into view), unless the user is browsing the record (it has focus,
        cursor elsewhere)."""
        at_end = self.cursor_row >= self._count - 1
        self._count = self.row_count
        self._layout = None
        self._resize_virtual()
        if follow and (at_end or not self.has_focus):
            self.move_cursor(row=self.row_count - 1)
        else:
            self.refresh()

    def row_changed(self, uid: str) -> None:
        """A row's content changed: made again when drawn."""
        self._drop(uid)
        row = self.rows.row_of(uid)
        if row is not None:
            if row >= self._wrap_start():
                old = self._layout
                self._layout = None
                if old is None or old[2] != self._heights()[1]:  # a wrapped row changed height
                    self._resize_virtual()
                    self.refresh()
                    return
            self._refresh_row(row)

    def row_removed(self, uid: str) -> None:
        """A row was taken out of the source."""
        self._drop(uid)
        self._count = self.row_count
        self._layout = None
        self.cursor_row = max(0, min(self.cursor_row, self.row_count - 1))
        self._resize_virtual()
        self.refresh()

    # List-backed rows (a record of its own, tests): the same calls with the cells.
    def add_entry(self, uid: str, cells: list[Text], follow: bool = True) -> None:
        self._list().append(uid, list(cells))
        self.rows_added(follow)

    def add_row(self, *cells: Text, key: str) -> None:
        self.add_entry(key, list(cells), follow=False)

    def set_entry(self, uid: str, cells: list[Text]) -> None:
        rows = self._list()
        if uid in rows.data:
            rows.data[uid] = list(cells)
            self.row_changed(uid)

    def remove_row(self, uid: str) -> None:
        self._list().remove(uid)
        self.row_removed(uid)

    def _list(self) -> ListRows:
        if not isinstance(self.rows, ListRows):
            raise TypeError("the record shows a row source of its own: change the source")
        return self.rows

    def clear(self) -> None:
        self.show_rows(ListRows())

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        old = self.cursor_row
        self.cursor_row = max(0, min(row, self.row_count - 1))
        self._refresh_row(old)
        self._refresh_row(self.cursor_row)
        self._scroll_to_cursor()

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.rows.key(min(self.cursor_row, self.row_count - 1))

    # -- layout: one line a row, the newest rows wrapped ----------------------------------

    def _forget(self) -> None:
        self._cells.clear()
        self._cache.clear()
        self._layout = None

    def _wrap_start(self) -> int:
        return max(0, self.row_count - WRAP_ROWS)

    def _heights(self) -> tuple[int, list[int]]:
        """The first wrapped row and the wrapped rows' heights (lines), at this width."""
        width = self.scrollable_content_region.width
        layout = self._layout
        if layout is not None and layout[0] == width and layout[1] == self._wrap_start():
            return layout[1], layout[2]
        start = self._wrap_start()
        text_width = self.widths(width)[3] if width else 0
        heights = [len(self._wrapped(self.cells_at(r)[3], text_width)) if text_width else 1
                   for r in range(start, self.row_count)]
        self._layout = (width, start, heights)
        return start, heights

    def _wrapped(self, cell: Text, width: int) -> list[Text]:
        lines = list(cell.wrap(self.app.console, max(1, width), overflow="fold"))
        if len(lines) > WRAP_LINES:
            rest = Text("").join(lines[WRAP_LINES - 1:])
            lines = lines[:WRAP_LINES - 1] + [rest]
        return lines or [Text("")]

    def _lines(self) -> int:
        start, heights = self._heights()
        return start + sum(heights)

    def _line_of(self, row: int) -> tuple[int, int]:
        """The first (virtual) line of `row` and its height."""
        start, heights = self._heights()
        if row < start:
            return row, 1
        i = row - start
        if i >= len(heights):
            return start + sum(heights), 1
        return start + sum(heights[:i]), heights[i]

    def _row_at(self, line: int) -> tuple[int, int]:
        """The row at a (virtual) line, and which of its lines it is; (-1, 0) past the end."""
        start, heights = self._heights()
        if line < start:
            return line, 0
        line -= start
        for i, h in enumerate(heights):
            if line < h:
                return start + i, line
            line -= h
        return -1, 0

    # -- rendering ---------------------------------------------------------------------

    def _pad(self) -> int:
        """Blank lines above the rows while they do not fill the record: the newest row is
        always at the bottom, just above the capture line (and notices shown at the top of a
        narrow terminal never cover it)."""
        return max(0, self.size.height - 1 - self._lines())

    def _resize_virtual(self) -> None:
        """Set the scrollable size. Setting `virtual_size` lays out the whole
        screen (O(widgets), every widget repainted); when only the row count
        changes and the scrollbars stay as they are, update the scrollbar alone."""
        size = Size(self.size.width, self._lines() + 1)
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
        self._cells.pop(uid, None)
        for key in [k for k in self._cache if k[0] == uid]:
            del self._cache[key]

    def _refresh_row(self, row: int) -> None:
        """Repaint one row where it is on screen. (ScrollView.refresh_line takes a
        virtual line and subtracts the scroll offset itself: given the on-screen line,
        a scrolled record repainted the wrong line and a saved row kept its "…".)"""
        if not 0 <= row < self.row_count:
            return
        line, height = self._line_of(row)
        y = line + 1 + self._pad() - int(self.scroll_offset.y)
        if y + height > 0 and y < self.size.height:
            self.refresh(Region(0, max(0, y), self.size.width, height))

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Laid out (the first time, or resized): before the frame is drawn, scroll to the
        cursor if that could not be done yet (rows given before the record had a size: the
        first frame showed the oldest rows, and made their entries, before the newest)."""
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if self._cursor_unseen and self.size.height > 1:
            top = self._cursor_top()
            self.set_reactive(ScrollView.scroll_y, float(top))
            self.set_reactive(ScrollView.scroll_target_y, float(top))
            self._cursor_unseen = False
        return resized

    def _cursor_top(self) -> int:
        """The first line to show so the cursor's row is in view (the newest: all its lines)."""
        height = max(1, self.size.height - 1)  # the header stays
        top = int(self.scroll_offset.y)
        line, rows = self._line_of(self.cursor_row)
        if self.cursor_row >= self.row_count - 1:
            rows = max(rows, self._lines() - line)
        if line < top:
            top = line
        elif line + rows > top + height:
            top = max(line + rows - height, 0) if rows <= height else line
        return max(0, min(top, self._lines() + 1 - height - 1))

    def _scroll_to_cursor(self) -> None:
        if self.size.height > 1:
            self._cursor_unseen = False
        self.scroll_to(y=self._cursor_top(), animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._layout = None
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
        row, sub = self._row_at(int(self.scroll_offset.y) + y - 1 - self._pad())
        if row < 0 or row >= self.row_count:  # above the rows (see _pad) or below them
            return Strip.blank(width)
        uid = self.rows.key(row)
        wrapped = row >= self._wrap_start()
        mode = 0 if row != self.cursor_row else (2 if self.has_focus else 1)
        key = (uid, width, mode, sub, wrapped)
        strip = self._cache.get(key)
        if strip is None:
            style = {0: None, 1: Style(underline=True), 2: Style(reverse=True)}[mode]
            cells = self.cells_at(row)
            if wrapped:
                lines = self._wrapped(cells[3], self.widths(width)[3])
                text = lines[min(sub, len(lines) - 1)] if sub < len(lines) else Text("")
                cells = [*cells[:3], text, cells[4]] if sub == 0 else [Text(""), Text(""), Text(""), text, Text("")]
            if len(self._cache) > CACHE:
                self._cache.clear()
            strip = self._cache[key] = self._line(cells, width, style)
        return strip

    def on_focus(self) -> None:
        self._refresh_row(self.cursor_row)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor_row)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            row, _sub = self._row_at(int(self.scroll_offset.y) + event.y - 1 - self._pad())
            if row >= 0:
                self.move_cursor(row=row)

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


class SourceRows:
    """Rows from an object with `row_count`, `row(i)` (an entry with a `uid`) and
    `row_of(uid)` (the live session), the cells made by `make(entry)`."""

    def __init__(self, source: Any, make: Callable[[Any], list[Text]]):
        self.source = source
        self.make = make

    @property
    def row_count(self) -> int:
        return self.source.row_count

    def key(self, row: int) -> str:
        return self.source.row(row).uid

    def cells(self, row: int) -> list[Text]:
        return self.make(self.source.row(row))

    def row_of(self, key: str) -> int | None:
        return self.source.row_of(key)


__all__ = ["ListRows", "RecordTable", "Rows", "Segment", "SourceRows"]
