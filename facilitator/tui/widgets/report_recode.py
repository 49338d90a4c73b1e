"""Correcting what was recorded, from the report screen.

`EditStatements`: each statement as its capture line (`bc1: “…” #theme !`), so
text, speaker, quote/note, themes and key mark are corrected the way they were
typed; dismissed with the changed statements (or None). `ThemesDialog`: rename
a theme, or merge it into another by renaming it to that one's key; dismissed
with (old, new) or None. Saving and undo are the findings pane's.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Static

from facilitator.domain.capture import CaptureError, StatementLine, context_for, format_statement, parse_line
from facilitator.domain.plan import Plan, Theme
from facilitator.domain.recode import line_warnings
from facilitator.domain.records import Statement
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind
from facilitator.tui.keys import localise as localize_bindings
from facilitator.tui.widgets.report_common import role_phrase, session_codes
from facilitator.i18n import section

TEXT = section("tui.widgets.report_recode")


def capture_line(st: Statement) -> str:
    return format_statement(StatementLine(speaker=st.speaker, kind=st.kind, text=st.text,
                                          themes=tuple(st.themes), key=st.key))


class EditStatements(ModalScreen[list[Statement] | None]):
    CSS_PATH = "../styles/report.tcss"
    BINDINGS = [
        bind("escape", "cancel", "report.recode.cancel"),
        bind("ctrl+s", "save", "report.recode.save"),
    ]

    def __init__(self, plan: Plan, themes: list[Theme], statements: list[Statement], lang: str = "nl") -> None:
        super().__init__()
        self.plan = plan
        self.themes = [t.key for t in themes]
        self.statements = statements
        self.lang = lang
        self._codes = session_codes(plan)
        localize_bindings(self, TEXT, lang)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        with Vertical(id="recode-box"):
            yield Static(self.t("title"), id="recode-title")
            with VerticalScroll(id="recode-lines"):
                for i, st in enumerate(self.statements):
                    where = f"{self._codes.get(st.session, '?')} · {role_phrase(self.plan, st.speaker, self.lang)}"
                    yield Static(where, classes="report-label")
                    yield Input(capture_line(st), id=f"recode-{i}", classes="recode-line")
                    yield Static("", id=f"recode-msg-{i}", classes="recode-msg")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recode-0").focus()

    def parsed(self) -> list[Statement | str]:
        """Each line as the corrected statement, or the error message."""
        out: list[Statement | str] = []
        for i, st in enumerate(self.statements):
            value = self.query_one(f"#recode-{i}", Input).value
            ctx = context_for(self.plan, self.themes, st.session, current_speaker=None)
            try:
                line = parse_line(value, ctx)
            except CaptureError as exc:
                out.append(exc.message)
                continue
            if not isinstance(line, StatementLine):
                out.append(self.t("not_statement"))
                continue
            out.append(st.model_copy(update={"speaker": line.speaker, "kind": line.kind, "text": line.text,
                                             "themes": list(line.themes), "key": line.key}))
        return out

    @on(Input.Changed, ".recode-line")
    def _check(self) -> None:
        for i, result in enumerate(self.parsed()):
            msg = self.query_one(f"#recode-msg-{i}", Static)
            if isinstance(result, str):
                msg.update("✗ " + result)
                continue
            new = [t for t in result.themes if t not in self.themes]
            msg.update("; ".join("⚠ " + w for w in line_warnings(result.kind, result.text, new, self.themes,
                                                                  self.lang)))

    @on(Input.Submitted, ".recode-line")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        results = self.parsed()
        if any(isinstance(r, str) for r in results):
            self._check()
            return
        changed = [new for old, new in zip(self.statements, results) if new != old]
        self.dismiss(changed)  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        self.dismiss(None)


class ThemesTable(DataTable):
    BINDINGS = [bind("enter", "screen.rename", "report.themes.rename")]


class ThemesDialog(ModalScreen[tuple[str, str] | None]):
    CSS_PATH = "../styles/report.tcss"
    BINDINGS = [bind("escape", "cancel", "report.themes.cancel")]

    def __init__(self, plan: Plan, themes: list[Theme], statements: list[Statement], lang: str = "nl") -> None:
        super().__init__()
        self.plan = plan
        self.themes = themes
        self.counts = {t.key: 0 for t in themes}
        for st in statements:
            for key in st.themes:
                self.counts[key] = self.counts.get(key, 0) + 1
        self.lang = lang
        localize_bindings(self, TEXT, lang)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        with Vertical(id="themes-box"):
            yield Static(self.t("themes_title"), id="themes-title")
            yield ThemesTable(id="themes-table", cursor_type="row", zebra_stripes=True)
            yield Input(placeholder=self.t("new_key"), id="themes-new")
            yield Static("", id="themes-msg")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(ThemesTable)
        localize_bindings(table, TEXT, self.lang)
        table.add_column(self.t("theme"), key="key")
        table.add_column(self.t("label"), key="label")
        table.add_column(self.t("count"), key="count")
        plan_keys = {t.key for t in self.plan.themes}
        for t in self.themes:
            label = t.label + (f" {self.t('plan_theme')}" if t.key in plan_keys else "")
            table.add_row("#" + t.key, label, self.counts.get(t.key, 0), key=t.key)
        table.focus()

    def current(self) -> str | None:
        table = self.query_one(ThemesTable)
        if not self.themes or not 0 <= table.cursor_row < len(self.themes):
            return None
        return self.themes[table.cursor_row].key

    def action_rename(self) -> None:
        key = self.current()
        if key is None:
            return
        box = self.query_one("#themes-new", Input)
        box.value = key
        box.focus()

    @on(Input.Submitted, "#themes-new")
    def _rename(self, event: Input.Submitted) -> None:
        import re

        old = self.current()
        new = event.value.strip().lstrip("#").lower()
        if old is None:
            return
        if not re.fullmatch(r"[a-z][a-z0-9-]*", new):
            self.query_one("#themes-msg", Static).update("✗ " + self.t("bad_key"))
            return
        self.dismiss(None if new == old else (old, new))

    def action_cancel(self) -> None:
        if self.query_one("#themes-new", Input).has_focus:
            self.query_one(ThemesTable).focus()
            return
        self.dismiss(None)
