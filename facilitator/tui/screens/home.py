"""Home: the workshops in the data directory and their sessions."""

from __future__ import annotations

from pathlib import Path
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from facilitator.tui.i18n import tr
from facilitator.i18n import section
from facilitator.tui.context import app_of
from facilitator.tui.keys import bind

TEXT = section("tui.screens.home")


class HomeScreen(Screen):
    BINDINGS = [
        bind("enter", "run", "home.run"),
        bind("r", "report", "home.report"),
        bind("p", "plan", "home.plan"),
        bind("e", "export", "home.export"),
        bind("q", "export('qdpx')", "home.export_qda", show=False),
        bind("f5", "reload", "home.reload"),
    ]

    def t(self, name: str, /, **values: object) -> str:
        return tr(TEXT, app_of(self).lang, name, **values)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="intro")
        yield DataTable(id="sessions", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        from facilitator.tui.keys import localise

        localise(self, TEXT, app_of(self).lang)
        table = self.query_one(DataTable)
        for key in ("workshop", "code", "date", "held", "title"):
            table.add_column(self.t(key), key=key)
        self.action_reload()
        table.focus()

    @property
    def data_dir(self) -> Path:
        return Path(app_of(self).data_dir)

    def action_reload(self) -> None:
        from facilitator.i18n import in_language
        from facilitator.store.workshop import StoreError, list_workshops
        from facilitator.usecases.session import open_workshop

        table = self.query_one(DataTable)
        table.clear()
        slugs = list_workshops(self.data_dir)
        self.query_one("#intro", Static).update(
            self.t("intro" if slugs else "empty", dir=str(self.data_dir)))
        for slug in slugs:
            try:
                with open_workshop(self.data_dir, slug, readonly=True) as store:
                    plan, held = store.plan, set(store.held_sessions())  # no statement read
            except StoreError as exc:
                table.add_row(slug, "", "", "", self.t("locked", message=in_language(exc, app_of(self).lang)), key=f"{slug}|")
                continue
            for s in sorted(plan.sessions, key=lambda s: s.number):
                table.add_row(Text(slug, style="bold"), plan.code_of(s), s.date.isoformat(),
                              self.t("yes") if s.number in held else self.t("no"), s.title or "",
                              key=f"{slug}|{s.number}")

    def _selected(self) -> tuple[str, int | None] | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        slug, _, number = key.partition("|")
        return slug, int(number) if number else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        picked = self._selected()
        if picked:
            app_of(self).open_session(picked[0], picked[1], on_fail=lambda: None)

    def action_report(self) -> None:
        picked = self._selected()
        if picked:
            app_of(self).open_report(picked[0])

    def on_screen_resume(self) -> None:
        """Back from a report (or a session): its workshop is closed again, the list refreshed."""
        app = app_of(self)
        store = app.store
        if store is None or any(getattr(s, "store", None) is store for s in app.screen_stack):
            return  # nothing open, or still in use by a screen
        app.close_store()
        self.action_reload()

    def action_plan(self) -> None:
        picked = self._selected()
        if not picked:
            return
        from facilitator.store.workshop import StoreError
        from facilitator.tui.screens.plan import PlanScreen
        from facilitator.usecases.session import open_workshop

        try:
            with open_workshop(self.data_dir, picked[0], readonly=True) as store:
                plan, themes = store.plan, store.themes()
        except StoreError as exc:
            from facilitator.i18n import in_language

            self.notify(in_language(exc, app_of(self).lang), severity="error")
            return
        self.app.push_screen(PlanScreen(plan, themes))

    def action_export(self, fmt: str = "md") -> None:
        """Markdown (E), or the REFI-QDA project (Q, docs/qda.md)."""
        picked = self._selected()
        if not picked:
            return
        from facilitator.usecases.export import export_workshop, names_notice

        try:
            result = export_workshop(self.data_dir, app_of(self).export_dir, slug=picked[0],
                                     formats=(fmt,), lang=app_of(self).lang)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            from facilitator.i18n import in_language

            self.notify(self.t("export_failed", error=in_language(exc, app_of(self).lang)), severity="error", timeout=10)
            return
        message = self.t("exported", paths=", ".join(str(p) for p in result.paths))
        if result.names_replaced:  # the CLI's notice, in the interface language
            message += "\n" + names_notice(result.names_replaced, result.review_path, result.ordinary_words,
                                           app_of(self).lang)
        self.notify(message, timeout=10)
