"""The session's schedule: planned and expected clock times per agenda step, how far
the session runs behind or ahead, and the changes made to it during the session
(+5/-5 minutes on a step, skipping a step, moving a step).

Pure: every function takes the plan's session, the clock record and `now` (epoch
seconds) and never reads a clock or a file. Changes are recorded in the clock
record (`SessionClock.changes`, oldest first) and replayed here; an operation
returns a new SessionClock (the caller saves it with `WorkshopStore.save_clock`)
or raises ScheduleRefused with a reason key the interface words.

Decisions where the issue is silent:

- The planned schedule starts at the plan's `start` time on the day the clock
  started (a session run on another day than planned, such as a rehearsal, is
  compared with the time it was meant to start that day); before the clock starts,
  on the plan's date. Without a `start` it starts when the clock started.
- Planned times follow the plan's order and minutes; expected times follow the
  running order (after moves) and the adjusted minutes, from what really happened:
  done steps at their actual times, the current step ending when its (adjusted)
  time is up (or now, when it is over time), the steps after it one after another.
- "Behind/ahead" is the expected end of the session minus its planned end: a
  step that ran over, a late start and a +5 all count; a skipped step wins time.
- "Behind/ahead" is only said on the session's day: from DAY_WINDOW (12 hours)
  before its planned start to DAY_WINDOW after its planned end (a session that
  runs past midnight keeps it). Opened on another day (before the clock starts,
  on a day other than the plan's date; or the day after a session that was left
  paused), the comparison with today's clock would be nonsense ("1440 min
  achter"): `delay` is None and the screens leave it out.
- +5/-5 change a step's time box; it never goes under one minute, and a done
  step cannot change. Only a step that has not started can be skipped or moved,
  and never to before the current step.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from facilitator.domain.records import ScheduleChange, SessionClock

if TYPE_CHECKING:
    from facilitator.domain.plan import Session

EXTEND_MINUTES = 5
MIN_MINUTES = 1

from facilitator.domain.clock_state import State, clock_state  # noqa: E402 - one rule, shared with the live clock
Status = Literal["done", "current", "upcoming", "skipped"]
Level = Literal["ok", "warning", "over"]

DAY_WINDOW = 12 * 3600.0  # seconds around the planned session in which behind/ahead is said


class ScheduleRefused(ValueError):
    """An operation that does not apply; `reason` is a key the interface words:
    "done" (the step is done), "minimum" (already at one minute), "started" (a step
    that started cannot be skipped or moved), "edge" (no place to move it to),
    "current" (the current step)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# -- the clock's state (the same rules as the live screen's clock) ----------------------


def step_elapsed(clock: SessionClock, step: int, now: float) -> float:
    timing = clock.steps.get(step)
    return timing.elapsed(now) if timing is not None else 0.0


def _started(clock: SessionClock, step: int) -> bool:
    timing = clock.steps.get(step)
    return timing is not None and timing.start is not None


# -- replaying the changes ----------------------------------------------------------------


def adjustments(clock: SessionClock) -> dict[int, int]:
    """Minutes added (+) or taken (-) per step, summed over the recorded changes."""
    out: dict[int, int] = {}
    for change in clock.changes:
        if change.kind == "extend":
            out[change.step] = out.get(change.step, 0) + change.minutes
    return out


def minutes(session: Session, clock: SessionClock, step: int) -> int:
    """A step's time box after +5/-5 (never under one minute)."""
    planned = session.agenda[step].minutes
    return max(MIN_MINUTES, planned + adjustments(clock).get(step, 0))


def skipped(clock: SessionClock) -> set[int]:
    out: set[int] = set()
    for change in clock.changes:
        if change.kind == "skip":
            out.add(change.step)
        elif change.kind == "unskip":
            out.discard(change.step)
    return out


def order(session: Session, clock: SessionClock) -> list[int]:
    """The running order: agenda indices after the recorded moves."""
    count = len(session.agenda)
    out = list(range(count))
    for change in clock.changes:
        if change.kind == "move" and 0 <= change.step < count and change.to is not None:
            out.remove(change.step)
            out.insert(max(0, min(count - 1, change.to)), change.step)
    return out


