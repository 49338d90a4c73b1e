"""Read-only (the workshop open elsewhere): new lines of the writing copy show up."""

from __future__ import annotations

from pathlib import Path

from facilitator.domain.records import Statement
from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text


async def test_readonly_view_follows_the_writer(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as writer:  # the other copy, holding the lock
        writer.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text="eerste", themes=[],
                                       key=False))
        app = make_app(tmp_path, readonly=True)
        app.readonly_poll = 3600.0  # the test polls by hand (overrides the readonly_refresh setting)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            await pilot.pause()
            assert screen.store.readonly and "eerste" in screen_text(app)
            old = screen.store
            writer.add_statement(Statement(session=1, step=0, speaker="jw", kind="note", text="later getypt",
                                           themes=[], key=False))
            screen._poll_store()
            for _ in range(200):
                if "later getypt" in screen_text(app):
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            text = screen_text(app)
            assert "later getypt" in text and "eerste" in text
            assert "ALLEEN LEZEN" in text and "bijgewerkt" in text
            assert screen.store is old and app.store is old  # followed, not reopened
            screen._poll_store()  # nothing changed
            for _ in range(100):
                if not screen._reloading:
                    break
                await pilot.pause(0.02)
            assert not screen._reloading
