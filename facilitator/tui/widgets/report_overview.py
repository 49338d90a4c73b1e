"""Overview: statements per theme × role, per session or for the whole series,
drawn as bars. The counting is facilitator.domain.overview's; `bar` and
`session_rows` are pure helpers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from facilitator.domain.overview import ThemeRoleCounts, theme_role_counts
from facilitator.domain.workshop import WorkshopData
from facilitator.tui.i18n import tr
from facilitator.tui.widgets.report_common import localize_bindings, session_codes

TEXT = {
    "nl": {
        "key.report.overview.scope": "Bijeenkomst/reeks",
        "scope.series": "Hele reeks ({n} uitspraken)",
        "scope.session": "Bijeenkomst {number} · {code} ({n} uitspraken)",
        "theme": "Thema",
        "no_theme": "(geen thema)",
        "anyone": "deelnemer",
        "total": "Totaal",
        "session": "Bijeenkomst",
        "statements": "Uitspraken",
        "quotes": "Citaten",
        "key": "Kern (!)",
        "hint": "s: wissel tussen de hele reeks en één bijeenkomst",
    },
    "en": {
        "key.report.overview.scope": "Session/series",
        "scope.series": "Whole series ({n} statements)",
        "scope.session": "Session {number} · {code} ({n} statements)",
        "theme": "Theme",
        "no_theme": "(no theme)",
        "anyone": "participant",
        "total": "Total",
        "session": "Session",
        "statements": "Statements",
        "quotes": "Quotes",
        "key": "Key (!)",
        "hint": "s: switch between the whole series and one session",
    },
}

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: int, maximum: int, width: int) -> str:
    """A horizontal bar of block characters, `width` cells for `maximum`."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(min(eighths, width * 8), 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def session_rows(data: WorkshopData) -> dict[int, tuple[int, int, int]]:
    """Session number -> (statements, quotes, key statements), for every planned session."""
    rows = {}
    for s in sorted(data.plan.sessions, key=lambda s: s.number):
        sts = data.session_statements(s.number)
        rows[s.number] = (len(sts), sum(st.kind == "quote" for st in sts), sum(st.key for st in sts))
    return rows


class OverviewPane(Vertical):
    """Two tables: theme × role for the chosen scope, and statements per session."""

    BINDINGS = [Binding("s", "scope", "Session/series", id="report.overview.scope")]
    BAR_WIDTH = 20

    def __init__(self, lang: str = "nl", **kwargs) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.scope: int | None = None  # None: the whole series
        self._data: WorkshopData | None = None
        localize_bindings(self, TEXT, lang)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        yield Static("", id="overview-scope")
        yield DataTable(id="overview-themes", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="overview-sessions", cursor_type="row", zebra_stripes=True)
        yield Static(self.t("hint"), id="overview-hint", classes="report-hint")

    def show(self, data: WorkshopData) -> None:
        self._data = data
        counts = theme_role_counts(data, self.scope)
        codes = session_codes(data.plan)
        if self.scope is None:
            title = self.t("scope.series", n=counts.total)
        else:
            title = self.t("scope.session", number=self.scope, code=codes.get(self.scope, "?"), n=counts.total)
        self.query_one("#overview-scope", Static).update(title)
        self._fill_themes(data, counts)
        self._fill_sessions(session_rows(data), codes)

    def _fill_themes(self, data: WorkshopData, counts: ThemeRoleCounts) -> None:
        table = self.query_one("#overview-themes", DataTable)
        table.clear(columns=True)
        table.add_column(self.t("theme"))
        table.add_column(self.t("total"))
        table.add_column("", width=self.BAR_WIDTH)
        for rkey in counts.roles:  # after the bar: at 80 columns these scroll sideways
            role = data.plan.role(rkey) if rkey else None
            table.add_column((role.plural_label if role else self.t("anyone")), key=f"role-{rkey}")
        top = max(counts.theme_totals.values(), default=0)
        for theme in counts.used_themes():
            label = data.theme_label(theme) if theme else self.t("no_theme")
            total = counts.theme_totals.get(theme, 0)
            cells = [counts.count(theme, r) or "" for r in counts.roles]
            table.add_row(label, total, bar(total, top, self.BAR_WIDTH), *cells, key=f"theme-{theme}")

    def _fill_sessions(self, rows: dict[int, tuple[int, int, int]], codes: dict[int, str]) -> None:
        table = self.query_one("#overview-sessions", DataTable)
        table.clear(columns=True)
        for label in ("session", "statements", "quotes", "key"):
            table.add_column(self.t(label))
        table.add_column("", width=self.BAR_WIDTH)
        top = max((n for n, _, _ in rows.values()), default=0)
        for number, (n, quotes, key) in rows.items():
            marker = "▶ " if number == self.scope else ""
            table.add_row(f"{marker}{number} · {codes[number]}", n, quotes, key, bar(n, top, self.BAR_WIDTH),
                          key=f"session-{number}")

    def action_scope(self) -> None:
        """Cycle: whole series, then each session in turn."""
        if self._data is None:
            return
        numbers = sorted(s.number for s in self._data.plan.sessions)
        order: list[int | None] = [None, *numbers]
        self.scope = order[(order.index(self.scope) + 1) % len(order)] if self.scope in order else None
        self.show(self._data)
