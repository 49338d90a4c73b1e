"""The projector view (`facilitator show SLUG`): a read-only, full-screen view for the
participants. The session's title, the schedule (planned, expected end, behind or
ahead), the countdown of the current step with its guiding question, what comes
next and the steps after it. Never a statement, a name or a seat key: it reads only
the plan and the session's clock (facilitator.store.follow), and the plan's texts
pass through facilitator.domain.room.public.

It follows the process that runs the session: every POLL seconds it looks at the
store's file (a stat) and, when it changed, reads in a thread what was appended
since the last read (facilitator.store.follow.RoomFollower: the workshop stays open
read-only; a compaction or a restore opens it again).
No key types or changes anything; Ctrl+Q quits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from facilitator.tui.i18n import tr
from facilitator.tui.widgets.countdown import Countdown
from facilitator.i18n import section

POLL = 0.2  # seconds between looks at the store's file

TEXT = section("tui.screens.projector")


class ProjectorScreen(Screen):
    AUTO_FOCUS = None

    def __init__(self, data_dir: Path, slug: str, session: int | None = None, *, lang: str = "nl",
                 warn: str | None = None, now: Callable[[], float] = time.time, tz: dt.tzinfo | None = None,
                 poll: float = POLL):
        super().__init__()
        self.data_dir = Path(data_dir)
        self.slug = slug
        self.fixed_session = session
        self.lang = lang
        self.warn = warn
        self.now = now
        self.tz = tz
        self.poll = poll
        self.read: Any = None  # the last facilitator.store.follow.RoomRead
        self.threshold: Any = None
        self.reads = 0  # reads completed, for tests and the benchmark
        self.shown_at: float | None = None  # time.monotonic() of the last redraw after a read
        self._reading = False
        self._stamp: Any = None
        self._error: str | None = None
        self._follower: Any = None  # facilitator.store.follow.RoomFollower, used by one worker at a time

    def t(self, key: str, /, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        yield Static(self.t("loading"), id="pj-session")
        yield Static("", id="pj-schedule")
        yield Countdown(self.lang, id="pj-countdown")
        yield Static("", id="pj-next")
        yield Static("", id="pj-agenda")
        yield Static("", id="pj-status")

    def on_mount(self) -> None:
        self._read()
        self.set_interval(self.poll, self._poll)

    # -- following the store ----------------------------------------------------------------

    def _poll(self) -> None:
        from facilitator.store.follow import store_stamp

        if not self._reading and store_stamp(self.data_dir, self.slug) != self._stamp:
            self._read()
        self.redraw()

    def _read(self) -> None:
        self._reading = True
        self.run_worker(self._read_thread, thread=True, exit_on_error=False)

    def on_unmount(self) -> None:
        if self._follower is not None and not self._reading:
            self._follower.close()

    def _read_thread(self) -> None:
        from facilitator.store.follow import RoomFollower

        try:
            if self._follower is None:
                self._follower = RoomFollower(self.data_dir, self.slug, self.fixed_session)
            read = self._follower.read(self.now())
        except Exception as exc:  # noqa: BLE001 - mid-write, damaged or gone: shown, tried again
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._loaded, read)

    def _failed(self, exc: BaseException) -> None:
        self._reading = False
        self._stamp = None
        self._error = " ".join(str(exc).split()) or type(exc).__name__
        if self.read is None and isinstance(exc, LookupError):
            self.app.exit(2, return_code=2, message=f"facilitator: {self._error}")
            return
        self.add_class("-stale")
        self.query_one("#pj-status", Static).update(self.t("stale", error=self._error))

    def _loaded(self, read: Any) -> None:
        from facilitator.domain.schedule import choose_threshold
        from facilitator.tui.schedulectl import warn_setting

        self._reading = False
        self._stamp = read.stamp
        self._error = None
        self.remove_class("-stale")
        if self.threshold is None or self.read is None or self.read.plan is not read.plan:  # a new plan
            try:
                self.threshold = choose_threshold(self.warn, read.plan.workshop.warn, warn_setting())
            except ValueError:  # the command line checked --warn and the setting; the plan validated its own
                from facilitator.domain.schedule import DEFAULT_THRESHOLD

                self.threshold = DEFAULT_THRESHOLD
        self.read = read
        self.reads += 1
        when = dt.datetime.fromtimestamp(self.now(), self.tz).strftime("%H:%M:%S")
        self.query_one("#pj-status", Static).update(self.t("status", time=when))
        self.redraw()
        self.shown_at = time.monotonic()

    # -- drawing ----------------------------------------------------------------------------

    def redraw(self) -> None:
        if self.read is None:
            return
        from facilitator.domain import schedule as sch
        from facilitator.domain.room import public

        plan, clock = self.read.plan, self.read.clock
        session = plan.session(self.read.number)
        now = self.now()
        view = sch.countdown(session, clock, now, self.threshold, self.tz)
        view = dataclasses.replace(view, title=public(plan, view.title), prompt=public(plan, view.prompt) or None)
        plan_view = sch.schedule(session, clock, now, self.tz)
        hm = lambda m: sch.hhmm(m, self.tz)  # noqa: E731
        title = public(plan, session.title or plan.workshop.title)
        self._set("#pj-session", Text(self.t("session", code=plan.code_of(session), title=title), style="bold"))
        parts = []
        if plan_view.planned_start is not None:
            parts.append(self.t("planned", start=hm(plan_view.planned_start), end=hm(plan_view.planned_end)))
        if plan_view.state == "idle" and plan_view.planned_start is not None:
            parts.append(self.t("starts", time=hm(plan_view.planned_start)))
        if plan_view.expected_end is not None and plan_view.state != "done":
            parts.append(self.t("expected", end=hm(plan_view.expected_end)))
        delay = plan_view.delay_minutes
        if delay is not None and plan_view.state != "done":
            parts.append(self.t("on_time") if delay == 0 else
                         self.t("behind", n=delay) if delay > 0 else self.t("ahead", n=-delay))
        self._set("#pj-schedule", Text(" · ".join(parts)))
        self.query_one(Countdown).show(view)
        if plan_view.state == "done":
            nxt = self.t("ended")
        elif view.next_title is None:
            nxt = self.t("last")
        elif view.next_start is not None:
            nxt = self.t("next_at", title=public(plan, view.next_title), time=hm(view.next_start))
        else:
            nxt = self.t("next", title=public(plan, view.next_title))
        self._set("#pj-next", Text(nxt, style="bold"))
        rows = [s for s in plan_view.slots if s.status == "upcoming" and s.step != view.next_step]
        agenda = Text()
        if rows and plan_view.state != "done":
            agenda.append(self.t("agenda") + "\n", style="underline")
            for s in rows:
                agenda.append(self.t("agenda.row", time=hm(s.start), title=public(plan, s.title),
                                     minutes=s.minutes) + "\n")
        self._set("#pj-agenda", agenda)

    def _set(self, selector: str, text: Text) -> None:
        widget = self.query_one(selector, Static)
        if getattr(widget, "_pj_shown", None) != text.plain:
            widget._pj_shown = text.plain  # type: ignore[attr-defined]
            widget.update(text)

    def visible_text(self) -> str:
        """Everything the screen shows, as plain text (for tests)."""
        out = [str(getattr(self.query_one(s, Static), "_pj_shown", "")) for s in
               ("#pj-session", "#pj-schedule", "#pj-next", "#pj-agenda")]
        cd = self.query_one(Countdown)
        out += [cd.digits, cd.line_text()]
        for s in ("#cd-step", "#cd-question", "#cd-notice"):
            out.append(str(cd.query_one(s, Static).render()))
        out.append(str(self.query_one("#pj-status", Static).render()))
        return "\n".join(out)
