"""WorkshopData: everything recorded for a workshop, as one pure value.

The store produces it (`WorkshopStore.snapshot()`); exports and overviews
consume it. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.domain.plan import Plan, Theme
from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement


@dataclass(frozen=True)
class WorkshopData:
    plan: Plan
    themes: list[Theme]  # the plan's themes, then those created while tagging
    statements: list[Statement]  # ordered by (session, seq)
    actions: list[Action]  # ordered by (session, seq)
    attendance: dict[int, list[str]] = field(default_factory=dict)  # session -> declared keys
    clocks: dict[int, SessionClock] = field(default_factory=dict)  # session -> clock
    findings: list[Finding] = field(default_factory=list)  # in report order
    report: ReportText = field(default_factory=ReportText)

    def session_statements(self, number: int) -> list[Statement]:
        return [s for s in self.statements if s.session == number]

    def session_actions(self, number: int) -> list[Action]:
        return [a for a in self.actions if a.session == number]

    def theme_label(self, key: str) -> str:
        for t in self.themes:
            if t.key == key:
                return t.label
        return key

    def is_held(self, number: int) -> bool:
        """A session counts as held once anything was recorded or its clock started."""
        clock = self.clocks.get(number)
        return bool(
            (clock is not None and clock.started_at is not None)
            or self.attendance.get(number)
            or any(s.session == number for s in self.statements)
            or any(a.session == number for a in self.actions)
        )

    def held_sessions(self) -> list[int]:
        return [s.number for s in sorted(self.plan.sessions, key=lambda s: s.number) if self.is_held(s.number)]

    def next_session(self, now: float | None = None) -> int:
        """The session to run: one whose clock is still running and was active in the
        last RESUME_HOURS before `now` (a restart mid-session comes back to it); else
        the first (by number) not yet held; the last one if all were."""
        numbers = sorted(s.number for s in self.plan.sessions)
        if now is not None:
            recent = [(last, n) for n, clock in self.clocks.items()
                      if _running(clock) and (last := _last_activity(clock)) >= now - RESUME_HOURS * 3600]
            if recent:
                return max(recent)[1]
        held = set(self.held_sessions())
        return next((n for n in numbers if n not in held), numbers[-1])


RESUME_HOURS = 12


def _running(clock: SessionClock) -> bool:
    """Started, and its current step has not ended."""
    if clock.started_at is None:
        return False
    timing = clock.steps.get(clock.current_step)
    return timing is None or timing.end is None


def _last_activity(clock: SessionClock) -> float:
    moments = [clock.started_at or 0.0]
    for t in clock.steps.values():
        moments += [m for m in (t.start, t.end, t.paused_at, t.seen) if m is not None]
    return max(moments)
