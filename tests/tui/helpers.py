"""Shared helpers for the TUI tests: a fresh workshop, a controllable clock, screen text."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from rich.console import Console

from facilitator.domain.plan import parse_plan
from facilitator.store.workshop import WorkshopStore

PLAN_PATH = Path(__file__).resolve().parents[2] / "tests" / "tui" / "plan.toml"
SLUG = "lombok-2026"


def plan_text() -> str:
    return PLAN_PATH.read_text(encoding="utf-8")


def make_workshop(data_dir: Path) -> str:
    text = plan_text()
    WorkshopStore.create(data_dir, parse_plan(text), text).close()
    return SLUG


class FakeClock:
    """Epoch seconds the test moves by hand."""

    def __init__(self, start: float = 1_772_544_600.0):  # 2026-03-03 13:30 UTC
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def make_app(data_dir: Path, slug: str | None = SLUG, session: int | None = 1, lang: str = "nl",
             clock: FakeClock | None = None, **kwargs: Any) -> Any:
    from facilitator.tui.app import FacilitatorApp

    app = FacilitatorApp(data_dir, slug, session, lang, now=clock or FakeClock(), bell=False, **kwargs)
    app.retry_interval = 3600.0  # retries are driven by the tests
    app.cursor_blink = False
    app.animation_level = "none"
    return app


def screen_text(app: Any) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def until(pilot: Any, condition: Any, seconds: float = 5.0, step: float = 0.05) -> bool:
    """Poll `condition` (pausing the app `step` s between tries) until it holds or `seconds` pass."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(step)
    return condition()


async def settle(pilot: Any) -> None:
    """Wait for the writer thread to finish (or fail), then for the screen to show it."""
    screen = pilot.app.screen
    writer = getattr(screen, "writer", None)
    await pilot.pause()
    if writer is not None:
        await asyncio.to_thread(writer.wait_idle, 5.0)
    await pilot.pause()
    await pilot.pause()


async def type_line(pilot: Any, line: str, enter: bool = True) -> None:
    capture = pilot.app.screen.query_one("#capture")
    capture.value = ""
    capture.insert_text_at_cursor(line)
    await pilot.pause()
    if enter:
        await pilot.press("enter")
        await pilot.pause()
