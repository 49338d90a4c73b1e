"""Opening from the home screen goes through the same locked-workshop flow as start-up."""

from __future__ import annotations

from pathlib import Path

from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text


async def wait_for(pilot, app, name: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if type(app.screen).__name__ == name:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"no {name}: {type(app.screen).__name__}")


async def test_locked_from_home_refused_goes_back_home_and_keeps_what_was_typed(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    holder = WorkshopStore.open(tmp_path, SLUG)  # another writer (the lock is per process too)
    try:
        app = make_app(tmp_path, slug=None, session=None)
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_for(pilot, app, "HomeScreen")
            await pilot.press("enter")
            await wait_for(pilot, app, "LockedScreen")
            await pilot.press(*"wt: al begonnen", "enter")
            await pilot.press("escape")  # refuse: back to the list, the app keeps running
            await wait_for(pilot, app, "HomeScreen")
            assert app.is_running and "lombok-2026" in screen_text(app)
            await pilot.press("enter")
            await wait_for(pilot, app, "LockedScreen")
            await pilot.press("f2")
            await wait_for(pilot, app, "LiveScreen")
            assert app.store.readonly
    finally:
        holder.close()
    rescue = list(tmp_path.glob(f"rescue-{SLUG}-1-*.txt"))
    assert len(rescue) == 1 and "wt: al begonnen" in rescue[0].read_text(encoding="utf-8")