def status(clock: SessionClock, step: int, skip: set[int] | None = None) -> Status:
    if step == clock.current_step:
        return "current"
    timing = clock.steps.get(step)
    if timing is not None and timing.end is not None:
        return "done"
    if step in (skipped(clock) if skip is None else skip) and not _started(clock, step):
        return "skipped"
    return "upcoming"


def next_step(session: Session, clock: SessionClock) -> int | None:
    """The step after the current one in the running order, skipped steps left out."""
    run, skip = order(session, clock), skipped(clock)
    here = run.index(clock.current_step) if clock.current_step in run else -1
    return next((s for s in run[here + 1:] if s not in skip or _started(clock, s)), None)


def prev_step(session: Session, clock: SessionClock) -> int | None:
    run, skip = order(session, clock), skipped(clock)
    here = run.index(clock.current_step) if clock.current_step in run else len(run)
    return next((s for s in reversed(run[:here]) if s not in skip or _started(clock, s)), None)


# -- changing the schedule -------------------------------------------------------------------


def _with(clock: SessionClock, change: ScheduleChange) -> SessionClock:
    return clock.model_copy(update={"changes": [*clock.changes, change]}, deep=True)


def extend(session: Session, clock: SessionClock, delta: int, now: float, step: int | None = None) -> SessionClock:
    """+delta minutes (negative: fewer) on a step, the current one by default."""
    step = clock.current_step if step is None else step
    if status(clock, step) == "done":
        raise ScheduleRefused("done")
    current = minutes(session, clock, step)
    if delta == 0 or (delta < 0 and current <= MIN_MINUTES):
        raise ScheduleRefused("minimum")
    # What is recorded is what the step really gets: -5 on a 3-minute step takes 2.
    applied = max(MIN_MINUTES, current + delta) - current
    return _with(clock, ScheduleChange(kind="extend", step=step, minutes=applied, at=now))


def toggle_skip(session: Session, clock: SessionClock, step: int, now: float) -> SessionClock:
    """Leave a step that has not started out of the schedule, or take it back in."""
    if not 0 <= step < len(session.agenda):
        raise ScheduleRefused("edge")
    if step == clock.current_step:
        raise ScheduleRefused("current")
    if _started(clock, step):
        raise ScheduleRefused("started")
    if step not in skipped(clock):
        return _with(clock, ScheduleChange(kind="skip", step=step, at=now))
    clock = _with(clock, ScheduleChange(kind="unskip", step=step, at=now))
    run = order(session, clock)
    if clock.current_step in run and run.index(step) < run.index(clock.current_step):
        # Passed over while skipped: taken back in, it comes right after the current step.
        run.remove(step)
        clock = _with(clock, ScheduleChange(kind="move", step=step, to=run.index(clock.current_step) + 1, at=now))
    return clock


def move(session: Session, clock: SessionClock, step: int, delta: int, now: float) -> SessionClock:
    """Move a step that has not started `delta` places in the running order (-1 earlier,
    +1 later); never to before the current step."""
    if not 0 <= step < len(session.agenda):
        raise ScheduleRefused("edge")
    if step == clock.current_step:
        raise ScheduleRefused("current")
    if _started(clock, step):
        raise ScheduleRefused("started")
    run = order(session, clock)
    here = run.index(step)
    to = here + delta
    floor = run.index(clock.current_step) + 1 if clock.current_step in run else 0
    if delta == 0 or not floor <= to < len(run):
        raise ScheduleRefused("edge")
    return _with(clock, ScheduleChange(kind="move", step=step, to=to, at=now))


def upcoming(session: Session, clock: SessionClock) -> int | None:
    """The step +skip/move act on when none is chosen: the next one to come."""
    return next_step(session, clock)


# -- the schedule --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One agenda step in the schedule. Times are epoch seconds (None: not known)."""

    step: int  # index into the agenda
    title: str
    prompt: str | None
    planned_minutes: int
    minutes: int  # after +5/-5
    status: Status
    planned_start: float | None
    planned_end: float | None
    start: float | None  # actual once started, else expected
    end: float | None  # actual once done, else expected
    actual: float | None  # seconds spent, pauses excluded; None if it never started

    @property
    def adjusted(self) -> bool:
        return self.minutes != self.planned_minutes


