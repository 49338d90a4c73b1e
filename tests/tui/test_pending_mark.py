"""A line typed just after start-up loses its pending mark once it is saved."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from facilitator.store.workshop import WorkshopStore

from .helpers import make_app, make_workshop, screen_text, settle, type_line


async def test_pending_mark_goes_when_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_workshop(tmp_path)
    gate = threading.Event()
    real_open = WorkshopStore.open.__func__

    def slow_open(cls, *args, **kwargs):
        assert gate.wait(10)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(WorkshopStore, "open", classmethod(slow_open))
    app = make_app(tmp_path, background_open=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await type_line(pilot, "wt: vroeg getypt")
        gate.set()
        for _ in range(200):
            if screen.ready:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        await settle(pilot)
        line = next(l for l in screen_text(app).splitlines() if "vroeg getypt" in l)
        assert "… vroeg" not in line, line


async def test_pending_mark_goes_in_a_scrolled_record(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, "lombok-2026") as store:
        from facilitator.domain.records import Statement

        for i in range(30):
            store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=f"oud {i}",
                                          themes=[], key=False))
    app = make_app(tmp_path, background_open=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        for _ in range(200):
            if screen.ready:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        await type_line(pilot, "wt: net na de start")
        await settle(pilot)
        assert screen.query_one("#record").scroll_offset.y > 0
        line = next(l for l in screen_text(app).splitlines() if "net na de start" in l)
        assert "… net" not in line, line
