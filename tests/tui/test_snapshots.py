"""SVG snapshots of the home and live screens with the demo workshop (frozen clock, no blink)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import FakeClock, make_app


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    from facilitator.demo import build_demo

    monkeypatch.chdir(tmp_path)
    data_dir = Path("sessions")  # relative: the home screen shows it, so it must not vary
    return data_dir, build_demo(data_dir)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_home_snapshot(snap_compare, demo: tuple[Path, str], size: tuple[int, int]) -> None:
    data_dir, _slug = demo
    assert snap_compare(make_app(data_dir, slug=None, session=None), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_live_snapshot(snap_compare, demo: tuple[Path, str], size: tuple[int, int]) -> None:
    data_dir, slug = demo
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, slug, readonly=True) as store:
        clock = store.clock(1)
    frozen = FakeClock((clock.started_at or 1_772_544_600.0) + 25 * 60)
    assert snap_compare(make_app(data_dir, slug=slug, session=1, clock=frozen), terminal_size=size)


def test_facilitator_seat_snapshot(snap_compare, demo: tuple[Path, str]) -> None:
    """The facilitator's seat of two (`run --seat facilitator`): the note-taker's keys (F9, F12,
    Ctrl+Z) dim in the key bar, no capture line to type in, no local names."""
    data_dir, slug = demo
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, slug, readonly=True) as store:
        clock = store.clock(1)
    frozen = FakeClock((clock.started_at or 1_772_544_600.0) + 25 * 60)

    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        for _ in range(250):
            if getattr(pilot.app.screen, "ready", False):
                break
            await pilot.pause(0.02)
        await pilot.pause()

    app = make_app(data_dir, slug=slug, session=1, clock=frozen, seat="facilitator")
    assert snap_compare(app, terminal_size=(160, 45), run_before=opened)
