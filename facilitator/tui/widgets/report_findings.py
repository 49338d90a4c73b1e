"""Findings: the numbered list, the text of the finding under the cursor, and
the statements attached to it. Every change is saved through the store at
once; the text is saved on leaving the editor (or ctrl+s). A failed save is
reported loudly and the text stays in the editor.
"""

from __future__ import annotations

from typing import Callable

from textual import on
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static, TextArea

from facilitator.domain.records import Finding, Statement
from facilitator.store.workshop import StoreError, WorkshopStore
from facilitator.tui.i18n import tr
from facilitator.tui.widgets.report_common import (localize_bindings, one_line, role_phrase, session_codes,
                                                   statement_line)

TEXT = {
    "nl": {
        "key.report.finding.new": "Nieuw",
        "key.report.finding.edit": "Tekst",
        "key.report.finding.up": "Omhoog",
        "key.report.finding.down": "Omlaag",
        "key.report.finding.delete": "Wis",
        "key.report.finding.undo": "Herstel",
        "key.report.finding.attach": "Koppel",
        "key.report.finding.done": "Klaar",
        "key.report.quote.up": "Omhoog",
        "group.report.finding.up": "Schuif",
        "group.report.finding.down": "Schuif",
        "group.report.quote.up": "Schuif",
        "group.report.quote.down": "Schuif",
        "key.report.quote.down": "Omlaag",
        "key.report.quote.detach": "Ontkoppel",
        "key.report.quote.attach": "Koppel",
        "key.report.quote.back": "Naar bevindingen",
        "findings": "Bevindingen",
        "finding": "Bevinding",
        "quotes": "Citaten",
        "text_of": "Tekst van bevinding {n}",
        "text_unsaved": "Tekst van bevinding {n} · NIET OPGESLAGEN",
        "no_finding": "Nog geen bevindingen: n maakt er een.",
        "attached": "Gekoppelde uitspraken bij bevinding {n}",
        "empty": "(nog geen tekst)",
        "deleted": "Bevinding {n} verwijderd. u zet hem terug.",
        "missing": "(uitspraak {id} bestaat niet meer)",
        "code": "Code",
        "role": "Rol",
        "text": "Uitspraak",
        "save_failed": "Niet opgeslagen: {error}. De tekst staat nog in de editor; ctrl+s probeert opnieuw.",
    },
    "en": {
        "key.report.finding.new": "New",
        "key.report.finding.edit": "Text",
        "key.report.finding.up": "Move up",
        "key.report.finding.down": "Move down",
        "key.report.finding.delete": "Delete",
        "key.report.finding.undo": "Restore",
        "key.report.finding.attach": "Attach",
        "key.report.finding.done": "Done",
        "key.report.quote.up": "Move up",
        "group.report.finding.up": "Move",
        "group.report.finding.down": "Move",
        "group.report.quote.up": "Move",
        "group.report.quote.down": "Move",
        "key.report.quote.down": "Move down",
        "key.report.quote.detach": "Detach",
        "key.report.quote.attach": "Attach",
        "key.report.quote.back": "To findings",
        "findings": "Findings",
        "finding": "Finding",
        "quotes": "Quotes",
        "text_of": "Text of finding {n}",
        "text_unsaved": "Text of finding {n} · NOT SAVED",
        "no_finding": "No findings yet: n makes one.",
        "attached": "Statements attached to finding {n}",
        "empty": "(no text yet)",
        "deleted": "Finding {n} deleted. u restores it.",
        "missing": "(statement {id} no longer exists)",
        "code": "Code",
        "role": "Role",
        "text": "Statement",
        "save_failed": "Not saved: {error}. The text is still in the editor; ctrl+s tries again.",
    },
}


MOVE = Binding.Group("Move", compact=True)


def _on_pane(widget: DataTable, action: str) -> None:
    """Run `action` (e.g. "move(1)") on the FindingsPane around `widget`."""
    _, name, params = parse_action(action)
    getattr(widget.query_ancestor(FindingsPane), f"action_{name}")(*params)