@dataclass(frozen=True)
class Schedule:
    slots: list[Slot]  # in the running order
    current: int
    state: State
    planned_start: float | None
    planned_end: float | None
    expected_end: float | None
    changes: int  # schedule changes recorded
    on_day: bool = True  # `now` is on the session's day (see the module's decisions)

    def slot(self, step: int) -> Slot:
        return next(s for s in self.slots if s.step == step)

    @property
    def delay(self) -> float | None:
        """Seconds behind (+) or ahead (-) of the plan; None without a planned time, or
        when `now` is not on the session's day."""
        if self.planned_end is None or self.expected_end is None or not self.on_day:
            return None
        return self.expected_end - self.planned_end

    @property
    def delay_minutes(self) -> int | None:
        """The delay in whole minutes, rounded half away from zero (12.5 -> 13, -12.5 -> -13)."""
        delay = self.delay
        if delay is None:
            return None
        m = int(abs(delay) / 60 + 0.5)
        return m if delay >= 0 else -m


def anchor(session: Session, clock: SessionClock, tz: dt.tzinfo | None = None) -> float | None:
    """When the plan says the session starts (epoch seconds), see the module's decisions."""
    if session.start is None:
        return clock.started_at
    if clock.started_at is not None:
        day = dt.datetime.fromtimestamp(clock.started_at, tz).date()
    else:
        day = session.date
    moment = dt.datetime.combine(day, session.start)
    return (moment.replace(tzinfo=tz) if tz is not None else moment).timestamp()


def schedule(session: Session, clock: SessionClock, now: float, tz: dt.tzinfo | None = None) -> Schedule:
    count = len(session.agenda)
    skip = skipped(clock)
    run = order(session, clock)
    state = clock_state(clock)
    start = anchor(session, clock, tz)
    planned: dict[int, tuple[float | None, float | None]] = {}
    t = start
    for i, step in enumerate(session.agenda):
        end = t + step.minutes * 60 if t is not None else None
        planned[i] = (t, end)
        t = end
    planned_end = t

    boxes = {i: minutes(session, clock, i) for i in range(count)}
    times: dict[int, tuple[float | None, float | None]] = {}
    current = clock.current_step
    cursor: float | None
    if state == "idle":
        cursor = max(now, start) if start is not None else None
    else:
        timing = clock.steps.get(current)
        elapsed = step_elapsed(clock, current, now)
        if state == "done":
            cursor = timing.end if timing is not None else now
        else:
            cursor = now + max(0.0, boxes[current] * 60 - elapsed)
        times[current] = (timing.start if timing is not None else now, cursor)
    for i in range(count):  # done steps: what really happened
        timing = clock.steps.get(i)
        if i != current and timing is not None and timing.start is not None:
            times[i] = (timing.start, timing.end if timing.end is not None else now)
    projecting = state != "done"
    for i in run:
        if i in times or (i in skip):
            continue
        if not projecting:
            times[i] = (None, None)
            continue
        begin = cursor
        cursor = cursor + boxes[i] * 60 if cursor is not None else None
        times[i] = (begin, cursor)
    expected_end = cursor
    if state == "done":
        ends = [e for s, e in times.values() if e is not None]
        expected_end = max(ends) if ends else None

    slots = []
    for i in run:
        step = session.agenda[i]
        begin, end = times.get(i, (None, None))
        slots.append(Slot(
            step=i, title=step.title, prompt=step.prompt, planned_minutes=step.minutes, minutes=boxes[i],
            status=status(clock, i, skip), planned_start=planned[i][0], planned_end=planned[i][1],
            start=begin, end=end, actual=step_elapsed(clock, i, now) if _started(clock, i) else None))
    on_day = start is None or planned_end is None or start - DAY_WINDOW <= now <= planned_end + DAY_WINDOW
    return Schedule(slots=slots, current=current, state=state, planned_start=start, planned_end=planned_end,
                    expected_end=expected_end, changes=len(clock.changes), on_day=on_day)


