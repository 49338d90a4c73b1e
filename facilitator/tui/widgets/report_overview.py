"""Overview: statements per theme × role, per session or for the whole series,
drawn as bars. The counting is facilitator.domain.overview's; `bar` and
`session_rows` are pure helpers."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from facilitator.domain.overview import ThemeRoleCounts, element_counts, theme_role_counts
from facilitator.domain.workshop import WorkshopData
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind
from facilitator.tui.keys import localise as localize_bindings
from facilitator.tui.widgets.report_common import one_line, session_codes
from facilitator.i18n import section

TEXT = section("tui.widgets.report_overview")

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: int, maximum: int, width: int) -> str:
    """A horizontal bar of block characters, `width` cells for `maximum`."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(min(eighths, width * 8), 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


PAD = 2  # a DataTable cell's padding, both sides together
UNKNOWN_KEY = "?"  # the short column label for statements by an unknown participant


@dataclass(frozen=True)
class ThemeColumns:
    theme: int  # width of the theme label column
    bar: int  # width of the bar column
    full: tuple[bool, ...]  # per role: the full label (True) or its key (False)


def fit_theme_columns(width: int, theme: int, total: int, short: list[int], full: list[int],
                      bar_max: int = 20, bar_min: int = 8, theme_min: int = 12) -> ThemeColumns:
    """Column widths for the theme × role table in `width` cells: every column in
    sight, no sideways scrolling. The role columns get their full label where it
    fits (in order), else their key; the bar takes what is left (bar_min..bar_max);
    only when even the keys do not fit is the theme label cut."""
    fixed = total + PAD + bar_min + PAD
    theme_w = min(theme, max(theme_min, width - fixed - sum(short) - PAD * len(short) - PAD))
    room = width - (theme_w + PAD) - fixed - PAD * len(short)
    if sum(full) <= room:  # every full label fits
        return ThemeColumns(theme_w, min(bar_max, bar_min + room - sum(full)), tuple(True for _ in full))
    use: list[bool] = []
    room -= sum(short)
    for s, f in zip(short, full):
        grow = max(0, f - s)
        use.append(grow <= room)
        if use[-1]:
            room -= grow
    return ThemeColumns(theme_w, min(bar_max, bar_min + max(0, room)), tuple(use))


def session_rows(data: WorkshopData) -> dict[int, tuple[int, int, int]]:
    """Session number -> (statements, quotes, key statements), for every planned session."""
    rows = {}
    for s in sorted(data.plan.sessions, key=lambda s: s.number):
        sts = data.session_statements(s.number)
        rows[s.number] = (len(sts), sum(st.kind == "quote" for st in sts), sum(st.key for st in sts))
    return rows


class OverviewPane(Vertical):
    """Two tables: theme × role for the chosen scope, and statements per session."""

    BINDINGS = [bind("s", "scope", "report.overview.scope")]
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
        yield Static("", id="overview-legend", classes="report-hint")
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

    def on_resize(self) -> None:
        if self._data is not None:
            self.show(self._data)

    def _fill_themes(self, data: WorkshopData, counts: ThemeRoleCounts) -> None:
        """Theme × role, fitted to the width: a role column shows its full label where it
        fits, else its key, explained in the legend below the table."""
        table = self.query_one("#overview-themes", DataTable)
        table.clear(columns=True)
        themes = counts.used_themes()
        labels = {t: data.theme_label(t) if t else self.t("no_theme") for t in themes}
        extra = self._element_rows(data, counts.roles)  # framework elements, after the themes
        label_lengths = [len(x) for x in labels.values()] + [len(label) for label, _, _ in extra]
        full_labels, short_labels = [], []
        for rkey in counts.roles:
            role = data.plan.role(rkey) if rkey else None
            full_labels.append(role.plural_label if role else self.t("anyone"))
            short_labels.append(rkey or UNKNOWN_KEY)
        digits = [max([len(str(counts.count(t, r))) for t in themes] + [len(str(c[i])) for _, _, c in extra], default=1)
                  for i, r in enumerate(counts.roles)]
        total_w = max(len(self.t("total")), *(len(str(n)) for n in counts.theme_totals.values()), 1)
        width = (self.size.width or self.app.size.width) - 2  # the vertical scrollbar
        fit = fit_theme_columns(
            width, max(label_lengths, default=0) or len(self.t("theme")), total_w,
            short=[max(len(s), d) for s, d in zip(short_labels, digits)],
            full=[max(len(f), d) for f, d in zip(full_labels, digits)], bar_max=self.BAR_WIDTH)
        table.add_column(self.t("theme"), width=fit.theme)
        table.add_column(self.t("total"), width=total_w)
        table.add_column("", width=fit.bar)
        for rkey, full, short, n, use_full in zip(counts.roles, full_labels, short_labels, digits, fit.full):
            label = full if use_full else short
            table.add_column(label, key=f"role-{rkey}", width=max(len(label), n))
        top = max(counts.theme_totals.values(), default=0)
        for theme in themes:
            total = counts.theme_totals.get(theme, 0)
            cells = [counts.count(theme, r) or "" for r in counts.roles]
            table.add_row(one_line(labels[theme], fit.theme), total, bar(total, top, fit.bar), *cells,
                          key=f"theme-{theme}")
        for i, (label, total, cells) in enumerate(extra):
            table.add_row(one_line(label, fit.theme), total, bar(total, top or total, fit.bar),
                          *[c or "" for c in cells], key=f"element-{i}")
        keys = [f"{short}\u00a0=\u00a0{self.t('unknown') if short == UNKNOWN_KEY else full}".replace(" ", "\u00a0")
                for full, short, use_full in zip(full_labels, short_labels, fit.full) if not use_full]
        legend = self.query_one("#overview-legend", Static)
        legend.update(self.t("legend", keys=" · ".join(keys)) if keys else "")
        legend.display = bool(keys)

    def _element_rows(self, data: WorkshopData, roles: tuple[str | None, ...]) -> list[tuple[str, int, list[int]]]:
        """(label, statements, per role) of each framework element tagged in the scope."""
        rows = []
        for fw in data.plan.frameworks:
            ec = element_counts(data, fw.key, self.scope)
            if ec is None:
                continue
            for el in fw.elements:
                ref = f"{fw.key}.{el.key}"
                if ec.totals.get(ref):
                    rows.append((f"◆ {el.label}", ec.totals[ref], [ec.count(ref, r) for r in roles]))
        return rows

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
