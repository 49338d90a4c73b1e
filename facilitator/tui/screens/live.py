"""The live session screen: agenda and clock, guiding question, capture line,
record, attendance and actions.

Typing never waits for disk: every store mutation goes to a single writer
thread (facilitator.tui.writer) and shows at once as pending. A failed save is
loud, keeps its text, and is retried until it saves.

`## step` lines only change the step new records are filed under (marked ✎ in
the agenda); the clock and the agenda's current step move with F6/F7 alone, so
catching up on an earlier step never disturbs the timing. F6/F7 also move the
filing step along.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from facilitator.tui import clockctl
from facilitator.tui.i18n import tr
from facilitator.tui.widgets.agenda import AgendaList
from facilitator.tui.widgets.capture import CaptureLine, CaptureSuggester, Preview
from facilitator.tui.schedulectl import SCHEDULE_BINDINGS, ScheduleActions
from facilitator.tui.widgets.clock import ClockBar
from facilitator.tui.widgets.countdown import Countdown
from facilitator.tui.widgets.keybar import KeyBar
from facilitator.tui.widgets.prompt import PromptPanel
from facilitator.tui.widgets.record import RecordTable
from facilitator.tui.widgets.sidetabs import SideTabs
from facilitator.tui.writer import Job, Writer


def _import_domain() -> None:
    """The parser, the records and the session helpers (pydantic, ~100 ms of imports).

    Imported by the thread that opens the store, after the first frame is
    painted; every use of these names comes after the screen is ready.
    """
    global ActionLine, AttendanceLine, CaptureError, Ignored, StatementLine, StepLine, parse_line
    global Action, Statement, format_line, make_context, merge_attendance, names_in, role_label, schedule
    from facilitator.domain import schedule
    from facilitator.domain.capture import (ActionLine, AttendanceLine, CaptureError, Ignored, StatementLine,
                                            StepLine, parse_line)
    from facilitator.domain.records import Action, Statement
    from facilitator.tui.session import format_line, make_context, merge_attendance, names_in, role_label

TEXT = {
    "nl": {
        "key.live.clock": "Start/pauze", "key.live.prev": "Vorige stap", "key.live.next": "Volgende stap",
        "key.live.agenda": "Agenda", "key.live.attendance": "Aanwezig", "key.live.actions": "Acties",
        "key.live.record": "Kies uitspraak", "key.live.edit": "Bewerk uitspraak",
        "key.live.delete": "Verwijder uitspraak", "key.live.undo": "Ongedaan maken",
        "key.live.retry": "Nu opslaan", "key.live.putback": "Niet-opgeslagen terugzetten",
        "key.live.capture": "Naar invoer", "key.live.report": "Rapport",
        "tab.agenda": "Agenda", "tab.attendance": "Aanwezig", "tab.actions": "Acties",
        "placeholder": "…", "placeholder.plan": "{role}: “citaat” #{theme} !   ·   ## 2   ·   actie: … @{owner}   ·   "
        "aanwezig: {seat} {role} {role}",
        "readonly": "ALLEEN LEZEN: {reason}", "readonly.reason": "de workshop is elders geopend",
        "updated": " · bijgewerkt {time}",
        "unknown": "een deelnemer", "quote": "citaat", "note": "notitie", "key": "kernuitspraak",
        "preview.statement": "{role} · {kind}{themes}{mark}", "preview.new": " (nieuw thema: {themes})",
        "preview.step": "→ stap {n}: {title}", "preview.action": "actie{owner}: {text}",
        "preview.attendance": "aanwezig: {keys}", "preview.ignored": "(wordt niet opgeslagen)",
        "preview.names": "⚠ naam van een deelnemer in de tekst: {names}",
        "preview.edit": "BEWERKEN (Esc: annuleren) · ", "preview.filing": "notities bij stap {n} · ", "preview.empty": "rol: tekst #thema !",
        "speaker": "spreker: {role}", "no_speaker": "spreker: -",
        "step_now": "Nu bij stap {n}: {title}", "theme_new": "Nieuw thema aangemaakt: #{theme}",
        "saved_late": "Opgeslagen: {text}", "failed": "NIET OPGESLAGEN: {error}. De tekst blijft bewaard; "
        "opnieuw proberen elke 2 s (Ctrl+S nu, F10 terug in de invoer).",
        "error": "Mislukt: {error}", "time_up": "De tijd voor stap {n} ({title}) is om.",
        "not_saved_yet": "Deze uitspraak is nog niet opgeslagen.", "nothing": "Niets geselecteerd.",
        "nothing_undo": "Niets om ongedaan te maken.", "undone": "Ongedaan gemaakt.",
        "deleted": "Verwijderd (Ctrl+Z: ongedaan maken).", "edited": "Gewijzigd.",
        "need_statement": "Bij bewerken hoort een uitspraak.", "put_back": "Teruggezet in de invoer.",
        "no_unsaved": "Alles is opgeslagen.", "busy_line": "Maak eerst de invoer leeg.",
        "is_readonly": "Alleen lezen: er wordt niets opgeslagen.", "backup_failed": "Reservekopie mislukt: {error}",
        "attendance_set": "Aanwezigheid bijgewerkt.", "present": "Aanwezig: {keys}",
        "opening": "De workshop wordt geopend…",
        "held": "Bewaard, opgeslagen zodra de workshop open is: {n} regel(s)",
        "waiting": "   +{n} geplakte regels wachten",
        "session_title": "{code} · {title}",
        "rescue_failed": "Reddingsbestand NIET geschreven ({error}); de regels blijven hier. Maak ruimte en probeer "
        "opnieuw.",
    },
    "en": {
        "key.live.clock": "Start/pause", "key.live.prev": "Previous step", "key.live.next": "Next step",
        "key.live.agenda": "Agenda", "key.live.attendance": "Attendance", "key.live.actions": "Actions",
        "key.live.record": "Select statement", "key.live.edit": "Edit statement",
        "key.live.delete": "Delete statement", "key.live.undo": "Undo",
        "key.live.retry": "Save now", "key.live.putback": "Put unsaved back",
        "key.live.capture": "To capture line", "key.live.report": "Report",
        "tab.agenda": "Agenda", "tab.attendance": "Present", "tab.actions": "Actions",
        "placeholder": "…", "placeholder.plan": "{role}: “quote” #{theme} !   ·   ## 2   ·   actie: … @{owner}   ·   "
        "aanwezig: {seat} {role} {role}",
        "readonly": "READ-ONLY: {reason}", "readonly.reason": "the workshop is open elsewhere",
        "updated": " · updated {time}",
        "unknown": "a participant", "quote": "quote", "note": "note", "key": "key statement",
        "preview.statement": "{role} · {kind}{themes}{mark}", "preview.new": " (new theme: {themes})",
        "preview.step": "→ step {n}: {title}", "preview.action": "action{owner}: {text}",
        "preview.attendance": "present: {keys}", "preview.ignored": "(not recorded)",
        "preview.names": "⚠ a participant's name in the text: {names}",
        "preview.edit": "EDITING (Esc: cancel) · ", "preview.filing": "notes for step {n} · ", "preview.empty": "role: text #theme !",
        "speaker": "speaker: {role}", "no_speaker": "speaker: -",
        "step_now": "Now at step {n}: {title}", "theme_new": "New theme created: #{theme}",
        "saved_late": "Saved: {text}", "failed": "NOT SAVED: {error}. The text is kept; "
        "retrying every 2 s (Ctrl+S now, F10 back into the line).",
        "error": "Failed: {error}", "time_up": "Time is up for step {n} ({title}).",
        "not_saved_yet": "This statement is not saved yet.", "nothing": "Nothing selected.",
        "nothing_undo": "Nothing to undo.", "undone": "Undone.",
        "deleted": "Deleted (Ctrl+Z: undo).", "edited": "Changed.",
        "need_statement": "Editing needs a statement.", "put_back": "Put back into the capture line.",
        "no_unsaved": "Everything is saved.", "busy_line": "Empty the capture line first.",
        "is_readonly": "Read-only: nothing is saved.", "backup_failed": "Backup failed: {error}",
        "attendance_set": "Attendance updated.", "present": "Present: {keys}",
        "opening": "Opening the workshop…",
        "held": "Kept, saved as soon as the workshop is open: {n} line(s)",
        "waiting": "   +{n} pasted lines waiting",
        "session_title": "{code} · {title}",
        "rescue_failed": "Rescue file NOT written ({error}); the lines stay here. Free some space and try again.",
    },
}

_uids = itertools.count(1)
PANELS = ("agenda", "attendance", "actions")


def _breakpoint(size: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class Textual's breakpoints give a screen of this size (the largest threshold reached)."""
    reached = [(at, name) for at, name in breakpoints if size >= at]
    return max(reached)[1] if reached else None


