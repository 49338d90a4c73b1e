"""`LiveSession`: one session being run, headless.

It owns the session's state (plan, clock, filing step, statements, actions,
attendance, sticky speaker), parses every line, keeps the pending queue,
saves through the `Writer`, and does edit, delete, attendance changes and undo.
The live screen calls its methods and renders the `Change` each returns (and
the `Change` of `job_changed` when the writer reports); a second seat or a
countdown widget can use the same object. No Textual here.

Lines, in order (every Enter is its own line):

- A line that parses is recorded at once (shown pending until the writer saves it).
- A line that does not parse is *rejected*: it leaves the capture line (which is
  always empty after Enter) and waits at the head of the pending queue with its
  error. Every line entered after it waits behind it, in order, whether typed or
  pasted. `fix()` takes the rejected line back into the capture line; once it
  is entered without an error the lines behind it are recorded in order, up to
  the next one with an error.
- Editing (`begin_edit`) is deliberate: an edit with an error stays in the
  capture line with its error.

Everything not saved (writer jobs, pending lines, the capture line) comes back
from `rescue_lines()` as capture lines with `## N` step markers.

Clock: `SessionClock` saved through the writer on every change and, while it
runs, every CHECKPOINT seconds with the running step's `seen` moment, so an
export after a quit or a kill -9 counts the step until the last save.
`end_session` ends the current step and stops the clock.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Iterator, Mapping
from typing import Any, Callable

from facilitator.live import rescue
from facilitator.live.writer import (AddAction, AddStatement, AddTheme, Backup, DeleteStatement, Job,
                                     RestoreStatement, SaveClock, SetAttendance, UpdateStatement, Writer)

CHECKPOINT = 30.0  # seconds between saves of a running clock
SPEAKER_LOOKBACK = 2000  # statements looked at, newest first, for the sticky speaker at open
SPOKEN_LOOKBACK = 5000  # statements looked at, newest first, for who spoke (the attendance panel)

_uids = itertools.count(1)


@dataclass(eq=False)
class Entry:
    """A statement of the record, keyed by `uid` (store ids come later: saves run in the background)."""

    uid: str
    statement: Any
    line: str = ""
    job: Job | None = None  # the unsaved add, None once saved
    base: int | None = None  # its row, while it is one of the rows read at open

    @property
    def state(self) -> str:
        return self.job.state if self.job is not None else "saved"


class Entries(Mapping[str, Entry]):
    """`LiveSession.entries`: the record's rows by uid. Looking a uid up is cheap (only rows
    shown or touched have one); iterating makes every row (for tests and small sessions)."""

    def __init__(self, live: LiveSession):
        self.live = live
        self.known: dict[str, Entry] = {}  # every entry made and not deleted

    def __getitem__(self, uid: str) -> Entry:
        return self.known[uid]

    def __contains__(self, uid: object) -> bool:
        return uid in self.known

    def __len__(self) -> int:
        return self.live.row_count

    def __iter__(self) -> Iterator[str]:
        live = self.live
        return iter([live.row(i).uid for i in range(live.row_count)])


@dataclass(eq=False)
class ActionEntry:
    uid: str
    action: Any
    line: str = ""
    job: Job | None = None

    @property
    def state(self) -> str:
        return self.job.state if self.job is not None else "saved"


@dataclass
class Pending:
    """A line entered but not recorded yet: rejected (with its error) or waiting behind one."""

    line: str
    error: str | None = None  # the parser's message, in English
    problem: Any = None  # the CaptureError (renders in the interface language)

    def render(self, lang: str) -> str:
        return self.problem.render(lang) if self.problem is not None else (self.error or "")


@dataclass
class Notice:
    """Something to tell the user: `key` names a string of the screen's table."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    severity: str = "information"
    timeout: float = 3.0


@dataclass
class Change:
    """What a call changed, for the screen to render."""

    added: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rebuild: bool = False  # the record's order changed: redraw it
    show: str | None = None  # the row to put the record's cursor on
    actions_added: list[ActionEntry] = field(default_factory=list)
    actions_changed: list[ActionEntry] = field(default_factory=list)
    actions_removed: list[str] = field(default_factory=list)
    attendance: bool = False
    clock: bool = False
    pending: bool = False  # the pending queue changed
    notices: list[Notice] = field(default_factory=list)
    error: str | None = None  # the line just entered has this error
    line: str | None = None  # the capture line becomes this (None: empty after Enter / unchanged)
    ring: bool = False
    failing: bool | None = None  # the writer started (True) or stopped (False) failing
    ok: bool = True  # the call did what was asked

    def notice(self, key: str, severity: str = "information", timeout: float = 3.0, **values: Any) -> Change:
        self.notices.append(Notice(key, values, severity, timeout))
        return self


