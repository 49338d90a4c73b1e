"""Going back a step is not a pause (acceptance: F7 then F6 showed "(waarvan 00:15 pauze)"
although nobody paused)."""

from __future__ import annotations

from facilitator.domain.records import SessionClock
from facilitator.live import clock as c


def test_going_back_to_a_step_is_not_counted_as_a_pause() -> None:
    k = SessionClock(session=1)
    k = c.toggle(k, 1000.0)  # F5: step 1 runs
    k = c.goto(k, 1, 1060.0, 3)  # F7 after a minute
    k = c.goto(k, 0, 1075.0, 3)  # F6 after 15 s in step 2
    assert c.session_paused(k, 1090.0) == 0.0
    assert c.step_elapsed(k, 0, 1090.0) == 75.0  # 60 s, then 15 s more after coming back
    assert c.step_elapsed(k, 1, 1090.0) == 15.0
    k = c.toggle(k, 1090.0)  # a real pause still counts
    assert c.session_paused(k, 1100.0) == 10.0
