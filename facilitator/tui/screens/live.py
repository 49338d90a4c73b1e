"""The live session screen: agenda and clock, guiding question, capture line,
record, attendance and actions. It renders a headless `LiveSession`
(facilitator.live.session), which owns the session's state, parsing, the
pending queue, saving, edit/delete/undo, attendance and the clock.

Capture first: a printable key, Enter or a paste always reaches the capture
line, whatever has focus (a printable key typed in a panel moves the focus back
and is inserted). No printable key is a command on this screen: panels are
browsed with arrows and PageUp/PageDown and act with F-keys, Ctrl
combinations, Enter (edit a statement) and Del.

Typing never waits for disk: every store mutation goes to the single writer
thread, which reports back with a `JobChanged` message. From the first byte
the terminal sends, keys are kept: lines entered while the store opens, and
clock keys pressed meanwhile, are applied in order once it is open.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from facilitator.live import clock as clockctl
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind, other_seat, seat_check
from facilitator.tui.widgets.agenda import AgendaList
from facilitator.tui.widgets.capture import ENTER_KEYS, CaptureLine, CaptureSuggester, Preview
from facilitator.tui.schedulectl import SCHEDULE_BINDINGS, ScheduleActions
from facilitator.tui.widgets.clock import ClockBar
from facilitator.tui.widgets.countdown import Countdown
from facilitator.tui.widgets.keybar import KeyBar
from facilitator.tui.widgets.prompt import PromptPanel
from facilitator.tui.widgets.record import RecordTable
from facilitator.tui.widgets.sidetabs import SideTabs
from facilitator.i18n import section
from facilitator.tui.context import app_of

TEXT = section("tui.screens.live")

PANELS = ("agenda", "attendance", "actions")
SPOKEN_SLICE = 100  # statements looked at per idle tick (20 a second) for who spoke
SPOKEN_QUIET = 0.5  # seconds without a key before such a tick runs
CLOCK_ACTIONS = {"toggle_clock": "F5", "prev_step": "F6", "next_step": "F7", "end_session": "Ctrl+O"}
# Keys that need a writable session: in the read-only view they say why.
# Keys of the note-taker's seat: on the facilitator's seat they say so.
NOTES_KEYS = {"f9", "f12", "delete", "ctrl+z", "ctrl+t", "ctrl+right", "ctrl+left", "f10"}
SEAT_POLL = 0.25  # seconds between a seat's reads of the other seat's journal (shown within 1 s)
WRITE_KEYS = {"f5", "f6", "f7", "f9", "f12", "delete", "ctrl+z", "ctrl+o", "ctrl+t", "ctrl+right", "ctrl+left", "f10", "f11"}
# The actions that show disabled in the read-only view (and say why).
READONLY_ACTIONS = frozenset({"toggle_clock", "prev_step", "next_step", "end_session", "edit", "delete", "undo",
                              "put_back", "retry_saves", "report"})


def _breakpoint(size: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class Textual's breakpoints give a screen of this size (the largest threshold reached)."""
    reached = [(at, name) for at, name in breakpoints if size >= at]
    return max(reached)[1] if reached else None