class LiveSession:
    """The state and behaviour of one live session on an open store."""

    def __init__(self, store: Any, number: int | None, now: Callable[[], float],
                 writer: Writer | None = None):
        """Reads the session from `store` (call it off the UI thread for a big store).
        `writer`: where saves go; None for a read-only store (nothing is saved)."""
        self.now = now
        self.store = store
        self.readonly = bool(store.readonly)
        self.seat: str | None = getattr(store, "seat", None)  # "facilitator" / "notes": two seats (live.follow)
        self.plan = store.plan
        if number is None:
            number = store.next_session(now())
        session = self.plan.session(number)
        if session is None:
            known = ", ".join(str(s.number) for s in self.plan.sessions)
            from facilitator.i18n import Message

            raise LookupError(Message("store.no_session", session=number, slug=repr(store.slug), known=known))
        self.number = number
        self.session = session
        self._read(store)
        self.writer = writer
        self.undo_stack: list[tuple[str, Any]] = []
        self.pending: list[Pending] = []
        self.fixing: Pending | None = None  # the rejected line taken back into the capture line
        self.editing: str | None = None  # uid of the statement being edited
        self.draft = ""  # the capture line's text before an edit began
        self.alarmed: set[int] = set()
        self.failing = False
        self._checkpointed = 0.0
        self._damage_told = len(getattr(store, "recovery", ()) or ())  # those of the open: the app tells them

    def _read(self, store: Any) -> None:
        """Nothing here passes over every statement: the record's rows are made from
        `store.statement_view` when shown or touched (see `row`)."""
        from facilitator.domain.records import SessionClock

        self.clock = store.clock(self.number) or SessionClock(session=self.number)
        self.capture_step = self.clock.current_step
        self.view = store.statement_view(self.number)
        # Rows 0.._base-1 are the view's first statements, as they were at open: nothing
        # this session saves moves them (adds go after them, a delete or restore among
        # them first turns the rows from there on into entries of `_tail`).
        self._base = len(self.view)
        self._seen = self._base  # len(view) when last checked (see _resync)
        self._made: dict[int, Entry] = {}  # base rows shown or touched, by row
        self._tail: list[Entry] = []  # the rows after the base, in order: added here, or made by a delete
        self.entries = Entries(self)
        self.actions: dict[str, ActionEntry] = {}
        for a in store.actions(self.number):
            uid = f"a{next(_uids)}"
            self.actions[uid] = ActionEntry(uid, a)
        self.attendance: list[str] = list(store.attendance(self.number))
        self.theme_keys: list[str] = [t.key for t in store.themes()]
        self.speaker: str | None = self._newest_speaker()
        self.spoken: set[str] = set()  # speakers known to have spoken (see `scan_spoken`)
        self.spoken_scanned = self._base == 0
        self._spoken_end = self._base  # scan_spoken has looked at the rows from here on

    # -- the record's rows (made when shown or touched) --------------------------------------

    def _newest_speaker(self) -> str | None:
        """The sticky speaker: the speaker of the newest statement that has one, looked for
        among the newest SPEAKER_LOOKBACK statements only (a slice of the view)."""
        end = self._base
        start = max(0, end - SPEAKER_LOOKBACK)
        while end > start:
            begin = max(start, end - 64)
            for st in reversed(self.view[begin:end]):
                if st.speaker:
                    return st.speaker
            end = begin
        return None

    def scan_spoken(self, budget: int = 2000) -> bool:
        """Look for who spoke among the statements read at open, newest first, `budget`
        at a time (the screen calls it when idle, after the first frame); True when done.
        Done early once every seat of the plan is found (the attendance panel only needs
        seats), and after the newest SPOKEN_LOOKBACK statements: a real session has far
        fewer, and reading every statement of a huge one would make the store parse (and
        keep) them all. What is said while the app runs always counts."""
        if self.spoken_scanned:
            return True
        seats = {p.key for p in self.plan.participants}
        end = min(self._spoken_end, self._base)
        stop = max(0, self._base - SPOKEN_LOOKBACK)
        begin = max(stop, end - budget)
        self.spoken.update(st.speaker for st in self.view[begin:end] if st.speaker)
        self._spoken_end = begin
        self.spoken_scanned = begin <= stop or seats <= self.spoken
        return self.spoken_scanned

    @property
    def row_count(self) -> int:
        return self._base + len(self._tail)

    def row(self, i: int) -> Entry:
        """The entry shown in row `i` (made now if it was not shown before)."""
        if i >= self._base:
            j = i - self._base
            return self._tail[j] if j < len(self._tail) else Entry("s0", _gone(self.number))
        entry = self._made.get(i)
        if entry is None:
            self._resync()
            if i >= self._base:  # a damaged record left the view: the rows moved up
                return self.row(i)
            try:
                statement = self.view[i]
            except IndexError:  # the same, found while reading
                self._resync()
                return Entry("s0", _gone(self.number))
            entry = self._made[i] = Entry(f"s{next(_uids)}", statement, base=i)
            self.entries.known[entry.uid] = entry
        return entry

    def _resync(self) -> None:
        """The store drops a record it finds damaged when reading it (reported in its
        `recovery`): the view is then shorter than the rows read at open plus those saved
        here. The rows not made yet are read again from their new places; the rows made
        keep their statements (edit and delete go by store id, not by place)."""
        n = len(self.view)
        if n == self._seen:
            return
        self._seen = n
        saved_here = sum(1 for e in self._tail if e.job is None and e.statement.id is not None)
        lost = self._base + saved_here - n
        if lost <= 0:
            return
        self._base = max(0, self._base - lost)
        for entry in self._made.values():
            entry.base = None  # orphaned: its place is not known any more
        self._made.clear()

    def row_of(self, uid: str) -> int | None:
        entry = self.entries.known.get(uid)
        if entry is None:
            return None
        if entry.base is not None:
            return entry.base
        try:
            return self._base + self._tail.index(entry)
        except ValueError:
            return None

    def _detach(self, row: int) -> None:
        """Rows from `row` on become entries of `_tail`: a delete or restore there moves the
        view's statements after it (made before the change is saved, so still in place)."""
        if row >= self._base:
            return
        made = [self.row(i) for i in range(row, self._base)]
        for i, entry in enumerate(made, row):
            entry.base = None
            self._made.pop(i, None)
            if i < self._spoken_end and entry.statement.speaker:  # not scanned yet: seen now
                self.spoken.add(entry.statement.speaker)
        self._tail[:0] = made
        self._base = row

    # -- what another process saved (facilitator.live.follow), already in the store's view ---

    def follow_statement(self, doc_id: int, st: Any, change: Change) -> None:
        """Statement `doc_id` was saved (`st`) or deleted (None) by another process; the
        store and so the view have it already. Only rows made are touched; a row not
        made yet is read from the view when it is shown."""
        entry = next((e for e in self.entries.known.values() if e.statement.id == doc_id), None)
        if st is None:
            if entry is not None:
                self.entries.known.pop(entry.uid, None)
                if entry.base is not None:
                    self._shift(entry.base, -1)
                elif entry in self._tail:
                    self._tail.remove(entry)
                change.removed.append(entry.uid)
            elif len(self.view) < self._expected():  # a row not made yet left the view
                self._seen = -1
                self._resync()
                change.rebuild = True
            self._seen = len(self.view)
            return
        if st.speaker:
            if st.speaker not in self.spoken:
                change.attendance = True
            self.spoken.add(st.speaker)
        if entry is not None:
            if entry.statement == st:
                return
            moved = (entry.statement.seq, entry.statement.id) != (st.seq, st.id)
            entry.statement = st
            if moved and entry.base is None:
                self._tail.sort(key=_order)
                change.rebuild = True
            else:
                change.changed.append(entry)
            return
        n = len(self.view)
        if n <= self._expected():  # an edit of a row not made yet: the view has it
            return
        entry = Entry(f"s{next(_uids)}", st)
        at = self._view_index(st, n)
        if at < self._base:  # an undone delete elsewhere comes back among the rows read at open
            self._shift(at, +1)
            entry.base = at
            self._made[at] = entry
            change.rebuild = True
        else:
            key = _order(entry)
            pos = next((i for i, e in enumerate(self._tail) if _order(e) > key), len(self._tail))
            self._tail.insert(pos, entry)
            if pos == len(self._tail) - 1:
                change.added.append(entry)
            else:
                change.rebuild = True
        self.entries.known[entry.uid] = entry
        self._seen = n

    def speakers_seen(self) -> set[str]:
        """The speakers of the rows made and of the newest statements of the view."""
        seen = {e.statement.speaker for e in self.entries.known.values() if e.statement.speaker}
        return seen | {st.speaker for st in self.view[-500:] if st.speaker}

    def _expected(self) -> int:
        """Rows the view holds by what this session knows: those read at open, and those
        after them that are saved."""
        return self._base + sum(1 for e in self._tail if e.job is None and e.statement.id is not None)

    def _view_index(self, st: Any, n: int) -> int:
        key = (st.seq or 0, st.id or 0)
        low, high = 0, n
        while low < high:
            mid = (low + high) // 2
            other = self.view[mid]
            if (other.seq or 0, other.id or 0) < key:
                low = mid + 1
            else:
                high = mid
        return low

    def _shift(self, row: int, delta: int) -> None:
        """A row of those read at open left the view (-1) or one came in at `row` (+1)."""
        made: dict[int, Entry] = {}
        for i, entry in self._made.items():
            if delta < 0 and i == row:
                continue
            j = i + delta if (i > row if delta < 0 else i >= row) else i
            entry.base = j
            made[j] = entry
        self._made = made
        self._base += delta
        self._spoken_end = max(0, self._spoken_end + delta) if self._spoken_end > row else self._spoken_end

    def reload(self, store: Any) -> Change:
        """A read-only view: show what a newer copy of the store holds."""
        self.store = store
        self._read(store)
        return Change(rebuild=True, attendance=True, clock=True, actions_removed=["*"])

    # -- parsing -----------------------------------------------------------------------

    def context(self) -> Any:
        """The parser's context. While editing, no sticky speaker: an edited line gets
        the speaker it names (a statement of an unknown participant stays so)."""
        from facilitator.live.lines import make_context

        speaker = None if self.editing is not None else self.speaker
        return make_context(self.plan, self.theme_keys, self.session, speaker, self.capture_step)

    def parse(self, line: str) -> Any:
        """The line as it would be recorded; raises CaptureError."""
        from facilitator.domain.capture import parse_line

        return parse_line(line, self.context())

    @property
    def waiting(self) -> int:
        """Lines in the pending queue (the rejected one included)."""
        return len(self.pending)

    @property
    def rejected(self) -> Pending | None:
        return self.pending[0] if self.pending and self.pending[0].error is not None else None

    # -- lines ---------------------------------------------------------------------------

    def enter(self, line: str) -> Change:
        """One Enter on the capture line holding `line`. The capture line is empty
        afterwards, except for an edit with an error (`change.line`)."""
        change = Change()
        if self.readonly:
            change.ok = False
            return change.notice("is_readonly", "warning")
        if refused := self._seat_refuses("notes"):
            return refused
        if self.editing is not None:
            return self._enter_edit(line, change)
        if self.fixing is not None:
            fixing, self.fixing = self.fixing, None
            if not line.strip():  # cleared while fixing: the rejected line is left out, on purpose
                change.notice("dropped", timeout=4, text=_short(fixing.line))
                change.pending = True
            else:
                self._record_or_reject(line, change, head=True)
            if not self.rejected:
                self._drain(change)
            return change
        if not line.strip():
            return change
        if self.pending:
            self.pending.append(Pending(line))
            change.pending = True
            return change
        self._record_or_reject(line, change)
        return change

    def paste(self, lines: list[str]) -> Change:
        """Several lines pasted: each one as if typed and entered, in order."""
        change = Change()
        for line in lines:
            self._merge(change, self.enter(line))
        return change

    def _record_or_reject(self, line: str, change: Change, head: bool = False) -> bool:
        from facilitator.domain.capture import CaptureError

        try:
            parsed = self.parse(line)
        except CaptureError as exc:
            pending = Pending(line, exc.message, exc)
            if head:
                self.pending.insert(0, pending)
            else:
                self.pending.append(pending)
            change.pending = True
            change.error = exc.message
            change.ring = True
            change.ok = False
            return False
        self._apply(parsed, line, change)
        return True

    def _drain(self, change: Change) -> None:
        """Record the waiting lines, in order, up to the next one with an error."""
        while self.pending and self.pending[0].error is None:
            item = self.pending.pop(0)
            change.pending = True
            if not self._record_or_reject(item.line, change, head=True):
                return

    def fix(self) -> Change:
        """The rejected line back into the capture line (empty now), to be corrected."""
        change = Change()
        head = self.rejected
        if head is None:
            change.ok = False
            return change
        self.pending.pop(0)
        self.fixing = head
        change.pending = True
        change.line = head.line
        change.error = head.error
        return change

    def cancel_fix(self, line: str) -> Change:
        """Esc while fixing: the line (as corrected so far) waits at the head again."""
        change = Change()
        if self.fixing is None:
            return change
        if not line.strip():  # cleared, then Esc: as an Enter on the cleared line (left out)
            return self.enter(line)
        self.pending.insert(0, Pending(line, self.fixing.error, self.fixing.problem))
        self.fixing = None
        change.pending = True
        change.line = ""
        return change

    def _apply(self, parsed: Any, line: str, change: Change) -> None:
        from facilitator.domain.capture import ActionLine, AttendanceLine, StatementLine, StepLine

        if isinstance(parsed, StatementLine):
            self._add_themes(parsed.new_themes, change)
            self._add_statement(parsed, line, change)
        elif isinstance(parsed, StepLine):
            self.capture_step = parsed.step
            change.clock = True
        elif isinstance(parsed, ActionLine):
            self._add_themes(parsed.new_themes, change)
            self._add_action(parsed, line, change)
        elif isinstance(parsed, AttendanceLine):
            from facilitator.live.lines import merge_attendance

            keys = merge_attendance(self.plan, self.attendance, parsed.keys)
            self._set_attendance(keys, change)
            change.notice("present", keys=present_text(keys))

    def _submit(self, job: Job) -> Job:
        if self.writer is not None:
            self.writer.submit(job)
        return job

    def _add_themes(self, keys: tuple[str, ...], change: Change) -> None:
        for key in keys:
            if key in self.theme_keys:
                continue
            self.theme_keys.append(key)
            self._submit(AddTheme(key=key))
            change.notice("theme_new", timeout=4, theme=key)

    def offset(self) -> float | None:
        if self.clock.started_at is None:
            return None
        return max(0.0, self.now() - self.clock.started_at)

    def _add_statement(self, parsed: Any, line: str, change: Change) -> None:
        from facilitator.domain.records import Statement

        st = Statement(session=self.number, step=self.capture_step, speaker=parsed.speaker, kind=parsed.kind,
                       text=parsed.text, themes=list(parsed.themes), elements=list(parsed.elements), key=parsed.key,
                       offset=self.offset())
        if parsed.explicit_speaker:
            self.speaker = parsed.speaker
        if st.speaker:
            if st.speaker not in self.spoken:
                change.attendance = True
            self.spoken.add(st.speaker)
        entry = Entry(f"s{next(_uids)}", st, line)
        entry.job = AddStatement(statement=st, line=line, tag=entry)
        self._tail.append(entry)
        self.entries.known[entry.uid] = entry
        change.added.append(entry)
        self._submit(entry.job)

    def _add_action(self, parsed: Any, line: str, change: Change) -> None:
        from facilitator.domain.records import Action

        action = Action(session=self.number, step=self.capture_step, text=parsed.text, owner=parsed.owner,
                        themes=list(parsed.themes))
        entry = ActionEntry(f"a{next(_uids)}", action, line)
        entry.job = AddAction(action=action, line=line, tag=entry)
        self.actions[entry.uid] = entry
        change.actions_added.append(entry)
        self._submit(entry.job)

    # -- attendance ------------------------------------------------------------------------

    def _set_attendance(self, keys: list[str], change: Change, undo: bool = True) -> None:
        if undo:
            self.undo_stack.append(("attendance", list(self.attendance)))
        self.attendance = list(keys)
        self._submit(SetAttendance(session=self.number, keys=list(keys)))
        change.attendance = True

    def is_seat(self, key: str) -> bool:
        return self.plan.participant(key) is not None

    def toggle_present(self, key: str) -> Change:
        """A seat ticked or unticked; a role without a seat: none ↔ one person."""
        counts = Counter(self.attendance)
        return self._count(key, 0 if counts.get(key) else 1)

    def add_person(self, key: str, delta: int) -> Change:
        counts = Counter(self.attendance)
        n = counts.get(key, 0) + delta
        if self.is_seat(key):
            n = min(1, n)
        return self._count(key, n)

    def _count(self, key: str, n: int) -> Change:
        change = Change()
        if self.readonly:
            change.ok = False
            return change.notice("is_readonly", "warning")
        if refused := self._seat_refuses("notes"):
            return refused
        n = max(0, n)
        counts = Counter(self.attendance)
        if counts.get(key, 0) == n:
            return change
        counts[key] = n
        keys = attendance_keys(self.plan, counts)
        self._set_attendance(keys, change)
        label = self.role_label(key) if not self.is_seat(key) else key
        return change.notice("attendance_changed", who=label, n=n, timeout=4)

    # -- record: edit, delete, undo ------------------------------------------------------

    def begin_edit(self, uid: str, draft: str) -> Change:
        """Edit a saved statement: its line goes into the capture line; `draft` (what the
        capture line held) comes back when the edit ends."""
        change = Change()
        if refused := self._seat_refuses("notes"):
            return refused
        entry = self.entries.get(uid)
        if entry is None:
            change.ok = False
            return change.notice("nothing", "warning")
        if entry.statement.id is None:
            change.ok = False
            return change.notice("not_saved_yet", "warning")
        from facilitator.live.lines import format_line

        if self.editing is None:
            self.draft = draft
        self.editing = uid
        change.line = format_line(entry.statement)
        return change

    def cancel_edit(self) -> Change:
        change = Change()
        if self.editing is None:
            return change
        self.editing = None
        change.line = self.draft
        self.draft = ""
        return change

    def _enter_edit(self, line: str, change: Change) -> Change:
        from facilitator.domain.capture import CaptureError, StatementLine

        try:
            parsed = self.parse(line)
        except CaptureError as exc:
            change.error, change.line, change.ring, change.ok = exc.message, line, True, False
            return change
        if not isinstance(parsed, StatementLine):
            change.error, change.line, change.ok = "need_statement", line, False
            return change
        entry = self.entries.get(self.editing or "")
        self.editing = None
        change.line = self.draft
        self.draft = ""
        if entry is None:
            return change
        old = entry.statement
        new = old.model_copy(update={"speaker": parsed.speaker, "kind": parsed.kind, "text": parsed.text,
                                     "themes": list(parsed.themes), "elements": list(parsed.elements),
                                     "key": parsed.key})
        self._add_themes(parsed.new_themes, change)
        entry.statement = new
        self.undo_stack.append(("edit", old))
        self._submit(UpdateStatement(statement=new, line=line))
        change.changed.append(entry)
        return change.notice("edited", timeout=2)

    def delete(self, uid: str) -> Change:
        change = Change()
        if self.readonly:
            change.ok = False
            return change.notice("is_readonly", "warning")
        if refused := self._seat_refuses("notes"):
            return refused
        entry = self.entries.get(uid)
        if entry is None:
            change.ok = False
            return change.notice("nothing", "warning")
        st = entry.statement
        if st.id is None:
            change.ok = False
            return change.notice("not_saved_yet", "warning")
        self._remove(entry)
        if self.editing == uid:
            self._merge(change, self.cancel_edit())
        self.undo_stack.append(("delete", st))
        self._submit(DeleteStatement(statement=st))
        change.removed.append(uid)
        return change.notice("deleted", timeout=3, text=_short(st.text))

    def undo(self) -> Change:
        change = Change()
        if self.readonly:
            change.ok = False
            return change.notice("is_readonly", "warning")
        if refused := self._seat_refuses("notes"):
            return refused
        if not self.undo_stack:
            change.ok = False
            return change.notice("nothing_undo")
        kind, old = self.undo_stack.pop()
        if kind == "edit":
            from facilitator.live.lines import format_line

            for entry in list(self.entries.known.values()):
                if entry.statement.id == old.id:
                    entry.statement = old
                    change.changed.append(entry)
            self._submit(UpdateStatement(statement=old, line=format_line(old)))
        elif kind == "delete":
            from facilitator.live.lines import format_line

            entry = Entry(f"s{next(_uids)}", old, format_line(old))
            entry.job = RestoreStatement(statement=old, line=entry.line, tag=entry)
            self._insert(entry)
            self._submit(entry.job)
            change.rebuild, change.show = True, entry.uid
        elif kind == "attendance":
            self._set_attendance(old, change, undo=False)
        return change.notice("undone", timeout=2)

    def _remove(self, entry: Entry) -> None:
        """Take a row out of the record (before its delete is saved: see `_detach`)."""
        row = self.row_of(entry.uid)
        self.entries.known.pop(entry.uid, None)
        if row is None:
            return
        self._detach(row)
        self._tail.remove(entry)

    def _insert(self, entry: Entry) -> None:
        """A restored statement back at its place in (seq, id) order (after the rows read at
        open that come before it; the rows from there on become entries first)."""
        def order(e: Entry) -> tuple[int, int]:
            return (e.statement.seq or 10**12, e.statement.id or 10**12)

        key = order(entry)
        low, high = 0, self._base  # the first base row after it, by bisection (the view is in order)
        while low < high:
            mid = (low + high) // 2
            if order(self.row(mid)) < key:
                low = mid + 1
            else:
                high = mid
        self._detach(low)
        at = next((i for i, e in enumerate(self._tail) if order(e) > key), len(self._tail))
        self._tail.insert(at, entry)
        self.entries.known[entry.uid] = entry

    # -- the writer's reports ------------------------------------------------------------

    def job_changed(self, job: Job) -> Change:
        """The writer saved, failed or dropped `job` (called on the UI thread)."""
        change = Change()
        if isinstance(job, Backup):
            if job.result:
                change.notice("backup_failed", "warning", error=job.result)
            return change
        if job.state == "failed":
            if not self.failing:
                self.failing = True
                change.failing = True
                change.ring = True
                change.notice("failed", "error", 15, error=job.reason or job.error)
        elif job.state == "error":
            change.notice("error", "error", 10, error=job.reason or job.error)
        elif job.state == "saved" and self.failing and self.writer is not None and not self.writer.failed:
            self.failing = False
            change.failing = False
            change.notice("saved_late", timeout=5, text=job.text or job.kind)
        if isinstance(job, AddStatement):
            entry: Entry = job.tag
            if job.state == "saved":
                entry.statement = job.result
                entry.job = None
            if entry.uid in self.entries:
                change.changed.append(entry)
        elif isinstance(job, AddAction):
            action: ActionEntry = job.tag
            if job.state == "saved":
                action.action = job.result
                action.job = None
            if action.uid in self.actions:
                change.actions_changed.append(action)
        return change

    def unsaved(self) -> list[Job]:
        return self.writer.unsaved() if self.writer is not None else []

    def retry(self) -> None:
        if self.writer is not None:
            self.writer.retry()

    def put_back(self, capture_empty: bool) -> Change:
        """F10: the rejected line back into the capture line to fix it; else the first
        unsaved typed line (saves failing) out of the queue and back into the line."""
        change = Change()
        if not capture_empty and (self.rejected or self._first_typed()):
            change.ok = False
            return change.notice("busy_line", "warning")
        if self.rejected is not None:
            return self.fix()
        job = self._first_typed()
        if job is None or self.writer is None or not self.writer.cancel(job):
            change.ok = False
            return change.notice("no_unsaved")
        if isinstance(job, AddStatement):
            self._remove(job.tag)
            change.removed.append(job.tag.uid)
        else:
            self.actions.pop(job.tag.uid, None)
            change.actions_removed.append(job.tag.uid)
        change.line = job.text
        if self.failing and not self.writer.failed:
            self.failing = False
            change.failing = False
        return change.notice("put_back")

    def _first_typed(self) -> Job | None:
        return next((j for j in self.unsaved()
                     if type(j) in (AddStatement, AddAction) and j.text), None)

    # -- the rescue file -------------------------------------------------------------------

    def rescue_lines(self, capture: str = "", jobs: list[Job] | None = None) -> list[str]:
        """Everything not saved, as the lines of a rescue file: the writer's unsaved jobs
        (lines, edits, deletes, attendance), the pending lines, the capture line;
        `## N` markers put each line back under its step. `jobs`: the unsaved jobs as
        counted already (the writer held meanwhile)."""
        items: list[tuple[int | None, str]] = []
        for job in (self.unsaved() if jobs is None else jobs):
            for line in job.rescue():
                items.append((job.step, line))
        step = self.capture_step
        for item in self.pending:
            after = self._step_after(item.line, step)
            if after is None:
                items.append((step, item.line))
            else:  # a `## N` line waiting: it becomes the marker of the lines after it
                step = after
        if self.fixing is not None or self.editing is None:
            if capture.strip():
                items.append((step, capture))
        elif capture.strip():  # an edit in progress: the statement as edited so far
            items.append((None, f"// edit in progress: {capture}"))
        return rescue.with_markers(items)

    def _step_after(self, line: str, step: int) -> int | None:
        """The step a pending `## N` line moves to; None for any other line (or a bad `##`)."""
        if not line.startswith("##"):
            return None
        from facilitator.domain.capture import CaptureError, StepLine, parse_line

        try:
            parsed = parse_line(line, self.context())
        except CaptureError:
            return None
        return parsed.step if isinstance(parsed, StepLine) else None

    def has_unsaved(self, capture: str = "") -> bool:
        return bool(self.pending or self.unsaved() or capture.strip() or self.fixing is not None)

    # -- clock -------------------------------------------------------------------------------

    def _set_clock(self, clock: Any, change: Change) -> None:
        from facilitator.live import clock as clockctl

        first = self.clock.started_at is None and clock.started_at is not None
        self.clock = clock
        self.capture_step = clock.current_step
        if first:
            self._submit(Backup())
        self._save_clock()
        change.clock = True
        if clockctl.state(clock) == "running":
            self._checkpointed = self.now()

    def _save_clock(self) -> None:
        from facilitator.live import clock as clockctl

        self._submit(SaveClock(clock=clockctl.seen(self.clock, self.now())))

    def _clock_change(self) -> Change | None:
        if self.readonly:
            return Change(ok=False).notice("is_readonly", "warning")
        return self._seat_refuses("facilitator")

    def _seat_refuses(self, owner: str) -> Change | None:
        """Two seats: a change that belongs to the other seat (`owner`) is refused, and the
        notice says whose it is (facilitator.store.seats: each seat writes only its own)."""
        if self.seat is not None and self.seat != owner:
            return Change(ok=False).notice(f"seat.{owner}", "warning", 5)
        return None

    def toggle_clock(self, now: float | None = None) -> Change:
        from facilitator.live import clock as clockctl

        change = self._clock_change() or Change()
        if change.ok:
            self._set_clock(clockctl.toggle(self.clock, self.now() if now is None else now), change)
        return change

    def goto(self, step: int, now: float | None = None) -> Change:
        from facilitator.live import clock as clockctl

        change = self._clock_change() or Change()
        if not change.ok:
            return change
        clock = clockctl.goto(self.clock, step, self.now() if now is None else now, len(self.session.agenda))
        self._set_clock(clock, change)
        s = self.session.agenda[clock.current_step]
        return change.notice("step_now", n=clock.current_step + 1, title=s.title)

    def next_step(self, now: float | None = None) -> Change:
        """The next step in the running order (skips and moves recorded in the clock)."""
        from facilitator.domain import schedule

        step = schedule.next_step(self.session, self.clock)
        return self.goto(self.clock.current_step if step is None else step, now)

    def prev_step(self, now: float | None = None) -> Change:
        from facilitator.domain import schedule

        step = schedule.prev_step(self.session, self.clock)
        return self.goto(self.clock.current_step if step is None else step, now)

    def set_clock(self, clock: Any) -> Change:
        """A clock changed elsewhere (the schedule's +5/-5, skip, move): kept and saved."""
        change = self._clock_change() or Change()
        if change.ok:
            self._set_clock(clock, change)
        return change

    def end_session(self, now: float | None = None) -> Change:
        """End the current step and stop the clock: the session is held and done."""
        from facilitator.live import clock as clockctl

        change = self._clock_change() or Change()
        if not change.ok:
            return change
        when = self.now() if now is None else now
        self._set_clock(clockctl.end(self.clock, when), change)
        return change.notice("ended", timeout=6, time=clockctl.mmss(clockctl.session_elapsed(self.clock, when)))

    def stop_for_quit(self) -> None:
        """Quitting: save the clock with the moment the running step was last seen
        (an export counts it until now)."""
        from facilitator.live import clock as clockctl

        if not self.readonly and self.seat != "notes" and clockctl.state(self.clock) == "running":
            self._save_clock()

    def tick(self) -> Change:
        """Every second: the clock redrawn, time-up alarms, a checkpoint of a running clock."""
        from facilitator.live import clock as clockctl

        change = Change(clock=True)
        self._tell_damage(change)
        if clockctl.state(self.clock) != "running":
            return change
        now = self.now()
        if not self.readonly and self.seat != "notes" and now - self._checkpointed >= CHECKPOINT:
            self._checkpointed = now
            self._save_clock()
        from facilitator.domain import schedule

        step = self.clock.current_step
        planned = schedule.minutes(self.session, self.clock, step)  # after +5/-5
        elapsed = clockctl.step_elapsed(self.clock, step, now)
        if elapsed > planned * 60 and step not in self.alarmed:
            self.alarmed.add(step)
            change.ring = True
            change.notice("time_up", "warning", 10, n=step + 1, title=self.session.agenda[step].title)
        return change

    def _tell_damage(self, change: Change) -> None:
        """A lazy store reads a statement when its row is first shown; one it finds
        damaged then leaves the view and is added to the store's `recovery`. Say so,
        as loudly as damage found on opening (told once)."""
        notes = list(getattr(self.store, "recovery", ()) or ())
        told = min(self._damage_told, len(notes))  # a reopened store starts its own list
        if len(notes) > told:
            self._damage_told = len(notes)
            from facilitator.i18n import Joined, Note

            lines = Note(Joined(notes[told:], "\n"))  # English as a string; the screen shows it in its language
            change.notice("damaged_read", "error", 30, lines=lines)

    # -- labels ------------------------------------------------------------------------------

    def role_label(self, speaker: str | None, unknown: str = "?") -> str:
        from facilitator.live.lines import role_label

        return role_label(self.plan, speaker, unknown)

    @staticmethod
    def _merge(into: Change, other: Change) -> None:
        into.added += other.added
        into.changed += other.changed
        into.removed += other.removed
        into.rebuild |= other.rebuild
        into.show = other.show or into.show
        into.actions_added += other.actions_added
        into.actions_changed += other.actions_changed
        into.actions_removed += other.actions_removed
        into.attendance |= other.attendance
        into.clock |= other.clock
        into.pending |= other.pending
        into.notices += other.notices
        into.error = other.error if other.error is not None else into.error
        into.line = other.line if other.line is not None else into.line
        into.ring |= other.ring
        into.ok = into.ok and other.ok


def present_text(keys: list[str]) -> str:
    """"bc1, wv1, 2× vw": seats once, a role key with its number of persons."""
    return ", ".join(k if n == 1 else f"{n}× {k}" for k, n in Counter(keys).items())


def attendance_keys(plan: Any, counts: Counter[str]) -> list[str]:
    """The stored list: each seat present once, a role key once per person, in plan order;
    keys no longer in the plan kept at the end."""
    out: list[str] = [p.key for p in plan.participants if counts.get(p.key)]
    for r in plan.roles:
        out += [r.key] * counts.get(r.key, 0)
    known = {p.key for p in plan.participants} | {r.key for r in plan.roles}
    for key, n in counts.items():
        if key not in known:
            out += [key] * n
    return out


def _order(e: Entry) -> tuple[int, int]:
    return (e.statement.seq or 10**12, e.statement.id or 10**12)


def _gone(session: int) -> Any:
    """A row whose statement left the view while the record was drawn (shown for one frame)."""
    from facilitator.domain.records import Statement

    return Statement(session=session, step=0, speaker=None, kind="note", text="…")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
