"""The one rule for what a session's clock is doing, without importing pydantic
(the live screen's first frame comes before it is loaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.domain.records import SessionClock

State = Literal["idle", "running", "paused", "done"]


def clock_state(clock: SessionClock) -> State:
    """"done": the current step has ended (a session closed, or by another tool, e.g. the demo)."""
    if clock.started_at is None:
        return "idle"
    timing = clock.steps.get(clock.current_step)
    if timing is not None and timing.paused_at is not None:
        return "paused"
    if timing is not None and timing.end is not None:
        return "done"
    return "running"