class FindingsTable(DataTable):
    BINDINGS = [
        Binding("n", "pane('new')", "New", id="report.finding.new"),
        Binding("enter,e", "pane('edit')", "Text", id="report.finding.edit"),
        Binding("a", "pane('attach')", "Statements", id="report.finding.attach"),
        Binding("alt+up,ctrl+up", "pane('move(-1)')", "Move up", id="report.finding.up", group=MOVE),
        Binding("alt+down,ctrl+down", "pane('move(1)')", "Move down", id="report.finding.down", group=MOVE),
        Binding("delete", "pane('delete')", "Delete", id="report.finding.delete"),
        Binding("u", "pane('undo')", "Restore", id="report.finding.undo"),
    ]

    def action_pane(self, action: str) -> None:
        _on_pane(self, action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pane" and parameters == ("undo",):
            return self.query_ancestor(FindingsPane).deleted is not None
        return True


class AttachedTable(DataTable):
    BINDINGS = [
        Binding("a", "pane('attach')", "Statements", id="report.quote.attach"),
        Binding("alt+up,ctrl+up", "pane('move_quote(-1)')", "Move up", id="report.quote.up", group=MOVE),
        Binding("alt+down,ctrl+down", "pane('move_quote(1)')", "Move down", id="report.quote.down", group=MOVE),
        Binding("delete,x", "pane('detach')", "Detach", id="report.quote.detach"),
        Binding("escape", "pane('to_findings')", "To findings", id="report.quote.back"),
    ]

    def action_pane(self, action: str) -> None:
        _on_pane(self, action)


class FindingEditor(TextArea):
    BINDINGS = [Binding("escape", "done", "Done", id="report.finding.done")]

    def action_done(self) -> None:
        self.query_ancestor(FindingsPane).action_to_findings()


class FindingsPane(Vertical):
    """Findings of the report. `pick` opens the statement picker (given by the screen)."""

    class Changed(Message):
        """Something the report shows changed (saved or typed)."""

    class SaveFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Saved(Message):
        pass

    def __init__(self, store: WorkshopStore, pick: Callable[[Finding, int], None], lang: str = "nl", **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.pick = pick
        self.lang = lang
        self.findings: list[Finding] = []
        self.editing: int | None = None  # id of the finding whose text is in the editor
        self.unsaved = False  # the last save of the editor's text failed
        self.deleted: Finding | None = None
        self._statements: dict[int, Statement] = {}
        self._codes = session_codes(store.plan)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        with Vertical(id="findings-left"):
            yield Static(self.t("findings"), classes="report-label", id="findings-label")
            yield FindingsTable(id="findings-table", cursor_type="row", zebra_stripes=True)
            yield FindingEditor(id="finding-text", soft_wrap=True, show_line_numbers=False)
        with Vertical(id="findings-right"):
            yield Static("", classes="report-label", id="attached-label")
            yield AttachedTable(id="attached-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for widget in (self.query_one(FindingsTable), self.query_one(AttachedTable), self.query_one(FindingEditor)):
            localize_bindings(widget, TEXT, self.lang)
        self.reload()

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        f = self.current()
        self._fill(f.id if f else None)

    def _text_width(self, table: DataTable, fixed: int) -> int:
        """Cells left for the text column: the table's width less the other columns and padding."""
        width = table.size.width or 80
        return max(20, width - fixed)

    # -- reading ---------------------------------------------------------------

    def reload(self, cursor_id: int | None = None) -> None:
        """Read the findings from the store and show them; keep an unsaved editor as it is."""
        self.findings = self.store.findings()
        self._statements = {st.id: st for st in self.store.statements() if st.id is not None}
        self._fill(cursor_id if cursor_id is not None else self.editing)

    def _fill(self, cursor_id: int | None) -> None:
        table = self.query_one(FindingsTable)
        table.clear(columns=True)
        width = self._text_width(table, 3 + 7 + 8)
        table.add_column("#", key="n", width=3)
        table.add_column(self.t("finding"), key="text", width=width)
        table.add_column(self.t("quotes"), key="quotes", width=7)
        for i, f in enumerate(self.findings, 1):
            text = self._shown_text(f)
            table.add_row(str(i), one_line(text, width) if text.strip() else self.t("empty"), len(f.statements),
                          key=str(f.id))
        row = next((i for i, f in enumerate(self.findings) if f.id == cursor_id), 0)
        if self.findings:
            table.move_cursor(row=row)
        self._show_current()

    def _shown_text(self, f: Finding) -> str:
        if f.id == self.editing and self.unsaved:
            return self.query_one(FindingEditor).text
        return f.text

    def current(self) -> Finding | None:
        table = self.query_one(FindingsTable)
        if not self.findings or not 0 <= table.cursor_row < len(self.findings):
            return None
        return self.findings[table.cursor_row]

    def number_of(self, finding_id: int | None) -> int:
        return next((i for i, f in enumerate(self.findings, 1) if f.id == finding_id), 0)

    def _show_current(self) -> None:
        """Load the finding under the cursor into the editor and the attached table."""
        f = self.current()
        editor = self.query_one(FindingEditor)
        new_id = f.id if f else None
        # Switch the editor to another finding only once its text is saved: never drop typed text.
        if new_id != self.editing and self.save_text(refill=False):
            self.editing = new_id
            with editor.prevent(TextArea.Changed):
                editor.load_text(f.text if f else "")
            editor.disabled = f is None
        self._title_editor()
        self._fill_attached(f)

    def _title_editor(self) -> None:
        editor = self.query_one(FindingEditor)
        n = self.number_of(self.editing)
        editor.border_title = (self.t("text_unsaved", n=n) if self.unsaved else self.t("text_of", n=n)) if n else \
            self.t("no_finding")
        editor.set_class(self.unsaved, "-unsaved")

    def _fill_attached(self, f: Finding | None, cursor: int = 0) -> None:
        table = self.query_one(AttachedTable)
        table.clear(columns=True)
        width = self._text_width(table, 14 + 22 + 8)
        table.add_column(self.t("code"), key="code", width=14)
        table.add_column(self.t("role"), key="role", width=22)
        table.add_column(self.t("text"), key="text", width=width)
        n = self.number_of(f.id) if f else 0
        self.query_one("#attached-label", Static).update(self.t("attached", n=n) if f else "")
        if f is None:
            return
        for sid in f.statements:
            st = self._statements.get(sid)
            if st is None:
                table.add_row("", "", self.t("missing", id=sid))
                continue
            table.add_row(self._codes.get(st.session, "?"), role_phrase(self.store.plan, st.speaker, self.lang),
                          statement_line(st, width))
        if f.statements:
            table.move_cursor(row=min(cursor, len(f.statements) - 1))

    @on(DataTable.RowHighlighted, "#findings-table")
    def _row_changed(self, event: DataTable.RowHighlighted) -> None:
        self._show_current()

    # -- saving ----------------------------------------------------------------

    def _save(self, finding: Finding) -> Finding | None:
        try:
            saved = self.store.save_finding(finding)
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            return None
        return saved

    def save_text(self, refill: bool = True) -> bool:
        """Save the editor's text if it differs from the stored one. False when the save failed."""
        if self.editing is None:
            return True
        editor = self.query_one(FindingEditor)
        f = next((f for f in self.findings if f.id == self.editing), None)
        if f is None:
            return True
        if editor.text == f.text and not self.unsaved:
            return True
        saved = self._save(f.model_copy(update={"text": editor.text}))
        if saved is None:
            self.unsaved = True
            self._title_editor()
            return False
        self.unsaved = False
        self.findings = [saved if x.id == saved.id else x for x in self.findings]
        self.post_message(self.Saved())
        self.post_message(self.Changed())
        if refill:
            current = self.current()
            self._fill(current.id if current else None)
        return True

    def editing_findings(self) -> list[Finding]:
        """The findings as shown, with the editor's (maybe unsaved) text: for the preview."""
        text = self.query_one(FindingEditor).text
        return [f.model_copy(update={"text": text}) if f.id == self.editing else f for f in self.findings]

    @on(TextArea.Changed, "#finding-text")
    def _typed(self) -> None:
        self.post_message(self.Changed())

    def on_descendant_blur(self, event) -> None:
        if isinstance(event.widget, FindingEditor):
            self.save_text()

    # -- actions ----------------------------------------------------------------

    def action_new(self) -> None:
        if not self.save_text():
            return
        saved = self._save(Finding(text="", statements=[], position=len(self.findings)))
        if saved is None:
            return
        self.reload(cursor_id=saved.id)
        self.post_message(self.Changed())
        self.query_one(FindingEditor).focus()

    def action_to_findings(self) -> None:
        """Esc from the editor or the attached statements: up one level, to the list."""
        self.query_one(FindingsTable).focus()

    def action_edit(self) -> None:
        if self.current() is not None:
            self.query_one(FindingEditor).focus()

    def action_attach(self) -> None:
        f = self.current()
        if f is None:
            self.action_new()
            f = self.current()
        if f is not None and self.save_text():
            self.pick(f, self.number_of(f.id))

    def attach(self, finding_id: int, ids: list[int]) -> None:
        """Add statements (picker result) to a finding, after those already attached."""
        f = next((f for f in self.findings if f.id == finding_id), None)
        if f is None or not ids:
            return
        new = f.statements + [i for i in ids if i not in f.statements]
        self._replace(f.model_copy(update={"statements": new}), quote_cursor=len(new) - 1)

    def _replace(self, f: Finding, quote_cursor: int = 0) -> None:
        saved = self._save(f)
        if saved is None:
            return
        self.findings = [saved if x.id == saved.id else x for x in self.findings]
        self.post_message(self.Changed())
        table = self.query_one(FindingsTable)
        table.update_cell(str(saved.id), "quotes", len(saved.statements))
        self._fill_attached(saved, quote_cursor)

    def action_move(self, delta: int) -> None:
        f = self.current()
        if f is None or not self.save_text():
            return
        i = self.findings.index(f)
        j = i + delta
        if not 0 <= j < len(self.findings):
            return
        order = list(self.findings)
        order[i], order[j] = order[j], order[i]
        for pos, item in enumerate(order):
            if item.position != pos and self._save(item.model_copy(update={"position": pos})) is None:
                break
        self.reload(cursor_id=f.id)
        self.post_message(self.Changed())

    def action_delete(self) -> None:
        f = self.current()
        if f is None or f.id is None:
            return
        if f.id == self.editing:
            self.save_text()  # a failed save keeps `unsaved`: the text stays in the editor
        n = self.number_of(f.id)
        keep = f.model_copy(update={"text": self._shown_text(f)})
        try:
            self.store.delete_finding(f.id)
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            return
        self.deleted = keep
        self.query_one(FindingsTable).refresh_bindings()
        if self.editing == f.id:
            self.editing, self.unsaved = None, False
        self.reload()
        self.post_message(self.Changed())
        self.app.notify(self.t("deleted", n=n))

    def action_undo(self) -> None:
        if self.deleted is None:
            return
        f = self.deleted
        restored = self._save(f.model_copy(update={"id": None}))
        if restored is None:
            return
        self.deleted = None
        self.query_one(FindingsTable).refresh_bindings()
        order = [x for x in self.findings]
        order.insert(min(f.position, len(order)), restored)
        for pos, item in enumerate(order):
            if item.position != pos:
                self._save(item.model_copy(update={"position": pos}))
        self.reload(cursor_id=restored.id)
        self.post_message(self.Changed())

    def action_detach(self) -> None:
        f = self.current()
        table = self.query_one(AttachedTable)
        if f is None or not f.statements or not 0 <= table.cursor_row < len(f.statements):
            return
        row = table.cursor_row
        rest = f.statements[:row] + f.statements[row + 1:]
        self._replace(f.model_copy(update={"statements": rest}), quote_cursor=row)

    def action_move_quote(self, delta: int) -> None:
        f = self.current()
        table = self.query_one(AttachedTable)
        if f is None:
            return
        i = table.cursor_row
        j = i + delta
        if not (0 <= i < len(f.statements) and 0 <= j < len(f.statements)):
            return
        ids = list(f.statements)
        ids[i], ids[j] = ids[j], ids[i]
        self._replace(f.model_copy(update={"statements": ids}), quote_cursor=j)
