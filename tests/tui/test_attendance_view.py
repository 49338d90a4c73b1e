"""The attendance panel shows seats that spoke as present; an `aanwezig:` line is confirmed."""

from __future__ import annotations

from pathlib import Path

from .helpers import make_app, make_workshop, screen_text, settle, type_line


async def test_seat_that_spoke_shows_present(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "wt2: ik zeg iets")
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        line = next(l for l in screen_text(app).splitlines() if "wt2 " in l and "[" in l)
        assert "[x]" in line and "(sprak)" in line, line
        line = next(l for l in screen_text(app).splitlines() if "wt1 " in l and "[" in l)
        assert "[ ]" in line and "(sprak)" not in line


async def test_attendance_line_is_confirmed(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "aanwezig: wt1 jw1 bib bib")
        await pilot.pause()
        assert "Aanwezig: wt1, jw1, 2× bib" in [n.message for n in app._notifications]


async def test_a_seat_that_spoke_before_the_app_opened_shows_present(tmp_path: Path) -> None:
    """Who spoke is no longer read at open (no pass over every statement): it is looked
    for a slice at a time when idle, and the panel shows it then (also among 1,200 rows)."""
    from facilitator.domain.records import Statement
    from facilitator.store.workshop import WorkshopStore

    from .helpers import SLUG

    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.import_records(1, [Statement(session=1, step=0, speaker="jw1" if i == 3 else "wt", kind="note",
                                           text=f"regel {i}") for i in range(1200)])
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.live.spoken_scanned:
                break
        await pilot.pause()
        line = next(l for l in screen_text(app).splitlines() if "jw1 " in l and "[" in l)
        assert "[x]" in line and "(sprak)" in line, line
