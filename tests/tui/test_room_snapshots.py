"""SVG snapshots of the projector view (frozen clock): within time, at the warning
threshold, over time, and on a small terminal (the countdown on one line)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from facilitator.domain.records import SessionClock, StepTiming
from facilitator.store.workshop import WorkshopStore
from facilitator.tui.projector import ProjectorApp

from .helpers import SLUG, FakeClock, make_workshop

T0 = FakeClock().t


async def read_once(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(250):
        if getattr(pilot.app.screen, "reads", 0):
            break
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.parametrize("name,minutes,size", [("running", 4, (100, 30)), ("warning", 13, (100, 30)),
                                               ("over", 17.5, (100, 30)), ("small", 13, (48, 14))])
def test_projector_snapshot(snap_compare, tmp_path: Path, name: str, minutes: float, size: tuple[int, int]) -> None:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.save_clock(SessionClock(session=1, started_at=T0 + 120, steps={0: StepTiming(start=T0 + 120)}))
    app = ProjectorApp(tmp_path, SLUG, 1, now=FakeClock(T0 + 120 + minutes * 60), tz=dt.timezone.utc, poll=3600)
    assert snap_compare(app, terminal_size=size, run_before=read_once)
