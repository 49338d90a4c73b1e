"""Findings: the numbered list, and the blocks of the finding under the cursor
(paragraphs, sub-headings, quotes, excerpts) with an editor for a block's text.

Typing never runs a command here: the lists act only on keys that cannot be
typed by accident (Enter, Delete, arrows, ctrl/alt combinations); a printable
key typed while a list has focus goes into the finding's text (the paragraph
under the cursor, or a new paragraph after it). Every change is saved through
the store at once; a block's text on leaving the editor (or ctrl+s). Every
removal, move and re-coding is undone with ctrl+z in the lists (in the editor
ctrl+z undoes typing). A failed save is reported loudly and the text stays in
the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual import events, on
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static, TextArea

from facilitator.domain.records import Block, Finding, Statement
from facilitator.store.workshop import StoreError, WorkshopStore
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind
from facilitator.tui.keys import localise as localize_bindings
from facilitator.tui.widgets.report_common import one_line, role_phrase, session_codes, statement_line
from facilitator.tui.widgets.name_warning import NameWarning
from facilitator.i18n import section

TEXT = section("tui.widgets.report_findings")

MOVE = Binding.Group("Move", compact=True)
TEXT_KINDS = ("paragraph", "heading")


def _on_pane(widget: DataTable, action: str) -> None:
    """Run `action` (e.g. "move(1)") on the FindingsPane around `widget`."""
    _, name, params = parse_action(action)
    getattr(widget.query_ancestor(FindingsPane), f"action_{name}")(*params)


def typed_character(event: events.Key) -> str | None:
    """The character a key types, if it types one (letters, digits, space, punctuation)."""
    if event.is_printable and event.character and event.character.isprintable():
        return event.character
    return None


class _TypingList(DataTable):
    """A list where a printable key goes into the finding's text, never runs a command."""

    async def _on_key(self, event: events.Key) -> None:
        char = typed_character(event)
        if char is not None:
            event.stop()
            event.prevent_default()
            self.query_ancestor(FindingsPane).type_text(char)
            return
        await super()._on_key(event)

    def action_pane(self, action: str) -> None:
        _on_pane(self, action)