@dataclass
class Entry:
    uid: str
    statement: Statement
    line: str
    job: Job | None = None  # the unsaved add, None once saved

    @property
    def state(self) -> str:
        return self.job.state if self.job is not None else "saved"


class LiveScreen(ScheduleActions, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]
    BINDINGS = [
        Binding("f5", "toggle_clock", "Start/pauze", id="live.clock"),
        Binding("f6", "prev_step", "Vorige stap", id="live.prev"),
        Binding("f7", "next_step", "Volgende stap", id="live.next"),
        Binding("f2", "panel('agenda')", "Agenda", id="live.agenda"),
        Binding("f3", "panel('attendance')", "Aanwezig", id="live.attendance"),
        Binding("f4", "panel('actions')", "Acties", id="live.actions"),
        Binding("f8", "focus_record", "Kies uitspraak", id="live.record"),
        Binding("f9", "edit", "Bewerk uitspraak", id="live.edit"),
        Binding("f12", "delete", "Verwijder uitspraak", id="live.delete"),
        Binding("ctrl+z", "undo", "Ongedaan maken", id="live.undo"),
        Binding("ctrl+s", "retry_saves", "Nu opslaan", id="live.retry", show=False),
        Binding("f10", "put_back", "Niet-opgeslagen terugzetten", id="live.putback", show=False),
        Binding("escape", "to_capture", "Naar invoer", id="live.capture", show=False),
        Binding("ctrl+r", "report", "Rapport", id="live.report", show=False),
        *SCHEDULE_BINDINGS,
    ]

    def __init__(self, store: Any, session: int | None = None, opener: Any = None):
        """`store` open already, or None and `opener()` opens it: then the screen's
        first frame is drawn before the store opens (in a thread); lines typed
        meanwhile are held and recorded, in order, once it is open."""
        super().__init__()
        self.store = store
        self.opener = opener
        self.ready = False
        self.held: list[str] = []  # lines typed while the store opens, or pasted lines waiting
        self._draining = False
        self._last_error = ""
        self._reloading = False
        self._stamp: tuple = ()
        self.entries: dict[str, Entry] = {}
        self.undo_stack: list[tuple[str, Statement]] = []
        self.editing: str | None = None
        self.draft = ""
        self.writer: Writer | None = None
        self.alarmed: set[int] = set()
        self.failing = False
        self._number = session
        self._panels = False
        self._breakpoint_classes()

    def _breakpoint_classes(self) -> None:
        """Set the size classes (-narrow/-wide, -short/-tall) before the first layout:
        Textual sets them on the first resize, which styled and laid out the screen twice."""
        try:
            width, height = self.app.size
        except Exception:  # noqa: BLE001 - no app running: the first resize sets them
            return
        for size, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS)):
            name = _breakpoint(size, breakpoints)
            if name:
                self.add_class(name, update=False)

    # -- set-up ---------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.app.lang  # type: ignore[attr-defined]

    def t(self, name: str, /, **values: object) -> str:
        return tr(TEXT, self.lang, name, **values)

    def now(self) -> float:
        return self.app.now()  # type: ignore[attr-defined]

    def _load(self, store: Any) -> None:
        _import_domain()
        self.plan = store.plan
        if self._number is None:
            self._number = store.snapshot().next_session(self.now())
        self.number = self._number
        session = self.plan.session(self.number)
        if session is None:
            known = ", ".join(str(s.number) for s in self.plan.sessions)
            raise LookupError(f"no session {self.number} in {store.slug!r} (sessions: {known})")
        self.session = session
        self.clock = store.clock(self.number)
        self.capture_step = self.clock.current_step
        self.statements = store.statements(self.number)
        self.actions = store.actions(self.number)
        self.attendance = store.attendance(self.number)
        self.theme_keys = [t.key for t in store.themes()]
        self.speaker = next((s.speaker for s in reversed(self.statements) if s.speaker), None)
        self.store = store

    def compose(self) -> ComposeResult:
        self.lang_ = self.lang
        with Vertical(id="top"):
            yield ClockBar(self.lang, id="clock")
            with Horizontal(id="top-row"):
                yield Countdown(self.lang, id="countdown", classes="-digits")
                yield PromptPanel(self.lang, id="prompt")
        with Horizontal(id="middle"):
            with Vertical(id="side"):
                yield SideTabs([(name, self.t(f"tab.{name}")) for name in PANELS], "agenda", id="side-tabs")
                yield AgendaList(id="agenda")
            yield RecordTable(self.lang, id="record")
        yield Preview("", id="preview")
        yield CaptureLine(placeholder=self.t("placeholder"), id="capture", select_on_focus=False,
                          on_enter=lambda value: self.submit_line(value),  # looked up per Enter
                          on_paste_lines=self.paste_lines,
                          suggester=CaptureSuggester(lambda: self.plan.speaker_roles().keys() if self.ready else (),
                                                     lambda: [*self.theme_keys, *self.plan.element_refs()]
                                                     if self.ready else ()))
        yield KeyBar()

    def _mount_panels(self) -> None:
        """The side panels not shown at first (attendance, actions: DataTables), mounted
        after the first frame, or when needed first."""
        if self._panels:
            return
        self._panels = True
        from facilitator.tui.widgets.actions import ActionsTable
        from facilitator.tui.widgets.attendance import AttendancePanel

        attendance = AttendancePanel(None, self.lang, [], id="attendance")
        actions = ActionsTable(self.lang, id="actions")
        attendance.display = actions.display = False
        self.query_one("#side").mount(attendance, actions)

    def on_mount(self) -> None:
        from facilitator.tui.keys import localise

        localise(self, TEXT, self.lang)
        from facilitator.tui import schedulectl

        localise(self, schedulectl.TEXT, self.lang)
        capture = self.query_one(CaptureLine)
        capture.cursor_blink = getattr(self.app, "cursor_blink", True)
        capture.focus()
        if self.store is not None:
            self._load(self.store)
            self._ready()
        else:
            self.query_one(Preview).show(Text(self.t("opening"), style="dim"))
            self.app.call_later(self.call_after_refresh, self._after_first_frame)

    def _after_first_frame(self) -> None:
        """After the first frame is painted: open the store (a thread), mount the hidden panels.

        `call_after_refresh` alone is not enough: while the app starts it holds a
        batch (nothing painted) and the screen runs such callbacks at once. The
        app's own queue is only read once that batch is over, so going through
        `app.call_later` first puts this after the first painted frame."""
        self.run_worker(self._open, thread=True, exit_on_error=False)
        self._mount_panels()

    def _open(self) -> None:
        """Thread: open the store and read the session, then fill the screen in."""
        try:
            store = self.opener()
        except Exception as exc:  # noqa: BLE001 - the app shows it (locked, damaged, missing)
            self.app.call_from_thread(self.app.session_failed, self, exc)  # type: ignore[attr-defined]
            return
        try:
            self._load(store)
        except Exception as exc:  # noqa: BLE001
            store.close()
            self.app.call_from_thread(self.app.session_failed, self, exc)  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._opened)

    def _opened(self) -> None:
        self.app.session_opened(self.store)  # type: ignore[attr-defined]
        if self.is_attached:
            self._ready()

    def _ready(self) -> None:
        self.ready = True
        self._mount_panels()
        self.query_one("#attendance").set_plan(  # type: ignore[attr-defined]
            self.plan, self.attendance, {s.speaker for s in self.statements if s.speaker})
        code = self.plan.code_of(self.session)
        self.sub_title = self.t("session_title", code=code, title=self.session.title or "")
        self.app.sub_title = self.sub_title
        self._fill_record()
        table = self.query_one("#actions")
        table.call_after_refresh(self._fill_actions)
        capture = self.query_one(CaptureLine)
        capture.placeholder = self.t("placeholder.plan", **self.example_keys())
        if self.store.readonly:
            capture.disabled = True
            self.query_one(Preview).show(self.t("readonly", reason=self.t("readonly.reason")), warning=True)
            self._stamp = self._files_stamp()
            self.set_interval(getattr(self.app, "readonly_poll", 2.0), self._poll_store)
        else:
            loop = asyncio.get_running_loop()
            self.writer = Writer(lambda job: loop.call_soon_threadsafe(self._job_changed, job))
            interval = getattr(self.app, "retry_interval", 2.0)
            self.set_interval(interval, self._auto_retry)
            self._show_preview("")
        self.set_interval(1.0, self.tick)
        self.refresh_clock()
        self._drain()  # lines typed while opening, in order

    def example_keys(self) -> dict[str, str]:
        """Keys of the open plan for the examples in the placeholder and F1 help:
        its first role, a second role as an action's owner, its first seat and a theme."""
        roles = [r.key for r in self.plan.roles]
        seats = [p.key for p in self.plan.participants]
        themes = list(self.theme_keys) or [t.key for t in self.plan.themes]
        return {"role": roles[0], "owner": roles[1] if len(roles) > 1 else roles[0],
                "seat": seats[0] if seats else roles[0], "theme": themes[0] if themes else "thema"}

    # -- read-only: follow the copy that writes -------------------------------------

    def _files_stamp(self) -> tuple:
        """Size and mtime of the workshop's files: changes when the writing copy saves."""
        try:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                                for e in Path(self.store.path).iterdir() if e.is_file()))
        except OSError:
            return ()

    def _poll_store(self) -> None:
        if self._reloading or not self.is_attached:
            return
        stamp = self._files_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self._reloading = True
        self.run_worker(self._reopen, thread=True, exit_on_error=False)

    def _reopen(self) -> None:
        """Thread: open the workshop read-only again and read this session."""
        from facilitator.store.workshop import WorkshopStore

        try:
            store = WorkshopStore.open(Path(self.store.path).parent, self.store.slug, readonly=True)
        except Exception:  # noqa: BLE001 - mid-write or gone: the next poll tries again
            self._stamp = ()
            self._reloading = False
            return
        try:
            data = (store.statements(self.number), store.actions(self.number), store.attendance(self.number),
                    store.clock(self.number), [t.key for t in store.themes()])
        except Exception:  # noqa: BLE001
            store.close()
            self._stamp = ()
            self._reloading = False
            return
        self.app.call_from_thread(self._reloaded, store, data)

    def _reloaded(self, store: Any, data: tuple) -> None:
        """The new read-only copy is open: show what it holds, close the old one."""
        self._reloading = False
        if not self.is_attached:
            store.close()
            return
        statements, actions, attendance, clock, themes = data
        self.app.session_opened(store)  # type: ignore[attr-defined]  # closes the old one
        self.store = store
        self.statements, self.actions, self.attendance, self.clock, self.theme_keys = (
            statements, actions, attendance, clock, themes)
        self.capture_step = clock.current_step
        self.entries = {}
        record = self.query_one(RecordTable)
        record.clear()
        for st in statements:
            entry = Entry(f"s{next(_uids)}", st, "")
            self.entries[entry.uid] = entry
            record.add_entry(entry.uid, self._cells(entry))
        table: Any = self.query_one("#actions")
        table.clear()
        self._fill_actions()
        panel: Any = self.query_one("#attendance")
        panel.set_keys(attendance)
        for st in statements:
            panel.add_spoken(st.speaker)
        self.refresh_clock()
        import time

        when = time.strftime("%H:%M:%S", time.localtime(self.now()))
        self.query_one(Preview).show(self.t("readonly", reason=self.t("readonly.reason"))
                                     + self.t("updated", time=when), warning=True)

    def _fill_record(self) -> None:
        record = self.query_one(RecordTable)
        for st in self.statements:
            entry = Entry(f"s{next(_uids)}", st, "")
            self.entries[entry.uid] = entry
            record.add_row(*self._cells(entry), key=entry.uid)
        if record.row_count:
            record.call_after_refresh(record.move_cursor, row=record.row_count - 1)

    def _fill_actions(self) -> None:
        table: Any = self.query_one("#actions")
        for a in self.actions:
            table.add_action(f"a{next(_uids)}", a.text, self._role(a.owner) if a.owner else "",
                             " ".join("#" + t for t in a.themes), False)

    def on_unmount(self) -> None:
        if self.writer is not None:
            self.writer.stop()

    # -- clock ----------------------------------------------------------------------

    def tick(self) -> None:
        if not self.ready:
            return
        self.refresh_clock()
        if clockctl.state(self.clock) != "running":
            return
        step = self.clock.current_step
        planned = schedule.minutes(self.session, self.clock, step)  # after +5/-5
        elapsed = clockctl.step_elapsed(self.clock, step, self.now())
        if elapsed > planned * 60 and step not in self.alarmed:
            self.alarmed.add(step)
            self.notify(self.t("time_up", n=step + 1, title=self.session.agenda[step].title),
                        severity="warning", timeout=10)
            self.app.ring()  # type: ignore[attr-defined]

    def refresh_clock(self) -> None:
        now = self.now()
        step = self.clock.current_step
        agenda = self.session.agenda
        self.query_one(ClockBar).show(
            state=clockctl.state(self.clock), step=step, total=len(agenda),
            elapsed=clockctl.step_elapsed(self.clock, step, now), planned=schedule.minutes(self.session, self.clock, step),
            session=clockctl.session_elapsed(self.clock, now), schedule=self.schedule_summary(now))
        self.refresh_countdown(now)
        shown = agenda[step]  # the clock's step: the facilitator's view (the filing step is in the preview)
        self.query_one(PromptPanel).show(f"{step + 1}. {shown.title}", shown.prompt, shown.method,
                                         session=self.sub_title)
        self.query_one(AgendaList).show(self.session, self.clock, now, self.capture_step)

    def _set_clock(self, clock: Any) -> None:
        first = self.clock.started_at is None and clock.started_at is not None
        self.clock = clock
        self.capture_step = clock.current_step
        if not self.store.readonly:
            self._show_preview(self.query_one(CaptureLine).value)
        if self.writer is not None:
            if first:
                self._submit(Job(self._backup, kind="backup"))
            self._submit(Job(lambda c=clock: self.store.save_clock(c), kind="clock"))
        self.refresh_clock()

    def _backup(self) -> str | None:
        try:
            self.store.backup()
        except Exception as exc:  # noqa: BLE001 - a backup never blocks the saves behind it
            return str(exc) or type(exc).__name__
        return None

    def action_toggle_clock(self) -> None:
        if self._readonly():
            return
        self._set_clock(clockctl.toggle(self.clock, self.now()))
        self._refocus()

    def _goto(self, step: int) -> None:
        if self._readonly():
            return
        clock = clockctl.goto(self.clock, step, self.now(), len(self.session.agenda))
        self._set_clock(clock)
        s = self.session.agenda[clock.current_step]
        self.notify(self.t("step_now", n=clock.current_step + 1, title=s.title), timeout=3)
        self._refocus()

    def action_prev_step(self) -> None:
        """The step before in the running order (moves and skips recorded in the clock)."""
        if self.ready:
            step = schedule.prev_step(self.session, self.clock)
            self._goto(self.clock.current_step if step is None else step)
        else:
            self._readonly()

    def action_next_step(self) -> None:
        if self.ready:
            step = schedule.next_step(self.session, self.clock)
            self._goto(self.clock.current_step if step is None else step)
        else:
            self._readonly()

    # -- capture --------------------------------------------------------------------

    def context(self) -> Any:
        """The parser's context. While editing, no sticky speaker: an edited line
        gets the speaker it names (a statement of an unknown participant stays so)."""
        speaker = None if self.editing is not None else self.speaker
        return make_context(self.plan, self.theme_keys, self.session, speaker, self.capture_step)

    def on_input_changed(self, event: CaptureLine.Changed) -> None:
        if not self.ready:
            return
        if event.input.id == "capture" and not self.store.readonly:
            self._show_preview(event.value)

    def _show_preview(self, value: str) -> None:
        preview = self.query_one(Preview)
        prefix = self.t("preview.edit") if self.editing else ""
        if self.capture_step != self.clock.current_step:
            prefix += self.t("preview.filing", n=self.capture_step + 1)
        speaker = self.t("speaker", role=self._role(self.speaker)) if self.speaker else self.t("no_speaker")
        if not value.strip():
            preview.show(Text(prefix + speaker + "   " + self.t("preview.empty"), style="dim"))
            return
        try:
            parsed = parse_line(value, self.context())
        except CaptureError as exc:
            preview.show(Text(prefix + "✗ " + exc.message + self._waiting()), error=True)
            return
        text, warn = self._describe(parsed)
        preview.show(Text(prefix + text + self._waiting()), warning=warn)

    def _describe(self, parsed: Any) -> tuple[str, bool]:
        if isinstance(parsed, StatementLine):
            themes = "".join(f" #{t}" for t in (*parsed.themes, *parsed.elements))
            out = self.t("preview.statement", role=self._role(parsed.speaker),
                         kind=self.t(parsed.kind), themes=themes, mark=(" ! " + self.t("key")) if parsed.key else "")
            if parsed.new_themes:
                out += self.t("preview.new", themes=", ".join(parsed.new_themes))
            out += ": " + (f"“{parsed.text}”" if parsed.kind == "quote" else parsed.text)
            names = names_in(parsed.text, self.plan)
            if names:  # the warning first, complete
                return self.t("preview.names", names=", ".join(names)) + "  ·  " + out, True
            from facilitator.domain.recode import line_warnings

            warnings = line_warnings(parsed.kind, parsed.text, parsed.new_themes, self.context().themes, self.lang)
            if warnings:  # almost a quote, a theme one letter off: said before Enter stores it
                return "⚠ " + "; ".join(warnings) + "  ·  " + out, True
            return out, False
        if isinstance(parsed, StepLine):
            return self.t("preview.step", n=parsed.step + 1, title=self.session.agenda[parsed.step].title), False
        if isinstance(parsed, ActionLine):
            owner = f" ({self._role(parsed.owner)})" if parsed.owner else ""
            return self.t("preview.action", owner=owner, text=parsed.text), False
        if isinstance(parsed, AttendanceLine):
            return self.t("preview.attendance", keys=" ".join(parsed.keys)), False
        return self.t("preview.ignored"), False

    def on_input_submitted(self, event: CaptureLine.Submitted) -> None:
        if event.input.id != "capture":
            return
        event.stop()
        self.submit_line(event.value)

    def paste_lines(self, lines: list[str]) -> None:
        """Several pasted lines: each one recorded in order, as if typed and entered.
        At the first line with an error, that line goes into the capture line with
        its error, and the lines after it wait until it is fixed and entered."""
        lines = [line for line in lines if line.strip()]
        if not self.ready:
            for line in lines:
                self.submit_line(line)
            return
        self.held = lines + self.held
        self._drain()

    def _drain(self) -> None:
        """Record the held lines (typed while opening, or pasted) in order, up to the first error."""
        if self._draining:
            return
        self._draining = True
        try:
            while self.held and self.ready:
                line = self.held.pop(0)
                if not self.submit_line(line):
                    capture = self.query_one(CaptureLine)
                    capture.value = line
                    capture.cursor_position = len(line)
                    self._show_error(self._last_error)
                    return
        finally:
            self._draining = False

    def _waiting(self) -> str:
        return self.t("waiting", n=len(self.held)) if self.ready and self.held else ""

    def _show_error(self, message: str) -> None:
        self._last_error = message
        self.query_one(Preview).show(Text("✗ " + message + self._waiting()), error=True)

    def submit_line(self, value: str) -> bool:
        """Record one capture line; False (and the line kept) on an error."""
        if not self.ready:
            if value.strip():
                self.held.append(value)
                self.query_one(CaptureLine).value = ""
                self.query_one(Preview).show(Text(self.t("held", n=len(self.held))), warning=True)
            return True
        if self._readonly():
            return False
        capture = self.query_one(CaptureLine)
        try:
            parsed = parse_line(value, self.context())
        except CaptureError as exc:
            self._show_error(exc.message)
            self.app.ring()  # type: ignore[attr-defined]
            return False
        if self.editing is not None:
            if not isinstance(parsed, StatementLine):
                self._show_error(self.t("need_statement"))
                return False
            self._finish_edit(parsed, value)
            self._drain()
            return True
        capture.value = ""
        if isinstance(parsed, StatementLine):
            self._add_themes(parsed.new_themes)
            self._add_statement(parsed, value)
        elif isinstance(parsed, StepLine):
            self.capture_step = parsed.step
            self.refresh_clock()
        elif isinstance(parsed, ActionLine):
            self._add_themes(parsed.new_themes)
            self._add_action(parsed, value)
        elif isinstance(parsed, AttendanceLine):
            keys = merge_attendance(self.plan, self.attendance, parsed.keys)
            self._set_attendance(keys)
            self.query_one("#attendance").set_keys(keys)  # type: ignore[attr-defined]
            self.notify(self.t("present", keys=self._present_text(keys)), timeout=3)
        self._show_preview("")
        self._drain()  # pasted lines waiting behind this one
        return True

    def _add_themes(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            if key in self.theme_keys:
                continue
            self.theme_keys.append(key)
            self._submit(Job(lambda k=key: self.store.add_theme(k), text=f"#{key}", kind="theme"))
            self.notify(self.t("theme_new", theme=key), timeout=4)

    def _offset(self) -> float | None:
        if self.clock.started_at is None:
            return None
        return max(0.0, self.now() - self.clock.started_at)

    def _add_statement(self, parsed: StatementLine, line: str) -> None:
        st = Statement(session=self.number, step=self.capture_step, speaker=parsed.speaker, kind=parsed.kind,
                       text=parsed.text, themes=list(parsed.themes), elements=list(parsed.elements), key=parsed.key,
                       offset=self._offset())
        if parsed.explicit_speaker:
            self.speaker = parsed.speaker
        entry = Entry(f"s{next(_uids)}", st, line)
        entry.job = Job(lambda: self.store.add_statement(entry.statement), text=line, kind="statement", tag=entry)
        self.entries[entry.uid] = entry
        self.query_one(RecordTable).add_entry(entry.uid, self._cells(entry))
        self.query_one("#attendance").add_spoken(st.speaker)  # type: ignore[attr-defined]
        self._submit(entry.job)

    def _add_action(self, parsed: ActionLine, line: str) -> None:
        action = Action(session=self.number, step=self.capture_step, text=parsed.text, owner=parsed.owner,
                        themes=list(parsed.themes))
        uid = f"a{next(_uids)}"
        self.actions.append(action)
        table: Any = self.query_one("#actions")
        table.add_action(uid, action.text, self._role(action.owner) if action.owner else "",
                         " ".join("#" + t for t in action.themes), True)
        self._submit(Job(lambda: self.store.add_action(action), text=line, kind="action", tag=uid))

    @staticmethod
    def _present_text(keys: list[str]) -> str:
        """"bc1, wv1, 2× vw": seats once, a role key with its number of persons."""
        from collections import Counter

        return ", ".join(k if n == 1 else f"{n}× {k}" for k, n in Counter(keys).items())

    def _set_attendance(self, keys: list[str]) -> None:
        self.attendance = list(keys)
        self._submit(Job(lambda k=list(keys): self.store.set_attendance(self.number, k), kind="attendance"))

    def on_attendance_panel_changed(self, event: Any) -> None:
        if self._readonly():
            return
        self._set_attendance(event.keys)

    # -- saving ---------------------------------------------------------------------

    def _submit(self, job: Job) -> None:
        if self.writer is not None:
            self.writer.submit(job)

    def _job_changed(self, job: Job) -> None:
        if not self.is_attached:
            return
        if job.kind == "backup":
            if job.result:
                self.notify(self.t("backup_failed", error=job.result), severity="warning")
            return
        if job.state == "failed":
            if not self.failing:
                self.failing = True
                self.notify(self.t("failed", error=job.error), severity="error", timeout=15)
                self.app.ring()  # type: ignore[attr-defined]
                self.add_class("-failing")
        elif job.state == "error":
            self.notify(self.t("error", error=job.error), severity="error", timeout=10)
        elif job.state == "saved" and self.failing and self.writer is not None and not self.writer.failed:
            self.failing = False
            self.remove_class("-failing")
            self.notify(self.t("saved_late", text=job.text or job.kind), timeout=5)
        if job.kind == "statement":
            entry: Entry = job.tag
            if job.state == "saved":
                entry.statement = job.result
                entry.job = None
            if entry.uid in self.entries:
                self.query_one(RecordTable).set_entry(entry.uid, self._cells(entry))
        elif job.kind == "action":
            table: Any = self.query_one("#actions")
            text = self._action_text(job)
            if job.tag in table.rows:
                table.set_action(job.tag, text, job.state == "failed")

    def _action_text(self, job: Job) -> str:
        label = job.text.split(":", 1)[1].strip() if ":" in job.text else job.text
        if job.state == "failed":
            return f"{self.t('failed', error=job.error).split(':')[0]}: {label}"
        return label if job.state == "saved" else label + " …"

    def _auto_retry(self) -> None:
        if self.writer is not None and self.writer.failed:
            self.writer.retry()

    def action_retry_saves(self) -> None:
        if self.writer is not None:
            self.writer.retry()

    def unsaved(self) -> list[Job]:
        return self.writer.unsaved() if self.writer is not None else []

    def action_put_back(self) -> None:
        """Take the first unsaved line out of the queue and back into the capture line."""
        capture = self.query_one(CaptureLine)
        for job in self.unsaved():
            if job.kind not in ("statement", "action") or not job.text:
                continue
            if capture.value.strip():
                self.notify(self.t("busy_line"), severity="warning")
                return
            if self.writer is not None and self.writer.cancel(job):
                if job.kind == "statement":
                    entry = job.tag
                    self.entries.pop(entry.uid, None)
                    self.query_one(RecordTable).remove_row(entry.uid)
                else:
                    table: Any = self.query_one("#actions")
                    if job.tag in table.rows:
                        table.remove_row(job.tag)
                capture.value = job.text
                capture.cursor_position = len(job.text)
                self.notify(self.t("put_back"))
                if self.writer is not None and not self.writer.failed:
                    self.failing = False
                    self.remove_class("-failing")
                self._refocus()
                return
        self.notify(self.t("no_unsaved"))

    def quit_guard(self) -> bool:
        """True when it is safe to quit; else asks (and may quit itself)."""
        if self.held and not self.ready:
            return False  # typed while opening: saved as soon as the store is open
        if self.writer is None:
            return True
        self.writer.wait_idle(2.0)
        jobs = [j for j in self.unsaved()] + list(self.held)  # held: pasted lines waiting
        if not jobs:
            return True
        from facilitator.tui.screens.dialogs import ConfirmQuit

        def answer(quit_anyway: bool | None) -> None:
            if quit_anyway:
                try:
                    path = self.write_rescue()
                except OSError as exc:  # disk full too: stay open, the lines are still here
                    self.notify(self.t("rescue_failed", error=exc.strerror or exc), severity="error", timeout=30)
                    return
                self.app.exit(0, message=f"rescue: {path}" if path else None)

        self.app.push_screen(ConfirmQuit(len(jobs)), answer)
        return False

    def write_rescue(self) -> Path | None:
        """Write the unsaved lines to a text file in the data directory (importable syntax)."""
        lines = [j.text for j in self.unsaved() if j.text and j.kind in ("statement", "action")] + self.held
        return self.app.write_rescue(lines, self.store.slug, self.number)  # type: ignore[attr-defined]

    # -- record: edit, delete, undo -------------------------------------------------------

    def _role(self, speaker: str | None) -> str:
        return role_label(self.plan, speaker, self.t("unknown"))

    def _cells(self, entry: Entry) -> list[Text]:
        st = entry.statement
        text = f"“{st.text}”" if st.kind == "quote" else st.text
        state = {"saved": "", "pending": self.t_rec("pending"), "failed": self.t_rec("failed"),
                 "error": self.t_rec("failed")}[entry.state]
        return self.query_one(RecordTable).cells(
            offset=clockctl.mmss(st.offset) if st.offset is not None else "", step=str((st.step or 0) + 1),
            role=self._role(st.speaker), text=text,
            themes=" ".join("#" + t for t in (*st.themes, *st.elements)) + (" !" if st.key else ""),
            state=state, failed=entry.state in ("failed", "error"))

    def t_rec(self, key: str) -> str:
        from facilitator.tui.widgets.record import TEXT as RECORD_TEXT

        return tr(RECORD_TEXT, self.lang, key)

    def _selected(self) -> Entry | None:
        uid = self.query_one(RecordTable).selected_key()
        entry = self.entries.get(uid) if uid else None
        if entry is None:
            self.notify(self.t("nothing"), severity="warning")
        return entry

    def action_focus_record(self) -> None:
        self.remove_class("-side")
        record = self.query_one(RecordTable)
        if record.row_count:
            record.move_cursor(row=record.row_count - 1, animate=False)
        record.focus()

    def _record_shown(self) -> bool:
        """F9/F12 act on the record's highlighted row only while the record has focus (the row
        is visible). From elsewhere they first focus it, cursor on the last row, and do nothing else."""
        if self.query_one(RecordTable).has_focus:
            return True
        self.action_focus_record()
        return False

    def action_edit(self) -> None:
        if self._readonly() or not self._record_shown():
            return
        entry = self._selected()
        if entry is None:
            return
        if entry.statement.id is None:
            self.notify(self.t("not_saved_yet"), severity="warning")
            return
        capture = self.query_one(CaptureLine)
        if self.editing is None:
            self.draft = capture.value
        self.editing = entry.uid
        capture.value = format_line(entry.statement)
        capture.cursor_position = len(capture.value)
        self._refocus()

    def _finish_edit(self, parsed: StatementLine, line: str) -> None:
        entry = self.entries.get(self.editing or "")
        self.editing = None
        capture = self.query_one(CaptureLine)
        capture.value = self.draft
        self.draft = ""
        if entry is None:
            return
        old = entry.statement
        new = old.model_copy(update={"speaker": parsed.speaker, "kind": parsed.kind, "text": parsed.text,
                                     "themes": list(parsed.themes), "elements": list(parsed.elements),
                                     "key": parsed.key})
        self._add_themes(parsed.new_themes)
        entry.statement = new
        self.undo_stack.append(("edit", old))
        self._submit(Job(lambda: self.store.update_statement(new), text=line, kind="update"))
        self.query_one(RecordTable).set_entry(entry.uid, self._cells(entry))
        self.notify(self.t("edited"), timeout=2)
        self._show_preview(capture.value)

    def action_delete(self) -> None:
        if self._readonly() or not self._record_shown():
            return
        entry = self._selected()
        if entry is None:
            return
        st = entry.statement
        if st.id is None:
            self.notify(self.t("not_saved_yet"), severity="warning")
            return
        del self.entries[entry.uid]
        self.query_one(RecordTable).remove_row(entry.uid)
        self.undo_stack.append(("delete", st))
        self._submit(Job(lambda i=st.id: self.store.delete_statement(i), text=format_line(st), kind="delete"))
        self.notify(self.t("deleted"), timeout=3)

    def action_undo(self) -> None:
        if self._readonly():
            return
        if not self.undo_stack:
            self.notify(self.t("nothing_undo"))
            return
        kind, st = self.undo_stack.pop()
        if kind == "edit":
            for entry in self.entries.values():
                if entry.statement.id == st.id:
                    entry.statement = st
                    self.query_one(RecordTable).set_entry(entry.uid, self._cells(entry))
            self._submit(Job(lambda: self.store.update_statement(st), text=format_line(st), kind="update"))
        else:
            entry = Entry(f"s{next(_uids)}", st, format_line(st))
            self.entries[entry.uid] = entry
            self._submit(Job(lambda: self.store.restore_statement(st), text=entry.line, kind="restore"))
            self._rebuild_record(show=entry.uid)
        self.notify(self.t("undone"), timeout=2)

    def _rebuild_record(self, show: str | None = None) -> None:
        """Redraw the record in statement order; `show`: the row to put the cursor on
        (an undone delete comes back where it was, and in view)."""
        ordered = sorted(self.entries.values(), key=lambda e: (e.statement.seq or 10**9, e.statement.id or 10**9))
        self.entries = {e.uid: e for e in ordered}
        record = self.query_one(RecordTable)
        record.clear()
        for e in ordered:
            record.add_row(*self._cells(e), key=e.uid)
        if show is not None and show in record.index:
            record.move_cursor(row=record.index[show])
        elif record.row_count:
            record.move_cursor(row=record.row_count - 1)

    # -- panels and focus ----------------------------------------------------------------

    def action_report(self) -> None:
        """The report screen of this workshop, on the same open store (saves done first)."""
        if self._readonly():
            return
        if self.writer is not None:
            self.writer.wait_idle(2.0)
        self.app.show_report(self.store)  # type: ignore[attr-defined]

    def action_panel(self, name: str) -> None:
        self._mount_panels()
        for pane in PANELS:
            self.query_one(f"#{pane}").display = pane == name
        self.query_one(SideTabs).show(name)
        self.add_class("-side")
        self.query_one(f"#{name}").focus()

    def on_side_tabs_selected(self, event: SideTabs.Selected) -> None:
        self.action_panel(event.name)

    def action_to_capture(self) -> None:
        if self.editing is not None:
            self.editing = None
            capture = self.query_one(CaptureLine)
            capture.value = self.draft
            self.draft = ""
            self._show_preview(capture.value)
        self.remove_class("-side")
        self._refocus()

    def _refocus(self) -> None:
        capture = self.query_one(CaptureLine)
        if not capture.disabled:
            capture.focus()

    def _readonly(self) -> bool:
        if not self.ready:
            self.notify(self.t("opening"), severity="warning")
            return True
        if self.store.readonly:
            self.notify(self.t("is_readonly"), severity="warning")
            return True
        return False
