"""Home: the workshops in the data directory and their sessions."""

from __future__ import annotations

from pathlib import Path
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from facilitator.tui.i18n import tr

TEXT = {
    "nl": {
        "key.home.run": "Sessie starten", "key.home.plan": "Plan bekijken", "key.home.export": "Exporteren",
        "key.home.export_qda": "Exporteren voor een QDA-programma (.qdpx)",
        "key.home.reload": "Vernieuwen", "key.home.report": "Rapport",
        "workshop": "workshop", "code": "code", "date": "datum", "title": "titel", "held": "gehouden",
        "yes": "ja", "no": "-", "empty": "Geen workshops in {dir}. Maak er een met `facilitator new PLAN.toml`.",
        "intro": "Workshops in {dir}. Enter: sessie starten · R: rapport · P: plan · E: exporteren · F1: toetsen",
        "exported": "Geschreven: {paths}", "export_failed": "Exporteren mislukt: {error}",
        "locked": "(in gebruik: {message})",
        "redacted": "Let op: op {n} plek(ken) is de naam van een deelnemer vervangen door de rol; "
                    "controleer die citaten voor je het rapport overdraagt.",
    },
    "en": {
        "key.home.run": "Run session", "key.home.plan": "View plan", "key.home.export": "Export",
        "key.home.export_qda": "Export for a QDA tool (.qdpx)",
        "key.home.reload": "Reload", "key.home.report": "Report",
        "workshop": "workshop", "code": "code", "date": "date", "title": "title", "held": "held",
        "yes": "yes", "no": "-", "empty": "No workshops in {dir}. Create one with `facilitator new PLAN.toml`.",
        "intro": "Workshops in {dir}. Enter: run session · R: report · P: plan · E: export · F1: keys",
        "exported": "Written: {paths}", "export_failed": "Export failed: {error}",
        "locked": "(in use: {message})",
        "redacted": "Note: a participant's name was replaced by their role in {n} place(s); "
                    "check those quotes before handing the report over.",
    },
}


class HomeScreen(Screen):
    BINDINGS = [
        Binding("enter", "run", "Sessie starten", id="home.run"),
        Binding("r", "report", "Rapport", id="home.report"),
        Binding("p", "plan", "Plan bekijken", id="home.plan"),
        Binding("e", "export", "Exporteren", id="home.export"),
        Binding("q", "export('qdpx')", "QDA-export", id="home.export_qda", show=False),
        Binding("f5", "reload", "Vernieuwen", id="home.reload"),
    ]

    def t(self, name: str, /, **values: object) -> str:
        return tr(TEXT, getattr(self.app, "lang", "nl"), name, **values)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="intro")
        yield DataTable(id="sessions", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        from facilitator.tui.keys import localise

        localise(self, TEXT, getattr(self.app, "lang", "nl"))
        table = self.query_one(DataTable)
        for key in ("workshop", "code", "date", "held", "title"):
            table.add_column(self.t(key), key=key)
        self.action_reload()
        table.focus()

    @property
    def data_dir(self) -> Path:
        return Path(self.app.data_dir)  # type: ignore[attr-defined]

    def action_reload(self) -> None:
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
                    data = store.snapshot()
            except StoreError as exc:
                table.add_row(slug, "", "", "", self.t("locked", message=exc), key=f"{slug}|")
                continue
            plan = data.plan
            for s in sorted(plan.sessions, key=lambda s: s.number):
                held = data.is_held(s.number)
                table.add_row(Text(slug, style="bold"), plan.code_of(s), s.date.isoformat(),
                              self.t("yes") if held else self.t("no"), s.title or "", key=f"{slug}|{s.number}")

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
            self.app.open_session(picked[0], picked[1], on_fail=lambda: None)  # type: ignore[attr-defined]

    def action_report(self) -> None:
        picked = self._selected()
        if picked:
            self.app.open_report(picked[0])  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        """Back from a report (or a session): its workshop is closed again, the list refreshed."""
        app = self.app
        store = getattr(app, "store", None)
        if store is None or any(getattr(s, "store", None) is store for s in app.screen_stack):
            return  # nothing open, or still in use by a screen
        app.close_store()  # type: ignore[attr-defined]
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
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(PlanScreen(plan, themes))

    def action_export(self, fmt: str = "md") -> None:
        """Markdown (E), or the REFI-QDA project (Q, docs/qda.md)."""
        picked = self._selected()
        if not picked:
            return
        from facilitator.usecases.export import export_workshop

        try:
            result = export_workshop(self.data_dir, Path(getattr(self.app, "export_dir", "exports")), slug=picked[0],
                                     formats=(fmt,))
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.notify(self.t("export_failed", error=exc), severity="error", timeout=10)
            return
        message = self.t("exported", paths=", ".join(str(p) for p in result.paths))
        if result.names_replaced:
            message += "\n" + self.t("redacted", n=result.names_replaced)
        self.notify(message, timeout=10)
