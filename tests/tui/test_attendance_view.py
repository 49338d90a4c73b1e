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