class LiveScreen(ScheduleActions, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (160, "-wider")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]
    BINDINGS = [
        bind("f5", "toggle_clock", "live.clock"),
        bind("f6", "prev_step", "live.prev"),
        bind("f7", "next_step", "live.next"),
        bind("ctrl+o", "end_session", "live.end", show=False),
        bind("f2", "panel('agenda')", "live.agenda"),
        bind("f3", "panel('attendance')", "live.attendance"),
        bind("f4", "panel('actions')", "live.actions"),
        bind("f8", "focus_record", "live.record"),
        bind("f9", "edit", "live.edit"),
        bind("f12", "delete", "live.delete"),
        bind("ctrl+z", "undo", "live.undo"),
        bind("ctrl+s", "retry_saves", "live.retry", show=False),
        bind("f10", "put_back", "live.putback", show=False),
        bind("escape", "to_capture", "live.capture", show=False),
        bind("ctrl+r", "report", "live.report", show=False),
        *SCHEDULE_BINDINGS,
    ]
    # Two seats: the actions each seat owns; on the other seat they show disabled and say whose
    # they are (keys.seat_check). The attendance panel's and the record's keys are the notes' too.
    SEAT_ACTIONS = {
        "facilitator": frozenset({"toggle_clock", "prev_step", "next_step", "end_session", "extend", "skip_step",
                                  "move_step"}),
        "notes": frozenset({"edit", "delete", "undo", "put_back"}),
    }
    # F1 groups the keys by binding id (the app's own keys last).
    HELP_GROUPS = (
        ("group.capture", ("capture.", "live.putback", "live.retry", "live.capture")),
        ("group.clock", ("live.clock", "live.prev", "live.next", "live.end", "live.plus5", "live.minus5",
                         "live.skip", "live.earlier", "live.later")),
        ("group.record", ("live.record", "live.edit", "live.delete", "live.undo", "record.")),
        ("group.panels", ("live.agenda", "live.attendance", "live.actions", "live.report")),
        ("group.attendance", ("att.",)),
        ("group.app", ("app.",)),
    )

    def __init__(self, store: Any, session: int | None = None, opener: Any = None):
        """`store` open already, or None and `opener()` opens it: then the screen's
        first frame is drawn before the store opens (in a thread); what is typed
        meanwhile is kept and applied, in order, once it is open."""
        super().__init__()
        self.store = store
        self.opener = opener
        self.live: Any = None  # the LiveSession, once the store is open
        self.early: list[tuple[str, Any, float]] = []  # ("line", text, t) / ("action", name, t) before ready
        self._reloading = False
        self._stamp: tuple = ()
        self._number = session
        self._panels = False
        self._failing = False
        self._quitting = False
        self._last_key = 0.0  # time.monotonic() of the last key or paste (route_key)
        self._seat_keys: frozenset[str] | None = None  # two seats: the other seat's keys (refused_key)
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

    # -- the session's state, for the widgets and tests ----------------------------------

    @property
    def ready(self) -> bool:
        return self.live is not None

    @property
    def held(self) -> list[str]:
        """Lines entered before the store was open (still to be applied)."""
        return [value for kind, value, _t in self.early if kind == "line"]

    @held.setter
    def held(self, lines: list[str]) -> None:
        self.early = [("line", line, 0.0) for line in lines]

    def __getattr__(self, name: str) -> Any:
        # The session's state under the names the screen always had (clock, capture_step,
        # speaker, number, plan, session, entries, editing, theme_keys, writer).
        if name in _FROM_SESSION:
            live = self.__dict__.get("live")
            if live is None:
                raise AttributeError(f"{name}: the session is not open yet")
            return getattr(live, name)
        raise AttributeError(name)

    @property
    def lang(self) -> str:
        return app_of(self).lang

    @property
    def seat(self) -> str | None:
        """The seat this screen writes as, in a two-seat session ("facilitator" / "notes"), else None."""
        live = self.live
        return live.seat if live is not None and not live.readonly else None

    def t(self, name: str, /, **values: object) -> str:
        return tr(TEXT, self.lang, name, **values)

    def now(self) -> float:
        return app_of(self).now()

    @property
    def capture(self) -> CaptureLine:
        return self.query_one("#capture", CaptureLine)

    # -- set-up ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
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
                          on_paste_lines=lambda lines: self.paste_lines(lines),
                          on_cleared=lambda: self.notify(self.t("cleared"), timeout=2),
                          on_recall=lambda: self.action_put_back() if self.live and self.live.rejected else None,
                          suggester=CaptureSuggester(
                              lambda: self.live.plan.speaker_roles().keys() if self.live else (),
                              lambda: [*self.live.theme_keys, *self.live.plan.element_refs()] if self.live else ()))
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
        capture = self.capture
        localise(capture, TEXT, self.lang)
        capture.cursor_blink = app_of(self).cursor_blink
        capture.focus()
        if self.store is not None:
            self._start(self._load(self.store))
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

    def _load(self, store: Any) -> Any:
        from facilitator.live.session import LiveSession

        return LiveSession(store, self._number, self.now)

    def _open(self) -> None:
        """Thread: open the store and read the session, then fill the screen in."""
        try:
            store = self.opener()
        except Exception as exc:  # noqa: BLE001 - the app shows it (locked, damaged, missing)
            self.app.call_from_thread(app_of(self).session_failed, self, exc)
            return
        try:
            live = self._load(store)
        except Exception as exc:  # noqa: BLE001
            store.close()
            self.app.call_from_thread(app_of(self).session_failed, self, exc)
            return
        self._prepare(live)
        import gc

        gc.freeze()  # what was read stays: no Enter waits for a collection passing over it
        self.app.call_from_thread(self._opened, live)

    def _prepare(self, live: Any) -> None:
        """Thread, while the screen waits for the store: what the first full frame needs that
        can be had off the UI thread (the countdown's threshold reads the settings: importing
        pydantic-settings took ~45 ms of the first full frame on the UI thread)."""
        from facilitator.domain import schedule  # noqa: F401 - imported here, not on the UI thread
        from facilitator.domain.schedule import DEFAULT_THRESHOLD, choose_threshold
        from facilitator.tui.schedulectl import warn_setting

        try:
            self._threshold = choose_threshold(None, live.plan.workshop.warn, warn_setting())
        except ValueError:
            self._threshold = DEFAULT_THRESHOLD

    def _opened(self, live: Any) -> None:
        app_of(self).session_opened(live.store)
        if self.is_attached:
            self._start(live)

    def _start(self, live: Any) -> None:
        """The session is open: attach the writer, fill the screen, apply what was typed meanwhile."""
        from facilitator.tui.writer import attach

        self.store = live.store
        if not live.readonly:
            live.writer = attach(live.store, self)
            self.set_interval(app_of(self).retry_interval, self._auto_retry)
        self.live = live
        self._mount_panels()
        self.query_one("#attendance").set_plan(live.plan, live.attendance, live.spoken)  # type: ignore[attr-defined]
        code = live.plan.code_of(live.session)
        self.sub_title = self.t("session_title", code=code, title=live.session.title or "")
        if live.seat is not None:
            self.sub_title += self.t(f"seat.title.{live.seat}")
        self.app.sub_title = self.sub_title
        self._fill_record()
        table = self.query_one("#actions")
        table.call_after_refresh(self._fill_actions)
        capture = self.capture
        if live.readonly:
            capture.disabled = True
            capture.placeholder = self.t("readonly.line", reason=self.t("readonly.reason"))
            self.query_one(Preview).show(self.t("readonly", reason=self.t("readonly.reason")), warning=True)
            self.set_interval(app_of(self).readonly_poll, self._poll_store)
        elif live.seat is not None:
            self._start_seat(live)
        else:
            capture.placeholder = self.t("placeholder.plan", **self.example_keys())
            self._show_preview(capture.value)
        self.set_interval(1.0, self.tick)
        self.refresh_clock()
        self.refresh_bindings()
        early, self.early = self.early, []
        for kind, value, when in early:  # typed while opening, in order
            if kind == "line":
                self._show(live.enter(value))
            else:
                getattr(self, f"action_{value}")(when)
        if early:
            self._show_preview(capture.value)

    def _start_spoken_scan(self) -> None:
        timer = getattr(self, "_spoken_timer", None)
        if timer is not None:
            timer.stop()
        self._spoken_timer = None
        if not self.live.spoken_scanned:
            self._spoken_timer = self.set_interval(0.05, self._scan_spoken)

    def _scan_spoken(self) -> None:
        """When idle after the first frame: who spoke, a slice of the record at a time, for
        the attendance panel's "spoke" marks (nothing at open passes over every statement)."""
        live = self.live
        if live is not None and time.monotonic() - self._last_key < SPOKEN_QUIET:
            return  # someone is typing: later
        if live is None or live.scan_spoken(SPOKEN_SLICE):
            if self._spoken_timer is not None:
                self._spoken_timer.stop()
                self._spoken_timer = None
            if live is not None and self.is_attached:
                panel: Any = self.query_one("#attendance")
                panel.spoken = set(live.spoken)
                panel.set_keys(live.attendance)

    def example_keys(self) -> dict[str, str]:
        """Keys of the open plan for the examples in the placeholder and F1 help:
        its first role, a second role as an action's owner, its first seat and a theme."""
        plan = self.live.plan
        roles = [r.key for r in plan.roles]
        seats = [p.key for p in plan.participants]
        themes = list(self.live.theme_keys) or [t.key for t in plan.themes]
        return {"role": roles[0], "owner": roles[1] if len(roles) > 1 else roles[0],
                "seat": seats[0] if seats else roles[0], "theme": themes[0] if themes else "thema"}

    def on_unmount(self) -> None:
        if self.live is not None and self.live.writer is not None:
            self.live.writer.stop()

    # -- capture first: every printable key, Enter and paste reach the capture line ------

    def route_key(self, event: events.Key | events.Paste) -> bool:
        """Called by the app for every key and paste as it arrives, before it goes to the
        focused widget: a printable key, a paste, or Enter outside the record moves the focus
        to the capture line first (so it and every key after it land there, in order).
        True: a key of the other seat, answered here (the app sends it no further)."""
        self._last_key = time.monotonic()
        if isinstance(event, events.Key) and self.refused_key(event):
            return True
        try:
            capture = self.capture
        except Exception:  # noqa: BLE001 - not composed yet: the key goes to the screen (on_key)
            return False
        focused = self.focused
        if focused is capture or capture.disabled or self.app.screen is not self:
            return False
        if isinstance(event, events.Paste) or (event.is_printable and event.character) or (
                event.key in ENTER_KEYS and not isinstance(focused, RecordTable)):
            self.remove_class("-side")
            self.set_focus(capture)
        return False

    def on_key(self, event: events.Key) -> None:
        """Keys that reached the screen without a widget taking them: sent before anything
        had focus (the first bytes, before the first frame), or from a panel."""
        capture = self.capture
        focused = self.focused
        if focused is capture and not capture.disabled:
            return
        if self.live is not None and self.live.readonly and (event.is_printable or event.key in WRITE_KEYS
                                                             or event.key in ENTER_KEYS):
            event.stop()
            event.prevent_default()
            self.notify(self.t("is_readonly"), severity="warning", timeout=3)
            return
        if self.live is not None and self.live.seat == "facilitator" and (
                event.is_printable or event.key in ENTER_KEYS or event.key in NOTES_KEYS):
            event.stop()
            event.prevent_default()
            self.notify(self.t("seat.notes"), severity="warning", timeout=5)
            return
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self._to_capture_line()
            capture.insert_text_at_cursor(event.character)
        elif event.key in ENTER_KEYS and not isinstance(focused, RecordTable):
            event.stop()
            event.prevent_default()
            self._to_capture_line()
            if capture.value.strip():
                self.submit_line(capture.value)

    def on_paste(self, event: events.Paste) -> None:
        """A paste that reached the screen (a panel had focus): into the capture line."""
        if self.live is not None and self.live.readonly:
            self.notify(self.t("is_readonly"), severity="warning", timeout=3)
            return
        if self.live is not None and self.live.seat == "facilitator":
            self.notify(self.t("seat.notes"), severity="warning", timeout=5)
            return
        event.stop()
        self._to_capture_line()
        self.capture.paste_text(event.text)

    def type_key(self, event: events.Key) -> None:
        """A key typed while a question over this screen was up (dialogs._AskedWhileTyping):
        into the capture line, as if typed there, so nothing typed is lost."""
        capture = self.capture
        if capture.disabled:
            return
        self._to_capture_line()
        if event.is_printable and event.character:
            capture.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            at = capture.cursor_position
            if at > 0:
                capture.value = capture.value[:at - 1] + capture.value[at:]
                capture.cursor_position = at - 1
        elif event.key in ENTER_KEYS and capture.value.strip():
            self.submit_line(capture.value)

    def paste_text(self, text: str) -> None:
        """A paste while a question over this screen was up: into the capture line."""
        if not self.capture.disabled:
            self._to_capture_line()
            self.capture.paste_text(text)

    def _to_capture_line(self) -> None:
        self.remove_class("-side")
        capture = self.capture
        if self.focused is not capture and not capture.disabled:
            self.set_focus(capture)

    def submit_line(self, value: str) -> bool:
        """One Enter on the capture line: the line goes to the session (recorded, or pending);
        the capture line is empty after it (an edit with an error stays)."""
        capture = self.capture
        if self.live is None:
            if value.strip():
                self.early.append(("line", value, self.now()))
                capture.value = ""
                self.query_one(Preview).show(Text(self.t("held", n=len(self.held))), warning=True)
            return True
        change = self.live.enter(value)
        if change.line is None:
            capture.value = ""
        self._show(change)
        return change.ok

    def paste_lines(self, lines: list[str]) -> None:
        """Several pasted lines: each one entered in order (the first merged at the cursor)."""
        lines = [line for line in lines if line.strip()]
        capture = self.capture
        if self.live is None:
            for line in lines:
                self.submit_line(line)
            return
        capture.value = ""
        self._show(self.live.paste(lines))

    # -- rendering a Change ---------------------------------------------------------------

    def _show(self, change: Any) -> None:
        if not self.is_attached:
            return
        live = self.live
        record = self.query_one(RecordTable)
        if change.rebuild:
            self._rebuild_record(change.show)
        else:
            for uid in change.removed:
                record.row_removed(uid)
            if change.added:
                record.rows_added()
            for entry in change.changed:
                if entry.uid in live.entries:
                    record.row_changed(entry.uid)
        if change.actions_added or change.actions_changed or change.actions_removed:
            table: Any = self.query_one("#actions")
            if "*" in change.actions_removed:
                table.clear()
                self._fill_actions()
            else:
                for uid in change.actions_removed:
                    if uid in table.rows:
                        table.remove_row(uid)
                for a in change.actions_added:
                    self._add_action_row(a)
                for a in change.actions_changed:
                    if a.uid in table.rows:
                        table.set_action(a.uid, self._action_text(a), a.state == "failed")
        if change.attendance:
            panel: Any = self.query_one("#attendance")
            panel.spoken = set(live.spoken)
            panel.set_keys(live.attendance)
        if change.failing is not None:
            self.set_class(change.failing, "-failing")
        for n in change.notices:
            self.notify(self.t(n.key, **n.values), severity=n.severity, timeout=n.timeout)  # type: ignore[arg-type]
        if change.ring:
            app_of(self).ring()
        if change.line is not None:
            capture = self.capture
            capture.value = change.line
            capture.cursor_position = len(change.line)
        if change.clock:
            self.refresh_clock()
        self._show_preview(self.capture.value, change.error)

    def _cells(self, entry: Any) -> list[Text]:
        st = entry.statement
        text = f"“{st.text}”" if st.kind == "quote" else st.text
        state = {"saved": "", "pending": self.t_rec("pending"), "failed": self.t_rec("failed"),
                 "error": self.t_rec("failed")}[entry.state]
        return RecordTable.cells(
            offset=clockctl.mmss(st.offset) if st.offset is not None else "", step=str((st.step or 0) + 1),
            role=self._role(st.speaker), seat=self._seat(st.speaker), name=self._local_name(st.speaker), text=text,
            themes=" ".join("#" + t for t in (*st.themes, *st.elements)), key=st.key, quote=st.kind == "quote",
            state=state, failed=entry.state in ("failed", "error"))

    def _seat(self, speaker: str | None) -> str:
        """The seat key beside the role (a participant's own key, not a role's)."""
        return speaker if speaker and self.live.plan.participant(speaker) is not None else ""

    def _local_name(self, speaker: str | None) -> str:
        """The participant's local name beside the seat key: on the note-taker's screen only
        (the projector and every export show roles, never names). Not at the facilitator's
        seat: that screen is the one often projected for the room."""
        if self.live.seat == "facilitator":
            return ""
        participant = self.live.plan.participant(speaker) if speaker else None
        return participant.name or "" if participant is not None else ""

    def t_rec(self, key: str) -> str:
        from facilitator.tui.widgets.record import TEXT as RECORD_TEXT

        return tr(RECORD_TEXT, self.lang, key)

    def _role(self, speaker: str | None) -> str:
        return self.live.role_label(speaker, self.t("unknown"))

    def _fill_record(self) -> None:
        """The newest rows at once: the record asks the session for the rows it draws
        (the session makes a row's entry when first asked), nothing else is read."""
        self._rebuild_record()

    def _rebuild_record(self, show: str | None = None) -> None:
        """Redraw the record in statement order; `show`: the row to put the cursor on
        (an undone delete comes back where it was, and in view)."""
        from facilitator.tui.widgets.record import SourceRows

        self.query_one(RecordTable).show_rows(SourceRows(self.live, self._cells), show=show)
        if not self.live.spoken_scanned and getattr(self, "_spoken_timer", None) is None:
            self._start_spoken_scan()  # after opening, or a reload read the session anew

    def _add_action_row(self, a: Any) -> None:
        table: Any = self.query_one("#actions")
        action = a.action
        table.add_action(a.uid, self._action_text(a), self._role(action.owner) if action.owner else "",
                         " ".join("#" + t for t in action.themes), False)

    def _fill_actions(self) -> None:
        for a in self.live.actions.values():
            self._add_action_row(a)

    def _action_text(self, a: Any) -> str:
        label = a.action.text
        if a.state == "failed":
            return f"{self.t_rec('failed')}: {label}"
        return label if a.state == "saved" else label + " …"

    # -- preview ---------------------------------------------------------------------

    def on_input_changed(self, event: CaptureLine.Changed) -> None:
        if self.live is None or event.input.id != "capture" or self.live.readonly:
            return
        self._show_preview(event.value)

    def _waiting(self) -> str:
        live = self.live
        n = len(live.pending) if live is not None else len(self.held)
        return self.t("pending", n=n) if n else ""

    def _show_preview(self, value: str, error: str | None = None) -> None:
        live = self.live
        if live is None or live.readonly or live.seat == "facilitator":
            return
        from facilitator.domain.capture import CaptureError

        preview = self.query_one(Preview)
        prefix = self.t("preview.edit") if live.editing else ""
        if live.capture_step != live.clock.current_step:
            prefix += self.t("preview.filing", n=live.capture_step + 1)
        if error is not None and not value.strip() and live.rejected is not None:
            # the line just entered waits with its error; the capture line is free for the next
            preview.show(Text(prefix + self.t("rejected", error=live.rejected.render(self.lang)) + self._waiting()), error=True)
            return
        if not value.strip():
            speaker = self.t("speaker", role=self._role(live.speaker)) if live.speaker else self.t("no_speaker")
            if live.rejected is not None:
                preview.show(Text(prefix + self.t("rejected", error=live.rejected.render(self.lang)) + self._waiting()),
                             error=True)
                return
            preview.show(Text(prefix + speaker + "   " + self.t("preview.empty") + self._waiting(), style="dim"))
            return
        try:
            parsed = live.parse(value)
        except CaptureError as exc:
            preview.show(Text(prefix + "✗ " + exc.render(self.lang) + self._waiting()), error=True)
            return
        if error == "need_statement":
            preview.show(Text(prefix + "✗ " + self.t("need_statement")), error=True)
            return
        text, warn = self._describe(parsed)
        preview.show(Text(prefix + text + self._waiting()), warning=warn)

    def _describe(self, parsed: Any) -> tuple[str, bool]:
        from facilitator.domain.capture import ActionLine, AttendanceLine, StatementLine, StepLine
        from facilitator.live.lines import names_in

        live = self.live
        if isinstance(parsed, StatementLine):
            themes = "".join(f" #{t}" for t in (*parsed.themes, *parsed.elements))
            out = self.t("preview.statement", role=self._role(parsed.speaker),
                         kind=self.t(parsed.kind), themes=themes, mark=(" ! " + self.t("key")) if parsed.key else "")
            if parsed.new_themes:
                out += self.t("preview.new", themes=", ".join(parsed.new_themes))
            out += ": " + (f"“{parsed.text}”" if parsed.kind == "quote" else parsed.text)
            names = names_in(parsed.text, live.plan)
            if names:  # the warning first, complete
                return self.t("preview.names", names=", ".join(names)) + "  ·  " + out, True
            from facilitator.domain.recode import line_warnings

            warnings = line_warnings(parsed.kind, parsed.text, parsed.new_themes, live.context().themes, self.lang)
            if warnings:  # almost a quote, a theme one letter off: said before Enter stores it
                return "⚠ " + "; ".join(warnings) + "  ·  " + out, True
            return out, False
        if isinstance(parsed, StepLine):
            return self.t("preview.step", n=parsed.step + 1, title=live.session.agenda[parsed.step].title), False
        if isinstance(parsed, ActionLine):
            owner = f" ({self._role(parsed.owner)})" if parsed.owner else ""
            return self.t("preview.action", owner=owner, text=parsed.text), False
        if isinstance(parsed, AttendanceLine):
            return self.t("preview.attendance", keys=" ".join(parsed.keys)), False
        return self.t("preview.ignored"), False

    # -- the writer ---------------------------------------------------------------------

    def on_job_changed(self, message: Any) -> None:
        if self.live is not None:
            self._render_job(self.live.job_changed(message.job))

    def _render_job(self, change: Any) -> None:
        """A writer report: only what changed (no preview redraw: the user is typing)."""
        if not self.is_attached:
            return
        record = self.query_one(RecordTable)
        for entry in change.changed:
            if entry.uid in self.live.entries:
                record.row_changed(entry.uid)
        table: Any = self.query_one("#actions")
        for a in change.actions_changed:
            if a.uid in table.rows:
                table.set_action(a.uid, self._action_text(a), a.state == "failed")
        if change.failing is not None:
            self.set_class(change.failing, "-failing")
        for n in change.notices:
            self.notify(self.t(n.key, **n.values), severity=n.severity, timeout=n.timeout)  # type: ignore[arg-type]
        if change.ring:
            app_of(self).ring()

    def _auto_retry(self) -> None:
        live = self.live
        if live is not None and live.writer is not None and live.writer.failed:
            live.writer.retry()

    def action_retry_saves(self) -> None:
        if self.live is not None:
            self.live.retry()

    def unsaved(self) -> list[Any]:
        return self.live.unsaved() if self.live is not None else []

    def action_put_back(self) -> None:
        """F10: the rejected line back into the capture line to fix it, or the first unsaved line."""
        if self._writable():
            change = self.live.put_back(not self.capture.value.strip())
            self._show(change)
            self._refocus()

    # -- quitting ------------------------------------------------------------------------

    def quit_guard(self) -> bool:
        """True when it is safe to quit; else asks (and may quit itself). Quitting anyway
        writes everything not saved to the rescue file: the count asked about is what it holds."""
        from facilitator.live import rescue

        if self._quitting:
            return False
        capture_text = self.capture.value
        live = self.live
        if live is None:
            lines = self.held + ([capture_text] if capture_text.strip() else [])
            if not lines:
                return True
            return self._ask_quit(lines, release=None)
        unsaved = self._unsaved_for_quit(capture_text, wait=2.0)
        if unsaved is None:
            return True
        lines, writer = unsaved
        if not rescue.count(lines):
            if writer is not None:
                writer.release()
            return True
        return self._ask_quit(lines, release=writer)

    def _unsaved_for_quit(self, capture_text: str, wait: float) -> tuple[list[str], Any] | None:
        """Quitting (asked, or a signal): the session stops, the saves under way get `wait` s to
        finish; then what is still not saved, as rescue lines, with the writer that now holds
        their jobs (saved once, by the caller's rescue file or after a release). None when
        everything is saved, and in the read-only view."""
        live = self.live
        if live.readonly:
            return None
        writer = live.writer
        live.stop_for_quit()
        if writer is not None:
            writer.wait_idle(wait)
        if not live.has_unsaved(capture_text):
            return None
        jobs = writer.hold() if writer is not None else []
        return live.rescue_lines(capture_text, jobs), writer

    def _ask_quit(self, lines: list[str], release: Any) -> bool:
        from facilitator.live import rescue
        from facilitator.tui.screens.dialogs import ConfirmQuit

        def answer(quit_anyway: bool | None) -> None:
            self._quitting = False
            if quit_anyway:
                try:
                    path = app_of(self).write_rescue(lines, self._slug(), self._number_or_none())
                except OSError as exc:  # disk full too: stay open, the lines are still here
                    self.notify(self.t("rescue_failed", error=exc.strerror or exc), severity="error", timeout=30)
                    if release is not None:
                        release.release()
                    return
                self.app.exit(0, message=f"rescue: {path}" if path else None)
                return
            if release is not None:
                release.release()

        self._quitting = True
        self.app.push_screen(ConfirmQuit(rescue.count(lines)), answer)
        return False

    def _slug(self) -> str | None:
        store = self.live.store if self.live is not None else None
        return store.slug if store is not None else app_of(self).slug

    def _number_or_none(self) -> int | None:
        return self.live.number if self.live is not None else self._number

    def write_rescue(self) -> Path | None:
        """Everything not saved, to a rescue file now (importable syntax)."""
        lines = self.live.rescue_lines(self.capture.value) if self.live is not None else self.held
        return app_of(self).write_rescue(lines, self._slug(), self._number_or_none())

    def rescue_on_signal(self) -> Path | None:
        """SIGHUP or SIGTERM: everything not saved to the rescue file now, as "quit anyway"
        does (the saves under way are waited for a moment first); the app then exits."""
        from facilitator.live import rescue

        capture_text = self.capture.value if self.is_mounted else ""
        live = self.live
        if live is None:
            lines = self.rescue_early()
            return app_of(self).rescue(lines, self._slug(), self._number_or_none()) if lines else None
        unsaved = self._unsaved_for_quit(capture_text, wait=1.0)  # its jobs held until the exit: saved once, here
        if unsaved is None or not rescue.count(unsaved[0]):
            return None
        return app_of(self).write_rescue(unsaved[0], self._slug(), self._number_or_none())

    def rescue_early(self) -> list[str]:
        """The store did not open: what was typed meanwhile, for the rescue file (and forgotten here)."""
        capture_text = self.capture.value if self.is_mounted else ""
        lines = self.held + ([capture_text] if capture_text.strip() else [])
        self.early = []
        if self.is_mounted:
            self.capture.value = ""
        return lines

    # -- record: edit, delete, undo -------------------------------------------------------

    def _selected_uid(self) -> str | None:
        return self.query_one(RecordTable).selected_key()

    def action_focus_record(self) -> None:
        self.remove_class("-side")
        record = self.query_one(RecordTable)
        if record.row_count:
            record.move_cursor(row=record.row_count - 1, animate=False)
        self.set_focus(record)

    def _record_shown(self) -> bool:
        """F9/F12 act on the record's highlighted row only while the record has focus (the row
        is visible). From elsewhere they first focus it, cursor on the last row, and do nothing else."""
        if self.query_one(RecordTable).has_focus:
            return True
        self.action_focus_record()
        return False

    def action_edit(self) -> None:
        if not self._writable() or not self._record_shown():
            return
        uid = self._selected_uid()
        change = self.live.begin_edit(uid or "", self.capture.value)
        self._show(change)
        if change.ok:
            self._refocus()

    def action_delete(self) -> None:
        if not self._writable() or not self._record_shown():
            return
        self._show(self.live.delete(self._selected_uid() or ""))

    def action_undo(self) -> None:
        if self._writable():
            self._show(self.live.undo())

    # -- clock ----------------------------------------------------------------------

    def tick(self) -> None:
        if self.live is not None:
            change = self.live.tick()
            self.refresh_clock()
            for n in change.notices:
                self.notify(self.t(n.key, **n.values), severity=n.severity, timeout=n.timeout)  # type: ignore[arg-type]
            if change.ring:
                app_of(self).ring()

    def refresh_clock(self) -> None:
        from facilitator.domain import schedule

        live = self.live
        if live is None:
            return
        now = self.now()
        clock = live.clock
        step = clock.current_step
        agenda = live.session.agenda
        self.query_one(ClockBar).show(
            state=clockctl.state(clock), step=step, total=len(agenda),
            elapsed=clockctl.step_elapsed(clock, step, now), planned=schedule.minutes(live.session, clock, step),
            session=clockctl.session_elapsed(clock, now), paused=clockctl.session_paused(clock, now),
            schedule=self.schedule_summary(now))
        self.refresh_countdown(now)
        shown = agenda[step]  # the clock's step: the facilitator's view (the filing step is in the preview)
        self.query_one(PromptPanel).show(f"{step + 1}. {shown.title}", shown.prompt, shown.method,
                                         session=self.sub_title)
        self.query_one(AgendaList).show(live.session, clock, now, live.capture_step)

    def _clock_action(self, name: str, when: float | None) -> bool:
        """Clock keys before the store is open wait (applied in order once it is), and say so."""
        if self.live is None:
            self.early.append(("action", name, self.now()))
            self.notify(self.t("wait_open", keyname=CLOCK_ACTIONS[name]), severity="warning", timeout=3)
            return False
        return self._writable()

    def action_toggle_clock(self, when: float | None = None) -> None:
        if self._clock_action("toggle_clock", when):
            self._show(self.live.toggle_clock(when))
            self._refocus()

    def action_prev_step(self, when: float | None = None) -> None:
        if self._clock_action("prev_step", when):
            self._show(self.live.prev_step(when))
            self._refocus()

    def action_next_step(self, when: float | None = None) -> None:
        if self._clock_action("next_step", when):
            self._show(self.live.next_step(when))
            self._refocus()

    def action_end_session(self, when: float | None = None) -> None:
        """Ctrl+O: end the current step, stop the clock (asked first)."""
        if self.live is None:
            self._clock_action("end_session", when)
            return
        if not self._writable() or not self._seat_ok("facilitator"):
            return
        from facilitator.tui.screens.dialogs import ConfirmEnd

        def answer(yes: bool | None) -> None:
            if yes:
                self._show(self.live.end_session())
            self._refocus()

        self.app.push_screen(ConfirmEnd(self.t("end_question")), answer)

    # -- panels and focus ----------------------------------------------------------------

    def action_report(self) -> None:
        """The report screen of this workshop, on the same open store (saves done first)."""
        if not self._writable():
            return
        if self.live.seat is not None:  # the report is written with one seat (its store folds both journals)
            self.notify(self.t("seat.report"), severity="warning", timeout=5)
            return
        if self.live.writer is not None:
            self.live.writer.wait_idle(2.0)
        app_of(self).show_report(self.live.store)

    def action_panel(self, name: str) -> None:
        self._mount_panels()
        for pane in PANELS:
            self.query_one(f"#{pane}").display = pane == name
        self.query_one(SideTabs).show(name)
        self.add_class("-side")
        self.set_focus(self.query_one(f"#{name}"))  # now, not after the keys already queued

    def on_side_tabs_selected(self, event: SideTabs.Selected) -> None:
        self.action_panel(event.name)

    def on_attendance_panel_toggle(self, event: Any) -> None:
        """The attendance panel asks for a change (Ctrl+T, Ctrl+→/←): the session does it, with undo."""
        if not self._writable():
            return
        live = self.live
        if event.delta == 0:
            change = live.toggle_present(event.key)
        else:
            change = live.add_person(event.key, event.delta)
        self._show(change)

    def action_to_capture(self) -> None:
        live = self.live
        if live is not None and live.editing is not None:
            self._show(live.cancel_edit())
        elif live is not None and live.fixing is not None:
            self._show(live.cancel_fix(self.capture.value))
        self.remove_class("-side")
        self._refocus()

    def _refocus(self) -> None:
        capture = self.capture
        if not capture.disabled:
            self.set_focus(capture)

    def _set_clock(self, clock: Any) -> None:
        """A clock changed by the schedule's keys (ScheduleActions): saved through the session."""
        self._show(self.live.set_clock(clock))

    def _readonly(self) -> bool:
        """For ScheduleActions: True (and said why) when nothing can be changed now
        (the note-taker's seat: the schedule is the facilitator's)."""
        return not self._writable() or not self._seat_ok("facilitator")

    def _seat_ok(self, owner: str) -> bool:
        """Two seats: True when this seat owns what a key changes; else says whose it is."""
        refused = self.live._seat_refuses(owner) if self.live is not None else None
        if refused is not None:
            self._show(refused)
            return False
        return True

    def _writable(self) -> bool:
        if self.live is None:
            self.notify(self.t("opening"), severity="warning")
            return False
        if self.live.readonly:
            self.notify(self.t("is_readonly"), severity="warning")
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the read-only view the keys that would change something show disabled, and on
        one seat of two the other seat's keys do (pressed, both say why: `refuse_key`)."""
        if self.live is not None and self.live.readonly and action in READONLY_ACTIONS:
            return None
        return seat_check(self, action)

    def refused_key(self, event: events.Key) -> bool:
        """Two seats: True when `event` is a key of the other seat (shown disabled), wherever the
        focus is; then it says whose the key is (Textual runs no disabled binding, and the key
        would go on to the focused widget: Ctrl+PgUp scrolled the capture line)."""
        if event.is_printable or self.seat is None or event.key not in self._other_seat_keys():
            return False
        if self.app.screen is not self:
            return False
        found = self.active_bindings.get(event.key)
        if found is None or found.enabled or other_seat(found.node, found.binding.action) is None:
            return False
        event.stop()
        event.prevent_default()
        self.refuse_key(found.node, found.binding.action)
        return True

    def _other_seat_keys(self) -> frozenset[str]:
        """The keys bound here or in a panel to an action of the other seat: a first test, so
        that the keys typed on the note-taker's seat (Enter, Backspace) look up no binding."""
        if self._seat_keys is None:
            from textual.binding import BindingsMap

            from facilitator.tui.widgets.attendance import AttendancePanel

            keys: set[str] = set()
            for owner in (type(self), RecordTable, AttendancePanel):
                theirs = {name for seat, names in owner.SEAT_ACTIONS.items() if seat != self.seat for name in names}
                keys.update(key for key, b in BindingsMap(owner.BINDINGS) if b.action.partition("(")[0] in theirs)
            self._seat_keys = frozenset(keys)
        return self._seat_keys

    def refuse_key(self, node: Any, action: str) -> None:
        """A key shown disabled was pressed or chosen in the palette: say why it does nothing here."""
        owner = other_seat(node, action)
        if owner is not None:
            self.notify(self.t(f"seat.{owner}"), severity="warning", timeout=5)
        elif self.live is not None and self.live.readonly:
            self.notify(self.t("is_readonly"), severity="warning", timeout=3)

    def key_mark(self, node: Any, action: str) -> str | None:
        """A few words beside a key that does nothing here (the palette, F1), else None."""
        owner = other_seat(node, action)
        if owner is not None:
            return self.t(f"seat.mark.{owner}")
        if node is self and self.live is not None and self.live.readonly and action.partition("(")[0] in READONLY_ACTIONS:
            return self.t("mark.readonly")
        return None

    # -- following the other process (read-only view, two seats) ---------------------

    def _start_seat(self, live: Any) -> None:
        """One seat of two (facilitator.store.seats): follow the other seat's journal. The
        facilitator's seat shows the record but takes no notes; the note-taker's seat
        captures as usual, its clock keys say they are the facilitator's."""
        capture = self.capture
        if live.seat == "facilitator":
            capture.disabled = True
            capture.placeholder = self.t("seat.facilitator_line")
            self.query_one(Preview).show(Text(self.t("seat.facilitator_preview"), style="dim"))
        else:
            capture.placeholder = self.t("placeholder.plan", **self.example_keys())
            self._show_preview(capture.value)
        self.set_interval(SEAT_POLL, self._poll_store)

    def _poll_store(self) -> None:
        """Read what the other process saved (only the bytes appended to its journal), in a
        thread; the session takes it in on the UI thread (facilitator.live.follow)."""
        if self._reloading or not self.is_attached or self.live is None:
            return
        self._reloading = True
        self.run_worker(self._follow, thread=True, exit_on_error=False)

    def _follow(self) -> None:
        """Thread: poll the journals this process does not write."""
        from facilitator.store.seats import follow

        try:
            result = follow(self.live.store)
        except Exception:  # noqa: BLE001 - mid-write or gone: the next poll tries again
            self._reloading = False
            return
        if result.reset:  # store.db was replaced (a compaction, a restore): read it whole again
            self._reopen()
            return
        if not result.ops:
            self._reloading = False
            return
        try:
            self.app.call_from_thread(self._followed, result.ops)
        except Exception:  # noqa: BLE001 - the app is stopping
            self._reloading = False

    def _followed(self, ops: list[Any]) -> None:
        from facilitator.live.follow import apply

        self._reloading = False
        if not self.is_attached or self.live is None:
            return
        self._show(apply(self.live, ops))
        if self.live.readonly:
            self._said_updated()

    def _said_updated(self) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(self.now()))
        self.query_one(Preview).show(self.t("readonly", reason=self.t("readonly.reason"))
                                     + self.t("updated", time=when), warning=True)

    def _reopen(self) -> None:
        """Thread: open the workshop read-only again (its journal was replaced)."""
        from facilitator.store.workshop import WorkshopStore

        old = self.live.store
        try:
            store = WorkshopStore.open(Path(old.path).parent, old.slug, readonly=True)
        except Exception:  # noqa: BLE001 - mid-write or gone: the next poll tries again
            self._reloading = False
            return
        try:
            self.app.call_from_thread(self._reloaded, store)
        except Exception:  # noqa: BLE001 - the app is stopping
            store.close()
            self._reloading = False

    def _reloaded(self, store: Any) -> None:
        """The new read-only copy is open: show what it holds, close the old one."""
        self._reloading = False
        if not self.is_attached:
            store.close()
            return
        try:
            change = self.live.reload(store)
        except Exception:  # noqa: BLE001 - mid-write: the next poll tries again
            store.close()
            return
        app_of(self).session_opened(store)  # closes the old one
        self.store = store
        self._show(change)
        self._said_updated()


_FROM_SESSION = frozenset({"clock", "capture_step", "speaker", "number", "plan", "session", "entries", "editing",
                           "theme_keys", "writer", "attendance"})