class FindingsTable(_TypingList):
    BINDINGS = [
        bind("ctrl+n", "pane('new')", "report.finding.new"),
        bind("enter", "pane('to_blocks')", "report.finding.edit"),
        bind("alt+up,ctrl+up", "pane('move(-1)')", "report.finding.up", group=MOVE),
        bind("alt+down,ctrl+down", "pane('move(1)')", "report.finding.down", group=MOVE),
        bind("delete", "pane('delete')", "report.finding.delete"),
        bind("ctrl+z", "pane('undo')", "report.finding.undo"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pane" and parameters == ("undo",):
            return bool(self.query_ancestor(FindingsPane).undo_stack)
        return True


class BlocksTable(_TypingList):
    BINDINGS = [
        bind("enter", "pane('edit_block')", "report.block.edit"),
        bind("ctrl+n", "pane('add_text(\"paragraph\")')", "report.block.paragraph"),
        bind("ctrl+t", "pane('add_text(\"heading\")')", "report.block.heading"),
        bind("ctrl+k", "pane('add_statements(\"quote\")')", "report.block.quote"),
        bind("ctrl+x", "pane('add_statements(\"excerpt\")')", "report.block.excerpt"),
        bind("ctrl+e", "pane('recode')", "report.block.recode"),
        bind("alt+up,ctrl+up", "pane('move_block(-1)')", "report.block.up", group=MOVE),
        bind("alt+down,ctrl+down", "pane('move_block(1)')", "report.block.down", group=MOVE),
        bind("delete", "pane('delete_block')", "report.block.delete"),
        bind("ctrl+z", "pane('undo')", "report.block.undo"),
        bind("escape", "pane('to_findings')", "report.block.back"),
    ]


class BlockEditor(TextArea):
    BINDINGS = [
        bind("escape", "done", "report.block.done"),
        bind("ctrl+l", "cite", "report.block.cite"),
    ]

    def action_done(self) -> None:
        self.query_ancestor(FindingsPane).action_editor_done()

    def action_cite(self) -> None:
        self.query_ancestor(FindingsPane).action_cite()


FindingEditor = BlockEditor  # the name before blocks existed


@dataclass
class Undo:
    what: str  # shown when undone
    restore: Callable[[], None]  # raises StoreError when it cannot
    cursor: tuple[int | None, int] = (None, 0)  # finding id and block index to show afterwards


class FindingsPane(Vertical):
    """Findings of the report. `pick(finding, number, mode, picked, done)` opens the
    statement picker (given by the screen); `recode(statements, done)` the statement
    editor."""

    class Changed(Message):
        """Something the report shows changed (saved or typed)."""

    class SaveFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Saved(Message):
        pass

    def __init__(self, store: WorkshopStore, pick: Callable[..., None], lang: str = "nl",
                 recode: Callable[..., None] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.pick = pick
        self.recode = recode
        self.lang = lang
        self.findings: list[Finding] = []
        self.editing: tuple[int, int] | None = None  # (finding id, block index) whose text is in the editor
        self.unsaved = False  # the last save of the editor's text failed
        self.undo_stack: list[Undo] = []
        self._blocks_of: int | None = None  # the finding whose blocks are shown
        self._statements: dict[int, Statement] = {}
        self._codes = session_codes(store.plan)

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        with Vertical(id="findings-left"):
            yield Static(self.t("findings"), classes="report-label", id="findings-label")
            yield FindingsTable(id="findings-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="findings-right"):
            yield Static("", classes="report-label", id="blocks-label")
            yield BlocksTable(id="blocks-table", cursor_type="row", zebra_stripes=True)
            yield BlockEditor(id="block-text", soft_wrap=True, show_line_numbers=False)
            yield NameWarning(self.lang, id="block-names")

    def on_mount(self) -> None:
        for widget in (self.query_one(FindingsTable), self.query_one(BlocksTable), self.query_one(BlockEditor)):
            localize_bindings(widget, TEXT, self.lang)
        self.reload()

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        f = self.current()
        self._fill(f.id if f else None, self.block_row())

    @staticmethod
    def _text_width(table: DataTable, fixed: int) -> int:
        """Cells left for the text column: the table's width less the other columns and padding."""
        width = table.size.width or 80
        return max(20, width - fixed)

    # -- reading ---------------------------------------------------------------

    def reload(self, cursor_id: int | None = None, block: int | None = None) -> None:
        """Read the findings from the store and show them; keep an unsaved editor as it is."""
        self.findings = self.store.findings()
        self._statements = {st.id: st for st in self.store.statements() if st.id is not None}
        if cursor_id is None and self.editing is not None:
            cursor_id = self.editing[0]
        self._fill(cursor_id, block)

    def _fill(self, cursor_id: int | None, block: int | None = None) -> None:
        table = self.query_one(FindingsTable)
        table.clear(columns=True)
        width = self._text_width(table, 3 + 7 + 8)
        table.add_column("#", key="n", width=3)
        table.add_column(self.t("finding"), key="text", width=width)
        table.add_column(self.t("quotes"), key="quotes", width=7)
        for i, f in enumerate(self.findings, 1):
            text = self._shown(f).text
            table.add_row(str(i), one_line(text, width) if text.strip() else self.t("empty"), len(f.statements),
                          key=str(f.id))
        row = next((i for i, f in enumerate(self.findings) if f.id == cursor_id), 0)
        if self.findings:
            with table.prevent(DataTable.RowHighlighted):
                table.move_cursor(row=row)
        self._show_current(block)

    def _shown(self, f: Finding) -> Finding:
        """The finding as shown: with the editor's text while its save failed."""
        if self.editing is not None and self.editing[0] == f.id and self.unsaved:
            return self._with_editor_text(f)
        return f

    def _with_editor_text(self, f: Finding) -> Finding:
        assert self.editing is not None
        i = self.editing[1]
        if not 0 <= i < len(f.blocks):
            return f
        blocks = list(f.blocks)
        blocks[i] = blocks[i].model_copy(update={"text": self.query_one(BlockEditor).text})
        return f.model_copy(update={"blocks": blocks})

    def current(self) -> Finding | None:
        table = self.query_one(FindingsTable)
        if not self.findings or not 0 <= table.cursor_row < len(self.findings):
            return None
        return self.findings[table.cursor_row]

    def block_row(self) -> int:
        return self.query_one(BlocksTable).cursor_row

    def current_block(self) -> tuple[Finding, int, Block] | None:
        f = self.current()
        i = self.block_row()
        if f is None or not 0 <= i < len(f.blocks):
            return None
        return f, i, f.blocks[i]

    def number_of(self, finding_id: int | None) -> int:
        return next((i for i, f in enumerate(self.findings, 1) if f.id == finding_id), 0)

    def used_elsewhere(self, finding_id: int | None) -> dict[int, int]:
        """Statement id -> number of the (first) other finding that cites it."""
        out: dict[int, int] = {}
        for n, f in enumerate(self.findings, 1):
            if f.id != finding_id:
                for sid in f.statements:
                    out.setdefault(sid, n)
        return out

    def _show_current(self, block: int | None = None) -> None:
        f = self.current()
        self.query_one("#blocks-label", Static).update(self.t("blocks_of", n=self.number_of(f.id)) if f else
                                                       self.t("no_finding"))
        self._fill_blocks(f, block if block is not None else 0)

    def _fill_blocks(self, f: Finding | None, cursor: int = 0) -> None:
        table = self.query_one(BlocksTable)
        self._blocks_of = f.id if f else None
        table.clear(columns=True)
        role = 22 if (table.size.width or 80) >= 100 else 14  # a full role label where there is room
        width = self._text_width(table, 10 + 14 + role + 10)
        table.add_column(self.t("kind"), key="kind", width=10)
        table.add_column(self.t("code"), key="code", width=14)
        table.add_column(self.t("role"), key="role", width=role)
        table.add_column(self.t("text"), key="text", width=width)
        if f is not None:
            f = self._shown(f)
            for block in f.blocks:
                table.add_row(*self._block_row(block, width))
            if f.blocks:
                with table.prevent(DataTable.RowHighlighted):
                    table.move_cursor(row=min(max(cursor, 0), len(f.blocks) - 1))
        self._load_editor()

    def _block_row(self, block: Block, width: int) -> tuple[str, str, str, str]:
        if block.kind in TEXT_KINDS:
            text = one_line(block.text, width) if block.text.strip() else self.t("empty")
            return self.t("kind." + block.kind), "", "", text
        kind = self.t("kind.excerpt", n=len(block.statements)) if block.kind == "excerpt" else self.t("kind.quote")
        found = [self._statements.get(sid) for sid in block.statements]
        codes = list(dict.fromkeys(self._codes.get(st.session, "?") for st in found if st is not None))
        roles = list(dict.fromkeys(role_phrase(self.store.plan, st.speaker, self.lang) for st in found if st))
        if len(found) == 1:
            st = found[0]
            text = statement_line(st, width) if st is not None else self.t("missing", id=block.statements[0])
        else:
            room = max(12, width // max(1, len(found)) - 3)
            text = one_line(" · ".join(statement_line(st, room) if st is not None else self.t("missing", id=sid)
                                       for sid, st in zip(block.statements, found)), width)
        return kind, "; ".join(codes), ", ".join(roles), text

    def _load_editor(self) -> None:
        """The editor shows the text block under the cursor (saved first: typed text is never dropped)."""
        editor = self.query_one(BlockEditor)
        cur = self.current_block()
        target = (cur[0].id, cur[1]) if cur and cur[2].kind in TEXT_KINDS and cur[0].id is not None else None
        if target != self.editing and self.save_text(refill=False):
            self.editing = target  # type: ignore[assignment]
            with editor.prevent(TextArea.Changed):
                editor.load_text(cur[2].text if target and cur else "")
            editor.disabled = target is None
        self._title_editor()

    def _title_editor(self) -> None:
        editor = self.query_one(BlockEditor)
        editor.border_title = (self.t("editor_unsaved") if self.unsaved else self.t("editor")) if self.editing else \
            self.t("editor_none")
        editor.set_class(self.unsaved, "-unsaved")

    @on(DataTable.RowHighlighted, "#findings-table")
    def _row_changed(self, event: DataTable.RowHighlighted) -> None:
        f = self.current()
        if (f.id if f else None) != self._blocks_of:  # a late event for the finding shown already: no refill
            self._show_current()

    @on(DataTable.RowHighlighted, "#blocks-table")
    def _block_changed(self, event: DataTable.RowHighlighted) -> None:
        self._load_editor()

    # -- saving ----------------------------------------------------------------

    def _save(self, finding: Finding) -> Finding | None:
        try:
            saved = self.store.save_finding(finding)
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            return None
        return saved

    def _finding(self, finding_id: int | None) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    def save_text(self, refill: bool = True) -> bool:
        """Save the editor's text if it differs from the stored one. False when the save failed."""
        if self.editing is None:
            return True
        f = self._finding(self.editing[0])
        i = self.editing[1]
        if f is None or not 0 <= i < len(f.blocks):
            return True
        editor = self.query_one(BlockEditor)
        if editor.text == f.blocks[i].text and not self.unsaved:
            return True
        saved = self._save(self._with_editor_text(f))
        if saved is None:
            self.unsaved = True
            self._title_editor()
            return False
        self.unsaved = False
        self.findings = [saved if x.id == saved.id else x for x in self.findings]
        self._title_editor()
        self.post_message(self.Saved())
        self.post_message(self.Changed())
        if refill:
            self._refresh_rows(saved)
        return True

    def _refresh_rows(self, f: Finding) -> None:
        """Update the shown rows of `f` without moving any cursor."""
        table = self.query_one(FindingsTable)
        width = table.columns["text"].width
        if str(f.id) in table.rows:
            text = f.text
            table.update_cell(str(f.id), "text", one_line(text, width) if text.strip() else self.t("empty"))
            table.update_cell(str(f.id), "quotes", len(f.statements))
        cur = self.current()
        if cur is not None and cur.id == f.id:
            blocks = self.query_one(BlocksTable)
            if blocks.row_count == len(f.blocks):
                w = blocks.columns["text"].width
                for i, block in enumerate(f.blocks):
                    for col, value in zip(("kind", "code", "role", "text"), self._block_row(block, w)):
                        blocks.update_cell_at((i, list(blocks.columns).index(col)), value)

    def editing_findings(self) -> list[Finding]:
        """The findings as shown, with the editor's (maybe unsaved) text: for the preview."""
        if self.editing is None:
            return list(self.findings)
        return [self._with_editor_text(f) if f.id == self.editing[0] else f for f in self.findings]

    @on(TextArea.Changed, "#block-text")
    def _typed(self, event: TextArea.Changed) -> None:
        self.query_one("#block-names", NameWarning).check(event.text_area.text, self.store.plan)
        self.post_message(self.Changed())

    def on_descendant_blur(self, event) -> None:
        if isinstance(event.widget, BlockEditor):
            self.save_text()

    # -- undo --------------------------------------------------------------------

    def _undo_blocks(self, what: str, finding_id: int | None, change: Callable[[list[Block]], list[Block]],
                     block: int = 0) -> None:
        """Remember how to undo a change of one finding's blocks: `change` is applied to its
        blocks as they are when ctrl+z is pressed, so later typing elsewhere is kept."""

        def restore() -> None:
            f = next((x for x in self.store.findings() if x.id == finding_id), None)
            if f is None:
                raise StoreError(self.t("nothing_to_undo"))
            self.store.save_finding(f.model_copy(update={"blocks": change(list(f.blocks))}))

        self.push_undo(Undo(self.t("what." + what), restore, (finding_id, block)))

    def _undo_order(self, what: str, order: list[int | None], cursor: int | None,
                    deleted: Finding | None = None) -> None:
        """Remember the order of the findings (and a deleted one, to put back under its id)."""

        def restore() -> None:
            if deleted is not None:
                self.store.restore_finding(deleted)
            now = self.store.findings()
            rank = {fid: i for i, fid in enumerate(order)}
            for pos, f in enumerate(sorted(now, key=lambda f: (rank.get(f.id, len(order)), f.position))):
                if f.position != pos:
                    self.store.save_finding(f.model_copy(update={"position": pos}))

        self.push_undo(Undo(self.t("what." + what), restore, (cursor, 0)))

    def push_undo(self, entry: Undo) -> None:
        self.undo_stack.append(entry)
        del self.undo_stack[:-100]
        self.query_one(FindingsTable).refresh_bindings()

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.app.notify(self.t("nothing_to_undo"), timeout=2)
            return
        if not self.save_text():
            return
        entry = self.undo_stack[-1]
        try:
            entry.restore()
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            self.reload()
            return
        self.undo_stack.pop()
        self.query_one(FindingsTable).refresh_bindings()
        self.editing, self.unsaved = None, False
        self.reload(cursor_id=entry.cursor[0], block=entry.cursor[1])
        self.post_message(self.Changed())
        self.app.notify(self.t("undone", what=entry.what), timeout=3)

    # -- findings ----------------------------------------------------------------

    def _commit(self, f: Finding, block: int = 0,
                undo: tuple[str, Callable[[list[Block]], list[Block]]] | None = None) -> Finding | None:
        """Save a changed finding, show it with the block cursor at `block`; `undo`
        (what, inverse change of the blocks) is remembered once the save succeeded."""
        saved = self._save(f)
        if saved is None:
            return None
        if undo is not None:
            self._undo_blocks(undo[0], saved.id, undo[1], block)
        self.findings = [saved if x.id == saved.id else x for x in self.findings]
        self.post_message(self.Changed())
        self._fill(saved.id, block)
        return saved

    def action_new(self) -> Finding | None:
        if not self.save_text():
            return None
        saved = self._save(Finding(blocks=[Block(kind="paragraph")], position=len(self.findings)))
        if saved is None:
            return None
        self.reload(cursor_id=saved.id, block=0)
        self.post_message(self.Changed())
        self._edit(0)
        return saved

    def action_to_findings(self) -> None:
        """Esc from the editor or the blocks: up one level, to the list."""
        self.query_one(FindingsTable).focus()

    def action_to_blocks(self) -> None:
        f = self.current()
        if f is None:
            return
        if not f.blocks:
            self.action_add_text("paragraph")
            return
        self.query_one(BlocksTable).focus()

    def action_move(self, delta: int) -> None:
        f = self.current()
        if f is None or not self.save_text():
            return
        i = self.findings.index(f)
        j = i + delta
        if not 0 <= j < len(self.findings):
            return
        self._undo_order("move", [x.id for x in self.findings], f.id)
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
        if self.editing and self.editing[0] == f.id and not self.save_text():
            return  # the text could not be saved: nothing is deleted
        n = self.number_of(f.id)
        keep = self._finding(f.id) or f
        try:
            self.store.delete_finding(f.id)
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            return
        self._undo_order("finding", [x.id for x in self.findings], f.id, deleted=keep)
        if self.editing and self.editing[0] == f.id:
            self.editing, self.unsaved = None, False
        rest = [x for x in self.findings if x.id != f.id]
        for pos, item in enumerate(rest):
            if item.position != pos:
                self._save(item.model_copy(update={"position": pos}))
        self.reload(cursor_id=rest[min(n - 1, len(rest) - 1)].id if rest else None)
        self.post_message(self.Changed())
        self.app.notify(self.t("deleted", n=n))

    # -- blocks --------------------------------------------------------------------

    def _edit(self, index: int, char: str | None = None) -> None:
        """Put the block at `index` in the editor and focus it; `char` typed at its end."""
        blocks = self.query_one(BlocksTable)
        if blocks.row_count:
            blocks.move_cursor(row=index)
        self._load_editor()
        editor = self.query_one(BlockEditor)
        if self.editing is None:
            return
        editor.disabled = False
        if char is not None:
            editor.move_cursor(editor.document.end)
            editor.insert(char)
        self.screen.set_focus(editor)  # at once: the next key typed goes to the editor

    def type_text(self, char: str) -> None:
        """A printable key typed in a list: it goes into the finding's text. Into the text
        block under the cursor, else a new paragraph after it (or after the last block,
        from the findings list); with no finding at all, a new one."""
        if self.editing is not None and self.query_one(BlockEditor).has_focus:
            self.query_one(BlockEditor).insert(char)
            return
        f = self.current()
        if f is None:
            if self.action_new() is not None:
                self.query_one(BlockEditor).insert(char)
            return
        from_list = self.query_one(FindingsTable).has_focus
        i = len(f.blocks) - 1 if from_list else self.block_row()
        if 0 <= i < len(f.blocks) and f.blocks[i].kind in TEXT_KINDS:
            self._edit(i, char)
            return
        self.action_add_text("paragraph", char, at=i + 1)

    def action_add_text(self, kind: str, char: str | None = None, at: int | None = None) -> None:
        """A new paragraph or sub-heading after the block under the cursor, in the editor."""
        f = self.current()
        if f is None:
            if kind == "paragraph":
                saved = self.action_new()
                if saved is not None and char:
                    self.query_one(BlockEditor).insert(char)
            return
        if not self.save_text():
            return
        f = self._finding(f.id) or f
        at = (self.block_row() + 1 if f.blocks else 0) if at is None else at
        blocks = list(f.blocks)
        blocks.insert(at, Block(kind=kind))  # type: ignore[arg-type]
        saved = self._commit(f.model_copy(update={"blocks": blocks}), at)
        if saved is not None:
            self._edit(at, char)

    def action_edit_block(self) -> None:
        cur = self.current_block()
        if cur is None:
            self.action_add_text("paragraph")
            return
        f, i, block = cur
        if block.kind in TEXT_KINDS:
            self._edit(i)
        else:  # a quote or excerpt: change its statements in the picker
            self.pick(f, self.number_of(f.id), "excerpt", list(block.statements),
                      lambda ids: self._replace_statements(f.id, i, ids))

    def action_editor_done(self) -> None:
        if self.save_text():
            self.query_one(BlocksTable).focus()

    def action_add_statements(self, kind: str) -> None:
        f = self.current()
        if f is None:
            f = self.action_new()
            if f is None:
                return
        if not self.save_text():
            return
        at = self.block_row() + 1 if f.blocks else 0
        fid = f.id
        self.pick(f, self.number_of(fid), kind, [], lambda ids: self._insert_statements(fid, at, kind, ids))

    def _insert_statements(self, finding_id: int | None, at: int, kind: str, ids: list[int] | None) -> None:
        f = self._finding(finding_id)
        if f is not None and ids:
            if kind == "excerpt" and len(ids) > 1:
                new = [Block(kind="excerpt", statements=list(ids))]
            else:
                new = [Block(kind="quote", statements=[i]) for i in ids]
            blocks = list(f.blocks)
            at = min(at, len(blocks))
            blocks[at:at] = new

            def take_out(now: list[Block]) -> list[Block]:
                if now[at:at + len(new)] == new:
                    del now[at:at + len(new)]
                return now

            self._commit(f.model_copy(update={"blocks": blocks}), at + len(new) - 1, ("change", take_out))
        self.query_one(BlocksTable).focus()

    def _replace_statements(self, finding_id: int | None, index: int, ids: list[int] | None) -> None:
        f = self._finding(finding_id)
        if f is not None and ids is not None and 0 <= index < len(f.blocks):
            blocks = list(f.blocks)
            old = blocks[index]
            if ids:
                blocks[index] = Block(kind="excerpt" if len(ids) > 1 else "quote", statements=list(ids))
                new: Block | None = blocks[index]
            else:
                del blocks[index]
                new = None

            def put_back(now: list[Block]) -> list[Block]:
                if new is not None and index < len(now) and now[index] == new:
                    now[index] = old
                elif new is None:
                    now.insert(min(index, len(now)), old)
                return now

            self._commit(f.model_copy(update={"blocks": blocks}), index, ("change", put_back))
        self.query_one(BlocksTable).focus()

    def action_cite(self) -> None:
        """In the editor: pick statements and cite them inline, `[[id]]` at the cursor."""
        if self.editing is None:
            return
        f = self._finding(self.editing[0])
        if f is None or not self.save_text():
            return
        editor = self.query_one(BlockEditor)

        def insert(ids: list[int] | None) -> None:
            if ids:
                editor.insert(" ".join(f"[[{i}]]" for i in ids))
                self.save_text()
            self.screen.set_focus(editor)

        self.pick(f, self.number_of(f.id), "cite", [], insert)

    def action_move_block(self, delta: int) -> None:
        cur = self.current_block()
        if cur is None or not self.save_text():
            return
        f, i, _ = cur
        f = self._finding(f.id) or f
        j = i + delta
        if not 0 <= j < len(f.blocks):
            return
        blocks = list(f.blocks)
        blocks[i], blocks[j] = blocks[j], blocks[i]

        def swap_back(now: list[Block]) -> list[Block]:
            if max(i, j) < len(now):
                now[i], now[j] = now[j], now[i]
            return now

        self._commit(f.model_copy(update={"blocks": blocks}), j, ("move", swap_back))

    def action_delete_block(self) -> None:
        cur = self.current_block()
        if cur is None:
            return
        f, i, _ = cur
        if self.editing and self.editing[0] == f.id and not self.save_text():
            return
        f = self._finding(f.id) or f
        blocks = list(f.blocks)
        gone = blocks.pop(i)
        if self.editing and self.editing[0] == f.id:
            self.editing = None

        def put_back(now: list[Block]) -> list[Block]:
            now.insert(min(i, len(now)), gone)
            return now

        if self._commit(f.model_copy(update={"blocks": blocks}), min(i, len(blocks) - 1), ("block", put_back)):
            self.app.notify(self.t("removed"), timeout=3)

    # -- re-coding --------------------------------------------------------------------

    def action_recode(self) -> None:
        cur = self.current_block()
        if cur is None or self.recode is None:
            return
        f, i, block = cur
        ids = block.cited()
        sts = [self._statements[sid] for sid in ids if sid in self._statements]
        if sts:
            self.recode(sts, lambda changed: self.statements_changed())

    def statements_changed(self) -> None:
        """Statements or themes were corrected elsewhere (the statement editor, the themes
        dialog): show them again."""
        f = self.current()
        self.reload(cursor_id=f.id if f else None, block=self.block_row())
        self.post_message(self.Changed())

    def apply_statements(self, changed: list[Statement] | None) -> None:
        """Save corrected statements (the statement editor's result), undoable."""
        if not changed:
            return
        before = [self._statements.get(st.id) for st in changed if st.id is not None]
        known = {t.key for t in self.store.themes()}
        try:
            for st in changed:
                for key in st.themes:
                    if key not in known:
                        self.store.add_theme(key)
                        known.add(key)
                self.store.update_statement(st)
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            return
        old = [st for st in before if st is not None]

        def restore() -> None:
            for st in old:
                self.store.update_statement(st)

        f = self.current()
        self.push_undo(Undo(self.t("what.recode"), restore, (f.id if f else None, self.block_row())))
        self.statements_changed()

    def retheme(self, old: str, new: str, stages: Callable[[str, str], list[str]] | None = None,
                restore_stages: Callable[[list[str]], None] | None = None) -> None:
        """Rename theme `old` to `new`, or merge it into `new` when that exists: every
        statement follows; a created theme `old` is dropped. Undoable."""
        from facilitator.domain.recode import retheme

        themes = {t.key: t for t in self.store.themes()}
        if old not in themes:
            return
        plan_keys = {t.key for t in self.store.plan.themes}
        before = [st for st in self.store.statements() if old in st.themes]
        added = new not in themes
        try:
            if added:
                label = themes[old].label if old not in plan_keys and themes[old].label != old else new
                self.store.add_theme(new, label)
            for st in retheme(before, old, new):
                self.store.update_statement(st)
            if old not in plan_keys:
                self.store.remove_theme(old)
            old_stages = stages(old, new) if stages else None
        except StoreError as exc:
            self.post_message(self.SaveFailed(str(exc)))
            self.statements_changed()
            return

        def restore() -> None:
            if old not in plan_keys:
                self.store.add_theme(old, themes[old].label)
            for st in before:
                self.store.update_statement(st)
            if added:
                self.store.remove_theme(new)
            if restore_stages is not None and old_stages is not None:
                restore_stages(old_stages)

        f = self.current()
        self.push_undo(Undo(self.t("what.theme"), restore, (f.id if f else None, self.block_row())))
        self.statements_changed()
