"""The live screen opens a big session without a pass over its statements (issue 8, point 7):
the record asks for the rows it draws, and only those get an entry; scrolling makes more."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.domain.records import Statement
from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text, settle, type_line
from tests.live.test_lazy_rows import CountingView

N = 3000


async def test_opening_a_big_session_makes_only_the_rows_in_view(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.tui.screens import live as live_screen

    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.import_records(1, [Statement(session=1, step=0, speaker="wt1", kind="note", text=f"regel {i}")
                                 for i in range(N)])
    views: list[CountingView] = []
    real = WorkshopStore.statement_view

    def counting(self, session):  # type: ignore[no-untyped-def]
        views.append(CountingView(real(self, session)))
        return views[-1]

    monkeypatch.setattr(WorkshopStore, "statement_view", counting)
    monkeypatch.setattr(live_screen, "SPOKEN_SLICE", 0)  # who spoke: looked for later, not counted here
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert f"regel {N - 1}" in screen_text(app)
        made = len(screen.live.entries.known)
        assert made <= 30, sorted(e.base for e in screen.live.entries.known.values())  # the rows in view, not 3,000
        assert views[0].read <= 64 + 30, views[0].read
        await pilot.press("f8", "pageup", "pageup")
        await pilot.pause()
        row = screen.query_one("#record").cursor_row
        assert row < N - 30 and f"regel {row}" in screen_text(app)
        assert len(screen.live.entries.known) <= 100
        await pilot.press("escape")  # back to the capture line
        await type_line(pilot, "wt1: erbij")
        await settle(pilot)
        text = screen_text(app)
        assert "erbij" in text and screen.query_one("#record").row_count == N + 1, text
