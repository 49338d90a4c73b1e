"""Pure clock operations on a SessionClock (no Textual, no I/O).

Every function takes the clock and `now` (epoch seconds) and returns a new
SessionClock; the caller saves it with `WorkshopStore.save_clock`. A step's
time excludes pauses; the session's time is wall time since it started.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the live screen's first frame comes before pydantic is imported
    from facilitator.domain.records import SessionClock, StepTiming

from facilitator.domain.clock_state import State, clock_state  # noqa: E402


state = clock_state


def _copy(clock: SessionClock) -> SessionClock:
    return clock.model_copy(deep=True)


def _timing(clock: SessionClock, step: int) -> StepTiming:
    from facilitator.domain.records import StepTiming

    return clock.steps.setdefault(step, StepTiming())


def toggle(clock: SessionClock, now: float) -> SessionClock:
    """Start the session, or pause it, or resume it."""
    clock = _copy(clock)
    current = state(clock)
    t = _timing(clock, clock.current_step)
    if current == "idle":
        clock.started_at = now
        _open(t, now)
    elif current == "done":
        _open(t, now)
    elif current == "running":
        if t.start is None:
            t.start = now
        t.paused_at = now
    else:
        _resume(t, now)
    return clock


def goto(clock: SessionClock, step: int, now: float, count: int) -> SessionClock:
    """Make `step` current: the old step ends, the new one starts (or reopens).
    A paused clock stays paused: the new step starts paused (F5 resumes it)."""
    step = max(0, min(count - 1, step))
    if step == clock.current_step:
        return clock
    paused = state(clock) == "paused"
    clock = _copy(clock)
    if clock.started_at is not None:
        old = _timing(clock, clock.current_step)
        _resume(old, now)
        if old.start is not None and old.end is None:
            old.end = now
        new = _timing(clock, step)
        _open(new, now)
        if paused:
            new.paused_at = now
    clock.current_step = step
    return clock


def _resume(t: StepTiming, now: float) -> None:
    if t.paused_at is not None:
        t.paused += max(0.0, now - t.paused_at)
        t.paused_at = None


def _open(t: StepTiming, now: float) -> None:
    if t.start is None:
        t.start = now
    elif t.end is not None:  # back to a done step: its time goes on from where it stopped
        t.away += max(0.0, now - t.end)  # the time in other steps is not the session's pause
        t.end = None


def seen(clock: SessionClock, now: float) -> SessionClock:
    """The clock to save: a running step marked as seen running at `now`."""
    if state(clock) != "running":
        return clock
    clock = _copy(clock)
    _timing(clock, clock.current_step).seen = now
    return clock


def end(clock: SessionClock, now: float) -> SessionClock:
    """End the session: the current step ends at `now` (a pause folded in) and the
    clock stops ("done"). A session never started is started and ended at once, so it
    counts as held."""
    clock = _copy(clock)
    if clock.started_at is None:
        clock.started_at = now
    t = _timing(clock, clock.current_step)
    _resume(t, now)
    if t.start is None:
        t.start = now
    if t.end is None:
        t.end = now
    t.seen = None
    return clock


def session_paused(clock: SessionClock, now: float) -> float:
    """Seconds of the session's time spent paused (all steps, the current pause included)."""
    total = 0.0
    for t in clock.steps.values():
        total += t.paused
        if t.paused_at is not None:
            total += max(0.0, now - t.paused_at)
    return total


def step_elapsed(clock: SessionClock, step: int, now: float) -> float:
    t = clock.steps.get(step)
    return t.elapsed(now) if t else 0.0


def session_elapsed(clock: SessionClock, now: float) -> float:
    if clock.started_at is None:
        return 0.0
    timing = clock.steps.get(clock.current_step)
    if state(clock) == "done" and timing is not None and timing.end is not None:
        now = timing.end
    return max(0.0, now - clock.started_at)


def level(elapsed: float, planned_minutes: int) -> Literal["ok", "warning", "over"]:
    """"warning" when 20% of the step's time is left, "over" past it."""
    planned = planned_minutes * 60
    if elapsed > planned:
        return "over"
    if elapsed >= 0.8 * planned:
        return "warning"
    return "ok"


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds)
    sign = "-" if seconds < 0 else ""
    m, s = divmod(abs(seconds), 60)
    return f"{sign}{m:02d}:{s:02d}" if m < 100 else f"{sign}{m // 60}h{m % 60:02d}"
