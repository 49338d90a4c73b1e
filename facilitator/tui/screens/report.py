"""The researcher's report screen: findings backed by statements, the written
texts, an overview of what was said, and a live preview of the report with
export. Self-contained: `app.push_screen(ReportScreen(store))`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TabbedContent, TabPane

from typing import Callable

from facilitator.domain.records import Finding, Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.store.workshop import StoreError, WorkshopStore
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind
from facilitator.tui.keys import localise as localize_bindings

from facilitator.tui.widgets.report_findings import FindingsPane
from facilitator.tui.widgets.report_overview import OverviewPane
from facilitator.tui.widgets.report_picker import PickStatements
from facilitator.tui.widgets.report_preview import PreviewPane
from facilitator.tui.widgets.report_recode import EditStatements, ThemesDialog
from facilitator.tui.widgets.report_texts import TextsPane
from facilitator.i18n import section
from facilitator.tui.context import app_of

TEXT = section("tui.screens.report")

TABS = ("findings", "texts", "overview", "preview")
TAB_KEYS = Binding.Group("Tabs", compact=True)
WIDE = 120  # columns from which the findings pane lays out side by side


class ReportScreen(Screen):
    """The report of one workshop, written by the researcher after the sessions."""

    CSS_PATH = "../styles/report.tcss"
    BINDINGS = [
        bind("escape", "back", "report.back"),
        bind("ctrl+s", "save", "report.save"),
        bind("ctrl+o", "export", "report.export"),
        bind("f2", "tab('findings')", "report.tab.findings", group=TAB_KEYS),
        bind("f3", "tab('texts')", "report.tab.texts", group=TAB_KEYS),
        bind("f4", "tab('overview')", "report.tab.overview", group=TAB_KEYS),
        bind("f5", "tab('preview')", "report.tab.preview", group=TAB_KEYS),
        bind("f6", "themes", "report.themes"),
    ]
    PREVIEW_DELAY = 0.4  # seconds of quiet before the preview is rendered again
    LEAVE_WINDOW = 1.0  # seconds within which a second Esc at the top level leaves the screen

    def __init__(self, store: WorkshopStore, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self._preview_timer: Timer | None = None
        self.clock = time.monotonic  # for the double Esc; tests replace it
        self._armed_at: float | None = None  # when the first Esc at the top level was pressed
        self._disarm_timer: Timer | None = None
        self.error: str | None = None

    @property
    def lang(self) -> str:
        return app_of(self).lang

    @property
    def export_dir(self) -> Path:
        return Path(app_of(self).export_dir)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        localize_bindings(self, TEXT, self.lang)
        with Horizontal(id="report-titlebar"):
            yield Static(self.t("title", title=self.store.plan.workshop.title), id="report-title")
            yield Static(self.t("leave_hint"), id="report-leave")
        yield Static("", id="report-error")
        with TabbedContent(id="report-tabs", initial="findings"):
            with TabPane(self.t("tab.findings"), id="findings"):
                yield FindingsPane(self.store, self._pick, self.lang, recode=self._recode, id="findings-pane")
            with TabPane(self.t("tab.texts"), id="texts"):
                yield TextsPane(self.store, self.lang, id="texts-pane")
            with TabPane(self.t("tab.overview"), id="overview"):
                yield OverviewPane(self.lang, id="overview-pane")
            with TabPane(self.t("tab.preview"), id="preview"):
                yield PreviewPane(self.lang, id="preview-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#findings-table").focus()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    # -- the panes ---------------------------------------------------------------

    @property
    def findings_pane(self) -> FindingsPane:
        return self.query_one(FindingsPane)

    @property
    def texts_pane(self) -> TextsPane:
        return self.query_one(TextsPane)

    def _pick(self, finding: Finding, number: int, mode: str, picked: list[int],
              done: Callable[[list[int] | None], None]) -> None:
        """The statement picker for `finding`; `done` gets the picked ids (None: cancelled)."""
        pane = self.findings_pane
        picker = PickStatements(self.store.plan, self.store.themes(), self.store.statements(),
                                finding_number=number, attached=finding.statements, lang=self.lang,
                                picked=picked, used=pane.used_elsewhere(finding.id), mode=mode)
        self.app.push_screen(picker, done)

    def _recode(self, statements: list[Statement], done: Callable[[object], None]) -> None:
        def saved(changed: list[Statement] | None) -> None:
            self.findings_pane.apply_statements(changed)
            self.query_one("#blocks-table").focus()

        self.app.push_screen(EditStatements(self.store.plan, self.store.themes(), statements, self.lang), saved)

    def action_themes(self) -> None:
        """Rename or merge themes; every statement follows (ctrl+z in the findings undoes it)."""
        if not self.save_all():
            return

        def rename(result: tuple[str, str] | None) -> None:
            if result is not None:
                texts = self.texts_pane
                self.findings_pane.retheme(*result, stages=texts.theme_renamed, restore_stages=texts.restore_stages)
                self.notify(self.t("renamed", old=result[0], new=result[1]), timeout=4)

        self.app.push_screen(ThemesDialog(self.store.plan, self.store.themes(), self.store.statements(), self.lang),
                             rename)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus = {"findings": "#findings-table", "texts": "#text-introduction",
                 "overview": "#overview-themes", "preview": "#preview-scroll"}[tab]
        self.query_one(focus).focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "overview":
            self.query_one(OverviewPane).show(self.store.snapshot())
        elif event.pane.id == "preview":
            self.schedule_preview(0)

    # -- saving and errors ---------------------------------------------------------

    def save_all(self) -> bool:
        ok = self.findings_pane.save_text()
        return self.texts_pane.save() and ok

    def quit_guard(self) -> bool:
        """Ctrl+Q: save everything first; never quit while some text cannot be saved."""
        if self.save_all():
            return True
        self.notify(self.t("quit_unsaved"), severity="error", timeout=8)
        return False

    def action_save(self) -> None:
        if self.save_all():
            self._clear_error()
            self.notify(self.t("saved"), timeout=2)

    @on(FindingsPane.SaveFailed)
    @on(TextsPane.SaveFailed)
    def _save_failed(self, event: FindingsPane.SaveFailed | TextsPane.SaveFailed) -> None:
        self.error = event.error
        banner = self.query_one("#report-error", Static)
        banner.update(self.t("error", error=event.error))
        banner.add_class("-shown")
        self.notify(self.t("error", error=event.error), severity="error", timeout=10)

    @on(FindingsPane.Saved)
    @on(TextsPane.Saved)
    def _saved(self) -> None:
        if not self.findings_pane.unsaved and not self.texts_pane.unsaved:
            self._clear_error()

    def _clear_error(self) -> None:
        self.error = None
        self.query_one("#report-error", Static).remove_class("-shown")

    # -- leaving -------------------------------------------------------------------------
    # Esc in a sub-context (the finding's editor, its attached statements, a text field,
    # the picker) goes up one level: those widgets bind Esc themselves. What reaches this
    # binding is the top level (a tab's list, the tab bar): there a first Esc only arms,
    # a second one within LEAVE_WINDOW goes back to the overview, and only when all text
    # is saved. A stray Esc typed as "done editing" never leaves the screen.

    def action_back(self) -> None:
        if not self.save_all():
            self._disarm()
            self.notify(self.t("leave_unsaved"), severity="error", timeout=8)
            return
        now = self.clock()
        if self._armed_at is not None and now - self._armed_at <= self.LEAVE_WINDOW:
            self._disarm()
            self.app.pop_screen()
            return
        self._armed_at = now
        hint = self.query_one("#report-leave", Static)
        hint.update(self.t("leave_again"))
        hint.add_class("-armed")
        if self._disarm_timer is not None:
            self._disarm_timer.stop()
        self._disarm_timer = self.set_timer(self.LEAVE_WINDOW, self._disarm)

    def _disarm(self) -> None:
        self._armed_at = None
        if self._disarm_timer is not None:
            self._disarm_timer.stop()
            self._disarm_timer = None
        hint = self.query_one("#report-leave", Static)
        hint.update(self.t("leave_hint"))
        hint.remove_class("-armed")

    # -- preview and export ------------------------------------------------------------

    @on(FindingsPane.Changed)
    @on(TextsPane.Changed)
    def _changed(self) -> None:
        self.schedule_preview()

    def schedule_preview(self, delay: float | None = None) -> None:
        """Render the preview once typing has paused (debounced); only while it is on screen."""
        if self.query_one(TabbedContent).active != "preview":
            return  # rendered afresh when the tab is shown
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        if delay == 0:
            self.call_after_refresh(self._render_preview)
        else:
            self._preview_timer = self.set_timer(delay or self.PREVIEW_DELAY, self._render_preview)

    def editing_data(self) -> WorkshopData:
        """The stored workshop with the texts as they are in the editors now."""
        data = self.store.snapshot()
        return dataclasses.replace(data, findings=self.findings_pane.editing_findings(),
                                   report=self.texts_pane.current())

    @work(exclusive=True, group="report-preview")
    async def _render_preview(self) -> None:
        pane = self.query_one(PreviewPane)
        try:
            from facilitator.export import render_report

            data = self.editing_data()
            doc = await asyncio.to_thread(render_report, data)
        except Exception as exc:  # the preview must never take the screen down
            pane.failed(f"{type(exc).__name__}: {exc}")
            return
        await pane.show(doc.text, len(data.findings), str(self.export_dir))

    def action_export(self) -> None:
        if not self.save_all():
            self.notify(self.t("export_unsaved"), severity="error", timeout=10)
            return
        from facilitator.usecases.errors import UseCaseError
        from facilitator.usecases.export import export_workshop, names_notice

        try:
            result = export_workshop(self.store, self.export_dir, lang=self.lang)
        except (UseCaseError, StoreError, OSError, ValueError) as exc:
            self.notify(self.t("export_failed", error=exc), severity="error", timeout=10)
            return
        message = self.t("exported", paths="\n".join(str(p) for p in result.paths))
        if result.names_replaced:  # the CLI's notice, in the interface language
            message += "\n" + names_notice(result.names_replaced, result.review_path, result.ordinary_words,
                                           self.lang)
        self.notify(message, timeout=8)
