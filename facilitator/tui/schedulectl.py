"""The schedule's keys on the live screen: +5/-5 minutes on the current step, skipping
and moving a step, and the countdown beside the question.

A mixin for the live screen, which provides `session`, `clock`, `now()`, `_set_clock`
(saves the clock through the writer), `_readonly()`, `_refocus()` and `t`. The rules
are in facilitator.domain.schedule; this only words them. Keys are never printable
characters (on the live screen every printable key is typed into the capture line):

    Ctrl+↑ / Ctrl+↓          +5 / -5 minutes on the current step
    F11                      skip the step highlighted in the agenda (F2), else the next one;
                             again: take it back in (from the capture line too: F11 right
                             after F11 takes back the step it skipped, while the session is
                             still at the same step; to skip two steps, use the agenda)
    Ctrl+PgUp / Ctrl+PgDn    move that step one place earlier / later
"""

from __future__ import annotations

from typing import Any


from facilitator.tui.i18n import tr
from facilitator.i18n import section
from facilitator.tui.keys import bind

TEXT = section("tui.schedulectl")

# Priority: tables and lists scroll sideways with Ctrl+PgUp/PgDn; on the live screen these keys are the schedule's.
SCHEDULE_BINDINGS = [
    bind("ctrl+up", "extend(5)", "live.plus5", show=False, priority=True),
    bind("ctrl+down", "extend(-5)", "live.minus5", show=False, priority=True),
    bind("f11", "skip_step", "live.skip", show=False, priority=True),
    bind("ctrl+pageup", "move_step(-1)", "live.earlier", show=False, priority=True),
    bind("ctrl+pagedown", "move_step(1)", "live.later", show=False, priority=True),
]


def warn_setting() -> str | None:
    """The `warn_left` setting when it was set ($FACILITATOR_WARN_LEFT, the config file), else None
    (its default is the countdown's own; the plan's `warn` comes before it)."""
    from facilitator.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError:  # the app reported it at start; the countdown keeps its default
        return None
    return settings.warn_left if "warn_left" in settings.model_fields_set else None


