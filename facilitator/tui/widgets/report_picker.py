"""Pick statements from the record of all sessions, to attach to a finding.

`filter_statements` is the pure filter; `PickStatements` is the modal screen
(dismisses with the picked statement ids in record order, or None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Input, Select, Static

from facilitator.domain.plan import Plan, Theme
from facilitator.domain.records import Statement
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind
from facilitator.tui.keys import localise as localize_bindings
from facilitator.tui.widgets.report_common import role_phrase, session_codes, statement_line
from facilitator.i18n import section

TEXT = section("tui.widgets.report_picker")

UNKNOWN_ROLE = "-"  # the role filter value for statements by an unknown participant


@dataclass(frozen=True)
class StatementFilter:
    theme: str | None = None
    role: str | None = None  # a role key, UNKNOWN_ROLE, or None for any
    session: int | None = None
    quotes_only: bool = False
    key_only: bool = False
    text: str = ""  # every word must occur in the statement (case-insensitive)


def filter_statements(statements: Iterable[Statement], plan: Plan, f: StatementFilter) -> list[Statement]:
    """The statements that pass every part of the filter, in their given order."""
    words = f.text.casefold().split()
    roles = plan.speaker_roles()
    out = []
    for st in statements:
        if f.session is not None and st.session != f.session:
            continue
        # `theme` may also be a framework element, "framework.element" (never a theme key)
        if f.theme is not None and f.theme not in st.themes and f.theme not in st.elements:
            continue
        if f.quotes_only and st.kind != "quote":
            continue
        if f.key_only and not st.key:
            continue
        if f.role is not None:
            rkey = roles.get(st.speaker) if st.speaker else None
            if (rkey or UNKNOWN_ROLE) != f.role:
                continue
        if words:
            text = st.text.casefold()
            if not all(w in text for w in words):
                continue
        out.append(st)
    return out


# Every filter control: ↓ or Enter goes to the list (the footer says so), Esc too (up one level).
TO_LIST = [
    bind("down,enter", "screen.to_table", "report.pick.to_list", key_display="↓/⏎"),
    Binding("escape", "screen.to_table", show=False),
]


class FilterInput(Input):
    """The search box. Focusing it never selects its text: a key typed in the list lands
    here, and the next key must add to it, not replace it."""

    BINDINGS = TO_LIST

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)


class FilterCheckbox(Checkbox):
    """Space flips it; ↓ and Enter go to the list."""

    BINDINGS = [*TO_LIST, bind("space", "toggle_button", "report.pick.flip")]


class FilterSelect(Select):
    """Space (or ↑) opens it; choosing with Enter goes on to the list; ↓ and Enter go to the list."""

    BINDINGS = [*TO_LIST, bind("space", "show_overlay", "report.pick.open")]


class PickTable(DataTable):
    """The statements; Enter attaches the picked ones, or the highlighted one when none is picked.
    Space picks; any other printable key is a search: it goes to the search box, never a command."""

    BINDINGS = [bind("enter", "screen.done", "report.pick.done")]

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "space" and event.is_printable and event.character and event.character.isprintable():
            event.stop()
            event.prevent_default()
            search = self.screen.query_one("#pick-search", Input)
            search.cursor_position = len(search.value)
            search.insert_text_at_cursor(event.character)
            self.screen.set_focus(search)
            return
        await super()._on_key(event)


class PickStatements(ModalScreen[list[int] | None]):
    """A full-screen picker: filters on top, the statements below."""

    CSS_PATH = "../styles/report.tcss"
    BINDINGS = [
        bind("space", "toggle", "report.pick.toggle"),
        bind("enter", "done", "report.pick.done", priority=False),
        bind("escape", "cancel", "report.pick.cancel"),
        # Filters on keys that cannot be typed by accident: letters are a search.
        bind("ctrl+f", "focus('#pick-search')", "report.pick.search"),
        bind("alt+t", "open('#pick-theme')", "report.pick.theme"),
        bind("alt+r", "open('#pick-role')", "report.pick.role"),
        bind("alt+b", "open('#pick-session')", "report.pick.session"),
        bind("alt+q", "flip('#pick-quotes')", "report.pick.quotes"),
        bind("alt+k", "flip('#pick-key')", "report.pick.key"),
    ]
    SEARCH_DELAY = 0.15  # seconds of quiet typing before the list is filtered again
    PAGE = 400  # rows added to the table at a time; more follow as the cursor nears the end

    def __init__(self, plan: Plan, themes: list[Theme], statements: list[Statement], *,
                 finding_number: int, attached: Iterable[int] = (), lang: str = "nl",
                 picked: Iterable[int] = (), used: dict[int, int] | None = None, mode: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.themes = themes
        self.statements = statements
        self.finding_number = finding_number
        self.attached = set(attached)
        self.lang = lang
        self.picked: list[int] = list(picked)
        self.used = dict(used or {})  # statement id -> number of another finding citing it
        self.mode = mode  # "quote", "excerpt", "cite" or "" (the title says what picking does)
        self.shown: list[Statement] = []
        self._loaded = 0  # how many of `shown` are in the table
        self._codes = session_codes(plan)
        self._timer: Timer | None = None
        localize_bindings(self, TEXT, lang)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            title = self.t(f"title.{self.mode}" if self.mode else "title", n=self.finding_number)
            yield Static(title + (f" · {self.t('used')}" if self.used else ""), id="pick-title")
            with Horizontal(id="pick-search-row"):
                yield FilterInput(placeholder=self.t("search"), id="pick-search")
                yield FilterCheckbox(self.t("quotes"), id="pick-quotes")
                yield FilterCheckbox(self.t("key"), id="pick-key")
            with Horizontal(id="pick-filters"):
                elements = [(f"◆ {e.label} ({fw.title})", f"{fw.key}.{e.key}")
                            for fw in self.plan.frameworks for e in fw.elements]
                yield FilterSelect([(t.label, t.key) for t in self.themes] + elements, prompt=self.t("any_theme"),
                                   id="pick-theme")
                roles = [(r.label, r.key) for r in self.plan.roles] + [(self.t("unknown_role"), UNKNOWN_ROLE)]
                yield FilterSelect(roles, prompt=self.t("any_role"), id="pick-role")
                sessions = [(self.t("session_n", number=s.number, code=self._codes[s.number]), s.number)
                            for s in sorted(self.plan.sessions, key=lambda s: s.number)]
                yield FilterSelect(sessions, prompt=self.t("any_session"), id="pick-session")
            yield Static("", id="pick-count")
            yield PickTable(id="pick-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pick-table", DataTable)
        table.add_column("✓", key="mark", width=3)
        table.add_column(self.t("text"), key="text", width=self._text_width())
        table.add_column(self.t("code"), key="code")
        table.add_column(self.t("role"), key="role")
        table.add_column(self.t("themes"), key="themes")
        for control in self.query("FilterInput, FilterCheckbox, FilterSelect, PickTable"):
            localize_bindings(control, TEXT, self.lang)
        self.refilter()
        self.query_one("#pick-search").focus()  # typing searches at once

    # -- filtering ------------------------------------------------------------

    def current_filter(self) -> StatementFilter:
        def value(selector: str) -> object:
            v = self.query_one(selector, Select).value
            return None if v is Select.NULL else v

        return StatementFilter(
            theme=value("#pick-theme"), role=value("#pick-role"), session=value("#pick-session"),
            quotes_only=self.query_one("#pick-quotes", Checkbox).value,
            key_only=self.query_one("#pick-key", Checkbox).value,
            text=self.query_one("#pick-search", Input).value,
        )

    def refilter(self) -> None:
        self.shown = filter_statements(self.statements, self.plan, self.current_filter())
        table = self.query_one("#pick-table", DataTable)
        table.clear()
        self._loaded = 0
        self._load_more()
        self._count()

    def _load_more(self) -> None:
        """Put the next PAGE filtered statements in the table (a table of 10,000 rows takes a second to fill)."""
        table = self.query_one("#pick-table", DataTable)
        width = self._text_width()
        page = self.shown[self._loaded:self._loaded + self.PAGE]
        table.add_rows(self._row(st, width) for st in page)
        self._loaded += len(page)

    @on(DataTable.RowHighlighted, "#pick-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self._loaded < len(self.shown) and event.cursor_row >= self._loaded - self.PAGE // 4:
            self._load_more()

    def _text_width(self) -> int:
        """The statement text comes first and gets what the screen can spare (code, role, themes scroll)."""
        return max(30, self.app.size.width - 64)

    def _mark(self, st: Statement) -> str:
        """✓ picked, ● in this finding already, ○N used in finding N."""
        if st.id in self.picked:
            return "✓"
        if st.id in self.attached:
            return "●"
        n = self.used.get(st.id) if st.id is not None else None
        return f"○{n}" if n else ""

    def _row(self, st: Statement, width: int) -> list[str]:
        mark = self._mark(st)
        return [mark, statement_line(st, width), self._codes.get(st.session, "?"),
                role_phrase(self.plan, st.speaker, self.lang), " ".join([*st.themes, *st.elements])]

    def _count(self) -> None:
        in_list = self.focused is None or isinstance(self.focused, DataTable)
        shown = {st.id for st in self.shown}
        hidden = sum(1 for i in self.picked if i not in shown)
        self.query_one("#pick-count", Static).update(
            self.t("count" if in_list else "count_filter", shown=len(self.shown), total=len(self.statements),
                   picked=len(self.picked), hidden=self.t("hidden", n=hidden) if hidden else ""))

    def on_descendant_focus(self) -> None:
        self._count()

    @on(Input.Changed, "#pick-search")
    def _search_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.SEARCH_DELAY, self.refilter)

    @on(Input.Submitted, "#pick-search")
    def _search_done(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.refilter()
        self.query_one("#pick-table").focus()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self.refilter()
        if event.select.has_focus:  # chosen in its menu with Enter: on to the list
            self.action_to_table()

    @on(Checkbox.Changed)
    def _filter_changed(self) -> None:
        self.refilter()

    # -- actions -------------------------------------------------------------

    def action_flip(self, selector: str) -> None:
        box = self.query_one(selector, Checkbox)
        box.value = not box.value

    def action_to_table(self) -> None:
        self.query_one("#pick-table").focus()

    def action_open(self, selector: str) -> None:
        """Focus a filter select with its menu open: ↑/↓ and Enter choose."""
        select = self.query_one(selector, Select)
        select.focus()
        select.action_show_overlay()

    def action_toggle(self) -> None:
        table = self.query_one("#pick-table", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return
        st = self.shown[table.cursor_row]
        if st.id in self.picked:
            self.picked.remove(st.id)
        elif st.id is not None:
            self.picked.append(st.id)
        table.update_cell_at((table.cursor_row, 0), self._mark(st))
        table.move_cursor(row=table.cursor_row + 1)
        self._count()

    def action_done(self) -> None:
        if not isinstance(self.focused, DataTable):
            self.query_one("#pick-table").focus()
            return
        picked = list(self.picked)
        if not picked:
            table = self.query_one("#pick-table", DataTable)
            if self.shown and 0 <= table.cursor_row < len(self.shown):
                picked = [self.shown[table.cursor_row].id]  # type: ignore[list-item]
        order = {st.id: i for i, st in enumerate(self.statements)}
        self.dismiss(sorted(picked, key=lambda i: order.get(i, 0)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_done()