# -- the countdown -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """When the countdown warns: `minutes` left, or `percent` of the step's time left."""

    minutes: float | None = None
    percent: float | None = None

    def seconds(self, total: float) -> float:
        if self.minutes is not None:
            return self.minutes * 60
        return total * (self.percent or 0) / 100

    def __str__(self) -> str:
        if self.minutes is not None:
            return f"{self.minutes:g} min"
        return f"{self.percent:g}%"


DEFAULT_THRESHOLD = Threshold(percent=20)  # what the live screen always did: orange at 80 %
_THRESHOLD = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(%|m|min|mins|minutes|minuten)?\s*$", re.IGNORECASE)


def parse_threshold(text: str) -> Threshold:
    """"20%" (percent of the step's time left) or "2 min" / "2m" / "2" (minutes left).
    Raises ValueError with a one-line message (a `Message`: `str()` is English,
    `exc.args[0].render(lang)` the interface language)."""
    from facilitator.i18n import Message

    m = _THRESHOLD.match(text or "")
    if not m:
        raise ValueError(Message("schedule.threshold_unreadable", got=repr(text)))
    value = float(m.group(1).replace(",", "."))
    if m.group(2) == "%":
        if not 0 < value < 100:
            raise ValueError(Message("schedule.threshold_percent", got=repr(text)))
        return Threshold(percent=value)
    if not 0 < value <= 600:
        raise ValueError(Message("schedule.threshold_minutes", got=repr(text)))
    return Threshold(minutes=value)


def level(left: float, total: float, threshold: Threshold = DEFAULT_THRESHOLD) -> Level:
    if left < 0:
        return "over"
    if left <= threshold.seconds(total):
        return "warning"
    return "ok"


@dataclass(frozen=True)
class Countdown:
    """What the room sees of the current step."""

    step: int
    position: int  # 1-based place in the running order
    count: int  # steps in the schedule (skipped ones left out)
    title: str
    prompt: str | None
    state: State
    total: float  # seconds in the (adjusted) time box
    left: float  # seconds left; negative: over time by that much
    level: Level
    next_step: int | None
    next_title: str | None
    next_start: float | None  # expected clock time, epoch seconds
    delay_minutes: int | None
    expected_end: float | None
    planned_start: float | None


def countdown(session: Session, clock: SessionClock, now: float, threshold: Threshold = DEFAULT_THRESHOLD,
              tz: dt.tzinfo | None = None) -> Countdown:
    plan = schedule(session, clock, now, tz)
    step = clock.current_step
    slot = plan.slot(step)
    total = slot.minutes * 60.0
    left = total - step_elapsed(clock, step, now)
    follow = next_step(session, clock)
    nxt = plan.slot(follow) if follow is not None else None
    held = [s for s in plan.slots if s.status != "skipped"]
    position = next((i for i, s in enumerate(held) if s.step == step), 0) + 1
    lvl = level(left, total, threshold) if plan.state in ("running", "paused") else "ok"
    return Countdown(step=step, position=position, count=len(held), title=slot.title, prompt=slot.prompt,
                     state=plan.state, total=total, left=left, level=lvl, next_step=follow,
                     next_title=nxt.title if nxt else None, next_start=nxt.start if nxt else None,
                     delay_minutes=plan.delay_minutes, expected_end=plan.expected_end,
                     planned_start=plan.planned_start)


def clock_text(seconds: float) -> str:
    """Time left as the room reads it: "12:34", "1:05:00"; over time "+03:12".
    Whole seconds, counting down: 12.3 s left shows 00:13 until it reaches 12."""
    over = seconds < 0
    whole = int(-seconds) if over else int(-(-seconds // 1))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    text = f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
    return ("+" if over else "") + text


def hhmm(moment: float | None, tz: dt.tzinfo | None = None) -> str:
    if moment is None:
        return "--:--"
    return dt.datetime.fromtimestamp(moment, tz).strftime("%H:%M")


def choose_threshold(option: str | None, plan_value: str | None, setting: str | None) -> Threshold:
    """The warning threshold: the command line's, else the plan's (`workshop.warn`), else the
    setting (`warn_left`: $FACILITATOR_WARN_LEFT or the config file, when set there), else
    20 % of the step's time left. Raises ValueError."""
    for value in (option, plan_value, setting):
        if value is not None and value.strip():
            return parse_threshold(value)
    return DEFAULT_THRESHOLD