class ScheduleActions:
    """Mixed into the live screen (see the module's docstring)."""

    _threshold: Any = None
    _skipped_by_f11: tuple[int, int] | None = None  # (step, the current step then): F11 again takes it back

    def ts(self, key: str, /, **values: object) -> str:
        return tr(TEXT, getattr(self, "lang", "nl"), key, **values)

    # -- the countdown and the schedule's summary -------------------------------------------

    @property
    def threshold(self) -> Any:
        from facilitator.domain.schedule import DEFAULT_THRESHOLD, choose_threshold

        if self._threshold is None:
            try:
                self._threshold = choose_threshold(None, self.plan.workshop.warn, warn_setting())  # type: ignore[attr-defined]
            except ValueError:
                self._threshold = DEFAULT_THRESHOLD
        return self._threshold

    def schedule_summary(self, now: float) -> str:
        """"12 min achter · einde ~15:42" for the clock bar ("" without a planned time)."""
        from facilitator.domain import schedule as sch

        plan = sch.schedule(self.session, self.clock, now)  # type: ignore[attr-defined]
        delay = plan.delay_minutes
        if delay is None or plan.state == "done":
            return ""
        words = self.ts("on_time") if delay == 0 else (self.ts("behind", n=delay) if delay > 0 else
                                                        self.ts("ahead", n=-delay))
        return f"{words} · {self.ts('end', time=sch.hhmm(plan.expected_end))}"

    def refresh_countdown(self, now: float) -> None:
        from facilitator.domain import schedule as sch
        from facilitator.tui.widgets.countdown import Countdown

        view = sch.countdown(self.session, self.clock, now, self.threshold)  # type: ignore[attr-defined]
        self.query_one(Countdown).show(view)  # type: ignore[attr-defined]

    def on_countdown_crossed(self, event: Any) -> None:
        """The threshold reached: a notice (going over time has the screen's own alarm)."""
        if event.level == "warning":
            self.notify(self.ts("warn", n=event.step + 1, text=event.text), severity="warning",  # type: ignore[attr-defined]
                        timeout=8)

    # -- changing the schedule ---------------------------------------------------------------

    def _target(self) -> int | None:
        """The agenda's highlighted step while the agenda has focus, else the next step."""
        from facilitator.domain import schedule as sch
        from facilitator.tui.widgets.agenda import AgendaList

        agenda = self.query_one(AgendaList)  # type: ignore[attr-defined]
        if agenda.has_focus and agenda.highlighted is not None:
            return agenda.step_at(agenda.highlighted)
        return sch.next_step(self.session, self.clock)  # type: ignore[attr-defined]

    def _skip_target(self) -> int | None:
        """F11's step: as `_target`, except that outside the agenda F11 right after F11 is the
        step just skipped (the next step is another one by then: it was skipped again)."""
        from facilitator.domain import schedule as sch
        from facilitator.tui.widgets.agenda import AgendaList

        last, self._skipped_by_f11 = self._skipped_by_f11, None
        clock = self.clock  # type: ignore[attr-defined]
        if (last is not None and not self.query_one(AgendaList).has_focus  # type: ignore[attr-defined]
                and last[1] == clock.current_step and last[0] in sch.skipped(clock)):
            return last[0]
        return self._target()

    def _change(self, make: Any, said: Any) -> None:
        from facilitator.domain.schedule import ScheduleRefused

        if self._readonly():  # type: ignore[attr-defined]
            return
        try:
            clock = make()
        except ScheduleRefused as refused:
            self.notify(self.ts(f"refused.{refused.reason}"), severity="warning", timeout=4)  # type: ignore[attr-defined]
            return
        self._set_clock(clock)  # type: ignore[attr-defined]
        self.notify(said(clock), timeout=3)  # type: ignore[attr-defined]

    def action_extend(self, delta: int) -> None:
        from facilitator.domain import schedule as sch

        if not getattr(self, "ready", False):
            self._readonly()  # type: ignore[attr-defined]  # says "opening…"
            return
        step = self.clock.current_step  # type: ignore[attr-defined]
        self._change(lambda: sch.extend(self.session, self.clock, delta, self.now()),  # type: ignore[attr-defined]
                     lambda c: self.ts("extended", n=step + 1, minutes=sch.minutes(self.session, c, step),  # type: ignore[attr-defined]
                                       delta=c.changes[-1].minutes))

    def action_skip_step(self) -> None:
        from facilitator.domain import schedule as sch

        if not getattr(self, "ready", False):
            self._readonly()  # type: ignore[attr-defined]
            return
        step = self._skip_target()
        if step is None:
            self.notify(self.ts("refused.none"), severity="warning", timeout=4)  # type: ignore[attr-defined]
            return
        title = self.session.agenda[step].title  # type: ignore[attr-defined]
        self._change(lambda: sch.toggle_skip(self.session, self.clock, step, self.now()),  # type: ignore[attr-defined]
                     lambda c: self.ts("skipped" if step in sch.skipped(c) else "unskipped", n=step + 1, title=title))
        if step in sch.skipped(self.clock):  # type: ignore[attr-defined]
            self._skipped_by_f11 = (step, self.clock.current_step)  # type: ignore[attr-defined]

    def action_move_step(self, delta: int) -> None:
        from facilitator.domain import schedule as sch
        from facilitator.tui.widgets.agenda import AgendaList

        if not getattr(self, "ready", False):
            self._readonly()  # type: ignore[attr-defined]
            return
        step = self._target()
        if step is None:
            self.notify(self.ts("refused.none"), severity="warning", timeout=4)  # type: ignore[attr-defined]
            return
        agenda = self.query_one(AgendaList)  # type: ignore[attr-defined]
        self._change(lambda: sch.move(self.session, self.clock, step, delta, self.now()),  # type: ignore[attr-defined]
                     lambda c: self.ts("moved", n=step + 1, place=sch.order(self.session, c).index(step) + 1))  # type: ignore[attr-defined]
        if agenda.has_focus:  # the highlight follows the moved step
            agenda.call_after_refresh(agenda.highlight_step, step)
